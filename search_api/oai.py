"""An OAI-PMH 2.0 data provider over the union records: how the national union catalogue,
and anyone else, harvests the province's catalogue (open data).

The protocol (envelopes, argument checks, errors) is the `oaipmh` library's; this
module answers its verbs from the store's change feed (store/feed.py).  Records are
listed in the order they last changed, and a resumption token holds the position
after the last one sent (not an offset), so a harvest that pauses for a night
resumes where it stopped and a record changed meanwhile is sent again, never missed.
Merged-away and withdrawn union records are listed as deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from lxml import etree
from oaipmh import common, error
from oaipmh.metadata import MetadataRegistry
from oaipmh.server import ServerBase, encodeResumptionToken

from config.settings import Settings
from index.document import enrich
from search_api.oai_metadata import MARC_SCHEMA, OAI_DC_SCHEMA, marcxml, oai_dc
from search_api.oai_token import read_token
from store.catalog import CatalogStore
from store.feed import FeedEntry, earliest_datestamp, feed_entry, feed_page, seq_range
from store.xmlns import MARC_NS, OAI_DC_NS

PAGE_SIZE = 100
# marc21 and marcxml are one format under the two names harvesters ask for (Koha answers both).
FORMATS: list[tuple[str, str, str]] = [("marc21", MARC_SCHEMA, MARC_NS), ("marcxml", MARC_SCHEMA, MARC_NS),
                                       ("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS)]


PREFIXES = tuple(name for name, _, _ in FORMATS)


def _append_element(element: etree._Element, metadata: common.Metadata) -> None:
    element.append(metadata.element())


METADATA_REGISTRY = MetadataRegistry()
for _prefix, _schema, _namespace in FORMATS:
    METADATA_REGISTRY.registerWriter(_prefix, _append_element)


class UnionFeed(common.ResumptionOAIPMH):
    """The verbs, answered from the store; `base_url` is this endpoint's URL as the client reached it."""

    def __init__(self, store: CatalogStore, settings: Settings, base_url: str, site_url: str):
        self.store = store
        self.settings = settings
        self.base_url = base_url
        self.site_url = site_url
        self.registry = settings.library_map()
        self.prefix = f"oai:{settings.api.oai_namespace}:"

    def handleVerb(self, verb: str, kw: dict[str, Any]) -> Any:
        handler: Callable[..., Any] = {
            "Identify": self._identify, "ListMetadataFormats": self._formats, "ListSets": self._sets,
            "GetRecord": self._get_record, "ListIdentifiers": self._list, "ListRecords": self._list,
        }[verb]
        return handler(verb=verb, **kw)

    def _identify(self, verb: str) -> common.Identify:
        # deletedRecord "persistent": a withdrawn or merged-away union record stays in the store,
        # flagged, for good (nothing deletes union_records rows), so its deletion is always
        # answered; a harvester may then trust that a record it never hears deleted still exists.
        return common.Identify(
            repositoryName=f"Mục lục liên hợp thư viện {self.settings.region}", baseURL=self.base_url,
            protocolVersion="2.0", adminEmails=list(self.settings.api.admin_emails) or ["admin@localhost"],
            earliestDatestamp=_datetime(earliest_datestamp(self.store)), deletedRecord="persistent",
            granularity="YYYY-MM-DDThh:mm:ssZ", compression=["identity"], toolkit_description=False)

    def _formats(self, verb: str, identifier: str | None = None) -> list[tuple[str, str, str]]:
        if identifier is not None:
            self._entry(identifier)
        return FORMATS

    def _sets(self, verb: str, resumptionToken: str | None = None) -> Any:
        raise error.NoSetHierarchyError("This repository does not support sets.")

    def _get_record(self, verb: str, metadataPrefix: str, identifier: str) -> tuple:
        _check_prefix(metadataPrefix)
        return self._record(self._entry(identifier), metadataPrefix, headers_only=False)

    def _list(self, verb: str, metadataPrefix: str | None = None, set: str | None = None,
              from_: datetime | None = None, until: datetime | None = None,
              resumptionToken: str | None = None) -> tuple[list, str | None]:
        after = (0, 0)
        if resumptionToken is not None:
            metadataPrefix, from_, until, after = read_token(resumptionToken, self.store, PREFIXES)
        _check_prefix(metadataPrefix)
        if set is not None:
            raise error.NoSetHierarchyError("This repository does not support sets.")
        if from_ is not None and until is not None and from_ > until:
            raise error.BadArgumentError("from is later than until")
        low, high = seq_range(self.store, _datestamp(from_), _datestamp(until))
        entries = feed_page(self.store, max(after, (low - 1, 2 ** 62)), high, PAGE_SIZE + 1)
        token = None
        if len(entries) > PAGE_SIZE:
            entries = entries[:PAGE_SIZE]
            seq, rowid = entries[-1].position
            query = {"metadataPrefix": metadataPrefix, "after": f"{seq}.{rowid}"}
            query.update({key: value for key, value in (("from_", from_), ("until", until)) if value is not None})
            token = encodeResumptionToken(query, len(entries))
        elif resumptionToken is not None and not entries:
            # What was left of a resumed list changed after its `until` (its records are dated later now).
            # OAI-PMH 2.0 §3.5 ends a list with "the response containing the incomplete list that completes
            # the list", and OAI-PMH.xsd gives a list at least one header or record: an empty one with only
            # <resumptionToken/> is no valid answer.  noRecordsMatch is (§4.3 and §4.5 list it for these
            # verbs); the records it leaves out are in the next harvest from the responseDate.
            raise error.NoRecordsMatchError("No record of this list is left in its range: they changed after "
                                            "its until; harvest again from this responseDate to receive them")
        elif resumptionToken is not None:
            token = ""  # OAI-PMH ends a resumed list with an empty <resumptionToken/> (§3.5).
        headers_only = verb == "ListIdentifiers"
        return [self._record(entry, metadataPrefix, headers_only) for entry in entries], token

    def _entry(self, identifier: str) -> FeedEntry:
        entry = feed_entry(self.store, identifier.removeprefix(self.prefix)) \
            if identifier.startswith(self.prefix) else None
        if entry is None:
            raise error.IdDoesNotExistError(f"No record {identifier} in this repository")
        return entry

    def _record(self, entry: FeedEntry, prefix: str, headers_only: bool) -> Any:
        header = common.Header(None, self.prefix + entry.union_id, _datetime(entry.datestamp), [],
                               entry.payload is None)
        if headers_only:
            return header
        if entry.payload is None:
            return header, None, None
        data = enrich(orjson.loads(entry.payload), self.registry)
        url = f"{self.site_url}/records/{entry.union_id}"
        element = oai_dc(data, url, tuple(self.prefix + former for former in entry.former_ids)) \
            if prefix == "oai_dc" else marcxml(data, entry.datestamp, entry.created, url, entry.former_ids)
        return header, common.Metadata(element, {}), None


