"""The dates of an incremental OAI-PMH window: its granularity, its responseDate, the next `from`.

A window is read from `from` to the end of its list; the list's responseDate, cut to
the granularity Identify declares, opens the next one.  Apart from the page loop
(harvester/oai.py) so that these rules, where a wrong date skips records without a
word, read in one place.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from config.errors import HarvestError
from config.masking import masked_secrets
from config.settings import LibraryConfig
from harvester.errors import BadArgument, HarvestInterrupted
from harvester.oai_client import HttpxSickle
from harvester.oaigranularity import DAY_GRANULARITY, SECONDS_GRANULARITY
from harvester.oaixml import identify_granularity
from harvester.transport import with_query
from store.models import HarvestRun, HarvestState

log = logging.getLogger(__name__)


def response_instant(response_date: str) -> datetime:
    """A responseDate as an aware UTC datetime, to the second; ValueError when it is no date.

    ISO 8601 as OAI-PMH asks, or the HTTP date form (`Wed, 01 May 2024 10:20:30 GMT`) that
    some home-made providers write.
    """
    if response_date[:1].isalpha():
        when = parsedate_to_datetime(response_date)  # ValueError (Python 3.10+) when it is not one
    elif "T" in response_date:
        # OAI-PMH says UTC ("Z"); a server that sends an offset ("+07:00") is converted, not misread.
        when = datetime.fromisoformat(response_date.replace("Z", "+00:00"))
    else:
        when = datetime.strptime(response_date[:10], "%Y-%m-%d")
    return (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)).replace(microsecond=0)


def readable_response_date(library: LibraryConfig, value: str, run: HarvestRun) -> str:
    """`value` when it reads as a date, else "" (so the `from` is not advanced) and a warning.

    Failing on it lost the page in hand: it is read before the page is saved.  A response
    without one (OAI-PMH requires it) is said too: else every night read the whole list
    again without a word.  Each warning once a run, not once a page.
    """
    problem = "" if value else "sent no responseDate (OAI-PMH requires one)"
    if value:
        try:
            response_instant(value)
        except ValueError:
            problem = f"sent responseDate {value!r}, which is not a date"
    if not problem:
        return value
    warning = (f"warning: library {library.id!r} ({library.url}): the server {problem}; `from` not advanced, "
               "so the next run reads this window again (ask the library to fix its OAI-PMH server)")
    if warning not in run.errors:
        run.errors.append(warning)
    return ""


def next_from(response_date: str, granularity: str, overlap_s: int, now: datetime | None = None) -> str:
    """The next window's `from`: responseDate cut to the granularity, minus the overlap.

    Never later than `now` (this machine's clock): a provider whose clock ran ahead
    stamps its edits with the right date once its clock is put right, and a `from`
    in the future would skip them all.  An earlier `from` only fetches records again.
    """
    when = min(response_instant(response_date), (now or datetime.now(UTC)).replace(microsecond=0))
    if granularity == DAY_GRANULARITY:
        when = when.replace(hour=0, minute=0, second=0)
    when -= timedelta(seconds=overlap_s)
    return when.strftime("%Y-%m-%d" if granularity == DAY_GRANULARITY else "%Y-%m-%dT%H:%M:%SZ")


def harvest_scope(library: LibraryConfig) -> str:
    """What a library's harvest state belongs to: its url, metadataPrefix and set, as one URL, its
    credentials masked as `HarvestState.harvested_for` keeps them (a catalogue file gives none away)."""
    params = {"metadataPrefix": library.metadata_prefix or ""}
    if library.set:
        params["set"] = library.set
    return masked_secrets(with_query(library.url, params))


def declared_granularity(client: HttpxSickle, library: LibraryConfig) -> str:
    """The datestamp granularity Identify declares; day when it declares nothing usable.

    Every repository must take `from` at day granularity, and seconds only where
    Identify says so (OAI-PMH 2.7.1); a finer `from` is a badArgument.
    """
    response = client.harvest(verb="Identify")
    value = identify_granularity(response.xml, library.id, library.url)
    if value.upper() == SECONDS_GRANULARITY.upper():
        return SECONDS_GRANULARITY
    if value != DAY_GRANULARITY:
        log.warning("library %s: Identify declares granularity %r; `from` is sent at day granularity",
                    library.id, value, extra={"library": library.id})
    return DAY_GRANULARITY


def granularity_or_known(client: HttpxSickle, library: LibraryConfig, state: HarvestState | None,
                         run: HarvestRun) -> str:
    """Identify's granularity; when Identify fails, the one it declared on an earlier night, with a warning.

    Identify is asked only for the granularity: a server whose Identify breaks while its
    ListRecords works lost every night's harvest.  With none known, Identify's error stands.
    """
    try:
        return declared_granularity(client, library)
    except HarvestInterrupted:
        raise
    except HarvestError as exc:
        if state is None or state.granularity is None:
            raise
        run.errors.append(f"warning: {exc}; harvested with granularity {state.granularity}, which Identify "
                          "declared before (ask the library to look at its OAI-PMH server's Identify)")
        return state.granularity


def seconds_refused(exc: HarvestError, granularity: str, state: HarvestState) -> bool:
    """True when `exc` refused the first request of a window for its `from` at seconds granularity."""
    return (isinstance(exc, BadArgument) and exc.resumption_token is None and state.resumption_token is None
            and granularity == SECONDS_GRANULARITY and len(state.window_from or "") > len("YYYY-MM-DD"))
