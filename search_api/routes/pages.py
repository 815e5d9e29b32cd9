"""The librarians' page: server-rendered Vietnamese HTML that works without JavaScript.

Stable hooks for browser tests: `#q`, `#total`, `.hit`, `.hit-title a`,
`.facet` with `a.facet-value`, and `.holding` rows on record pages.
"""

from __future__ import annotations

import hashlib
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import Headers
from starlette.staticfiles import NotModifiedResponse, StaticFiles

from config.errors import FilterError, ParameterError, QueryError
from index.labels import FACET_TITLES_VI, facet_label
from index.query_language import with_operators
from index.record_ids import typed_id
from index.params import MAX_FILTER_VALUES, MAX_RESULT_WINDOW, filter_value
from index.search import FILTERS, SearchResult
from search_api.errors import error_response
from search_api.context import AppContext, get_context, mark_selected, search_params, site_path, site_url
from search_api.routes.records import held_by, load_record, moved_to, not_found
from store.text import visible_query

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).resolve().parent.parent

SORT_LABELS_VI: dict[str, str] = {"relevance": "Phù hợp nhất", "-year": "Năm xuất bản mới nhất",
                                  "year": "Năm xuất bản cũ nhất", "title": "Nhan đề A–Z", "new": "Mới bổ sung"}


def _url(items: list[tuple[str, str]]) -> str:
    return "/?" + urlencode(items) if items else "/"


def _toggle(items: list[tuple[str, str]], name: str, value: str) -> str:
    """The page URL with filter name=value added, or removed when already there; back to page 1."""
    kept = [(k, v) for k, v in items if k != "page"]
    if (name, value) in kept:
        return _url([(k, v) for k, v in kept if (k, v) != (name, value)])
    return _url(kept + [(name, value)])


# Values a facet lists before "Xem thêm": the rest (older years, the 31st library) are one click away.
FACET_VALUES_SHOWN = 30


