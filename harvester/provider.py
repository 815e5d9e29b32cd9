"""An OAI-PMH provider over fixture files, for the demo and the tests.

Built on the `oaipmh` library's `BatchingServer` (the server MOAI uses), served
over real HTTP on 127.0.0.1 by a threaded `http.server`.  Each repository is one
fixture file: a MARCXML `<collection>` (local id = 001, datestamp = 005), or a
`<collection>` of `<record id=".." datestamp="..">` elements wrapping
`<oai_dc:dc>`.  Identifiers deleted at the source are listed one per line in
`<name>-deleted.txt` beside the file.  Tests change the data at runtime with
`upsert()` and `delete()`.

What `oaipmh` 4.0 gets wrong, kept on purpose because real servers do the same
(our harvester must cope):
- the last page of a resumed list carries no `<resumptionToken/>` at all (the
  spec asks for an empty one), and a token past the end gets an empty list;
- tokens are offsets (`cursor=`) with the query inside, URL-quoted twice, so
  they contain `%` and must be URL-encoded by the client; a token whose `from_`
  does not parse raises a non-OAI exception: we answer HTTP 500 text/plain,
  as MOAI does;
- header datestamps are always written with seconds, even when Identify
  declares day granularity, and `from`/`until` finer than the declared
  granularity are accepted instead of answering badArgument;
- a repeated argument is not detected by the library (we turn it into badArgument).
What it gets right: responseDate in UTC at second precision, `until` of a
day-only value is inclusive (23:59:59), noRecordsMatch on an empty first
request, badResumptionToken for a token that does not decode.
We list records in insertion order (like Koha's biblionumber), not by
datestamp: with offset tokens, a record edited mid-harvest would otherwise move
and push another record past the harvester.
"""

from __future__ import annotations

import copy
import gzip
import socket
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from oaipmh import common, error
from oaipmh.datestamp import datestamp_to_datetime
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import BatchingServer

from harvester.oaigranularity import SECONDS_GRANULARITY
from store.xmlns import MARC_NS, OAI_DC_NS

