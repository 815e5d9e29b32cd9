"""GET /api/libraries and GET /healthz: the registry with counts, and a liveness check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from config.settings import LIBRARY_TYPE_LABELS_VI
from search_api.context import AppContext, get_context, searchable_per_library
from search_api.models import HealthResponse, LibrariesResponse

router = APIRouter()


@router.get("/api/libraries", response_model=LibrariesResponse, tags=["libraries"],
            summary="The libraries of the union catalog")
def api_libraries(ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    held = searchable_per_library(ctx)
    out = []
    for library in ctx.settings.libraries:
        status = ctx.store.library_status(library.id)
        out.append({
            "id": library.id, "name": library.name, "type": library.type,
            "type_label": LIBRARY_TYPE_LABELS_VI.get(library.type, library.type), "district": library.district,
            "protocol": library.protocol, "opac_url": library.opac_url, "records": status.records,
            "deleted": status.deleted, "union_records": held.get(library.id, 0),
            "last_success": status.last_success, "errors": status.errors,
        })
    return {"libraries": out}


@router.get("/healthz", response_model=HealthResponse, tags=["health"], summary="Liveness and counts")
def healthz(ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    # Liveness must stay cheap at a million records: the count comes from the index, not from SQLite.
    documents = ctx.search_index.num_docs()
    return {"status": "ok", "union_records": documents, "index_documents": documents,
            "index_version": ctx.search_index.version}
