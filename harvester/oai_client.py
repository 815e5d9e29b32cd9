"""sickle over our httpx client: one OAI-PMH request, parsed strictly, asked again while malformed.

sickle is the protocol library; its own transport (requests) and its recovering
XML parser (which drops records it cannot read) are replaced here by the
retrying `transport.fetch` and a strict parse, so every failure names the
library and endpoint instead of losing records quietly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import httpx
import sickle

from config.errors import HarvestError
from config.settings import HarvestSettings
from harvester import stopping
from harvester.errors import HttpStatusError, MalformedResponseError
from harvester.metrics import StageTimes
from harvester.charset import utf8_body
from harvester.oaixml import OAI_NS, looks_like_html, parse_xml_strict
from harvester.transport import fetch, status_hint

log = logging.getLogger(__name__)

T = TypeVar("T")


class StrictOAIResponse:
    """sickle's OAIResponse, but `.xml` is parsed strictly (sickle's recovers, dropping records)."""

    def __init__(self, http_response: httpx.Response, params: dict, library: str, endpoint: str):
        self.http_response = http_response
        self.params = params
        if looks_like_html(http_response):
            raise MalformedResponseError(library, endpoint, f"{params.get('verb')} answered with an HTML page "
                                                            f"(HTTP {http_response.status_code}), not OAI-PMH XML")
        # A misdeclared encoding is told from the ListRecords pages (oaisalvage.SalvagingPageReader), which
        # hold the records it concerns; Identify and the like would only say it again.
        body, _declared = utf8_body(http_response)
        self.xml, self.repaired_characters = parse_xml_strict(body, library, f"{endpoint} ({params.get('verb')})")

    @property
    def raw(self) -> str:
        return self.http_response.text


class HttpxSickle(sickle.Sickle):
    """sickle with our httpx client and retrying `fetch` instead of requests."""

    def __init__(self, endpoint: str, client: httpx.Client, settings: HarvestSettings, library: str,
                 times: StageTimes | None = None):
        super().__init__(endpoint)
        self.client = client
        self.settings = settings
        self.library = library
        self.times = times or StageTimes()

    def harvest(self, **kwargs: str) -> StrictOAIResponse:  # type: ignore[override]
        """sickle's entry point (Identify, ListIdentifiers): the response parsed whole."""
        return self.request(kwargs, lambda response: StrictOAIResponse(response, kwargs, self.library,
                                                                        self.endpoint))

    def request(self, params: dict[str, str], read: Callable[[httpx.Response], T]) -> T | StrictOAIResponse:
        """One request read by `read`, asked again while the answer is malformed (HTML, truncated XML).

        `fetch` already retries what HTTP can tell (timeouts, 5xx, 429); a 200
        whose body is a login page or is cut short is only seen here.  After
        `max_retries` such answers the MalformedResponseError goes up.  An OAI
        <error> sent with a 4xx (or 5xx but 503) status comes back as a StrictOAIResponse.
        """
        attempt = 0
        while True:
            try:
                return self._request_once(params, read)
            except MalformedResponseError as exc:
                if attempt >= self.settings.max_retries:
                    raise
                wait_s = min(self.settings.backoff_base_s * (2 ** attempt), self.settings.backoff_max_s)
                log.warning("library %s: %s; asking again in %.2fs", self.library, exc, wait_s,
                            extra={"library": self.library})
                stopping.pause(wait_s, self.library, self.endpoint)
                attempt += 1

    def _request_once(self, params: dict[str, str], read: Callable[[httpx.Response], T]) -> T | StrictOAIResponse:
        oai_error: list[StrictOAIResponse] = []  # a 5xx's <error>, as carries_oai_error parsed it

        def carries_oai_error(response: httpx.Response) -> bool:
            """True for a 5xx (not 503, OAI-PMH's own "come back later") whose body is an OAI-PMH <error>,
            which is kept as parsed here (it used to be parsed a second time to be read).

            Some home-made providers send every protocol error with HTTP 500: retrying
            noRecordsMatch only delayed, then failed, each quiet night's harvest.
            """
            if response.status_code < 500 or response.status_code == 503:
                return False
            try:
                oai_error.append(self._error_response(response, params))
            except HarvestError:
                return False
            return True

        with self.times.measure("http"):
            response = fetch(self.client, self.endpoint, params, self.settings, self.library,
                             answered=carries_oai_error)
        with self.times.measure("parse"):
            if oai_error:  # fetch stops at the first answer carries_oai_error accepts: this one
                return oai_error[0]
            if response.status_code >= 400:
                return self._error_response(response, params)
            if looks_like_html(response):
                raise MalformedResponseError(self.library, self.endpoint, f"{params.get('verb')} answered with an "
                                             f"HTML page (HTTP {response.status_code}), not OAI-PMH XML")
            return read(response)

    def _error_response(self, response: httpx.Response, kwargs: dict[str, str]) -> StrictOAIResponse:
        """Some servers send their OAI <error> with 400/404/422 (Zenodo) or 500; read it if it is there."""
        try:
            parsed = StrictOAIResponse(response, kwargs, self.library, self.endpoint)
        except HarvestError:
            raise self._status_error(response, f"HTTP {response.status_code}: {response.text[:200].strip()}") \
                from None
        if parsed.xml.find(f"{{{OAI_NS}}}error") is None:
            raise self._status_error(response, f"HTTP {response.status_code} without an OAI-PMH error")
        return parsed

    def _status_error(self, response: httpx.Response, message: str) -> HttpStatusError:
        hint = status_hint(response, self.settings.user_agent)
        return HttpStatusError(self.library, str(response.url), response.status_code,
                               response.headers.get("content-type", ""), f"{message}; {hint}" if hint else message)
