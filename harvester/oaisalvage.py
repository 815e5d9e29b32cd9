"""The records of a ListRecords page that is well-formed except inside some of its records.

A server that cannot render one record (a broken tag in its MARCXML, an element left
open) sends the same broken page on every request.  Failing the page failed the
library every night on the same resumption token: nothing after it was ever
harvested.  `salvage_list_records` cuts the page's bytes at its OAI-PMH `<record`
starts, checks that the envelope (the page without its records: the OAI-PMH root,
responseDate, ListRecords and its resumptionToken or the list's closing tags) parses
on its own, and parses each record alone inside that envelope, so namespaces
declared on the root hold.  A record that parses is read as usual; one that does not
is a Rejected naming its OAI identifier (read from its bytes when they allow) or
its position, the line and the parser's reason.

The page is in memory already (a response is at most `max_response_bytes`), so the
cut is made on the whole page: harvester/xmlresync.py resynchronises a file stream
by any `<record`, which on an OAI page would also stop at the MARCXML `<record>`
inside each OAI record.  Its byte patterns and reason wording are shared.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx
from lxml import etree

from config.errors import HarvestError
from harvester.charset import utf8_body
from harvester.errors import MalformedResponseError
from harvester.oaixml import (
    OAI_NS,
    OaiPage,
    raw_record,
    response_date,
    resumption_token,
    stream_list_records,
    strict_parser,
    verb_element,
)
from harvester.oddrecords import xml_leader_oddities
from harvester.xmlrepair import repair_document
from harvester.xmlresync import PREFIX_PATTERN, parse_problem, text_of_broken_bytes
from store.models import RawRecord, Rejected

log = logging.getLogger(__name__)

# An OAI-PMH <record>'s start: its <header> comes first (OAI-PMH 2.0 schema), which tells it from the
# MARCXML <record> inside <metadata> (a <leader> or <controlfield> comes first there).
_OAI_RECORD_START_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"record(?:\s[^>]*)?>\s*<" + PREFIX_PATTERN
                                  + rb"header[\s>/]")
_LIST_END_RE = re.compile(rb"</" + PREFIX_PATTERN + rb"ListRecords\s*>")
_TOKEN_START_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"resumptionToken[\s>/]")
_HEADER_END_RE = re.compile(rb"</" + PREFIX_PATTERN + rb"header\s*>|<" + PREFIX_PATTERN + rb"metadata[\s>/]")
_IDENTIFIER_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"identifier\s*>([^<]*)</" + PREFIX_PATTERN
                            + rb"identifier\s*>")


@dataclass
class _Cut:
    """A page cut at its records: everything before the first, each record's bytes, everything after the last."""

    head: bytes
    spans: list[tuple[int, bytes]]  # (where in the page, the record's bytes)
    tail: bytes


class SalvagingPageReader:
    """Reads a ListRecords answer for `HttpxSickle.request`, keeping the last one that does not parse,
    so that once the retries are spent `salvage` can read that page record by record."""

    def __init__(self, library: str, endpoint: str, token: str | None, raw_format: str | None, source: str):
        self.library = library
        self.endpoint = endpoint
        self.token = token
        self.raw_format = raw_format
        self.source = source
        self._malformed: tuple[MalformedResponseError, bytes, str | None] | None = None

    def __call__(self, response: httpx.Response) -> OaiPage:
        body, declared = utf8_body(response)
        try:
            page = stream_list_records(body, self.library, self.endpoint, self.token, self.raw_format, self.source)
        except MalformedResponseError as exc:
            self._malformed = (exc, body, declared)
            raise
        page.declared_over_utf8 = declared
        return page

    def salvage(self, exc: MalformedResponseError) -> OaiPage:
        """The page whose reading raised `exc` (the last answer), salvaged; `exc` again when it cannot be:
        an HTML page, or a page broken outside its records (cut short: the token stays, nothing is lost)."""
        if self._malformed is None or self._malformed[0] is not exc:
            raise exc
        page = salvage_list_records(self._malformed[1], self.library, self.endpoint, self.token, self.raw_format,
                                    self.source)
        if page is None:
            raise exc
        page.declared_over_utf8 = self._malformed[2]
        log.warning("library %s: %s; %d broken records skipped, the rest of the page read", self.library, exc,
                    page.broken_records, extra={"library": self.library})
        return page


def salvage_report(page: OaiPage, requests: int, token: str | None) -> str:
    """The run's warning for a salvaged page (each broken record gets its own "skipped" line)."""
    return (f"not well-formed XML inside {page.broken_records} of its records on each of {requests} requests "
            f"({_which_page(token)}); its {len(page.records)} readable records were stored and the harvest "
            "went on, the broken ones are listed as skipped")


def _which_page(token: str | None) -> str:
    return f"resumptionToken {token!r}" if token else "the window's first page"


