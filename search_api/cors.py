"""Starlette's CORS, with its refusal of a preflight answered as every other 4xx: JSON.

Starlette answers a refused preflight with a plain-text `400 Disallowed CORS origin`; a partner
developer trying the API from a page not yet in `[api] cors_origins` got no JSON `message`
saying which origin and what to do.  Everything else (origins, methods, headers, the answers to
simple requests) is Starlette's, unchanged.
"""

from __future__ import annotations

from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.responses import Response

REFUSED_PREFIX = "Disallowed CORS "


class JsonCorsRefusal(CORSMiddleware):
    """CORSMiddleware whose refused preflight is a JSON `{error, message, status}` 400 with the same headers."""

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code != 400:
            return answer
        headers = {name: value for name, value in answer.headers.items()
                   if name not in ("content-length", "content-type")}
        return JSONResponse({"error": "CorsRefused", "message": self._refusal(request_headers, answer),
                             "status": 400}, status_code=400, headers=headers)

    def _refusal(self, request_headers: Headers, answer: Response) -> str:
        """Why: the origin when it is not allowed, else what Starlette refused (method, headers)."""
        origin = request_headers["origin"]
        if not self.is_allowed_origin(origin):
            return (f"nguồn {origin} không được gọi API này từ trình duyệt: chỉ các nguồn trong cấu hình "
                    f"của mục lục ([api] cors_origins) được phép (origin {origin} is not allowed: only the "
                    "origins in the catalogue's configuration may call the API from a browser)")
        refused = bytes(answer.body).decode("utf-8").removeprefix(REFUSED_PREFIX)
        methods = ", ".join(self.allow_methods)
        return (f"yêu cầu CORS bị từ chối: {refused} không được phép, API chỉ nhận {methods} "
                f"(CORS preflight refused: {refused} not allowed; methods allowed: {methods})")
