"""GET /api/search.atom: a search, or what is new, as an Atom feed with OpenSearch counts.

Feed readers, library portals and partner sites' "new books" boxes subscribe to it
(`/api/search.atom?sort=new&library=tv-long-my`: what a district library's readers
can borrow that is new).  It takes the parameters of /api/search; without `q` and
`sort` it lists what is new.  Built with lxml, so record text is always escaped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from lxml import etree
from starlette.concurrency import run_in_threadpool

from index.labels import FACET_TITLES_VI, facet_label
from index.params import SearchParams
from index.search import SearchResult
from search_api.context import AppContext, get_context, search_params, site_url
from search_api.oai_metadata import xml_text
from search_api.present import holdings_by_library
from search_api.routes.search import FILTER_PARAMETERS, SEARCH_ERRORS, paging_parameters
from store.catalog import utc_now
from store.feed import changed_at
from store.text import visible_query

router = APIRouter(tags=["search"])
ATOM_NS = "http://www.w3.org/2005/Atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"
ATOM_TYPE = "application/atom+xml"


@router.get(
    "/api/search.atom",
    response_class=Response,
    responses={200: {"content": {ATOM_TYPE: {}}, "description": "An Atom 1.0 feed, one entry per hit."},
               **SEARCH_ERRORS},
    summary="A search (or, without q and sort, what is new) as an Atom feed",
    openapi_extra={"parameters": paging_parameters("As in /api/search; default (or empty): new without q, "
                                                   "relevance with q.", None) + FILTER_PARAMETERS},
)
async def search_atom(
    request: Request,
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str, Query(description="As in /api/search.")] = "",
) -> Response:
    q = visible_query(q)  # as the search reads it, also in the feed's title and searchTerms
    params = search_params(request, ctx, q, "relevance" if q.strip() else "new")
    result = await run_in_threadpool(ctx.search_index.search, params)
    changed = await run_in_threadpool(changed_at, ctx.store, [hit["id"] for hit in result.hits])
    base = site_url(request, ctx.settings)
    self_url = f"{base}{request.url.path}" + (f"?{request.url.query}" if request.url.query else "")
    return Response(_feed(ctx, params, result, changed, base, self_url), media_type=f"{ATOM_TYPE}; charset=utf-8")


def _feed(ctx: AppContext, params: SearchParams, result: SearchResult, changed: dict[str, str], base: str,
          self_url: str) -> bytes:
    region = ctx.settings.region
    feed = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS, "opensearch": OPENSEARCH_NS})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    what = params.q.strip() or ("Tài liệu mới bổ sung" if params.sort == "new" else "Tất cả tài liệu")
    _text(feed, "title", " · ".join([what, *_narrowed_by(ctx, params), f"Mục lục liên hợp thư viện {region}"]))
    page_query = [(k, v) for k, v in _query(params) if k != "page"]
    # The feed's search, whatever order the client wrote it in and whichever page or size it asked for:
    # the URL as sent made one feed several.  `self` stays the URL as sent.
    _text(feed, "id", f"{base}/api/search.atom?{urlencode(page_query)}")
    entries = [_entry(hit, changed.get(hit["id"]), base) for hit in result.hits]
    _text(feed, "updated", max((e["updated"] for e in entries), key=datetime.fromisoformat, default=utc_now()))
    _text(etree.SubElement(feed, f"{{{ATOM_NS}}}author"), "name", f"Mục lục liên hợp thư viện {region}")
    _link(feed, "self", self_url, ATOM_TYPE)
    _link(feed, "alternate", f"{base}/?{urlencode(page_query)}", "text/html")
    _link(feed, "search", f"{base}/opensearch.xml", "application/opensearchdescription+xml")
    if params.page * params.size < result.total:
        # With its size: page 2 at another size would start elsewhere and skip entries.
        next_query = page_query + [("size", params.size), ("page", params.page + 1)]
        _link(feed, "next", f"{base}/api/search.atom?{urlencode(next_query)}", ATOM_TYPE)
    _text(feed, f"{{{OPENSEARCH_NS}}}totalResults", str(result.total), ns=False)
    _text(feed, f"{{{OPENSEARCH_NS}}}startIndex", str((params.page - 1) * params.size + 1), ns=False)
    _text(feed, f"{{{OPENSEARCH_NS}}}itemsPerPage", str(params.size), ns=False)
    etree.SubElement(feed, f"{{{OPENSEARCH_NS}}}Query", role="request", searchTerms=xml_text(params.q),
                     startPage=str(params.page))
    for entry in entries:
        feed.append(entry["element"])
    return etree.tostring(feed, xml_declaration=True, encoding="UTF-8")


def _narrowed_by(ctx: AppContext, params: SearchParams) -> list[str]:
    """What the filters narrow the feed to, in Vietnamese ("Thư viện huyện Long Mỹ", "Ngôn ngữ: Tiếng Việt"):
    every library's feed was titled alike, so a reader subscribed to two could not tell them apart."""
    parts = []
    for name, values in params.filters().items():
        labels = ", ".join(sorted({facet_label(ctx.settings, name, value) for value in values}))
        parts.append(labels if name == "library" else f"{FACET_TITLES_VI.get(name, name)}: {labels}")
    return parts


def _entry(hit: dict[str, Any], changed: str | None, base: str) -> dict[str, Any]:
    """One hit; `published` the day it came into the catalogue, `updated` when its union record last changed
    (`changed`: a corrected title, a library added by a merge), so feed readers show the change."""
    url = f"{base}/records/{hit['id']}"
    # `added` is a day in Vietnam: it began at 00:00 there (UTC+7), not at 00:00 UTC, seven hours
    # later, which dated the night run's titles hours into the future.
    published = f"{hit['added']}T00:00:00+07:00" if hit.get("added") else None
    updated = changed or published or utc_now()
    entry = etree.Element(f"{{{ATOM_NS}}}entry")
    title = hit["title"] + (f": {hit['subtitle']}" if hit.get("subtitle") else "") + \
        (f". {hit['part']}" if hit.get("part") else "")
    _text(entry, "title", title)
    _text(entry, "id", url)
    _link(entry, "alternate", url, "text/html")
    _text(entry, "updated", updated)
    if published:
        _text(entry, "published", published)
    for name in hit.get("authors") or ():
        _text(etree.SubElement(entry, f"{{{ATOM_NS}}}author"), "name", name)
    libraries = ", ".join(group["library_name"] for group in holdings_by_library(hit.get("holdings") or []))
    imprint = ", ".join(str(part) for part in (hit.get("publisher"), hit.get("year")) if part)
    summary = " · ".join(part for part in ("; ".join(hit.get("authors") or ()), imprint,
                                           f"Có tại: {libraries}" if libraries else "") if part)
    if summary:
        _text(entry, "summary", summary)
    return {"element": entry, "updated": updated}


def _query(params: SearchParams) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = [("q", params.q)] if params.q else []
    # Each filter's values sorted (they are OR-ed): one search, one order.
    items += [(name, value) for name, values in params.filters().items() for value in sorted(set(values))]
    return items + [("sort", params.sort), ("page", params.page)]


def _text(parent: etree._Element, name: str, text: str, ns: bool = True) -> None:
    """A child element holding `text` without the characters XML 1.0 forbids: lxml refuses them, and
    one record (or a `q`) holding a control character made the whole feed a 500."""
    etree.SubElement(parent, f"{{{ATOM_NS}}}{name}" if ns else name).text = xml_text(text)


def _link(parent: etree._Element, rel: str, href: str, media_type: str) -> None:
    etree.SubElement(parent, f"{{{ATOM_NS}}}link", rel=rel, href=href, type=media_type)
