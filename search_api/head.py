"""HEAD answered like GET, without the body (RFC 9110 9.3.2).

FastAPI routes declared with GET refuse HEAD with 405; uptime monitors and link
checkers ask `HEAD /healthz` or `HEAD /records/ID`.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """ASGI middleware: run a HEAD request as GET and drop the body it would have sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}  # the headers (Content-Length too) stay as GET's
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