def _facet_groups(result: SearchResult, items: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Every value the search counted, as the API gives them: the page kept the first 30 only, so the
    years before the 30 newest (and a registry's 31st library) could not be chosen."""
    groups = []
    for name, values in mark_selected(result.facets, result.params).items():
        if not values:
            continue
        linked = [{**v, "url": _toggle(items, name, v["value"])} for v in values]
        groups.append({"name": name, "title": FACET_TITLES_VI[name], "values": linked[:FACET_VALUES_SHOWN],
                       "more": linked[FACET_VALUES_SHOWN:]})
    return groups


def _pages(result: SearchResult, items: list[tuple[str, str]]) -> dict[str, Any]:
    last = max(1, math.ceil(min(result.total, MAX_RESULT_WINDOW) / result.size))
    kept = [(k, v) for k, v in items if k != "page"]
    # A page past the last (an old link, a catalogue that shrank) links back to the last page,
    # not to the empty page before it.
    shown = min(result.page, last)
    near = range(max(1, shown - 2), min(last, shown + 2) + 1)
    link = lambda n: _url(kept + [("page", str(n))])  # noqa: E731
    return {"current": result.page, "last": last, "past_last": result.page > last,
            "last_url": link(last),
            "prev": link(min(result.page - 1, last)) if result.page > 1 else None,
            "next": link(result.page + 1) if result.page < last else None,
            "numbers": [{"n": n, "url": link(n)} for n in near]}


def _parameter_problem(exc: ParameterError, ctx: AppContext, page: str, size: str, sort: str) -> str:
    """What the page says of a page, size or sort the search refused, named in Vietnamese and as the link
    writes it: the librarian did not type it (a link or a form did), so not "Không hiểu câu tìm" of the words."""
    if exc.name == "sort":
        return f"Cách sắp xếp (sort) phải là một trong: {', '.join(SORT_LABELS_VI.values())}; nhận {sort!r}."
    if exc.name == "size":
        return f"Số kết quả mỗi trang (size) phải từ 1 đến {ctx.settings.api.max_page_size}, nhận {_as_typed(size)}."
    if page.strip().isdigit() and int(page) >= 1:  # a page in range that the paging depth does not reach
        per_page = int(size) if size.strip() else ctx.settings.api.default_page_size  # in range: checked first
        return (f"Chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu: với {per_page} kết quả mỗi trang, "
                f"trang xa nhất là trang {math.ceil(MAX_RESULT_WINDOW / per_page)}.")
    return f"Số trang (page) phải từ 1, nhận {_as_typed(page)}."


def _chip_label(ctx: AppContext, result: SearchResult | None, name: str, value: str) -> str:
    """A chosen filter value as its chip names it: a subject as the heading its facet value shows
    (`subject=van hoc viet nam`, typed or a record's unmarked link, is "Văn học Việt Nam") when it
    selects one heading; an unmarked value selecting several ("kinh te vi mo": vi mô and vĩ mô), or one on a
    page that found nothing to show (a 400), as typed."""
    if name == "subject" and result is not None:
        headings = {v["label"] for v in result.facets.get(name, []) if v["value"] == value}
        if len(headings) == 1:
            return headings.pop()
    return facet_label(ctx.settings, name, value)


def _as_typed(value: str) -> str:
    """A number as typed (0, -3); anything else quoted ('abc')."""
    return value.strip() if value.strip().lstrip("-").isdigit() else repr(value)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    ctx: Annotated[AppContext, Depends(get_context)],
    q: str = "",
    page: Annotated[str, Query()] = "1",
    size: Annotated[str, Query()] = "",
    sort: str = "",
) -> Response:
    sort = sort or "relevance"  # `sort=`: a form's empty choice is the default, as an empty page or size is
    q = visible_query(q)  # as the search reads it: a NUL went raw into the page's <title> and its search box
    typed = typed_id(q)
    for union_id in dict.fromkeys((typed, typed.lower())) if typed else ():
        if ctx.store.get_union_record(union_id) != (None, None):
            # The id a record page shows ("Mã mục lục liên hợp"), typed in the box (any case): that record's page.
            return RedirectResponse(site_path(ctx.settings) + "/records/" + quote(union_id, safe=""), status_code=302)
    # Filter values as the search compares them (NFC, codes in lower case), so a chip's link can find and drop its own.
    # Once each: language=vie&language=VIE (a partner form's hidden field and its select) is one filter.
    # A district in the registry's capitals, as the facet writes it, so its box unticks it.
    items = list(dict.fromkeys((k, ctx.search_index.registry_spelling(k, filter_value(v, k)) if k in FILTERS else v)
                               for k, v in request.query_params.multi_items()
                               if v and (k in FILTERS or k in ("q", "page", "size", "sort"))))
    context: dict[str, Any] = {"settings": ctx.settings, "q": q, "sort": sort, "sorts": SORT_LABELS_VI,
                               "result": None, "error": None, "filter_error_url": None, "parameter_error_url": None}
    try:
        params = search_params(request, ctx, q)
        result = ctx.search_index.search(params)
    except ParameterError as exc:
        context["error"] = _parameter_problem(exc, ctx, page, size, sort)
        context["parameter_error_url"] = _url([(k, v) for k, v in items if k != exc.name and k != "page"])
        return _refused_page(request, ctx, context, [(k, v) for k, v in items if k != exc.name])
    except QueryError as exc:
        context["error"] = exc.reason  # the reason only: str(exc) starts with the query, shown in the box
        if isinstance(exc, FilterError):  # the words are fine: the page (or a partner's link) set a wrong filter
            context["filter_error_url"] = _toggle(items, exc.name, exc.value)
        wrong = (exc.name, exc.value) if isinstance(exc, FilterError) else None
        return _refused_page(request, ctx, context, [item for item in items if item != wrong])
    # Every filter in force gets a chip, also one no hit has (0 results) and a range (year=1990-2000).
    chosen = [_chip(ctx, result, items, name, value)
              for name, values in result.params.filters().items() for value in dict.fromkeys(values)]
    # "Did you mean" keeps the filters and the order in force: only the words change.
    suggestion_url = _url([("q", result.suggestion)] + [(k, v) for k, v in items if k not in ("q", "page")]) \
        if result.suggestion else None
    operators = with_operators(q) if result.total == 0 else None
    context.update(operators_url=_url([("q", operators)] + [(k, v) for k, v in items if k not in ("q", "page")])
                   if operators else None, operators=operators)
    context.update(result=result, facets=_facet_groups(result, items), pages=_pages(result, items),
                   chosen=chosen, hidden=_hidden(items),
                   searched=bool(q.strip() or params.filters()), suggestion_url=suggestion_url,
                   # No index yet answers 0 hits (the API's shape); the page must not blame the query.
                   indexed=result.indexed)
    return ctx.templates.TemplateResponse(request, "search.html", context)


def _refused_page(request: Request, ctx: AppContext, context: dict[str, Any],
                  kept: list[tuple[str, str]]) -> Response:
    """The search page answering 400, keeping the filters and size in force but the one refused
    (`kept`): in the form, so the corrected search runs as the first was meant to, and as chips.
    It kept only the order, and the librarian's corrected search ran over the whole catalogue."""
    if sum(name in FILTERS for name, _ in kept) > MAX_FILTER_VALUES:
        # Refused for their number: none is kept, and no chips (each rebuilt from all the others).
        kept = [(name, value) for name, value in kept if name not in FILTERS]
    context.update(hidden=_hidden(kept),
                   chosen=[_chip(ctx, None, kept, name, value) for name, value in kept if name in FILTERS])
    return ctx.templates.TemplateResponse(request, "search.html", context, status_code=400)


def _hidden(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What the search box's form sends with new words: the filters and the page size (the order is its own)."""
    return [(k, v) for k, v in items if k in FILTERS or k == "size"]


def _chip(ctx: AppContext, result: SearchResult | None, items: list[tuple[str, str]],
          name: str, value: str) -> dict[str, str]:
    """A filter in force as its chip: which facet, its value, and the page's URL without it."""
    return {"label": _chip_label(ctx, result, name, value), "facet": FACET_TITLES_VI[name],
            "url": _toggle(items, name, value)}


@router.get("/records/{union_id:path}", response_class=HTMLResponse)
def record_page(union_id: str, request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    data, target = load_record(ctx, union_id)
    if target is not None:
        return moved_to(ctx.settings, f"/records/{target}")
    if data is None:
        if (held := held_by(ctx, union_id, "/records/{}")) is not None:
            return held
        message, title = not_found(ctx, union_id)
        return error_response(request, 404, "NotFound", message, search=title)
    return ctx.templates.TemplateResponse(request, "record.html", {"settings": ctx.settings, "r": data,
                                                                   "back": _search_came_from(request, ctx)})


def _search_came_from(request: Request, ctx: AppContext) -> str:
    """The search page (with its query, filters, order and page) the reader came from, or "/"
    (from the site's root: the template puts the path of `[api] public_url` before it).

    Taken from the Referer, and only when it is this site's own search page: the link back
    keeps the search without JavaScript and the record's URL stays the same for everyone.
    """
    try:
        referer = urlsplit(request.headers.get("referer", ""))
    except ValueError:  # "http://[::1" from a broken client is no search to go back to
        return "/"
    # Behind a reverse proxy the request's own address is the proxy's: `public_url` is the readers'.
    public_url = ctx.settings.api.public_url
    site = urlsplit(public_url).netloc if public_url else request.url.netloc
    if referer.netloc == site and referer.path == site_path(ctx.settings) + "/" and referer.query:
        return f"/?{referer.query}"
    return "/"


WIDGET_PATH = HERE / "static" / "widget.js"
_STATIC = StaticFiles(directory=HERE / "static")


# The widget keeps the API's limits: its box takes the query length the page and the API take (it
# allowed 500 of their 1000), and its data-size / data-new the largest page (a fixed 50 was a 400 on
# every load where [api] max_page_size is 20).
_WIDGET_LIMIT_RE = re.compile(r"var (MAX_QUERY_CHARS|MAX_PAGE_SIZE) = \d+;")


@router.get("/widget.js")
# The address partner pages were given first (it is the file's): served alike, not from the static mount,
# which sent the file's own limits (100 and 1000) to a server that refuses them.
@router.get("/static/widget.js", include_in_schema=False)
def widget_js(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    """The partner-site widget at a short, stable URL: /static/widget.js with this server's
    `[api] max_query_chars` and `max_page_size` written in.

    Revalidated as /static/ answers: a partner page's browser asks again every hour with
    If-None-Match and gets 304 while the file and the setting are unchanged."""
    body, etag = _widget(ctx.settings.api.max_query_chars, ctx.settings.api.max_page_size)
    headers = Headers({"cache-control": "public, max-age=3600", "etag": etag})
    if _STATIC.is_not_modified(headers, request.headers):
        return NotModifiedResponse(headers)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=dict(headers))


@lru_cache(maxsize=4)
def _widget(max_query_chars: int, max_page_size: int) -> tuple[bytes, str]:
    """The widget's file with the API's limits written in, and its ETag: read and hashed once per pair
    of limits, not per request."""
    limits = {"MAX_QUERY_CHARS": max_query_chars, "MAX_PAGE_SIZE": max_page_size}
    body = _WIDGET_LIMIT_RE.sub(lambda m: f"var {m[1]} = {limits[m[1]]};",
                                WIDGET_PATH.read_text(encoding="utf-8")).encode("utf-8")
    return body, f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'


OPENSEARCH_SHORT_NAME_CHARS = 16


@router.get("/opensearch.xml")
def opensearch(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    """OpenSearch description, so browsers offer the catalogue as a search engine."""
    base = site_url(request, ctx.settings)
    # OpenSearch 1.1 allows 16 characters: "Mục lục Hậu Giang" is 17, so the region alone then.
    short_name = f"Mục lục {ctx.settings.region}"
    if len(short_name) > OPENSEARCH_SHORT_NAME_CHARS:
        short_name = ctx.settings.region[:OPENSEARCH_SHORT_NAME_CHARS]
    body = ctx.templates.get_template("opensearch.xml").render(base=base, settings=ctx.settings,
                                                               short_name=short_name)
    return Response(body, media_type="application/opensearchdescription+xml")
