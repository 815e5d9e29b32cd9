"""GET /api/records/{id}: one union record, every holding library, other editions.

Partner sites link to union ids; an id merged away answers 301 to the id that
survived, so old links keep working (`moved_to`).  A source record's id ("tv-tinh:P-A", as
explanations and library staff name records) answers 302 to the union record that holds it
(`held_by`).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse

from config.errors import SearchIndexError
from config.settings import Settings
from index.document import enrich_record
from search_api.context import AppContext, UnionIdPath, get_context, site_path
from search_api.models import ErrorResponse, RecordOut
from store.feed import created_day

router = APIRouter(tags=["records"])
log = logging.getLogger(__name__)


def load_record(ctx: AppContext, union_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """(record with holdings enriched and other editions, redirect target)."""
    record, target = ctx.store.get_union_record(union_id)
    if record is None:
        return None, target
    data = enrich_record(record, ctx.settings)
    data["added"] = created_day(ctx.store, record.id)
    data["other_editions"] = _other_editions(ctx, record.work_key, record.id)
    return data, None


MOVED_DESCRIPTION = ("The id was merged into another record; follow Location. Sent with `Cache-Control: no-cache`: "
                     "a merge can be undone, and the id then answers 200 again.")


def moved_to(settings: Settings, path: str) -> RedirectResponse:
    """The redirect of a merged-away id (page, API and /why alike) to `path`, the survivor's, under
    the path of `[api] public_url` (a reverse proxy's sub-path).

    301: the id moved, and search engines and link checkers should move with it.  But a merge can
    be undone (a `[[same]]` override removed, a split) and the id answers 200 again; a browser keeps
    a 301 without Cache-Control for ever and took a reader who followed it once to the other book
    after that.  `no-cache` has browsers and caches ask each time: one small answer per visit to an
    old link, and an undone merge shows at once."""
    return RedirectResponse(site_path(settings) + path, status_code=301, headers={"Cache-Control": "no-cache"})


HELD_BY_DESCRIPTION = ("The id is a source record's (library:local id): Location is the union record that holds "
                       "it. 302, not 301: dedupe may put the record in another union record next night.")


def held_by(ctx: AppContext, record_id: str, path: str) -> RedirectResponse | None:
    """302 to `path` (a "{}" for the union id) of the union record that holds source record
    `record_id` today, under the path of `[api] public_url`; None when no union record holds it.

    Not 301 (`moved_to`): a dedupe run can move a source record to another union record, and a
    browser would keep a 301 and show the old one."""
    holder = ctx.store.union_id_of(record_id)
    if holder is None:
        return None
    return RedirectResponse(site_path(ctx.settings) + path.format(holder), status_code=302)


WHY_RULE = ("A record id may hold \"/\" (a library's local id such as `tv-tinh:HG/2019/0001`), written as "
            "is or as `%2F`. A path ending in `/why` written as a slash is the explanation "
            "(`/api/records/{id}/why`); an id that itself ends in \"/why\" is reached with that slash "
            "written `%2F` (`/api/records/tv-tinh:HG%2Fwhy`, its explanation `/api/records/tv-tinh:HG%2Fwhy/why`).")


def not_found(ctx: AppContext, record_id: str) -> tuple[str, str | None]:
    """(the 404's message, the title to offer a search of) for a record id no route takes.

    A union id whose books every library has withdrawn (README: it answers 404) is told apart from a
    typo, and the reader is offered its title; an id never known is shown ids of this catalogue
    that work (the message named a demo library, and a form OAI libraries' ids do not have)."""
    withdrawn, last = ctx.store.withdrawn(record_id)
    if withdrawn:
        title = last.title if last is not None else None
        named = f" («{title}»)" if title else ""
        return (f"Bản ghi {record_id!r}{named} không còn trong mục lục: các thư viện có tài liệu này đã rút "
                "bản ghi của mình." + (" Có thể tìm theo nhan đề của nó." if title else ""), title)
    message = (f"Không có bản ghi {record_id!r}. Dùng mã bản ghi hợp nhất (như kết quả tìm kiếm ghi) hoặc mã "
               "bản ghi của một thư viện (mã thư viện, dấu hai chấm, mã riêng của bản ghi)")
    example = ctx.store.example_ids()
    if example is not None:
        message += f", ví dụ {example[0]} hoặc {example[1]}"
    return message + ".", None


def _other_editions(ctx: AppContext, work_key: str, union_id: str) -> list[dict[str, Any]]:
    """Other editions from the index, or none while it cannot be opened (an older unioncat's index
    after an upgrade): the record and its holdings come from the store, and a partner's link to
    them should not fail for the one list the index adds."""
    try:
        return ctx.search_index.by_work_key(work_key, exclude_id=union_id)
    except SearchIndexError as exc:
        log.warning("record %s shown without other editions: %s", union_id, exc)
        return []


@router.get(
    "/api/records/{union_id:path}",
    response_model=RecordOut,
    responses={301: {"description": MOVED_DESCRIPTION},
               302: {"description": HELD_BY_DESCRIPTION},
               404: {"model": ErrorResponse, "description": "No such union record or source record."}},
    summary="One union record with every holding",
    description=WHY_RULE,
)
def api_record(union_id: UnionIdPath, ctx: Annotated[AppContext, Depends(get_context)]) -> Any:
    data, target = load_record(ctx, union_id)
    if target is not None:
        return moved_to(ctx.settings, f"/api/records/{target}")
    if data is None:
        if (held := held_by(ctx, union_id, "/api/records/{}")) is not None:
            return held
        raise HTTPException(status_code=404, detail=f"{not_found(ctx, union_id)[0]} (no such union record or "
                                                    "source record)")
    return data
