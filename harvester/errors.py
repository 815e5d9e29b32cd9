"""Errors of the harvest stage, all below `config.errors.HarvestError`.

    HarvestError                      (config.errors)
    ├── HttpStatusError               an HTTP error status that survived the retries
    ├── ResponseTooLargeError         a body over `max_response_bytes`
    ├── TruncatedResponseError        a body that ends before its own end (a gzip stream cut short)
    ├── UnsafeRedirectError           a redirect off http(s) or towards this machine (harvester/redirects.py)
    ├── MalformedResponseError        an HTML page, XML that is not well-formed or nested too deep
    ├── HarvestInterrupted            the run was stopped (Ctrl+C, SIGTERM) before the library was done
    └── OaiProtocolError              an OAI-PMH <error code="..."> answer
        ├── BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat,
        ├── IdDoesNotExist, NoRecordsMatch, NoMetadataFormats, NoSetHierarchy
        └── (an unknown code stays an OaiProtocolError)

Unlike sickle's OAI exceptions, which share no base and carry only the
server's text, every error here names the library, the endpoint, the verb and
the resumption token it happened on, so a report line says where to look.
"""

from __future__ import annotations

from config.errors import HarvestError

__all__ = [
    "BadArgument",
    "BadResumptionToken",
    "BadVerb",
    "CannotDisseminateFormat",
    "HarvestError",
    "HarvestInterrupted",
    "HttpStatusError",
    "IdDoesNotExist",
    "MalformedResponseError",
    "NoMetadataFormats",
    "NoRecordsMatch",
    "NoSetHierarchy",
    "OaiProtocolError",
    "ResponseTooLargeError",
    "TruncatedResponseError",
    "UnsafeRedirectError",
    "oai_error_for_code",
]


class HttpStatusError(HarvestError):
    """Raised when a server answers with an HTTP error status after all retries.

    Keeps the status and content type: an HTTP 500 text/plain answer to a
    resumption token is how MOAI-style providers say "bad token".
    """

    def __init__(self, library: str, url: str, status_code: int, content_type: str, message: str):
        self.status_code = status_code
        self.content_type = content_type
        super().__init__(library, url, message)


class ResponseTooLargeError(HarvestError):
    """Raised when a response body exceeds `HarvestSettings.max_response_bytes`."""


class UnsafeRedirectError(HarvestError):
    """Raised when a library server redirects off http(s), or closer to the harvesting machine than
    itself (harvester/redirects.py); not retried: ask the library what its server is doing."""


class TruncatedResponseError(HarvestError):
    """Raised when a body ends before its own end: a gzip stream without its end marker.

    Cut short in transfer, or a file fetched while it was still being written;
    `fetch` asks again, and a MARC file that stays cut fails its run, deleting
    nothing.  `detail` is the message without the library and URL.
    """

    def __init__(self, library: str, url: str, detail: str):
        self.detail = detail
        super().__init__(library, url, detail)


class MalformedResponseError(HarvestError):
    """Raised when a response is not readable OAI-PMH XML.

    An HTML page served with status 200, a truncated or otherwise malformed
    document, or one nested deeper than the parser allows.  The harvest loop
    asks again (proxies and overloaded servers send these transiently) and
    fails loudly when the answer stays broken.
    """


class HarvestInterrupted(HarvestError):
    """Raised in a library's harvest when the run is asked to stop (see `harvester.stopping`).

    What was saved before stays saved; the next run continues from there.
    """

    def __init__(self, library: str, source: str, reason: str):
        self.reason = reason
        super().__init__(library, source, f"{reason} before the harvest finished; the records saved so far are "
                                          "kept and the next run continues from there")


class OaiProtocolError(HarvestError):
    """Raised when an OAI-PMH server answers with an <error> element.

    `code` is the OAI-PMH error code; `resumption_token` is the token the
    request carried (None for the first request of a list); `hint` says what to do.
    """

    code = "unknown"

    def __init__(self, endpoint: str, verb: str, code: str, resumption_token: str | None = None,
                 message: str = "", library: str = "?", hint: str = ""):
        self.endpoint = endpoint
        self.verb = verb
        self.code = code
        self.resumption_token = resumption_token
        self.server_message = message
        # The responseDate of the answer, when known: noRecordsMatch still moves the next `from`.
        self.response_date = ""
        where = f"{verb}"
        if resumption_token is not None:
            where += f" with resumptionToken {resumption_token!r}"
        text = f"OAI-PMH error {code} on {where}"
        if message:
            text += f": {message.strip()[:300]}"
        if hint:  # ours, after the server's words: what to do about it
            text += f"; {hint}"
        super().__init__(library, endpoint, text)


class BadArgument(OaiProtocolError):
    """The request had an illegal, missing or repeated argument."""

    code = "badArgument"


class BadResumptionToken(OaiProtocolError):
    """The resumption token expired or was never valid; the harvester restarts the window."""

    code = "badResumptionToken"


class BadVerb(OaiProtocolError):
    """The verb was missing, repeated or unknown."""

    code = "badVerb"


class CannotDisseminateFormat(OaiProtocolError):
    """The repository does not offer the configured metadata_prefix."""

    code = "cannotDisseminateFormat"


class IdDoesNotExist(OaiProtocolError):
    """The identifier asked for is unknown to the repository."""

    code = "idDoesNotExist"


class NoRecordsMatch(OaiProtocolError):
    """No record matches the request; the harvester treats this as an empty harvest."""

    code = "noRecordsMatch"


class NoMetadataFormats(OaiProtocolError):
    """The item has no metadata format at all."""

    code = "noMetadataFormats"


class NoSetHierarchy(OaiProtocolError):
    """The repository has no sets, but a `set` was configured."""

    code = "noSetHierarchy"


_BY_CODE: dict[str, type[OaiProtocolError]] = {
    cls.code: cls
    for cls in (BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat, IdDoesNotExist,
                NoRecordsMatch, NoMetadataFormats, NoSetHierarchy)
}


def oai_error_for_code(code: str) -> type[OaiProtocolError]:
    """The subclass for an OAI-PMH error code; unknown codes map to the base class."""
    return _BY_CODE.get(code, OaiProtocolError)
