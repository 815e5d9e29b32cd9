"""Builders and servers the harvest tests share: fixture files, ISO 2709 bytes, a fault server.

Named test_harvest_*.py so it lives with the harvest tests; it holds one
self-check and no fixtures of its own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester.marcfile import harvest_marc_file
from harvester.provider import QuietKeepAliveHandler
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun

MARC_NS = "http://www.loc.gov/MARC21/slim"
OAI_NS = "http://www.openarchives.org/OAI/2.0/"

# overlap_s=0: these tests check exact `from` values; test_overlap_is_subtracted_from_next_from checks the overlap.
FAST = dict(backoff_base_s=0.01, backoff_max_s=0.05, max_retries=2, timeout_s=2.0, overlap_s=0)


def fast_settings(**overrides) -> HarvestSettings:
    return HarvestSettings(**{**FAST, **overrides})


def oai_library(url: str, library_id: str = "tv-test", prefix: str = "marc21", **extra) -> LibraryConfig:
    return LibraryConfig(id=library_id, name="Thư viện thử", type="district", district="Vị Thanh",
                         protocol="oai-pmh", url=url, metadata_prefix=prefix, **extra)


def marc_library(location: str, library_id: str = "tv-file") -> LibraryConfig:
    return LibraryConfig(id=library_id, name="Thư viện tệp", type="school", district="Vị Thanh",
                         protocol="marc-file", url=location)


def refused_harvest(library: LibraryConfig, store: CatalogStore, full: bool = False) -> tuple[HarvestRun, str]:
    """A MARC-file harvest that keeps what it read but fails, the file not taken whole: its run and error."""
    run = HarvestRun(library=library.id, started_at=utc_now())
    with pytest.raises(HarvestError) as caught:
        harvest_marc_file(library, store, None, fast_settings(), run=run, full=full)
    assert run.snapshot_refused is not None, caught.value
    return run, str(caught.value)


def marcxml_record(local_id: str | None, title: str, stamp: str = "20240315103000.0") -> str:
    control = f'<controlfield tag="001">{local_id}</controlfield>' if local_id is not None else ""
    return (f'<record xmlns="{MARC_NS}"><leader>00000nam a2200000 a 4500</leader>{control}'
            f'<controlfield tag="005">{stamp}</controlfield>'
            f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title}</subfield></datafield></record>')


def write_marc_collection(path: Path, count: int, prefix: str = "Sách", first: int = 1) -> Path:
    records = "".join(marcxml_record(str(i), f"{prefix} số {i}") for i in range(first, first + count))
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="{MARC_NS}">{records}</collection>',
                    encoding="utf-8")
    return path


def write_dc_collection(path: Path, items: list[tuple[str, str, str]]) -> Path:
    """items: (id, datestamp, set) → the wrapped oai_dc fixture shape."""
    body = "".join(
        f'<record id="{rid}" datestamp="{stamp}" set="{spec}"><oai_dc:dc xmlns:oai_dc='
        f'"http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>Luận văn {rid}</dc:title><dc:creator>Nguyễn Văn A</dc:creator></oai_dc:dc></record>"
        for rid, stamp, spec in items)
    path.write_text(f"<collection>{body}</collection>", encoding="utf-8")
    return path


def iso2709(fields: list[tuple[str, bytes]], coding: bytes = b"a", in_characters: bool = False) -> bytes:
    """One ISO 2709 record from (tag, field bytes without terminator); `in_characters`: the
    directory counts UTF-8 characters, not bytes, as some exporters wrongly do."""
    size = (lambda b: len(b.decode("utf-8"))) if in_characters else len
    directory = b""
    data = b""
    for tag, value in fields:
        body = value + b"\x1e"
        directory += tag.encode() + b"%04d%05d" % (size(body), size(data))
        data += body
    base = 24 + len(directory) + 1
    total = base + len(data) + 1
    leader = b"%05dnam " % total + coding + b"22" + b"%05d" % base + b" a 4500"
    return leader + directory + b"\x1e" + data + b"\x1d"


def book(local_id: str | None, title: bytes, coding: bytes = b"a") -> bytes:
    fields = [("001", local_id.encode())] if local_id is not None else []
    fields.append(("245", b"00\x1fa" + title))
    return iso2709(fields, coding)


# ---- OAI-PMH responses ---------------------------------------------------------------


def envelope(inner: str, response_date: str = "2024-05-01T10:20:30Z") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}">'
            f"<responseDate>{response_date}</responseDate><request>http://x/oai</request>{inner}</OAI-PMH>"
            ).encode("utf-8")


def identify(granularity: str = "YYYY-MM-DDThh:mm:ssZ") -> bytes:
    return envelope(f"<Identify><repositoryName>fault</repositoryName><baseURL>http://x/oai</baseURL>"
                    f"<protocolVersion>2.0</protocolVersion><adminEmail>a@example.org</adminEmail>"
                    f"<earliestDatestamp>2000-01-01T00:00:00Z</earliestDatestamp>"
                    f"<deletedRecord>no</deletedRecord><granularity>{granularity}</granularity></Identify>")


def list_records(ids: list[str], token: str | None = None, response_date: str = "2024-05-01T10:20:30Z",
                 title: str = "Sách") -> bytes:
    records = "".join(
        f"<record><header><identifier>oai:x:{i}</identifier><datestamp>2024-03-15T10:30:00Z</datestamp></header>"
        f"<metadata>{marcxml_record(i, f'{title} {i}')}</metadata></record>" for i in ids)
    token_xml = "" if token is None else f"<resumptionToken>{token}</resumptionToken>"
    return envelope(f"<ListRecords>{records}{token_xml}</ListRecords>", response_date)


def oai_error(code: str, text: str = "", response_date: str = "2024-05-01T10:20:30Z") -> bytes:
    return envelope(f'<error code="{code}">{text}</error>', response_date)


def list_identifiers(ids: list[str], token: str | None = None) -> bytes:
    headers = "".join(f"<header><identifier>oai:x:{i}</identifier><datestamp>2024-03-15T10:30:00Z</datestamp>"
                      f"</header>" for i in ids)
    token_xml = "" if token is None else f"<resumptionToken>{token}</resumptionToken>"
    return envelope(f"<ListIdentifiers>{headers}{token_xml}</ListIdentifiers>")


def get_record(identifier: str, title: str = "Sách") -> bytes:
    record = list_records([identifier], title=title).split(b"<ListRecords>")[1].split(b"</ListRecords>")[0]
    return envelope("<GetRecord>" + record.decode() + "</GetRecord>")


# ---- the fault server ------------------------------------------------------------------


@dataclass
class Canned:
    """One canned answer: status, headers, body, a delay before answering, a body sent slowly, or a dropped connection."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/xml; charset=utf-8"})
    delay_s: float = 0.0
    drop: bool = False
    trickle_s: float = 0.0  # pause between the body's ten pieces


