"""A fault-injecting HTTP proxy for harvest tests: real provider behind, seeded faults in front.

`FaultProxy(upstream)` listens on 127.0.0.1 (or another loopback address),
port 0, and forwards every GET to `upstream + path`.  Before forwarding it
draws from a seeded RNG whether to answer with a fault instead, and which one;
each injected fault is appended to `faults` (and logged), so a failing test
says exactly what it went through.

Which faults are drawn, and why the harvest can still finish:
- transport faults (503 with Retry-After in seconds or as an HTTP date, 500,
  429, a response slower than the client timeout, a dropped connection, a body
  cut short of its Content-Length) are retried by `harvester.transport.fetch`;
- content faults (an HTML page with status 200, XML truncated under a
  consistent Content-Length) are asked again by the OAI loop;
- `gzip` (an undeclared gzip body) and `control_chars` (an XML-forbidden
  control character in the `<request>` text node, which the harvester keeps
  as a control picture) are valid answers and must simply be accepted;
  control characters go into `<request>`, not into a record, so the stored
  payloads can be compared byte for byte with a clean harvest;
- token faults (`bad_token`: badResumptionToken with status 200; `http_422`: the
  same error with HTTP 422, as Zenodo sends it) only hit requests that carry a
  resumptionToken and make the harvester restart the window.
One request (same path and query) gets at most `max_in_a_row` faults in a
row, so with `max_retries >= max_in_a_row` every retryable fault is survived
within one run.  Token faults restart a window from its first page and a
harvest gives up after a few restarts, so `limits` caps how many of each kind
are injected in all; a test may need a few runs (each resumes where the last
stopped) to get through those.
"""

from __future__ import annotations

import gzip
import http.client
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from harvester.provider import QuietKeepAliveHandler

log = logging.getLogger(__name__)

TRANSPORT_FAULTS = ("retry_after_seconds", "retry_after_date", "http_500", "http_429", "slow", "drop",
                    "truncated_body")
CONTENT_FAULTS = ("html_200", "truncated_xml", "gzip", "control_chars")
TOKEN_FAULTS = ("bad_token", "http_422")
ALL_FAULTS = TRANSPORT_FAULTS + CONTENT_FAULTS + TOKEN_FAULTS

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
HTML_PAGE = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>"


def oai_error_body(code: str, text: str) -> bytes:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}"><responseDate>{now}</responseDate>'
            f'<request>proxy</request><error code="{code}">{text}</error></OAI-PMH>').encode()


@dataclass
class Fault:
    """One injected fault: its number, kind and the request it answered."""

    number: int
    kind: str
    path: str
    at_s: float


@dataclass
class Exchange:
    """One request seen by the proxy, with when it arrived and when its answer was done."""

    path: str
    started_s: float
    finished_s: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # clients hang up on slow answers on purpose
        pass


@dataclass
class FaultProxy:
    """See the module docstring.  `fault_rate` 0 makes a plain recording proxy (with `latency_s`)."""

    upstream: str
    seed: int = 1
    fault_rate: float = 0.5
    kinds: tuple[str, ...] = ALL_FAULTS
    max_in_a_row: int = 3
    limits: dict[str, int] = field(default_factory=dict)
    slow_s: float = 0.5
    latency_s: float = 0.0
    host: str = "127.0.0.1"
    # Called with (request number from 1, path) before answering: lets a test change the provider mid-harvest.
    on_request: Callable[[int, str], None] | None = None
    faults: list[Fault] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._in_a_row: dict[str, int] = {}
        self._started = time.monotonic()
        self._upstream = urlsplit(self.upstream)
        proxy = self

        class Handler(QuietKeepAliveHandler):

            def do_GET(self) -> None:
                proxy._handle(self)

        self._httpd = _QuietServer((self.host, 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        self.base_url = f"http://{self.host}:{self._httpd.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for fault in self.faults:
            out[fault.kind] = out.get(fault.kind, 0) + 1
        return out

    # ---- deciding ------------------------------------------------------------------

    def _choose(self, path: str) -> str | None:
        """The fault for this request, or None to forward it untouched (under the lock)."""
        if self._in_a_row.get(path, 0) >= self.max_in_a_row or self._rng.random() >= self.fault_rate:
            self._in_a_row[path] = 0
            return None
        has_token = "resumptionToken=" in path
        counts = self.counts()
        candidates = [k for k in self.kinds
                      if (has_token or k not in TOKEN_FAULTS) and counts.get(k, 0) < self.limits.get(k, 1 << 30)]
        if not candidates:
            return None
        kind = self._rng.choice(candidates)
        self._in_a_row[path] = self._in_a_row.get(path, 0) + 1
        fault = Fault(len(self.faults) + 1, kind, path, time.monotonic() - self._started)
        self.faults.append(fault)
        log.info("fault %d: %s on %s", fault.number, kind, path)
        return kind

    # ---- answering -----------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        exchange = Exchange(handler.path, time.monotonic())
        with self._lock:
            self.exchanges.append(exchange)
            number = len(self.exchanges)
            kind = self._choose(handler.path)
        if self.on_request is not None:
            self.on_request(number, handler.path)
        try:
            if self.latency_s:
                time.sleep(self.latency_s)
            self._answer(handler, kind)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            exchange.finished_s = time.monotonic()

    def _answer(self, handler: BaseHTTPRequestHandler, kind: str | None) -> None:
        if kind == "drop":
            handler.close_connection = True
            handler.connection.close()
            return
        if kind == "slow":
            time.sleep(self.slow_s)
        if kind in ("retry_after_seconds", "retry_after_date", "http_500", "http_429"):
            status = {"http_500": 500, "http_429": 429}.get(kind, 503)
            headers = {"Content-Type": "text/plain"}
            if kind == "retry_after_seconds" or kind == "http_429":
                headers["Retry-After"] = "2"
            elif kind == "retry_after_date":
                headers["Retry-After"] = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
            return self._send(handler, status, headers, f"{status} injected\n".encode())
        if kind == "html_200":
            return self._send(handler, 200, {"Content-Type": "text/html; charset=utf-8"}, HTML_PAGE)
        if kind in TOKEN_FAULTS:
            body = oai_error_body("badResumptionToken", "The resumption token has expired (injected)")
            return self._send(handler, 422 if kind == "http_422" else 200, {"Content-Type": "text/xml"}, body)
        status, headers, body = self._forward(handler.path)
        if kind == "truncated_body":
            # Announce the whole body, send half, hang up: the client sees an incomplete read.
            handler.send_response(status)
            handler.send_header("Content-Type", headers.get("Content-Type", "text/xml"))
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.close()
            return
        if kind == "truncated_xml":
            # The server itself cut its output: the length is consistent, the XML is not.
            body = body[: max(1, len(body) * 2 // 3)]
        elif kind == "gzip":
            body = gzip.compress(body)  # and no Content-Encoding header
        elif kind == "control_chars":
            body = re.sub(rb"(<request[^>]*>)", lambda m: m.group(1) + b"\x01\x0b", body, count=1)
        self._send(handler, status, {"Content-Type": headers.get("Content-Type", "text/xml")}, body)

    def _forward(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self._upstream.hostname, self._upstream.port, timeout=30)
        try:
            conn.request("GET", self._upstream.path.rstrip("/") + path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
