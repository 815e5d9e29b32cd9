"""What every route needs, passed in by `create_app` and read from `request.app.state`."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Path, Request
from fastapi.templating import Jinja2Templates

from config.errors import SearchIndexError
from config.settings import DEFAULT_PORTS, ApiSettings, Settings
from index.cache import LruCache, cache_bytes
from index.params import SearchParams, whole_number
from index.search import FILTERS, SearchIndex, SearchResult
from search_api.errors import without_server_paths
from store.catalog import CatalogStore


class RenderedAnswers:
    """The JSON body of each cached search answer, so a repeated search is not validated
    and serialised again (that cost more than finding the answer in the cache).

    Keyed by the answer object: `SearchIndex` hands out the same object for the same
    search until the index changes, and a new index means new objects.  The entry holds
    a weak reference to the answer: a body is found only while its answer lives (an id
    can be reused by another object once it is gone), and the body cache does not keep
    answers alive after the answer cache dropped them (memory its budget did not count).
    """

    def __init__(self, api: ApiSettings):
        self._bodies = LruCache(api.cached_searches, cache_bytes(api, "bodies"))

    def get(self, answer: SearchResult) -> bytes | None:
        entry = self._bodies.get(id(answer))
        return entry[1] if entry is not None and entry[0]() is answer else None

    def put(self, answer: SearchResult, body: bytes) -> None:
        self._bodies.put(id(answer), (weakref.ref(answer), body))


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    store: CatalogStore
    search_index: SearchIndex
    templates: Jinja2Templates
    rendered: RenderedAnswers


async def get_context(request: Request) -> AppContext:
    """FastAPI dependency: the collaborators given to `create_app` (async: no thread hop for a lookup)."""
    return request.app.state.ctx


# /api/records/{union_id} and its /why: the id as a hit gives it, or a member's as explanations name it.
UnionIdPath = Annotated[str, Path(description="A union record id, as each search hit gives it (an id merged into "
                                               "another answers 301 to it), or a source record's id, library:local "
                                               "id, percent-encoded (302 to the union record that holds it).")]


def site_url(request: Request, settings: Settings) -> str:
    """This catalogue's address for absolute links (OpenSearch, Atom, OAI-PMH), without a final slash.

    `[api] public_url`, else the address of the socket the request came in on. Never the Host
    header: any client writes that, and a feed or description answered with its links (and kept
    by a cache or a harvester) sends readers to the client's site.  Nor a proxy's
    X-Forwarded-Proto: `serve` speaks plain HTTP, "https://" before its own socket address is
    no address at all, and /oai said it while the cached Atom and OpenSearch answers did not.
    """
    if settings.api.public_url:
        return settings.api.public_url
    host, port = request.scope.get("server") or (settings.api.host, settings.api.port)
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}" + ("" if port == DEFAULT_PORTS["http"] else f":{port}")


def site_path(settings: Settings) -> str:
    """The path of `[api] public_url` ("/mucluc"), or "" when the catalogue is at its host's root.

    A reverse proxy serving the catalogue at a sub-path passes requests on without it, so every
    link the pages and redirects write starts with it (the page lost its styles and links)."""
    return urlsplit(settings.api.public_url or "").path


def search_params(request: Request, ctx: AppContext, q: str, default_sort: str = "relevance") -> SearchParams:
    """SearchParams from the query string, read alike by the API, the Atom feed and the page: repeated
    filters (`library=a&library=b`) are kept; an empty `page`, `size` or `sort` (a form's empty choice,
    OpenSearch's {startPage?}) is the default; `page` and `size` are `whole_number`s."""
    query = request.query_params
    filters: dict[str, Any] = {name: tuple(v for v in query.getlist(name) if v) for name in FILTERS}
    page = whole_number(q, "page", query.get("page", ""))
    size = whole_number(q, "size", query.get("size", ""))
    size = ctx.settings.api.default_page_size if size is None else size  # 0 is refused by the search, not defaulted
    return SearchParams(q=q, page=1 if page is None else page, size=size, sort=query.get("sort") or default_sort,
                        **filters)


def mark_selected(facets: dict[str, list[dict[str, Any]]], params: SearchParams) -> dict[str, list[dict[str, Any]]]:
    """Facet values with `selected` set for the filters in force."""
    chosen = params.filters()
    return {name: [{**v, "selected": v["value"] in chosen.get(name, ())} for v in values]
            for name, values in facets.items()}


def searchable_per_library(ctx: AppContext) -> dict[str, int]:
    """Library id → union records it holds in the live index (the library facet of an empty search)."""
    return {v["value"]: v["count"] for v in ctx.search_index.search(SearchParams(size=1)).facets.get("library", [])}


def searchable_or_why(request: Request, ctx: AppContext) -> tuple[dict[str, int] | None, str | None]:
    """(library id → searchable titles, None), or (None, why) when the index cannot be opened: the
    registry and the harvest counts come from config and the store, and are worth answering without it."""
    try:
        held = searchable_per_library(ctx)
        check_index_present(ctx)
        return held, None
    except SearchIndexError as exc:
        return None, without_server_paths(str(exc), request)


def check_index_present(ctx: AppContext) -> None:
    """Raise SearchIndexError when there is no index although the catalogue holds union records.

    A server restored from catalog.sqlite3 alone (all the README's backup keeps), or whose index/
    was lost, answered /healthz ok with 0 records, and a load balancer kept it in rotation while
    every search found nothing (review r6).  A catalogue with no union record yet (a new install
    before its first run) has nothing to index: that is not an error.  Call after the index was
    looked at (`num_docs`, a search): `version` is then the live one.
    """
    if ctx.search_index.version is None and ctx.store.holds_union_records():
        raise SearchIndexError("no search index, although the catalogue holds union records (restored without "
                               "its index/ directory, or the index was removed): run `unioncat index --rebuild` "
                               "with this server's --config; searches find nothing until it is built")
