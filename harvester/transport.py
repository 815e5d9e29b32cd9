"""HTTP for the harvest stage: one configured httpx client and a retrying `fetch`.

sickle's own loop uses requests, retries only 503, and crashes on a
`Retry-After` given as an HTTP date; here every request of the stage goes
through `fetch`, which retries timeouts, dropped connections, 5xx, 408 and 429 with
exponential backoff, honours `Retry-After` in both forms, caps the body size,
and decompresses gzip even when the server forgot to declare it.
"""

from __future__ import annotations

import io
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlsplit

import httpx

from config.errors import HarvestError
from config.settings import HarvestSettings
from harvester import stopping
from harvester.errors import HttpStatusError, ResponseTooLargeError, TruncatedResponseError, UnsafeRedirectError
from harvester.redirects import RefusedRedirect, refuse_unsafe_redirect

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
# Headers that describe the body as it travelled; the rebuilt response holds it decoded.
_TRANSFER_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}

# One request at a time per host, across every library's thread: a provincial
# server often hosts several district catalogues, and it must never see two of
# our requests at once.  `_hosts_lock` guards the table of per-host locks.
_hosts_lock = threading.Lock()
_host_locks: dict[str, threading.Lock] = {}
_host_last_request_s: dict[str, float] = {}


def make_client(settings: HarvestSettings, timeout_s: float | None = None) -> httpx.Client:
    """An httpx client with our User-Agent, gzip accepted, the configured timeout, and redirects
    followed only where harvester/redirects.py allows."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_s or settings.timeout_s),
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip"},
        follow_redirects=True,
        event_hooks={"response": [refuse_unsafe_redirect]},
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _retryable_status(status_code: int) -> bool:
    # 408: the server gave up waiting for our request (RFC 9110 15.5.9 lets a client repeat it).
    return status_code in (408, 429) or status_code >= 500


def _redirect_not_followed(response: httpx.Response) -> str | None:
    """What to say of a redirect httpx left unfollowed (no Location, or a 300 or 305), else None.

    Read as the answer it stood for, its empty body was "not well-formed XML: Document is empty".
    304 is not one: it answers our If-None-Match (harvester/marcsource.py).
    """
    status = response.status_code
    if not 300 <= status < 400 or status == 304:
        return None
    location = response.headers.get("location")
    if location is None:
        return (f"HTTP {status}, a redirect without a Location header: the server did not say where the records "
                "went; open the url in a browser, correct the library's url in its [[libraries]] table of the "
                "config (another path, or https), or ask the library's staff to fix the redirect")
    return (f"HTTP {status} to {location}, a redirect unioncat does not follow; set the library's url in its "
            "[[libraries]] table of the config to where the records really are")


def status_hint(response: httpx.Response, user_agent: str) -> str:
    """What to check for an error status that carries no OAI-PMH answer ("" where there is nothing to add)."""
    status_code = response.status_code
    if status_code in (404, 410):
        return ("no such address at the library's server: check the library's url in its [[libraries]] table of "
                "the config (the OAI-PMH base URL, or the MARC file's) and that the service is still published")
    if status_code == 401 and "www-authenticate" in response.headers:
        # The server asked for credentials (RFC 9110 11.6.1): neither the address nor the User-Agent is the matter.
        if response.url.userinfo:
            return ("the library's server refused the credentials in the library's url (user:password@): ask the "
                    "library's staff for the current ones and correct the url in its [[libraries]] table")
        return ("the library's server asks for credentials: ask the library's staff for a user and password, and "
                "write them in the library's url in its [[libraries]] table as http://user:password@host/...")
    if status_code in (401, 403):
        return ("the library's server refuses this harvester: access is likely restricted by address or "
                f"User-Agent; ask the library's staff to allow this machine's address and the User-Agent "
                f"{user_agent!r} (or the credentials it needs)")
    return ""


def failure_hint(exc: Exception | None, settings: HarvestSettings) -> str:
    """What to check when requests got no answer at all ("" where there is nothing to add)."""
    text = str(exc)
    if isinstance(exc, httpx.TimeoutException):
        setting = "request_total_s" if "in all" in text else "timeout_s"
        return (f"the server did not answer within [harvest] {setting} = {getattr(settings, setting):g} s: it is "
                f"overloaded or down; harvest at another hour, or raise {setting}")
    if not isinstance(exc, httpx.ConnectError):
        return ""
    if "SSL" in text or "certificate" in text.lower():
        return ("the secure connection failed: the server does not speak https at this address (try http:// in "
                "the library's url in its [[libraries]] table), or its certificate is not trusted (ask the "
                "library's staff)")
    if "refused" in text.lower():
        return ("nothing answers at this host and port: the library's server, or the service behind its url, is "
                "down, or the port in its url is wrong; check the url in its [[libraries]] table, or ask the "
                "library's staff")
    if any(part in text for part in ("Name or service not known", "name resolution", "getaddrinfo", "nodename")):
        return ("the host name in the library's url is not known: check its spelling in the [[libraries]] table, "
                "or this machine's DNS")
    return ""


def fetch(client: httpx.Client, url: str, params: Mapping[str, str] | None,
          settings: HarvestSettings, library: str, headers: Mapping[str, str] | None = None,
          answered: Callable[[httpx.Response], bool] | None = None) -> httpx.Response:
    """GET `url` with retries; return the response with its body read and decoded.

    Retries timeouts, connection errors, bodies cut short, 5xx, 408 and 429 at most
    `max_retries` times, waiting `backoff_base_s * 2**n` or the server's Retry-After, never
    more than `backoff_max_s`.  Raises HarvestError (naming library and URL)
    when the retries run out; 4xx answers other than 408 and 429 are returned, since
    OAI-PMH servers put protocol errors in them; a redirect httpx could not follow (no
    Location) raises HttpStatusError at once.  `headers` are extra request
    headers (e.g. If-None-Match for a conditional GET).  A retryable status that
    `answered` accepts is returned at once: asking again cannot change an answer.
    """
    attempt = 0
    while True:
        failure: Exception | None = None
        last_response: httpx.Response | None = None
        wait_s = settings.backoff_base_s * (2 ** attempt)
        try:
            with host_slot(url, settings.request_delay_s):
                # Here, not before the slot: another library's long request may have held it meanwhile.
                stopping.check(library, url)
                response = _get_limited(client, url, params, settings, library, headers)
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            problem = f"{type(exc).__name__}: {exc or 'no detail'}"
            failure = exc
        except TruncatedResponseError as exc:
            problem = exc.detail
            failure = exc
        except RefusedRedirect as exc:
            raise UnsafeRedirectError(library, with_query(url, params), str(exc)) from None
        except httpx.TooManyRedirects as exc:
            # Not retried: asking again follows the same loop.
            raise UnsafeRedirectError(library, with_query(url, params),
                                      f"redirected more than {client.max_redirects} times, last to "
                                      f"{exc.request.url}: a "
                                      "redirect loop at the library's server; ask its staff, or set the library's "
                                      "url to where the records really are") from None
        else:
            if (nowhere := _redirect_not_followed(response)) is not None:
                # Not retried: a server that redirects nowhere does so every time.
                raise HttpStatusError(library, with_query(url, params), response.status_code,
                                      response.headers.get("content-type", ""), nowhere)
            if not _retryable_status(response.status_code) or (answered is not None and answered(response)):
                return response
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            problem = f"HTTP {response.status_code}"
            if retry_after is not None:
                wait_s = retry_after
                if retry_after > settings.backoff_max_s:
                    # Capped below: without this, the operator never learns how long the server wanted.
                    problem += (f" (the server asked to wait {retry_after:g} s by Retry-After, longer than "
                                f"[harvest] backoff_max_s = {settings.backoff_max_s:g} s: harvest later, or raise it)")
            last_response = response
        # A request in flight when the run was stopped: its failure is the stop's, not the server's.
        stopping.check(library, url)
        if attempt >= settings.max_retries:
            full_url = with_query(url, params)
            tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
            if last_response is not None:
                snippet = last_response.text[:200].strip()
                raise HttpStatusError(
                    library, full_url, last_response.status_code,
                    last_response.headers.get("content-type", ""),
                    f"{problem} {tries}" + (f": {snippet}" if snippet else ""),
                )
            hint = failure_hint(failure, settings)
            raise HarvestError(library, full_url, f"{problem} {tries}" + (f"; {hint}" if hint else "")) from failure
        wait_s = min(wait_s, settings.backoff_max_s)
        log.warning("library %s: %s from %s; retry %d in %.2fs", library, problem, url, attempt + 1, wait_s,
                    extra={"library": library})
        stopping.pause(wait_s, library, url)
        attempt += 1


def with_query(url: str, params: Mapping[str, str] | None) -> str:
    """`url` with `params` percent-encoded, space as %20 and `+` as %2B.

    Form encoding writes a space as `+`, which some OAI-PMH servers read back
    as a plus; resumption tokens carry both, so nothing is left to guess.
    """
    if not params:
        return url
    query = "&".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _get_limited(client: httpx.Client, url: str, params: Mapping[str, str] | None,
                 settings: HarvestSettings, library: str, headers: Mapping[str, str] | None) -> httpx.Response:
    """One GET whose body is read in chunks and refused past `max_response_bytes`."""
    limit = settings.max_response_bytes
    with client.stream("GET", with_query(url, params), headers=headers,
                       extensions={"trace": stopping.watch_connection}) as response:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(library, str(response.url),
                                        f"response declares {declared} bytes, over the limit of {limit}")
        # Written into one buffer, not kept as chunks to join: a join held a large file twice.
        received = io.BytesIO()
        total = 0
        # The read timeout is per chunk: a server that sends a byte every few seconds would
        # hold the night's harvest for ever without an overall deadline.
        deadline = time.monotonic() + settings.request_total_s
        # Always read raw and decoded below, within the limit: httpx's decoder takes half a gzip
        # body for a whole one (it never checks the end marker), and it inflates each chunk whole,
        # so `Content-Encoding: gzip, gzip` made 661 bytes 300 MB in memory before any limit.
        declared_gzip = _declares_gzip(response.headers.get("content-encoding", ""), library, str(response.url))
        for chunk in response.iter_raw():
            stopping.check(library, str(response.url))  # a big or slow body must not hold up a stop
            total += len(chunk)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"response still arriving after {settings.request_total_s:g} s in all",
                                        request=response.request)
            if total > limit:
                raise ResponseTooLargeError(library, str(response.url),
                                            f"response is over the limit of {limit} bytes")
            received.write(chunk)
    body = received.getvalue()
    del received
    if declared_gzip and body[:2] == GZIP_MAGIC:
        body = _gunzip_limited(body, limit, library, str(response.url))
    # Some servers gzip the body without saying so in Content-Encoding, or serve a .gz file
    # (a web server's own compression may then wrap it in a second, declared layer).
    if body[:2] == GZIP_MAGIC:
        body = _gunzip_limited(body, limit, library, str(response.url))
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _TRANSFER_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request)


def _declares_gzip(content_encoding: str, library: str, url: str) -> bool:
    """Whether the body is declared gzip; HarvestError for any other coding: we ask for gzip only,
    and decode only one layer of it, within the size limit."""
    coding = content_encoding.strip().lower()
    if coding in ("", "identity"):
        return False
    if coding in ("gzip", "x-gzip"):
        return True
    raise HarvestError(library, url, f"the server sent the body as Content-Encoding {content_encoding!r}; "
                                     "unioncat asks for and reads only gzip")


def _gunzip_limited(body: bytes, limit: int, library: str, url: str) -> bytes:
    """Decompress a gzip body, refusing one that inflates past `limit` or is cut short.

    gzip ends each member with a marker, CRC and length, so a body cut short (a
    `.mrc.gz` fetched while it is uploaded) is told from a complete one: it raises
    TruncatedResponseError rather than pass for the whole file.  Members written
    one after another (`cat a.gz b.gz`) are all read, not only the first.
    """
    out = b""
    rest = body
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise HarvestError(library, url, f"body starts like gzip but does not decompress: {exc}") from exc
        if len(out) > limit:
            raise ResponseTooLargeError(library, url, f"decompressed response is over the limit of {limit} bytes")
        if not inflater.eof:
            raise TruncatedResponseError(library, url, f"gzip body of {len(body)} bytes ends before its end marker "
                                                       "(cut short in transfer, or fetched while being written)")
        rest = inflater.unused_data
        if rest[:2] != GZIP_MAGIC:
            # NUL padding or a line end after the last member is not data; anything else is unexplained.
            if rest.strip(b"\x00\r\n\t "):
                raise HarvestError(library, url, f"{len(rest)} bytes that are not gzip follow the gzip body")
            break
    return out


def _host_key(url: str) -> str:
    """The host part of `url` (no port): servers, not ports, are what we must not overload."""
    return (urlsplit(url).hostname or "").lower()


@contextmanager
def host_slot(url: str, delay_s: float) -> Iterator[None]:
    """Hold the one request slot of `url`'s host, at least `delay_s` after its last request ended.

    Retry waits happen outside the slot, so a library backing off does not
    hold up another library on the same host.
    """
    host = _host_key(url)
    with _hosts_lock:
        lock = _host_locks.setdefault(host, threading.Lock())
    with lock:
        if delay_s > 0:
            ready_at = _host_last_request_s.get(host, 0.0) + delay_s
            now = time.monotonic()
            if ready_at > now:
                time.sleep(ready_at - now)
        try:
            yield
        finally:
            _host_last_request_s[host] = time.monotonic()
