"""Refuse a query string or path that is not UTF-8 once percent-decoded, for every route.

Starlette decodes `%ff` to U+FFFD without a word, so `q=ki%ffeu` was searched as "ki�eu"
and `library=%ff` filtered on a library that cannot exist, both answered 200 with 0 hits:
a partner site sending Windows-1258 or Latin-1 never learnt why.  Checked here, before any
route reads a parameter, the answer is a 400 that names the parameter and says what to send,
as JSON for the API and as the error page for the librarians' pages (search_api/errors.py).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.errors import error_response

# Paths that answer bad input in their own protocol: OAI-PMH's errors are XML with status 200
# (§3.6), and an argument that is not UTF-8 is its badArgument (search_api/routes/oai.py).
OWN_ERRORS = frozenset({"/oai"})
UTF8_ADVICE_VI = "hãy gửi chữ dưới dạng UTF-8 mã hóa phần trăm, vd. lịch = l%E1%BB%8Bch"
UTF8_ADVICE_EN = "send the text as UTF-8 percent-encoding"


def _is_utf8(encoded: bytes) -> bool:
    """Whether `encoded` (a query string or part of one; `+` is a space) is UTF-8 once percent-decoded."""
    if encoded.isascii() and b"%" not in encoded:
        return True  # the usual request: nothing to decode, checked without copying it
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def non_utf8_parameter(query_string: bytes) -> str | None:
    """The name of the first parameter whose name or value is not UTF-8, None when all are.

    A name that is not UTF-8 itself is given as it was sent (`%FF`).  `&` and `=` are ASCII and
    never inside a UTF-8 sequence, so checking the whole string first is exact, and answers the
    usual request without splitting it."""
    if _is_utf8(query_string):
        return None
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        if not _is_utf8(name):
            return name.decode("ascii", "backslashreplace")
        if not _is_utf8(value):
            return unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
    return None  # pragma: no cover - the whole string did not decode, so one of its parts does not


class Utf8Only:
    """ASGI middleware: 400 for a request whose path or query string is not UTF-8 percent-encoding."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = _refusal(scope) if scope["type"] == "http" and scope["path"] not in OWN_ERRORS else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        # Without its query string: the error page must not put the undecodable `q` back in the search box.
        request = Request({**scope, "query_string": b""})
        await error_response(request, 400, *refusal)(scope, receive, send)


def _refusal(scope: Scope) -> tuple[str, str] | None:
    """(error, message) for a path or query string that is not UTF-8; None for a good request."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    if not _is_utf8(raw_path):
        shown = raw_path.decode("ascii", "backslashreplace")
        return "InvalidPath", (f"đường dẫn {shown} không phải UTF-8: {UTF8_ADVICE_VI} "
                               f"(path is not UTF-8: {UTF8_ADVICE_EN})")
    name = non_utf8_parameter(scope.get("query_string", b""))
    if name is None:
        return None
    return "InvalidParameter", (f"tham số {name!r} không phải UTF-8: {UTF8_ADVICE_VI} "
                                f"(parameter {name!r} is not UTF-8: {UTF8_ADVICE_EN})")