_DEFAULT_DATESTAMP = datetime(2000, 1, 1)
_FORMATS = {
    "marc": [("marc21", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_NS),
             ("marcxml", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_NS),
             # DSpace's name for the same format.
             ("marc", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", MARC_NS)],
    "oai_dc": [("oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC_NS)],
}


def _utc_now_naive() -> datetime:
    return datetime.now(UTC).replace(microsecond=0, tzinfo=None)


def _to_datestamp(value: datetime | str | None) -> datetime:
    """Naive-UTC datetime from a datetime, an OAI datestamp or a MARC 005 value."""
    if value is None:
        return _utc_now_naive()
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None, microsecond=0) if value.tzinfo else value.replace(microsecond=0)
    value = value.strip()
    if "-" in value:
        return datestamp_to_datetime(value)
    return datetime.strptime(value[:14], "%Y%m%d%H%M%S")


@dataclass
class _Item:
    local_id: str
    datestamp: datetime
    deleted: bool
    element: etree._Element | None
    sets: tuple[str, ...] = ()


@dataclass
class _Repository:
    name: str
    kind: str  # "marc" or "oai_dc"
    items: dict[str, _Item] = field(default_factory=dict)  # insertion order is list order
    granularity: str = SECONDS_GRANULARITY
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def identifier(self, local_id: str) -> str:
        return f"oai:{self.name}:{local_id}"

    def local_id(self, identifier: str) -> str:
        prefix = f"oai:{self.name}:"
        return identifier[len(prefix):] if identifier.startswith(prefix) else identifier


def _parse_element(record_xml: str | bytes | etree._Element) -> etree._Element:
    if isinstance(record_xml, etree._Element):
        return copy.deepcopy(record_xml)
    data = record_xml.encode("utf-8") if isinstance(record_xml, str) else record_xml
    return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def _marc_item(record: etree._Element) -> _Item:
    ns = {"m": MARC_NS}
    local_id = (record.xpath("string(m:controlfield[@tag='001'])", namespaces=ns) or "").strip()
    stamp = (record.xpath("string(m:controlfield[@tag='005'])", namespaces=ns) or "").strip()
    datestamp = _to_datestamp(stamp) if len(stamp) >= 14 else _DEFAULT_DATESTAMP
    return _Item(local_id, datestamp, False, record)


def load_repository(name: str, path: Path) -> _Repository:
    """A repository from a fixture file (MARCXML or wrapped oai_dc) and its -deleted.txt."""
    root = etree.parse(str(path), parser=etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    marc_records = root.findall(f".//{{{MARC_NS}}}record")
    repo = _Repository(name=name, kind="marc" if marc_records or root.tag == f"{{{MARC_NS}}}record" else "oai_dc")
    if repo.kind == "marc":
        for record in marc_records or [root]:
            item = _marc_item(record)
            repo.items[item.local_id] = item
    else:
        for wrapper in root.iter("record"):
            dc = next((c for c in wrapper if isinstance(c.tag, str)), None)
            local_id = repo.local_id((wrapper.get("id") or "").strip())
            stamp = wrapper.get("datestamp")
            sets = tuple((wrapper.get("sets") or wrapper.get("set") or "").split())
            repo.items[local_id] = _Item(local_id, _to_datestamp(stamp) if stamp else _DEFAULT_DATESTAMP,
                                         dc is None, dc, sets)
    deleted_file = path.with_name(f"{path.stem}-deleted.txt")
    if deleted_file.exists():
        latest = max((i.datestamp for i in repo.items.values()), default=_DEFAULT_DATESTAMP)
        for line in deleted_file.read_text(encoding="utf-8").splitlines():
            token = line.split("#", 1)[0].strip().split()
            if not token:
                continue
            local_id = repo.local_id(token[0])
            item = repo.items.get(local_id)
            if item is None:
                repo.items[local_id] = _Item(local_id, latest, True, None)
            else:
                item.deleted = True
    return repo


class FixtureOAI:
    """An `oaipmh.interfaces.IBatchingOAI` over one in-memory repository."""

    def __init__(self, repo: _Repository):
        self.repo = repo

    def identify(self) -> common.Identify:
        with self.repo.lock:
            earliest = min((i.datestamp for i in self.repo.items.values()), default=_DEFAULT_DATESTAMP)
        return common.Identify(
            repositoryName=f"unioncat fixture provider: {self.repo.name}", baseURL=self.repo.base_url,
            protocolVersion="2.0", adminEmails=["admin@example.org"], earliestDatestamp=earliest,
            deletedRecord="persistent", granularity=self.repo.granularity, compression=["identity", "gzip"],
        )

    def listMetadataFormats(self, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None and self.repo.local_id(identifier) not in self.repo.items:
            raise error.IdDoesNotExistError(f"No record {identifier}")
        return _FORMATS[self.repo.kind]

    def listSets(self, cursor: int = 0, batch_size: int = 10) -> list[tuple[str, str, None]]:
        with self.repo.lock:
            specs = sorted({s for i in self.repo.items.values() for s in i.sets})
        if not specs:
            raise error.NoSetHierarchyError("This repository has no sets")
        return [(s, s, None) for s in specs][cursor:cursor + batch_size]

    def _check_prefix(self, prefix: str) -> None:
        if prefix not in {f[0] for f in _FORMATS[self.repo.kind]}:
            raise error.CannotDisseminateFormatError(f"{prefix} is not offered by {self.repo.name}")

    def _select(self, metadataPrefix: str, set: str | None, from_: datetime | None, until: datetime | None,
                cursor: int, batch_size: int) -> list[_Item]:
        self._check_prefix(metadataPrefix)
        with self.repo.lock:
            if set is not None and not any(i.sets for i in self.repo.items.values()):
                raise error.NoSetHierarchyError("This repository has no sets")
            chosen = [i for i in self.repo.items.values()
                      if (from_ is None or i.datestamp >= from_) and (until is None or i.datestamp <= until)
                      and (set is None or set in i.sets)]
        return chosen[cursor:cursor + batch_size]

    def _header(self, item: _Item) -> common.Header:
        return common.Header(None, self.repo.identifier(item.local_id), item.datestamp, list(item.sets), item.deleted)

    def listIdentifiers(self, metadataPrefix: str, set: str | None = None, from_: datetime | None = None,
                        until: datetime | None = None, cursor: int = 0, batch_size: int = 10) -> list:
        return [self._header(i) for i in self._select(metadataPrefix, set, from_, until, cursor, batch_size)]

    def listRecords(self, metadataPrefix: str, set: str | None = None, from_: datetime | None = None,
                    until: datetime | None = None, cursor: int = 0, batch_size: int = 10) -> list:
        return [(self._header(i), common.Metadata(i.element, {}), None)
                for i in self._select(metadataPrefix, set, from_, until, cursor, batch_size)]

    def getRecord(self, metadataPrefix: str, identifier: str) -> tuple:
        self._check_prefix(metadataPrefix)
        with self.repo.lock:
            item = self.repo.items.get(self.repo.local_id(identifier))
        if item is None:
            raise error.IdDoesNotExistError(f"No record {identifier}")
        return self._header(item), common.Metadata(item.element, {}), None


def _copy_writer(element: etree._Element, metadata: common.Metadata) -> None:
    """Insert the stored MARCXML <record> or <oai_dc:dc> element as it is."""
    element.append(copy.deepcopy(metadata.element()))


def metadata_registry() -> MetadataRegistry:
    registry = MetadataRegistry()
    for prefix in ("marc21", "marcxml", "marc", "oai_dc"):
        registry.registerWriter(prefix, _copy_writer)
    return registry


class QuietKeepAliveHandler(BaseHTTPRequestHandler):
    """A keep-alive request handler that logs nothing and sends without Nagle delays.

    Also the base of the test suite's fault servers and the benchmark's servers.
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle and the
        # client's delayed ACK add 40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _Handler(QuietKeepAliveHandler):
    server: _ProviderHTTPServer

    def do_GET(self) -> None:
        self._answer(parse_qs(urlsplit(self.path).query, keep_blank_values=True))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(parse_qs(self.rfile.read(length).decode("utf-8", "replace"), keep_blank_values=True))

    def _answer(self, query: dict[str, list[str]]) -> None:
        name = urlsplit(self.path).path.strip("/")
        server = self.server.oai_servers.get(name)
        if server is None:
            return self._send(404, "text/plain; charset=utf-8", f"no repository {name!r}\n".encode())
        kw = {key: values[0] for key, values in query.items()}
        for key, values in query.items():
            if len(values) > 1:
                # oaipmh does not notice repeated arguments; an unknown key makes it say badArgument.
                kw[f"repeated argument {key}"] = ""
        try:
            body = server.handleRequest(kw)
        except Exception as exc:  # noqa: BLE001 - MOAI answers any non-OAI failure with a 500
            return self._send(500, "text/plain; charset=utf-8", f"Internal Server Error: {exc}\n".encode())
        self._send(200, "text/xml; charset=utf-8", body)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if self.server.gzip and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, compresslevel=1)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _ProviderHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    oai_servers: dict[str, BatchingServer]
    gzip: bool = False


class ProviderHandle:
    """A running provider: `base_url`, `stop()`, and runtime edits for tests."""

    def __init__(self, httpd: _ProviderHTTPServer, repos: dict[str, _Repository], thread: threading.Thread):
        self._httpd = httpd
        self._repos = repos
        self._thread = thread
        host, port = httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def upsert(self, name: str, local_id: str, record_xml: str | bytes | etree._Element,
               datestamp: datetime | str | None = None, sets: Iterable[str] = ()) -> None:
        """Add or replace a record; its datestamp defaults to now, so the next incremental harvest sees it."""
        repo = self._repos[name]
        item = _Item(local_id, _to_datestamp(datestamp), False, _parse_element(record_xml), tuple(sets))
        with repo.lock:
            repo.items[local_id] = item

    def delete(self, name: str, local_id: str, datestamp: datetime | str | None = None) -> None:
        """Mark a record deleted (persistently), stamped now unless told otherwise."""
        repo = self._repos[name]
        with repo.lock:
            old = repo.items.get(local_id)
            repo.items[local_id] = _Item(local_id, _to_datestamp(datestamp), True, None, old.sets if old else ())

    def remove(self, name: str, local_id: str) -> None:
        """Forget a record without a trace, as servers that keep no deletions do."""
        repo = self._repos[name]
        with repo.lock:
            repo.items.pop(local_id, None)

    def local_ids(self, name: str, deleted: bool = False) -> list[str]:
        repo = self._repos[name]
        with repo.lock:
            return [i.local_id for i in repo.items.values() if i.deleted == deleted]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ProviderHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_fixtures(repositories: dict[str, Path], host: str = "127.0.0.1", port: int = 0, batch_size: int = 100,
                   granularity: str = SECONDS_GRANULARITY, gzip_responses: bool = False) -> ProviderHandle:
    """Start a provider in a background thread; each repository at `{base_url}/{name}`."""
    repos = {name: load_repository(name, Path(path)) for name, path in repositories.items()}
    httpd = _ProviderHTTPServer((host, port), _Handler)
    httpd.gzip = gzip_responses
    registry = metadata_registry()
    httpd.oai_servers = {}
    bound_host, bound_port = httpd.server_address[:2]
    for name, repo in repos.items():
        repo.granularity = granularity
        repo.base_url = f"http://{bound_host}:{bound_port}/{name}"
        httpd.oai_servers[name] = BatchingServer(FixtureOAI(repo), metadata_registry=registry,
                                                 resumption_batch_size=batch_size)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="oai-provider",
                              daemon=True)
    thread.start()
    return ProviderHandle(httpd, repos, thread)
