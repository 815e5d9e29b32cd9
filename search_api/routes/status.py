"""Each library's harvest state, for the managing department: GET /api/status and the page /status."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from config.settings import LIBRARY_TYPE_LABELS_VI, VIETNAM_TIME
from search_api.context import AppContext, get_context, searchable_or_why
from search_api.errors import without_server_paths
from store.models import LibraryStatus, Rejected, StageStatus
from store.runlock import KILLED, with_killed_runs

RUN_LABELS_VI: dict[str | None, str] = {"ok": "Thành công", "failed": "Lỗi", "running": "Đang chạy",
                                        KILLED: "Bị dừng đột ngột", None: "Chưa chạy"}
STAGE_LABELS_VI: dict[str, str] = {"normalize": "Chuẩn hoá biểu ghi", "dedupe": "Gộp biểu ghi trùng",
                                   "index": "Lập chỉ mục tìm kiếm"}
# Where a record was rejected, as the officer tells the library ("LM4 (thu thập): ...").
REJECT_STAGE_LABELS_VI: dict[str, str] = {"harvest": "thu thập", "normalize": "chuẩn hoá"}
# Why a library's MARC file was not taken as its catalogue (store.models.SnapshotRefusal): the run failed, what
# it read was kept.  The run's error says it in English for the operator; the officer calls the library.
SNAPSHOT_REFUSALS_VI: dict[str, str] = {
    "cut_short": "Tệp MARC bị cắt ngang (tải lên hoặc sao chép chưa xong?): đã lưu các biểu ghi đọc được, "
                 "không xoá biểu ghi nào cho đến khi đọc được trọn tệp.",
    "broken_records": "Tệp MARC có biểu ghi hỏng: đã lưu các biểu ghi khác, không xoá biểu ghi nào cho đến khi "
                      "thư viện xuất lại tệp không còn biểu ghi hỏng.",
    "too_few_records": "Tệp MARC có ít biểu ghi hơn nhiều so với số đang lưu (chỉ xuất một phần?): "
                       "không xoá biểu ghi nào; thư viện cần xuất lại toàn bộ.",
}
FIRST_REJECTS_SHOWN = 3  # as `unioncat status` prints: enough to tell the library what to fix


class LibraryStatusOut(LibraryStatus):
    """One library: records held, the last run's counts and errors, and whether it is overdue."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "tv-long-my", "records": 8120, "deleted": 3, "rejected": 2, "last_attempt": "2025-01-31T19:30:02Z",
        "last_success": "2025-01-30T19:30:04Z", "last_status": "failed", "duration_s": 31.2, "added": 0,
        "changed": 0, "removed": 0, "errors": ["https://longmy.example/oai: ListRecords: timed out after 5 retries"],
        "overdue": True, "name": "Thư viện thị xã Long Mỹ"}]})

    name: str = Field(description="Vietnamese name of the library.")


class UnregisteredLibrary(BaseModel):
    """A library no longer in the registry whose records are still in the catalogue (searchable)."""

    id: str = Field(description="The library id its records carry.")
    records: int = Field(description="Live records still held; `unioncat purge ID` withdraws them.")


class StageStatusOut(StageStatus):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "stage": "index", "last_attempt": "2025-01-31T19:41:10Z", "last_success": "2025-01-30T19:40:52Z",
        "last_status": "failed", "duration_s": 3.1,
        "error": "cannot write the search index /var/lib/unioncat/index/v31-1: No space left on device"}]})


class StatusResponse(BaseModel):
    """Each library's harvest state and each later stage's last run, as `unioncat status --format json`."""

    libraries: list[LibraryStatusOut] = Field(description="In the registry's order.")
    unregistered: list[UnregisteredLibrary] = Field(
        description="Libraries removed from the registry whose records are still in the catalogue.")
    stages: list[StageStatusOut] = Field(description="normalize, dedupe and index: last attempt, last success, error.")
    totals: dict[str, int] = Field(description="Live raw records, records, union records and rejects in the store.")


router = APIRouter()


def _public_library_status(status: LibraryStatus, request: Request) -> LibraryStatus:
    """`status` as the public pages show it: its errors and rejects without credentials or server paths."""
    return status.model_copy(update={
        "errors": [without_server_paths(error, request) for error in status.errors],
        "rejects": [_public_reject(reject, request) for reject in status.rejects]})


def _public_reject(reject: Rejected, request: Request) -> Rejected:
    """A reject's reason and source (an OAI page's address, a file) as the public pages show them."""
    return reject.model_copy(update={"reason": without_server_paths(reject.reason, request),
                                     "source": without_server_paths(reject.source, request)})


