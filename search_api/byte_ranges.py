"""A Range header that is not a valid byte-range set is ignored on /static (RFC 9110 14.2).

Starlette's FileResponse answered "bytes=5-1", "bytes=abc" and a unit other than bytes with its
own text/plain 400, outside the API's error format (security review).  RFC 9110 lets a server
ignore an invalid ranges-specifier (14.2) and has it ignore a range unit it does not know: the
file is sent whole, as to a request without Range.  A valid set still gets 206, and one that
starts past the end 416 with its Content-Range, both Starlette's.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

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


class IgnoreInvalidRanges:
    """ASGI wrapper of a static files app: drops a Range header that `valid_byte_ranges` refuses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            kept = [(name, value) for name, value in headers
                    if name != b"range" or valid_byte_ranges(value.decode("latin-1"))]
            if len(kept) != len(headers):
                scope = {**scope, "headers": kept}
        await self.app(scope, receive, send)
