"""GET /api/records/{id}/why: for each member of a union record, why dedupe put it there.

Reads only the store (`cluster_members`, written by each dedupe run): the key
that found the member, the match score, and the decision with the scores,
guards and librarians' overrides behind it.  A merged-away id answers 301, as
/api/records does; a source record's id ("tv-tinh:P-A", as the decisions name
members) 302 to the union record that holds it today, as `unioncat dedupe explain` does.

A local id may itself end in "/why" ("HG/why"): the server decodes "%2F" before routing, so
"/api/records/th-04:HG%2Fwhy" reached this route and explained "th-04:HG".  The rule that makes
every id reachable: only a "/why" written as a slash asks for the explanation; an id's "/" written
"%2F" is the id's (`WHY_RULE`).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import unquote_to_bytes

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from dedupe.explain import members_guards, readable_decisions
from dedupe.match import MATCH_SCORE_MEANING
from index.labels import facet_label
from search_api.context import AppContext, UnionIdPath, get_context
from search_api.models import ErrorResponse
from search_api.routes.records import (HELD_BY_DESCRIPTION, MOVED_DESCRIPTION, WHY_RULE, api_record, held_by,
                                      moved_to, not_found)

router = APIRouter(tags=["records"])

class WhyMember(BaseModel):
    """One source record of the union record, as `unioncat dedupe explain` prints it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "record_id": "ca-tinh:CAT000055", "library": "ca-tinh", "title": "Lịch sử Nam Bộ kháng chiến",
        # Every field given a value: /openapi.json leaves a None out, and `subtitle` is required (review).
        "subtitle": "1945-1975", "part": "Tập 1",
        "found_by": "isbn:9786045730621", "score": 100.0,
        "decision": "matches tv-tinh:TVT000075: shared ISBN 9786045730621, title 100",
        "guards": "guards passed: material Sách (book); year 2019; language Tiếng Việt (vie); "
                  "not checked (left out by one or both): pages"}]})

    record_id: str = Field(description="Source record `library:local_id`.")
    library: str
    title: str | None
    subtitle: str | None = Field(description="What often tells two members apart: \"sách giáo viên\", a series.")
    part: str | None = Field(description="The volume or part (245 $n $p), when stated.")
    found_by: str = Field(description="The key that found its match (isbn:…, a title key, …); empty when none.")
    score: float | None = Field(description=f"The score of that match ({MATCH_SCORE_MEANING}); null when it "
                                            "matched nothing.")
    decision: str = Field(description="The record it matches and on what, or why it matched none; values as "
                                      "the records spell them, a language or material type as its label with "
                                      "the code in brackets (\"material Sách (book) vs Bản đồ (map)\").")
    guards: str | None = Field(description="For a match: the hard guards it passed, with the values compared, and "
                                           "those one record gave no value for; null otherwise. A language or "
                                           "material type is its Vietnamese label with the code in brackets.")


class WhyOut(BaseModel):
    id: str = Field(description="The union record's id.")
    members: list[WhyMember] = Field(description="Every source record of the union record, by record id.")


@router.get(
    "/api/records/{union_id:path}/why",
    response_model=WhyOut,
    responses={301: {"description": MOVED_DESCRIPTION},
               302: {"description": HELD_BY_DESCRIPTION},
               404: {"model": ErrorResponse, "description": "No such union record or source record."}},
    summary="Why each source record is in this union record",
    description=WHY_RULE,
)
def api_record_why(union_id: UnionIdPath, request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Any:
    if not asks_why(request):
        return api_record(union_id + "/why", ctx)
    record, target = ctx.store.get_union_record(union_id)
    rows = ctx.store.cluster_members(union_id) if record is not None else []
    if record is not None and not rows:
        # Dedupe (another process) merged it away between the two reads: look again.
        record, target = ctx.store.get_union_record(union_id)
    if record is None and target is not None:
        return moved_to(ctx.settings, f"/api/records/{target}/why")
    if not rows and (held := held_by(ctx, union_id, "/api/records/{}/why")) is not None:
        return held
    if not rows:
        raise HTTPException(status_code=404, detail=f"{not_found(ctx, union_id)[0]} (no such union record or "
                                                    "source record)")
    titles = {source.id: source for source in ctx.store.get_records(row[0] for row in rows)}
    decisions = {row[0]: row[3] for row in rows}
    label = partial(facet_label, ctx.settings)  # the page's words for a language and a material type
    guards = members_guards(decisions, titles, ctx.settings.dedupe, label)
    readable = readable_decisions(decisions, ctx.store.get_records, ctx.settings.dedupe, label)
    members = []
    for record_id, found_by, score, _ in rows:
        source = titles.get(record_id)
        members.append({
            "record_id": record_id,
            "library": source.library if source else record_id.partition(":")[0],
            "title": source.title if source else None,
            "subtitle": source.subtitle if source else None,
            "part": source.part if source else None,
            "found_by": found_by,
            "score": score,
            "decision": readable[record_id],
            "guards": guards.get(record_id),
        })
    return {"id": union_id, "members": members}


def asks_why(request: Request) -> bool:
    """Whether the path's last segment, as the client wrote it, is "why" (not "…%2Fwhy": an id's end).

    True when the server gives no raw path (it cannot tell, and "/why" is the documented URL)."""
    raw_path: bytes | None = request.scope.get("raw_path")
    return raw_path is None or unquote_to_bytes(raw_path.rsplit(b"/", 1)[-1]) == b"why"
