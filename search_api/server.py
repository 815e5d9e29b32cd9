"""Run the application with uvicorn (`unioncat serve`, `unioncat demo`)."""

from __future__ import annotations

import uvicorn

from config.settings import Settings
from index.search import SearchIndex
from search_api.app import create_app
from store.catalog import CatalogStore


def serve(settings: Settings, store: CatalogStore, search_index: SearchIndex,
          host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted; host and port default to `[api]` settings."""
    app = create_app(settings, store, search_index)
    uvicorn.run(app, host=host or settings.api.host, port=settings.api.port if port is None else port,
                log_level="info", proxy_headers=True)
