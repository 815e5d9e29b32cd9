"""One place that turns errors into answers: JSON for the API, an HTML page for people.

Every `UnioncatError` is handled here (QueryError → 400, index or store
trouble → 503), as are bad parameters (400, never FastAPI's bare 422) and 404s.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from config.errors import ParameterError, QueryError, SearchIndexError, StoreError, UnioncatError
from config.masking import masked_secrets
from config.settings import Settings
from store.text import visible_query

log = logging.getLogger(__name__)


def wants_html(path: str) -> bool:
    """Whether errors on `path` are answered with the HTML page (people) rather than JSON (programs)."""
    return not path.startswith(("/api/", "/healthz", "/openapi", "/static/"))


# Words of a title the phrase keeps: a query has at most 64 words and 1,000 characters, and a long
# title's first words find it (second diff review: an 84-word title's link answered 400).
PHRASE_WORDS = 12


def as_phrase(text: str) -> str:
    """`text` (its first PHRASE_WORDS words) as one quoted phrase of the query language: a title holding
    "AND", "OR", "NOT", a "-" or brackets is searched as written, not read as operators."""
    return '"' + " ".join(text.replace('"', " ").split()[:PHRASE_WORDS]) + '"'


def error_response(request: Request, status: int, error: str, message: str,
                   headers: dict[str, str] | None = None, reason: str | None = None,
                   search: str | None = None) -> Response:
    """JSON `{"error", "message", "status"}` for the API, an HTML page for the librarians' pages.

    `reason`: a query error's reason without the query, added to the JSON for a page (the widget)
    that shows it under the query its visitor typed, as the librarians' page does. `search`: words
    the page offers a search of instead (a withdrawn record's title)."""
    if wants_html(request.url.path):
        ctx = request.app.state.ctx
        # The search page's query goes back in the box: after a 503, "Tìm" is the way to try again.
        q = visible_query(request.query_params.get("q", "")) if request.url.path == "/" else ""
        return ctx.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message, "settings": ctx.settings, "q": q,
                                     "search": search, "search_query": search and as_phrase(search)},
            status_code=status, headers=headers)
    body: dict[str, str | int] = {"error": error, "message": message, "status": status}
    if reason is not None:
        body["reason"] = reason
    return JSONResponse(body, status_code=status, headers=headers)


def without_server_paths(message: str, request: Request) -> str:
    """`message` for the public: the server's paths shown as the operator's config writes them, and no
    credentials (config.masking, for a message stored before it masked them).

    A 503's advice ("run unioncat index") helps whoever reads it; where the server keeps its
    files helps only an attacker, and the log keeps the full message."""
    message = masked_secrets(message)
    for path, shown in _server_paths(request.app.state.ctx.settings):
        message = message.replace(path, shown)
    return message


def _server_paths(settings: Settings) -> list[tuple[str, str]]:
    """(absolute path, as shown), in the order they are replaced: a marc-file library's file relative
    to the config file, or by its name alone when it lies outside the config's folder; data_dir as
    "data_dir" (also when it is the config's folder); any other file beside the config as it names it."""
    folder = settings.config_path.parent if settings.config_path else None
    paths = []
    for library in settings.libraries:
        if library.protocol == "marc-file" and "://" not in library.url:
            file = Path(library.url)
            shown = file.relative_to(folder) if folder and file.is_relative_to(folder) else Path("…", file.name)
            paths.append((library.url, str(shown)))
    paths.append((str(settings.data_dir), "data_dir"))
    if folder:
        paths.append((f"{folder}{os.sep}", ""))
    return paths


def add_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(UnioncatError)
    async def unioncat_error(request: Request, exc: UnioncatError) -> Response:
        if isinstance(exc, QueryError):
            status = 400
        elif isinstance(exc, (SearchIndexError, StoreError)):
            status = 503
        else:
            status = 500
        message = str(exc)
        if status >= 500:
            log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc)
            message = without_server_paths(message, request)
        name = "InvalidParameter" if isinstance(exc, ParameterError) else type(exc).__name__  # as FastAPI's checks
        return error_response(request, status, name, message,
                              reason=exc.reason if isinstance(exc, QueryError) else None)

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(_problem(err) for err in exc.errors())
        return error_response(request, 400, "InvalidParameter", f"tham số không hợp lệ ({problems})")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = "không tìm thấy (not found)"
        # Starlette's own headers stay: a 405 must say which methods are allowed (RFC 9110 15.5.6),
        # and HEAD is answered wherever GET is (search_api/head.py).
        headers = dict(exc.headers or {})
        allowed = [method.strip() for method in headers.get("Allow", "").split(",") if method.strip()]
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")
            headers["Allow"] = ", ".join(allowed)
        if exc.status_code == 405 and message == "Method Not Allowed":  # Starlette's English only (review)
            methods = ", ".join(allowed)
            message = (f"địa chỉ này không nhận yêu cầu {request.method}, chỉ nhận {methods} "
                       f"(method {request.method} not allowed; allowed: {methods})")
        return error_response(request, exc.status_code, "HTTPError", message, headers or None)


# FastAPI's checks of a parameter (pydantic's error types), said as our own checks say theirs: Vietnamese,
# English in brackets. `page=1.5` was pydantic's English inside the Vietnamese message.
_PROBLEMS = {
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_from_float": ("phải là số nguyên", "must be a whole number"),
    "greater_than_equal": ("phải ≥ {ge}", "must be ≥ {ge}"),
    "missing": ("thiếu", "is required"),
}


def _problem(err: dict) -> str:
    """One parameter's problem: its name, what it must be, the value sent."""
    name = ".".join(str(part) for part in err.get("loc", ()) if part != "query")
    vi, english = _PROBLEMS.get(err.get("type", ""), ("không đọc được", "cannot be read"))
    limits = err.get("ctx") or {}
    sent = f", nhận {err['input']!r}" if isinstance(err.get("input"), (str, int, float)) else ""
    return f"{name}: {vi.format(**limits)}{sent} ({name} {english.format(**limits)})"
