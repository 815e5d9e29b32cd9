"""Run the application with uvicorn (`unioncat serve`, `unioncat demo`)."""

from __future__ import annotations

import uvicorn

from config.errors import UnioncatError
from config.settings import Settings
from index.search import SearchIndex
from search_api.app import create_app
from store.catalog import CatalogStore


def serve(settings: Settings, store: CatalogStore, search_index: SearchIndex,
          host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted; host and port default to `[api]` settings."""
    app = create_app(settings, store, search_index)
    host = host or settings.api.host
    port = settings.api.port if port is None else port
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
    except SystemExit as exc:
        # uvicorn exits with 3 when it cannot bind; unioncat keeps 3 for "some libraries failed".
        if exc.code:
            raise UnioncatError(f"could not serve on http://{host}:{port}/: the port is taken or the address "
                                "is not this machine's (uvicorn's message is above); choose --port or [api] port")
        raise
