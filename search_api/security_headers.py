"""The headers a careful site sends with every answer (OWASP's secure headers list).

- `X-Content-Type-Options: nosniff` everywhere: a browser must not run a JSON answer or a
  record's text as a script or page because it looks like one.
- `Referrer-Policy: strict-origin-when-cross-origin`: a search (its words) is not sent to a
  library's OPAC when a reader follows a link there; this site still gets its own full URL
  (the record page's link back to the search reads it).
- On the librarians' pages (our templates, text/html): a Content-Security-Policy that allows
  only this site's own style sheet and no script at all (the pages use none), and no framing
  (`frame-ancestors 'none'`, `X-Frame-Options: DENY` for older browsers), so no other site can
  overlay them.  The widget is a script in the partner's own page, never a frame: no header of
  ours reaches that page.  /docs (Swagger UI from a CDN, with inline script) keeps its own
  script and style sources and only loses framing.

An error no handler expected is answered here too: Starlette's own 500 is made outside every
middleware of ours, so it went out without these headers, and as plain text, outside the API's
error format (`search_api.errors`): a JSON error for programs, a short page for people.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_api.errors import wants_html

EVERY_ANSWER = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}
PAGE_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
               "base-uri 'none'; frame-ancestors 'none'")
NO_FRAMING = {"X-Frame-Options": "DENY"}
# FastAPI's interactive documentation: its pages load Swagger UI / ReDoc from a CDN.
DOCS_PATHS = ("/docs", "/redoc")
UNEXPECTED = "lỗi không mong đợi ở máy chủ, đã ghi vào nhật ký; xin thử lại sau (internal server error)"


class SecurityHeaders:
    """ASGI middleware: add the headers above to each answer's start, without touching its body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_docs = scope["path"].startswith(DOCS_PATHS)

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in EVERY_ANSWER.items():
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy",
                                       "frame-ancestors 'none'" if is_docs else PAGE_POLICY)
                    for name, value in NO_FRAMING.items():
                        headers.setdefault(name, value)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                await _unexpected(scope["path"])(scope, receive, send_with_headers)
            raise  # Starlette's ServerErrorMiddleware then sends nothing more, and uvicorn logs the error.


def _unexpected(path: str) -> Response:
    """The 500 of an error no handler expected, in the form `search_api.errors.error_response` gives others
    (the templates are not used: whatever failed may be what renders them)."""
    if wants_html(path):
        return HTMLResponse(f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi 500</title>'
                            f"<h1>Lỗi 500</h1><p>{UNEXPECTED}</p></html>", 500)
    return JSONResponse({"error": "InternalError", "message": UNEXPECTED, "status": 500}, 500)