class QuietHTTPServer(ThreadingHTTPServer):
    """A test server that does not print the client hanging up on purpose."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


class FaultServer:
    """Serves canned responses in sequence on 127.0.0.1; remembers every request's raw query."""

    def __init__(self, responses: list[Canned | bytes]):
        self.responses = [r if isinstance(r, Canned) else Canned(r) for r in responses]
        self.queries: list[str] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(QuietKeepAliveHandler):

            def do_GET(self) -> None:
                with outer._lock:
                    outer.queries.append(urlsplit(self.path).query)
                    canned = outer.responses.pop(0) if outer.responses else Canned(b"no more answers", 599)
                if canned.delay_s:
                    time.sleep(canned.delay_s)
                if canned.drop:
                    self.close_connection = True
                    self.connection.close()
                    return
                try:
                    self.send_response(canned.status)
                    for name, value in canned.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(canned.body)))
                    self.end_headers()
                    if canned.trickle_s:
                        step = max(1, len(canned.body) // 10)
                        for start in range(0, len(canned.body), step):
                            self.wfile.write(canned.body[start:start + step])
                            self.wfile.flush()
                            time.sleep(canned.trickle_s)
                    else:
                        self.wfile.write(canned.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = QuietHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oai"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_iso2709_builder_writes_consistent_leader():
    record = book("42", b"Hello")
    assert int(record[:5]) == len(record)
    assert record[int(record[12:17]) - 1] == 0x1E