def _public_stage(stage: StageStatus, request: Request) -> StageStatus:
    return stage.model_copy(update={
        "error": without_server_paths(stage.error, request) if stage.error else stage.error,
        "warnings": [without_server_paths(warning, request) for warning in stage.warnings]})


def _status(request: Request, ctx: AppContext) -> dict[str, Any]:
    hours = ctx.settings.harvest.expected_interval_hours
    statuses = [_public_library_status(ctx.store.library_status(library.id, expected_interval_hours=hours), request)
                for library in ctx.settings.libraries]
    stages = [_public_stage(stage, request) for stage in ctx.store.stage_statuses()]
    # After the read: a run marked running whose process is gone was killed (see store.runlock).
    statuses, stages = with_killed_runs(ctx.settings.data_dir, statuses, stages)
    out = [{**status.model_dump(), "name": library.name} for status, library in zip(statuses, ctx.settings.libraries)]
    registered = {library.id for library in ctx.settings.libraries}
    # As `unioncat status` shows them: their titles stay searchable until purged.
    unregistered = [{"id": lib, "records": n} for lib, n in sorted(ctx.store.libraries_held().items())
                    if lib not in registered]
    return {"libraries": out, "unregistered": unregistered, "stages": stages,
            "totals": ctx.store.counts()}


@router.get("/api/status", response_model=StatusResponse, tags=["libraries"],
            summary="Harvest state of every library: last attempt, last success, counts, errors, overdue")
def api_status(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    return _status(request, ctx)


@router.get("/status", response_class=HTMLResponse, include_in_schema=False)
def status_page(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> Response:
    """The same state as a page a department officer can read: Vietnamese labels, Vietnam time,
    the libraries needing attention (failed or overdue) first."""
    status = _status(request, ctx)
    registry = ctx.settings.library_map()
    # The page is where an officer looks when search is down: it answers without the index.
    searchable, index_error = searchable_or_why(request, ctx)
    libraries = [{**item, "type_label": LIBRARY_TYPE_LABELS_VI.get(registry[item["id"]].type, ""),
                  "district": registry[item["id"]].district,
                  "union_records": searchable.get(item["id"], 0) if searchable is not None else None,
                  "attention": item["overdue"] or item["last_status"] in ("failed", KILLED) or item["nothing_usable"],
                  "attention_reason": _attention_reason_vi(item),
                  "first_rejects": [_public_reject(reject, request) for reject in
                                    ctx.store.rejects(item["id"], limit=FIRST_REJECTS_SHOWN)] if item["rejected"] else []}
                 for item in status["libraries"]]
    libraries.sort(key=lambda item: not item["attention"])  # stable: registry order within each group
    return ctx.templates.TemplateResponse(request, "status.html", {
        "settings": ctx.settings, "libraries": libraries, "unregistered": status["unregistered"],
        "stages": status["stages"], "totals": status["totals"],
        "run_labels": RUN_LABELS_VI, "stage_labels": STAGE_LABELS_VI, "reject_stages": REJECT_STAGE_LABELS_VI,
        "attention": sum(item["attention"] for item in libraries), "index_error": index_error})


def _attention_reason_vi(item: dict[str, Any]) -> str | None:
    """What the officer tells the library when its run alone does not say it: a MARC file not taken whole, or
    records none of which can be used (a run that succeeded: the harvest fetched what the library sent)."""
    if item["snapshot_refused"]:
        return SNAPSHOT_REFUSALS_VI[item["snapshot_refused"]]
    if item["nothing_usable"]:
        return (f"Có {vi_number(item['records'])} biểu ghi nguồn nhưng không biểu ghi nào dùng được (đều không "
                "chuẩn hoá được, xem lý do bên dưới): bạn đọc chưa tra cứu được tài liệu nào của thư viện này.")
    return None


def vietnam_time(stamp: str | None) -> str:
    """"2026-11-27T16:40:05Z" as the department reads it: "27/11/2026 23:40" (UTC+7); "" for none."""
    if not stamp:
        return ""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(VIETNAM_TIME).strftime("%d/%m/%Y %H:%M")


def vi_number(value: float | None, digits: int = 0) -> str:
    """2208 as "2.208" and 65.5 as "65,5": Vietnamese groups thousands with dots and writes a decimal comma,
    so "65.5 giây" read as a misprint to the department; "" for none."""
    if value is None:
        return ""
    return f"{value:,.{digits}f}".translate(str.maketrans(",.", ".,"))
