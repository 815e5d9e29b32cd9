"""Asking GetRecord about each record an identifiers sweep would delete, before it is deleted.

A sweep deletes what ListIdentifiers did not list.  Koha's resumption tokens are
SQL offsets: a record deleted at the source while the sweep pages moves every
later record up one place, so the record at each page boundary is never listed
though it is live.  Losing a few records never trips `sweep_min_ratio`, so each
record the list missed is confirmed gone with GetRecord first.  A night asks about
at most `MAX_CONFIRMED_PER_SWEEP` of them for at most `MAX_CONFIRM_SECONDS`, the rest
waiting for the next night's sweep; after `MAX_UNANSWERED` failures in a row the server
is taken as unable to answer, and the rest are kept (each request may retry for a
minute or more: 300 failing ones took hours, final review).  A sweep that defers some
goes on the next night after the last record it asked about, so records live at the
source yet never listed cannot hold the first places every night while the others wait.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sickle.models import Header

from config.errors import HarvestError
from config.settings import LibraryConfig
from harvester.errors import HarvestInterrupted, IdDoesNotExist
from harvester.oai_client import HttpxSickle
from harvester.oaixml import OAI_NS, verb_element

log = logging.getLogger(__name__)

MAX_CONFIRMED_PER_SWEEP = 300  # GetRecord requests a sweep makes; the rest wait for the next night's sweep
MAX_CONFIRM_SECONDS = 600  # and the time it spends on them
MAX_UNANSWERED = 3  # GetRecord failures in a row after which the rest are kept unasked


@dataclass
class SweepCheck:
    """The records a sweep did not see listed, sorted by what GetRecord said of them."""

    gone: set[str] = field(default_factory=set)  # idDoesNotExist, a deleted header, or out of the library's set
    kept: set[str] = field(default_factory=set)  # GetRecord returned it
    unanswered: set[str] = field(default_factory=set)  # GetRecord failed: kept, and the run says so
    deferred: set[str] = field(default_factory=set)  # over the night's limit: asked about next time
    last_asked: str | None = None  # where the next night goes on when some were deferred


def _in_set(header: Header, wanted: str | None) -> bool:
    """True unless the header names sets and none of them is `wanted` (or a set below it).

    A header naming no set at all is given the benefit of the doubt: many servers leave setSpec out.
    """
    if wanted is None or not header.setSpecs:
        return True
    return any(spec == wanted or spec.startswith(wanted + ":") for spec in header.setSpecs)


def _gone(client: HttpxSickle, library: LibraryConfig, identifier: str) -> bool | None:
    """True when the source says the record is deleted, does not exist, or is no longer in the set;
    None when GetRecord could not answer."""
    try:
        response = client.harvest(verb="GetRecord", identifier=identifier,
                                  metadataPrefix=library.metadata_prefix or "marc21")
        container = verb_element(response.xml, library.id, library.url, "GetRecord", None)
    except IdDoesNotExist:
        return True
    except HarvestInterrupted:
        raise
    except HarvestError as exc:  # a server that cannot answer for it: keeping a record is the safe mistake
        log.warning("library %s: GetRecord of %s, missing from the identifiers sweep, failed (%s); kept",
                    library.id, identifier, exc, extra={"library": library.id})
        return None
    element = None if container is None else container.find(f"{{{OAI_NS}}}record/{{{OAI_NS}}}header")
    if element is None:
        return None
    header = Header(element)
    return header.deleted or not _in_set(header, library.set)


def confirm_missing(client: HttpxSickle, library: LibraryConfig, missing: set[str],
                    limit: int = MAX_CONFIRMED_PER_SWEEP, after: str | None = None) -> SweepCheck:
    """GetRecord for each of `missing` (within the night's limits, in identifier order from the first after
    `after`, round to the start): which are really gone."""
    ordered = sorted(missing)
    if after is not None:
        ordered = [i for i in ordered if i > after] + [i for i in ordered if i <= after]
    check = SweepCheck()
    started, failures = time.monotonic(), 0
    for position, identifier in enumerate(ordered):
        if failures >= MAX_UNANSWERED:
            check.unanswered.update(ordered[position:])
            break
        if position >= limit or time.monotonic() - started > MAX_CONFIRM_SECONDS:
            check.deferred.update(ordered[position:])
            break
        gone = _gone(client, library, identifier)
        check.last_asked = identifier
        failures = failures + 1 if gone is None else 0
        (check.unanswered if gone is None else check.gone if gone else check.kept).add(identifier)
    if check.kept:
        log.info("library %s: %d records the identifiers sweep did not list are live at the source (GetRecord); "
                 "kept", library.id, len(check.kept), extra={"library": library.id})
    return check