class _Server(ServerBase):
    """oaipmh's server without its unofficial verb GetMetadata, which it answered with a 500,
    with `from` and `until` taken in OAI-PMH's two forms only, and with <request> echoing the
    arguments as sent.

    oaipmh read `2026-11-28T13:51:40.5Z` (fractional seconds) as a time, where OAI-PMH 2.0
    §3.3 allows `YYYY-MM-DD` and `YYYY-MM-DDThh:mm:ssZ` only (badArgument); its <request>
    echoed `from=2026-11-28` as `2026-11-28T00:00:00Z`, where §3.2 asks for the value sent, and
    held no argument at all in an error, which §3.2 allows for badVerb and badArgument only.
    """

    def handleVerb(self, verb: str, kw: dict[str, Any]) -> bytes:
        if verb == "GetMetadata":
            raise error.BadVerbError(f"Illegal verb: {verb}")
        return _echoing(super().handleVerb(verb, kw), self._arguments)

    def handleRequest(self, request_kw: dict[str, str]) -> bytes:
        self._arguments = request_kw  # oaipmh's own handleRequest changes a copy
        for key in request_kw:
            if (name := not_utf8_argument(key)) is not None:  # oaipmh would say "Unknown argument"
                bad = error.BadArgumentError(f"The argument {name!r} is not UTF-8 once percent-decoded: "
                                             "percent-encode the UTF-8 bytes of its value")
                return self.handleException(request_kw, (type(bad), bad, None))
        for name in ("from", "until"):
            value = request_kw.get(name)
            if value is not None and not _DATESTAMP_RE.fullmatch(value):
                bad = error.BadArgumentError(f"The value {value!r} of the argument {name!r} is not valid: give "
                                             "YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")
                return self.handleException(request_kw, (type(bad), bad, None))
        return super().handleRequest(request_kw)

    def handleException(self, kw: dict[str, Any], exc_info: tuple) -> bytes:
        body = super().handleException(kw, exc_info)
        # §3.2: for badVerb and badArgument the base URL only, "attributes must not be provided";
        # every other error names the request it answers, as a list does.
        if isinstance(exc_info[1], (error.BadVerbError, error.BadArgumentError)):
            return body
        return _echoing(body, self._arguments)


_NOT_UTF8 = "argument {} that is not UTF-8"
_NOT_UTF8_RE = re.compile("argument (.*) that is not UTF-8")


def not_utf8_key(name: str) -> str:
    """The argument that stands, among the request's, for argument `name` sent in bytes that are not UTF-8."""
    return _NOT_UTF8.format(name)


def not_utf8_argument(key: str) -> str | None:
    """The name of the argument `key` stands for (`not_utf8_key`), None for any other argument."""
    found = _NOT_UTF8_RE.fullmatch(key)
    return found.group(1) if found else None


# OAI-PMH 2.0 §3.3: a day, or seconds in UTC (this repository's granularity).
_DATESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}Z)?")
_REQUEST_TAG_RE = re.compile(rb"<request\b[^>]*>")
_ATTRIBUTE_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}


def _echoing(body: bytes, arguments: dict[str, str]) -> bytes:
    """`body` with its <request>'s attributes the request's arguments as sent (§3.2), in their order.

    Called only once oaipmh has accepted the arguments: each name is an OAI-PMH argument's."""
    found = _REQUEST_TAG_RE.search(body)
    if found is None:
        return body
    attributes = "".join(f' {name}="{"".join(_ATTRIBUTE_ESCAPES.get(c, c) for c in value)}"'
                         for name, value in arguments.items())
    return body[:found.start()] + f"<request{attributes}>".encode() + body[found.end():]


def answer(store: CatalogStore, settings: Settings, base_url: str, site_url: str, kw: dict[str, str]) -> bytes:
    """The OAI-PMH response (UTF-8 XML) to one request's arguments."""
    server = _Server(UnionFeed(store, settings, base_url, site_url), METADATA_REGISTRY)
    return server.handleRequest(kw)


def _check_prefix(prefix: str | None) -> None:
    if prefix not in PREFIXES:
        raise error.CannotDisseminateFormatError(
            f"Unknown metadata format {prefix!r}; this repository offers {', '.join(PREFIXES)}")


def _datetime(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")


def _datestamp(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None
