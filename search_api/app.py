"""The FastAPI application: JSON API, the librarians' page, static files, CORS.

Collaborators are passed in (settings, store, search index), so tests build an
app over a temporary store and index, and the CLI builds one over the real ones.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from config.settings import Settings
from index.query_language import MAX_QUERY_WORDS
from index.schema import MAX_TOKEN_BYTES
from index.params import MAX_RESULT_WINDOW
from index.search import SearchIndex
from search_api.byte_ranges import StaticRanges
from search_api.context import AppContext, RenderedAnswers
from search_api.cors import JsonCorsRefusal
from search_api.errors import add_error_handlers, wants_html
from search_api.head import HeadAsGet
from search_api.present import holdings_by_library, holdings_by_shelf, html_lang, name_roles, site_link
from search_api.reload import ConfigReloader, ReloadConfig
from search_api.routes import atom, docs, libraries, oai, pages, records, search, status, why
from search_api.routes.status import vi_number, vietnam_time
from search_api.docs_path import DocsUnderSitePath
from search_api.security_headers import SecurityHeaders
from search_api.trailing_slash import TrailingSlashRedirect
from search_api.utf8_input import OWN_ERRORS, Utf8Only
from store.catalog import CatalogStore

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings, store: CatalogStore, search_index: SearchIndex) -> FastAPI:
    """Build the application over the given collaborators."""
    app = FastAPI(
        title=f"unioncat: mục lục liên hợp thư viện {settings.region}",
        description="Search the union catalog of the region's libraries and see which library holds each title.",
        version="0.1.0",
        redirect_slashes=False,  # TrailingSlashRedirect: Starlette's wrote the Host header into Location
        docs_url=None, redoc_url=None,  # routes/docs.py: FastAPI's pages wrote the title (region) unescaped
    )
    # autoescape=True for every template: record text comes from 40-odd catalogues we do not control.
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["name_roles"] = name_roles
    env.filters["link"] = site_link
    env.filters["holdings_by_library"] = holdings_by_library
    env.filters["holdings_by_shelf"] = holdings_by_shelf
    env.filters["html_lang"] = html_lang
    env.filters["vietnam_time"] = vietnam_time
    env.filters["vi_number"] = vi_number
    app.state.ctx = AppContext(settings, store, search_index, Jinja2Templates(env=env),
                               RenderedAnswers(settings.api))
    app.add_middleware(TrailingSlashRedirect, router=app.router)
    # Innermost but for the redirect above: a reload replaces `app.state.ctx` before the route reads it.
    # Inside the reload, so the documentation's root path is the public_url in force.
    app.add_middleware(DocsUnderSitePath)
    app.add_middleware(ReloadConfig, reloader=ConfigReloader(app.state))
    # Inside CORS, so a partner page's widget can read the 400's message.
    app.add_middleware(Utf8Only)
    if settings.api.cors_origins:
        app.add_middleware(JsonCorsRefusal, allow_origins=list(settings.api.cors_origins),
                           allow_methods=["GET"], allow_headers=["*"])
    # Librarians on a phone over a slow connection: a page of 20 hits is 48 KB, 5 KB gzipped (level 6:
    # nearly level 9's size for a fraction of its time). Inside HeadAsGet, so HEAD reports GET's headers.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    # /why before the record itself: both take a local id with "/" ({union_id:path}), and the record's
    # route would take "ID/why" whole.
    for module in (search, atom, why, records, libraries, status, oai, pages, docs):
        app.include_router(module.router)
    # After the routes: /static/widget.js is one of them (routes/pages.py), with this server's limits.
    app.mount("/static", StaticRanges(StaticFiles(directory=HERE / "static")), name="static")
    add_error_handlers(app)
    _document_errors_as_answered(app)
    _document_search_limits(app)
    return app


def _document_search_limits(app: FastAPI) -> None:
    """State in the parameters of every search (/api/search, /api/search.atom) the limits this server's
    settings set: the largest `size`, the longest `q`, and how deep paging reaches (a client learnt them
    from a 400 only; /api/search.atom declared no `size` maximum and answered 400 above it).

    The settings in force, read per request: a reload (search_api/reload.py) changes the limits, and the
    schema made under the old ones is made again (it kept `maximum` 100 while the server refused 50)."""
    generate = app.openapi
    documented: dict[str, tuple[int, int]] = {}  # "limits": (max_page_size, max_query_chars) of the schema made

    def openapi() -> dict:
        api = app.state.ctx.settings.api
        if documented.get("limits") != (api.max_page_size, api.max_query_chars):
            app.openapi_schema = None
        if app.openapi_schema is None:
            documented["limits"] = (api.max_page_size, api.max_query_chars)
            schema = generate()
            limits = {"q": {"maxLength": api.max_query_chars},
                      "size": {"minimum": 1, "maximum": api.max_page_size},
                      "page": {"minimum": 1}}
            searches = [operation["parameters"] for path in SEARCH_PATHS for operation in schema["paths"][path].values()]
            for parameter in (parameter for parameters in searches for parameter in parameters):
                if parameter["name"] in limits:
                    types = parameter["schema"].get("anyOf", [parameter["schema"]])  # `int | None`: the int's
                    next(t for t in types if t.get("type") in ("string", "integer")).update(limits[parameter["name"]])
                    parameter["description"] += _LIMIT_TEXT[parameter["name"]].format(
                        size=api.max_page_size, chars=api.max_query_chars, window=MAX_RESULT_WINDOW,
                        words=MAX_QUERY_WORDS, word_bytes=MAX_TOKEN_BYTES)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


# The routes that take a search's `q`, `page` and `size` (search_api/routes/search.py, atom.py).
SEARCH_PATHS = ("/api/search", "/api/search.atom")
_LIMIT_TEXT = {
    "q": " At most {chars} characters and {words} words (more: 400 QueryError). A word longer than "
         "{word_bytes} bytes (UTF-8) is not searched: a query of nothing else, or of punctuation only, "
         "has no searchable word (400 QueryError).",
    "size": " At most {size} (more, or 0: 400 InvalidParameter).",
    "page": " Paging reaches the first {window} hits: a page starting beyond them is 400 InvalidParameter, "
            "unless the search has fewer hits (then it is an empty page).",
}


# Any route answers this 400 (search_api/utf8_input.py), whether or not it reads parameters.
NOT_UTF8_400 = "The path or a query parameter is not UTF-8 percent-encoding; `message` names which."


def _document_errors_as_answered(app: FastAPI) -> None:
    """Drop FastAPI's default 422 from the OpenAPI schema: a bad parameter is answered 400
    `{error, message, status}` (search_api/errors.py), and clients generated from the
    schema must expect that; and list that 400 where a route documents no 400 of its own."""
    generate = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = generate()
            for path, operations in schema.get("paths", {}).items():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
                    if path not in OWN_ERRORS:
                        operation.setdefault("responses", {}).setdefault("400", _not_utf8_answer(path))
            for unused in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(unused, None)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _not_utf8_answer(path: str) -> dict:
    """The OpenAPI response of Utf8Only's 400 on `path`: the error page or `ErrorResponse` JSON."""
    if wants_html(path):
        return {"description": NOT_UTF8_400, "content": {"text/html": {}}}
    return {"description": NOT_UTF8_400,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
