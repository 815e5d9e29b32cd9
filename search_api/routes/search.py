"""GET /api/search: the JSON search every partner site and the widget use."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool

from index.query_language import with_operators
from index.params import MAX_FILTER_VALUES, SORTS, SearchParams
from index.search import FILTERS
from search_api.context import AppContext, get_context, mark_selected, search_params
from search_api.models import ErrorResponse, SearchResponse
from store.text import visible_query

router = APIRouter(tags=["search"])
_RESPONSE = TypeAdapter(SearchResponse)

_FILTER_HELP = (f"Repeat to OR values of one filter; different filters are AND-ed; at most {MAX_FILTER_VALUES} "
                "values of all filters together.")
# The error answers of a search, as /api/search and /api/search.atom give them.
SEARCH_ERRORS = {
    400: {"model": ErrorResponse,
          "description": f"Bad parameter or query (a parameter not UTF-8 included), more than {MAX_FILTER_VALUES} "
                         "filter values in all, or a `library`, `library_type` or `district` value the registry "
                         "does not hold, a `language` or `material_type` code neither known nor held by a record, "
                         "a `year` or `decade` that is no year, a `decade` that is a "
                         "single year other than a decade's first (`error` FilterError; `reason` names the value, the "
                         "closest accepted one and the accepted ones); `page`, `size` or `sort` out of range "
                         "(`error` InvalidParameter)."},
    503: {"model": ErrorResponse,
          "description": "The search index cannot be opened; `message` says why and what to run "
                         "(e.g. `unioncat index --rebuild`)."},
}


# Filters are read from the query string by `search_params` (they repeat); declared here for
# the OpenAPI schema only, because FastAPI's per-request parsing of eight list parameters
# cost more than answering a cached search (yappi, bench/search.py).
_FILTER_DOCS: dict[str, str] = {
    "library": "Library id (GET /api/libraries); an id the registry lacks is 400.",
    "library_type": "provincial, district, school, college or armed_forces; another value is 400.",
    "district": "District name, as /api/libraries writes it (in any capitals); a district no library of the registry "
                "is in is 400.",
    "year": "2019 or 2010-2020 (fullwidth digits too); not a year: 400.",
    "decade": "A decade facet value, e.g. 2010-2019; 2010 is the same decade; another single year is 400.",
    "language": "ISO 639-2 code, e.g. vie (ISO 639-1 vi is read as vie); a code neither labelled nor held by "
                "a record: 400.",
    "material_type": "book, serial, map, ... (or the page's label, e.g. Sách); another value: 400.",
    "subject": "A subject heading as in the facet (any capitals; spelled without marks it finds every spelling).",
}
FILTER_PARAMETERS = [
    {"name": name, "in": "query", "required": False, "description": f"{_FILTER_DOCS[name]} {_FILTER_HELP}",
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True}
    for name in FILTERS
]


def paging_parameters(sort_description: str, sort_default: str | None) -> list[dict[str, Any]]:
    """`page`, `size` and `sort` as every search endpoint takes them, for the OpenAPI schema: they are read
    by `search_params` (index.params.whole_number), as the page reads them; their limits (this server's
    settings) are stated by search_api/app.py: _document_search_limits."""
    whole = {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    return [
        {"name": "page", "in": "query", "required": False, "schema": {**whole, "default": 1},
         "description": "Page number, from 1 (empty: 1; fullwidth digits too)."},
        # No minimum of 1 here: 0 is refused by the search with the message of a size too large (InvalidParameter).
        {"name": "size", "in": "query", "required": False, "schema": whole,
         "description": "Hits per page (default and maximum from settings; empty: the default)."},
        {"name": "sort", "in": "query", "required": False, "description": sort_description,
         "schema": {"type": "string", "enum": list(SORTS), **({"default": sort_default} if sort_default else {})}},
    ]


@router.get(
    "/api/search",
    response_model=SearchResponse,
    responses=SEARCH_ERRORS,
    summary="Search the union catalog",
    openapi_extra={"parameters": paging_parameters(
        "relevance, year (oldest first), -year (newest first), title (Vietnamese dictionary order: a ă â … "
        "d đ …; ma mà mả mã má mạ) or new (titles newest to the union catalogue first: what is new; with "
        "`library`, newest to that library, a copy of a title others held too); empty: relevance.", "relevance")
        + FILTER_PARAMETERS},
)
async def api_search(
    request: Request,
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str, Query(description='Words, "phrases", AND/OR/NOT, -exclusions, (groups), title: author: '
                                        'subject: publisher: isbn: year:2019 year:2010..2020 (or in Vietnamese tác giả: nhan đề: '
                                        'chủ đề: nxb: năm:); truy* for the '
                                        'words starting "truy" (3 letters or digits at least before the *)',
                            examples=["truyen kieu", 'author:"Nguyễn Du" OR title:kieu', "lich su -year:..1990"])] = "",
) -> Response:
    """Hits of one page, the total, and facet counts within the applied filters."""
    params = search_params(request, ctx, visible_query(q))
    # A cached answer is served from the event loop; only a real search goes to a
    # worker thread (Tantivy releases the GIL there, so searches use every core).
    answer = ctx.search_index.cached(params)
    body = ctx.rendered.get(answer) if answer is not None else None
    if body is None:
        body = await run_in_threadpool(_answer_body, ctx, params)
    return Response(body, media_type="application/json")


def _answer_body(ctx: AppContext, params: SearchParams) -> bytes:
    """The JSON body of a search, as the response model validates and serialises it."""
    answer = ctx.search_index.search(params)
    body = ctx.rendered.get(answer)
    if body is None:
        response = _RESPONSE.validate_python({
            "total": answer.total, "page": params.page, "size": params.size, "sort": params.sort, "q": params.q,
            "fuzzy": answer.fuzzy, "suggestion": answer.suggestion, "indexed": answer.indexed, "hits": answer.hits,
            "operators": with_operators(params.q) if answer.total == 0 and answer.indexed else None,
            "facets": mark_selected(answer.facets, answer.params),  # its filters as the registry spells them
        })
        body = _RESPONSE.dump_json(response)
        ctx.rendered.put(answer, body)
    return body
