"""What every route needs, passed in by `create_app` and read from `request.app.state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from config.settings import Settings
from index.search import FILTERS, SearchIndex, SearchParams
from store.catalog import CatalogStore


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    store: CatalogStore
    search_index: SearchIndex
    templates: Jinja2Templates


async def get_context(request: Request) -> AppContext:
    """FastAPI dependency: the collaborators given to `create_app` (async: no thread hop for a lookup)."""
    return request.app.state.ctx


def search_params(request: Request, ctx: AppContext, q: str, page: int, size: int | None, sort: str) -> SearchParams:
    """SearchParams from the query string; repeated filters (`library=a&library=b`) are kept."""
    filters: dict[str, Any] = {name: tuple(v for v in request.query_params.getlist(name) if v) for name in FILTERS}
    return SearchParams(q=q, page=page, size=size or ctx.settings.api.default_page_size, sort=sort, **filters)


def mark_selected(facets: dict[str, list[dict[str, Any]]], params: SearchParams) -> dict[str, list[dict[str, Any]]]:
    """Facet values with `selected` set for the filters in force."""
    chosen = params.filters()
    return {name: [{**v, "selected": v["value"] in chosen.get(name, ())} for v in values]
            for name, values in facets.items()}
