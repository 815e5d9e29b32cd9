"""An OAI-PMH response in an encoding it did not declare in XML, read by its HTTP charset.

XML without a declaration is UTF-8 (XML 1.0 §4.3.3), and a page that is not
fails to parse.  Some servers (a PHP or ASP front end over a Windows-1258 or
Latin-1 database) send such pages but say the encoding in Content-Type.  RFC 7303
§3.2 makes that charset authoritative; but many servers also label UTF-8 pages
"charset=ISO-8859-1" (a web server's default), where obeying it would turn every
Vietnamese letter into mojibake.  So the HTTP charset is used only for a body
that is not UTF-8 and whose XML declaration names no encoding: a page that says
encoding="windows-1258" itself is read so by the parser, whatever the web server's
default label says (ISO-8859-1 decodes any bytes, so it would never fail over).
"""

from __future__ import annotations

import re

import httpx

from harvester.misdeclared import codec_name, declared_over_utf8

_DECLARED_ENCODING_RE = re.compile(rb"\A[ \t\r\n]*<\?xml[ \t\r\n][^?>]*\bencoding[ \t\r\n]*=")
_UTF8_NAMES = {"utf-8", "ascii", None}  # None: a charset Python does not know, left to the parser


def utf8_body(response: httpx.Response) -> tuple[bytes, str | None]:
    """The response body as UTF-8 XML, and the Latin encoding its XML declared over UTF-8 bytes (None
    when it did not): as sent, unless it is not UTF-8, declares no encoding itself, and Content-Type
    names its charset.  One that declares a Latin encoding over UTF-8 bytes is read as UTF-8
    (harvester/misdeclared.py); the caller tells the library."""
    data, declared = declared_over_utf8(response.content)
    charset = response.charset_encoding
    if not charset or codec_name(charset) in _UTF8_NAMES or _DECLARED_ENCODING_RE.match(data):
        return data, declared
    try:
        data.decode("utf-8")
        return data, declared  # UTF-8 under a wrong label: the body is right, the header is not
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode(charset)
    except UnicodeDecodeError:
        return data, declared  # not that charset either: the strict parse reports where it breaks
    # It declares no encoding (else it is read as declared): as UTF-8 it needs none.
    return text.encode("utf-8"), declared

