"""GET /api/search: the JSON search every partner site and the widget use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from search_api.context import AppContext, get_context, mark_selected, search_params
from search_api.models import ErrorResponse, SearchResponse

router = APIRouter(tags=["search"])

_FILTER_HELP = "Repeat to OR values of one filter; different filters are AND-ed."


@router.get(
    "/api/search",
    response_model=SearchResponse,
    responses={400: {"model": ErrorResponse, "description": "Bad parameter or query."}},
    summary="Search the union catalog",
)
def api_search(
    request: Request,
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str, Query(description='Words, "phrases", AND/OR/NOT, -exclusions, (groups), title: author: '
                                        'subject: publisher: isbn: year:2019 year:2010..2020',
                            examples=["truyen kieu", 'author:"Nguyễn Du" OR title:kieu', "lich su -year:..1990"])] = "",
    page: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
    size: Annotated[int | None, Query(ge=1, description="Hits per page (default and maximum from settings).")] = None,
    sort: Annotated[str, Query(description="relevance, year (oldest first), -year (newest first) or title.")] = "relevance",
    library: Annotated[list[str] | None, Query(description=f"Library id. {_FILTER_HELP}")] = None,
    library_type: Annotated[list[str] | None, Query(description=f"provincial, district, school, ... {_FILTER_HELP}")] = None,
    district: Annotated[list[str] | None, Query(description=f"District name. {_FILTER_HELP}")] = None,
    year: Annotated[list[str] | None, Query(description=f"2019 or 2010-2020. {_FILTER_HELP}")] = None,
    decade: Annotated[list[str] | None, Query(description=f"A decade facet value, e.g. 2010-2019. {_FILTER_HELP}")] = None,
    language: Annotated[list[str] | None, Query(description=f"ISO 639-2 code, e.g. vie. {_FILTER_HELP}")] = None,
    material_type: Annotated[list[str] | None, Query(description=f"book, serial, map, ... {_FILTER_HELP}")] = None,
    subject: Annotated[list[str] | None, Query(description=f"A subject heading as in the facet. {_FILTER_HELP}")] = None,
) -> dict:
    """Hits of one page, the total, and facet counts within the applied filters."""
    params = search_params(request, ctx, q, page, size, sort)
    result = ctx.search_index.search(params)
    return {
        "total": result.total, "page": params.page, "size": params.size, "sort": params.sort, "q": params.q,
        "fuzzy": result.fuzzy, "suggestion": result.suggestion, "hits": result.hits,
        "facets": mark_selected(result.facets, params),
    }
