"""The catalogue behind a reverse proxy at a sub-path, as an ASGI wrapper around the app.

What nginx's `location /mucluc/ { proxy_pass http://127.0.0.1:8000/; }` does: a request for
/mucluc/records/ID reaches the app as /records/ID, and anything outside /mucluc/ never reaches it.
"""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def behind_sub_path(app: ASGIApp, prefix: str) -> ASGIApp:
    """`app` as readers reach it under `prefix` ("/mucluc")."""

    async def proxy(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
        elif scope["path"].startswith(prefix + "/"):
            path = scope["path"][len(prefix):]
            await app({**scope, "path": path, "raw_path": path.encode()}, receive, send)
        else:
            await PlainTextResponse("not under the proxy's path", status_code=404)(scope, receive, send)

    return proxy
