"""GET /api/status: each library's harvest state, for the managing department."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from search_api.context import AppContext, get_context
from store.models import LibraryStatus, StageStatus


class LibraryStatusOut(LibraryStatus):
    """One library: records held, the last run's counts and errors, and whether it is overdue."""

    name: str = Field(description="Vietnamese name of the library.")


class StatusResponse(BaseModel):
    libraries: list[LibraryStatusOut]
    stages: list[StageStatus] = Field(description="normalize, dedupe and index: last attempt, last success, error.")
    totals: dict[str, int] = Field(description="Live raw records, records, union records and rejects in the store.")


router = APIRouter()


@router.get("/api/status", response_model=StatusResponse, tags=["libraries"],
            summary="Harvest state of every library: last attempt, last success, counts, errors, overdue")
def api_status(ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    hours = ctx.settings.harvest.expected_interval_hours
    out = [{**ctx.store.library_status(library.id, expected_interval_hours=hours).model_dump(), "name": library.name}
           for library in ctx.settings.libraries]
    return {"libraries": out, "stages": ctx.store.stage_statuses(), "totals": ctx.store.counts()}