def salvage_list_records(data: bytes, library: str, endpoint: str, token: str | None, raw_format: str | None,
                         source: str) -> OaiPage | None:
    """The page `data` read record by record, its broken records as Rejected; None when it cannot be.

    None (the caller keeps its MalformedResponseError) when the break is not inside a
    record: no OAI-PMH record is found, the envelope does not parse without the records
    (a page cut short lacks `</ListRecords>`, and must never read as "the list ended"),
    the envelope is not an OAI-PMH ListRecords answer, or every record parses alone.
    """
    data, repaired = repair_document(data) or (data, 0)
    cut = _cut(data)
    if cut is None:
        return None
    try:
        envelope = etree.fromstring(cut.head + cut.tail, parser=strict_parser())
        container = verb_element(envelope, library, endpoint, "ListRecords", token)
    except (etree.XMLSyntaxError, HarvestError):
        return None  # the break (or an <error>, or no OAI-PMH at all) is outside the records
    if container is None:
        return None
    page = OaiPage(response_date=response_date(envelope), token=resumption_token(container),
                   repaired_characters=repaired)
    where = f"{source} ({_which_page(token)})"
    for at, span in cut.spans:
        _read_span(page, cut, at, span, data, library, raw_format, source, where)
    return page if page.broken_records else None


def _cut(data: bytes) -> _Cut | None:
    """`data` cut at its OAI-PMH record starts and before what follows the last record; None without both."""
    starts = [found.start() for found in _OAI_RECORD_START_RE.finditer(data)]
    list_ends = [found.start() for found in _LIST_END_RE.finditer(data)]
    if not starts or not list_ends or list_ends[-1] < starts[-1]:
        return None
    tail_at = list_ends[-1]
    tokens = [found.start() for found in _TOKEN_START_RE.finditer(data, starts[-1], tail_at)]
    tail_at = tokens[-1] if tokens else tail_at
    bounds = [*starts, tail_at]
    return _Cut(head=data[:starts[0]], spans=[(bounds[i], data[bounds[i]:bounds[i + 1]]) for i in range(len(starts))],
                tail=data[tail_at:])


def _read_span(page: OaiPage, cut: _Cut, at: int, span: bytes, data: bytes, library: str, raw_format: str | None,
               source: str, where: str) -> None:
    """The records of one span, parsed inside the envelope, into `page`; or the Rejected saying why it does not parse.

    The span is parsed where it stands in the page (line ends and spaces fill in for the records before it),
    so libxml2's lines and columns, also those inside its messages, are the page's.
    """
    position = len(page.records) + len(page.rejected) + 1
    try:
        root = etree.fromstring(cut.head + _padding(cut.head, data, at) + span + cut.tail, parser=strict_parser())
    except etree.XMLSyntaxError as exc:
        page.rejected.append(_broken(exc, at, span, data, library, where, position))
        page.broken_records += 1
        return
    container = root.find(f"{{{OAI_NS}}}ListRecords")
    for element in container.iterfind(f"{{{OAI_NS}}}record") if container is not None else ():
        item = raw_record(element, position, library, raw_format, source)
        if isinstance(item, RawRecord):
            page.records.append(item)
            if odd := xml_leader_oddities(element):
                page.odd_leaders[item.local_id] = odd
        else:
            page.rejected.append(item)
        position += 1


def _padding(head: bytes, data: bytes, at: int) -> bytes:
    """What, put after `head`, brings the parse to the line and column where `at` is in `data`.

    Whitespace inside <ListRecords> is ignorable; libxml2 counts columns in characters, not bytes.
    """
    lines = data.count(b"\n", 0, at) - head.count(b"\n")
    line_start = data.rfind(b"\n", 0, at) + 1
    column = _characters(data[line_start:at])
    if lines == 0:  # the same line: `head` ends on it (it is the start of `data`)
        column -= _characters(head[head.rfind(b"\n") + 1:])
    return b"\n" * lines + b" " * column


def _broken(exc: etree.XMLSyntaxError, at: int, span: bytes, data: bytes, library: str, where: str,
            position: int) -> Rejected:
    """The Rejected for the record at `position` whose bytes `span` do not parse."""
    parse_line, column = exc.position if exc.position else (0, 0)
    first_line = data.count(b"\n", 0, at) + 1
    # An error the parse reports in the envelope's tail (an element never closed) is still this record's.
    line = min(max(parse_line, first_line), first_line + span.count(b"\n"))
    header = span[:found.start()] if (found := _HEADER_END_RE.search(span)) else span
    identifier = text_of_broken_bytes(found.group(1)) if (found := _IDENTIFIER_RE.search(header)) else None
    named = "" if identifier else " (its identifier cannot be read)"
    return Rejected(library=library, local_id=identifier or f"#{position}", stage="harvest",
                    source=f"{where} record {position} (line {line})",
                    reason=f"record {position} of the page{named} is not well-formed XML: "
                           f"{parse_problem(exc, line, column)}; the server sent it so on every request, so it "
                           "was skipped and the rest of the page read. Ask the library to correct the record; "
                           "it is harvested again when its datestamp changes")


def _characters(text: bytes) -> int:
    """How many characters libxml2 counts in a UTF-8 run."""
    return len(text.decode("utf-8", "replace"))
