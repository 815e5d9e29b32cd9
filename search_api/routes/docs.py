"""GET /docs (Swagger UI) and /redoc (ReDoc): FastAPI's documentation pages, with their title escaped.

FastAPI writes the app's title into their <title> as it is, and ours holds the config's `region`:
`region = "Hậu Giang <script>…"` was a script on these pages (their policy lets scripts run, as
Swagger UI and ReDoc are scripts), and a region with "&" was no well-formed HTML.  /openapi.json
keeps the title as plain text.
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=_schema_url(request),
                               title=html.escape(f"{request.app.title} - Swagger UI"))


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    return get_redoc_html(openapi_url=_schema_url(request), title=html.escape(f"{request.app.title} - ReDoc"))


def _schema_url(request: Request) -> str:
    """/openapi.json under the request's root path (search_api/docs_path.py gives it behind a proxy)."""
    return request.scope.get("root_path", "").rstrip("/") + request.app.openapi_url
