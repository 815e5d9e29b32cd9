"""GET /api/records/{id}/why: for each member of a union record, why dedupe put it there.

Reads only the store (`cluster_members`, written by each dedupe run): the key
that found the member, the match score, and the decision with the scores,
guards and librarians' overrides behind it.  A merged-away id answers 301, as
/api/records does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from search_api.context import AppContext, get_context
from search_api.models import ErrorResponse

router = APIRouter(tags=["records"])


class WhyMember(BaseModel):
    record_id: str
    library: str
    title: str | None
    found_by: str
    score: float | None
    decision: str


class WhyOut(BaseModel):
    id: str
    members: list[WhyMember]


@router.get(
    "/api/records/{union_id}/why",
    response_model=WhyOut,
    responses={301: {"description": "The id was merged into another record; follow Location."},
               404: {"model": ErrorResponse, "description": "No such record."}},
    summary="Why each source record is in this union record",
)
def api_record_why(union_id: str, ctx: Annotated[AppContext, Depends(get_context)]) -> Any:
    record, target = ctx.store.get_union_record(union_id)
    rows = ctx.store.cluster_members(union_id) if record is not None else []
    if record is not None and not rows:
        # Dedupe (another process) merged it away between the two reads: look again.
        record, target = ctx.store.get_union_record(union_id)
    if record is None and target is not None:
        return RedirectResponse(f"/api/records/{target}/why", status_code=301)
    if not rows:
        raise HTTPException(status_code=404, detail=f"không có bản ghi {union_id!r} (no such record)")
    titles = {source.id: source for source in ctx.store.get_records(row[0] for row in rows)}
    members = []
    for record_id, found_by, score, decision in rows:
        source = titles.get(record_id)
        members.append({
            "record_id": record_id,
            "library": source.library if source else record_id.partition(":")[0],
            "title": source.title if source else None,
            "found_by": found_by,
            "score": score,
            "decision": decision,
        })
    return {"id": union_id, "members": members}
