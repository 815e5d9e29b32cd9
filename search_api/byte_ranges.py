"""Range headers on /static: an invalid one ignored (RFC 9110 14.2), one past the end a JSON 416.

Starlette's FileResponse answered "bytes=5-1", "bytes=abc" and a unit other than bytes with its
own text/plain 400, outside the API's error format (security review).  RFC 9110 lets a server
ignore an invalid ranges-specifier (14.2) and has it ignore a range unit it does not know: the
file is sent whole, as to a request without Range.  A valid set still gets Starlette's 206.

A range that starts past the end got Starlette's 416 with an empty text/plain body: it is the API's
error JSON (`search_api.errors`), saying the file's length and to ask again without Range, with
Starlette's `Content-Range: bytes */LENGTH` (RFC 9110 15.5.17).
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# ranges-specifier = "bytes" "=" 1#( first-pos "-" [ last-pos ] / "-" suffix-length ), OWS around commas.
_RANGE = r"\s*(?:(\d+)-(\d*)|-\d+)\s*"
_BYTE_RANGE_SET_RE = re.compile(rf"bytes=(?:{_RANGE},)*{_RANGE}", re.IGNORECASE)
_RANGE_RE = re.compile(_RANGE)


def valid_byte_ranges(value: str) -> bool:
    """Whether `value` is a byte-range set RFC 9110 14.1.1 allows: the syntax, and no last-pos before its first."""
    if _BYTE_RANGE_SET_RE.fullmatch(value) is None:
        return False
    pairs = (_RANGE_RE.fullmatch(part).groups() for part in value.split("=", 1)[1].split(","))
    return all(not last or int(last) >= int(first) for first, last in pairs if first is not None)


class StaticRanges:
    """ASGI wrapper of a static files app: drops a Range header that `valid_byte_ranges` refuses, and
    answers its 416 as `range_not_satisfiable` does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            kept = [(name, value) for name, value in headers
                    if name != b"range" or valid_byte_ranges(value.decode("latin-1"))]
            if len(kept) != len(headers):
                scope = {**scope, "headers": kept}
        refused: MutableHeaders | None = None

        async def send_416_as_json(message: Message) -> None:
            nonlocal refused
            if message["type"] == "http.response.start" and message["status"] == 416:
                refused = MutableHeaders(scope=message)
            elif refused is None:
                await send(message)
            elif not message.get("more_body", False):  # the end of Starlette's empty body: ours instead
                await range_not_satisfiable(refused.get("content-range", ""))(scope, receive, send)

        await self.app(scope, receive, send_416_as_json)


def range_not_satisfiable(content_range: str) -> JSONResponse:
    """The 416 of a range past the end, in the API's error format, keeping `content_range` ("bytes */LENGTH")."""
    length = content_range.rpartition("/")[2]
    message = (f"khoảng byte yêu cầu (Range) nằm ngoài tệp dài {length} byte; gửi lại không kèm Range để nhận "
               f"cả tệp (range not satisfiable: the file is {length} bytes; ask again without Range)")
    return JSONResponse({"error": "RangeNotSatisfiable", "message": message, "status": 416}, 416,
                        headers={"Content-Range": content_range})
