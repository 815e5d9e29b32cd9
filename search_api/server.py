"""Run the application with uvicorn (`unioncat serve`, `unioncat demo`).

The address is bound here first (`bind`), so the URL printed is the one that
answers (`--port 0` picks a free port; an IPv6 address is written in brackets),
and a taken port is found before `unioncat demo` spends time building.
"""

from __future__ import annotations

import errno
import socket

import uvicorn

from config.errors import UnioncatError
from config.settings import Settings
from index.search import SearchIndex
from search_api.app import create_app
from store.catalog import CatalogStore

ANY_ADDRESS = {"0.0.0.0", "::", ""}


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def bind(settings: Settings, host: str | None = None, port: int | None = None) -> socket.socket:
    """A listening socket on `host`:`port` (default: `[api]`); UnioncatError when it cannot be had."""
    host = host or settings.api.host
    port = settings.api.port if port is None else port
    wanted = f"http://{_url_host(host)}:{port}/"
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP,
                                   flags=socket.AI_PASSIVE)
        # IPv4 first, as uvicorn binds a name: "localhost" resolving to ::1 first must not leave
        # http://127.0.0.1 unanswered.
        family, kind, proto, _, address = min(found, key=lambda info: info[0] != socket.AF_INET)
        return _listening(family, kind, proto, address)
    except socket.gaierror as exc:
        raise UnioncatError(f"could not serve on {wanted}: {host!r} is not an address or name this machine "
                            f"knows ({exc.strerror}); choose --host or [api] host") from None
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UnioncatError(f"could not serve on {wanted}: {host} is not an address of this machine; "
                                "choose --host or [api] host") from None
        why = "the port is taken (another `unioncat serve`?)" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise UnioncatError(f"could not serve on {wanted}: {why or exc}; choose --port or [api] port "
                            "(0: any free port)") from None


def _listening(family: int, kind: int, proto: int, address: tuple) -> socket.socket:
    """A listening TCP socket whose protocol is IPPROTO_TCP, not 0 as `socket.create_server` makes it.

    asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose socket
    says IPPROTO_TCP; with it on, every answer after the first on a kept-alive connection
    waited 40 ms for the client's delayed ACK (44 ms per search instead of 1).
    """
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(address)
        sock.listen(socket.SOMAXCONN)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    """The address a bound socket answers on, as a URL a browser takes."""
    host, port = sock.getsockname()[:2]
    url = f"http://{_url_host(host)}:{port}/"
    if host in ANY_ADDRESS:
        local = "[::1]" if ":" in host else "127.0.0.1"
        return f"{url} (every address of this machine; on it, http://{local}:{port}/)"
    return url


def serve(settings: Settings, store: CatalogStore, search_index: SearchIndex,
          host: str | None = None, port: int | None = None, sock: socket.socket | None = None) -> None:
    """Serve until interrupted on `sock`, or on `host`:`port` (default: `[api]` settings)."""
    app = create_app(settings, store, search_index)
    sock = sock or bind(settings, host, port)
    try:
        server = uvicorn.Server(uvicorn.Config(app, log_level="info", proxy_headers=True))
        server.run(sockets=[sock])
    except SystemExit as exc:
        # uvicorn exits with 3 when the application cannot start; unioncat keeps 3 for "some libraries failed".
        if exc.code:
            raise UnioncatError(f"could not serve on {url_of(sock)}: the application did not start "
                                "(uvicorn's message is above)") from None
        raise
    finally:
        sock.close()
