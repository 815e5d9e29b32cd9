"""GET /api/libraries and GET /healthz: the registry with counts, and a liveness check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from config.settings import LIBRARY_TYPE_LABELS_VI
from search_api.context import AppContext, check_index_present, get_context, searchable_or_why
from search_api.errors import without_server_paths
from search_api.models import ErrorResponse, HealthResponse, LibrariesResponse

router = APIRouter()


@router.get("/api/libraries", response_model=LibrariesResponse, tags=["libraries"],
            summary="The libraries of the union catalog",
            description="The registry with harvest counts. Answered while the search index cannot be opened "
                        "too: `union_records` is then null (unknown) and `index_error` says why.")
def api_libraries(request: Request, ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    # The registry is config and the harvest counts are the store's: a partner's library picker
    # keeps working while the index is rebuilt or broken; only the searchable counts are unknown.
    held, index_error = searchable_or_why(request, ctx)
    out = []
    for library in ctx.settings.libraries:
        status = ctx.store.library_status(library.id)
        out.append({
            "id": library.id, "name": library.name, "type": library.type,
            "type_label": LIBRARY_TYPE_LABELS_VI.get(library.type, library.type), "district": library.district,
            "protocol": library.protocol, "opac_url": library.opac_url, "records": status.records,
            "deleted": status.deleted, "union_records": held.get(library.id, 0) if held is not None else None,
            "last_success": status.last_success,
            "errors": [without_server_paths(error, request) for error in status.errors],
        })
    return {"libraries": out, "index_error": index_error}


# A load balancer takes this server out while the index cannot be opened (search would fail anyway);
# the answer's message says why and what to run, for whoever reads the balancer's log.
@router.get("/healthz", response_model=HealthResponse, tags=["health"], summary="Liveness and counts",
            responses={503: {"model": ErrorResponse,
                             "description": "The search index cannot be opened, or is not there although the "
                                            "catalogue holds union records; `message` says why and what to run "
                                            "(e.g. `unioncat index --rebuild`)."}})
def healthz(ctx: Annotated[AppContext, Depends(get_context)]) -> dict:
    # Liveness must stay cheap at a million records: the count comes from the index, not from SQLite.
    documents = ctx.search_index.num_docs()
    check_index_present(ctx)
    return {"status": "ok", "union_records": documents, "index_documents": documents,
            "index_version": ctx.search_index.version}
