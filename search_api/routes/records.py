"""GET /api/records/{id}: one union record, every holding library, other editions.

Partner sites link to union ids; an id merged away answers 301 to the id that
survived, so old links keep working.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse

from index.document import enrich_record
from search_api.context import AppContext, get_context
from search_api.models import ErrorResponse, RecordOut
from store.feed import created_day

router = APIRouter(tags=["records"])


def load_record(ctx: AppContext, union_id: str) -> tuple[dict[str, Any] | None, str | None]:
    """(record with holdings enriched and other editions, redirect target)."""
    record, target = ctx.store.get_union_record(union_id)
    if record is None:
        if target is not None and ctx.store.get_union_record(target)[0] is None:
            target = None  # merged into a record withdrawn since (a library purged): 404, not a 301 to a 404
        return None, target
    data = enrich_record(record, ctx.settings)
    data["added"] = created_day(ctx.store, record.id)
    data["other_editions"] = ctx.search_index.by_work_key(record.work_key, exclude_id=record.id)
    return data, None


@router.get(
    "/api/records/{union_id}",
    response_model=RecordOut,
    responses={301: {"description": "The id was merged into another record; follow Location."},
               404: {"model": ErrorResponse, "description": "No such record."}},
    summary="One union record with every holding",
)
def api_record(union_id: str, ctx: Annotated[AppContext, Depends(get_context)]) -> Any:
    data, target = load_record(ctx, union_id)
    if target is not None:
        return RedirectResponse(f"/api/records/{target}", status_code=301)
    if data is None:
        raise HTTPException(status_code=404, detail=f"không có bản ghi {union_id!r} (no such record)")
    return data
