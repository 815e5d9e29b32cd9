"""The OAI-PMH harvest loop: incremental windows, one saved page at a time.

`OaiHarvester.harvest()` opens (or continues) a window, `_harvest_pages()`
follows resumption tokens, and `_fetch_page()` makes one request through the
retrying transport.  After every page the page's records and the next token are
saved in ONE transaction, so a crash loses at most the page in flight and a
restart continues from the saved token.  sickle is the protocol library, given
our httpx transport and a strict XML parser.

A ListRecords page is read as a stream (`oaixml.stream_list_records`), one
record at a time.  An answer that HTTP calls fine but that is an HTML page or
malformed XML is asked for again (`oai_client.HttpxSickle.request`), up to
`max_retries` times, then the run fails naming the endpoint; unless the page
is whole but for some of its records, which are then reported as skipped and
the rest read (harvester/oaisalvage.py).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester.errors import (
    BadArgument,
    BadResumptionToken,
    CannotDisseminateFormat,
    HarvestInterrupted,
    HttpStatusError,
    MalformedResponseError,
    NoRecordsMatch,
    NoSetHierarchy,
)
from harvester.listguard import ListGuard
from harvester.metrics import StageTimes
from harvester.misdeclared import misdeclared_warning
from harvester.oai_client import HttpxSickle, StrictOAIResponse
from harvester.oaisalvage import SalvagingPageReader, salvage_report
from harvester.oaixml import (
    OaiPage,
    identify_granularity,
    metadata_prefixes,
    read_page,
    set_specs,
    split_oai_response,
)
from harvester.strayutf8 import stray_bytes_report
from harvester.sweepcheck import confirm_missing
from harvester.transport import with_query
from harvester.oddrecords import CONTROL_PICTURES_RE, control_ids_report, odd_leaders_report
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun, HarvestState, RawRecord, Rejected

__all__ = ["OaiHarvester", "split_oai_response"]

log = logging.getLogger(__name__)

DAY_GRANULARITY = "YYYY-MM-DD"
SECONDS_GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
# Windows in a row whose list the server loses (noRecordsMatch to a token) before the run fails: one is a
# server ending a list rightly, or a restart; every night is a server whose tokens expire before the
# window is read, so the library is never harvested to date while each night looked "ok" (review).
MAX_LISTS_LOST = 3
# A window whose tokens keep going bad is restarted this many times, then the run fails.
MAX_WINDOW_RESTARTS = 3
# A responseDate further ahead of this machine's clock than this is worth a warning (see next_from).
CLOCK_SKEW = timedelta(hours=1)
MAX_SET_PAGES = 50  # ListSets pages read to find a set that gave no records, then it is given the benefit of the doubt
MAX_RESTORED_BY_GETRECORD = 200  # more reappearing records than this: a full harvest instead
# The prefixes unioncat reads → the raw format stored; DSpace names its MARCXML "marc".
RAW_FORMATS = {"marc21": "marcxml", "marcxml": "marcxml", "marc": "marcxml", "oai_dc": "oai_dc"}


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


def _readable_response_date(library: LibraryConfig, value: str, run: HarvestRun) -> str:
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


def _warn_once(run: HarvestRun, warning: str) -> None:
    """Add `warning` to the run unless it is there: a server's habit shows on every page, but is one thing to fix."""
    if warning not in run.errors:
        run.errors.append(warning)


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
    """What a library's harvest state belongs to: its url, metadataPrefix and set, as one URL."""
    params = {"metadataPrefix": library.metadata_prefix or ""}
    if library.set:
        params["set"] = library.set
    return with_query(library.url, params)


def _token_refused(exc: HarvestError, saved_token: str | None) -> bool:
    """True when `exc` answered a resumption token, so the window must start again.

    Besides badResumptionToken, servers refuse an expired token with badArgument,
    a 4xx page or (MOAI) an HTTP 500; a saved token that is never restarted wedges
    the library for good.  429 is the server asking us to slow down, not a refusal.
    """
    if isinstance(exc, (BadResumptionToken, BadArgument)):
        # To a request that sent no token, asking again without one gets the same answer.
        return exc.resumption_token is not None
    return isinstance(exc, HttpStatusError) and saved_token is not None and exc.status_code != 429


def _seconds_refused(exc: HarvestError, granularity: str, state: HarvestState) -> bool:
    """True when `exc` refused the first request of a window for its `from` at seconds granularity."""
    return (isinstance(exc, BadArgument) and exc.resumption_token is None and state.resumption_token is None
            and granularity == SECONDS_GRANULARITY and len(state.window_from or "") > len("YYYY-MM-DD"))


def _placed(reject: Rejected, page_number: int, resumed_at: str | None) -> Rejected:
    """`reject`, an unnamed one ("#2": no identifier, only its place on the page) named by its page too.

    Kept so the library's status counts it as the run did; "#2" alone would collide with
    the second record of every other page.  A run resumed from a saved token (`resumed_at`)
    counts its pages from 1 again, so its pages are named by that token too: else its "#1 on
    page 1" took the place of the interrupted run's, of the same listing.
    """
    if not reject.local_id.startswith("#"):
        return reject
    resumed = f" after token {hashlib.sha1(resumed_at.encode()).hexdigest()[:8]}" if resumed_at else ""
    return reject.model_copy(update={"local_id": f"{reject.local_id} on page {page_number}{resumed}"})


class OaiHarvester:
    """Harvests OAI-PMH libraries into the catalog store."""

    def __init__(self, client: httpx.Client, store: CatalogStore, settings: HarvestSettings,
                 times: StageTimes | None = None):
        self.client = client
        self.store = store
        self.settings = settings
        self.times = times or StageTimes()

    def _sickle(self, library: LibraryConfig) -> HttpxSickle:
        return HttpxSickle(library.url, self.client, self.settings, library.id, self.times)

    def granularity(self, library: LibraryConfig) -> str:
        """The datestamp granularity Identify declares; day when it declares nothing usable.

        Every repository must take `from` at day granularity, and seconds only where
        Identify says so (OAI-PMH 2.7.1); a finer `from` is a badArgument.
        """
        response = self._sickle(library).harvest(verb="Identify")
        value = identify_granularity(response.xml, library.id, library.url)
        if value.upper() == SECONDS_GRANULARITY.upper():
            return SECONDS_GRANULARITY
        if value != DAY_GRANULARITY:
            log.warning("library %s: Identify declares granularity %r; `from` is sent at day granularity",
                        library.id, value, extra={"library": library.id})
        return DAY_GRANULARITY

    def _granularity_or_known(self, library: LibraryConfig, state: HarvestState | None, run: HarvestRun) -> str:
        """Identify's granularity; when Identify fails, the one it declared on an earlier night, with a warning.

        Identify is asked only for the granularity: a server whose Identify breaks while its
        ListRecords works lost every night's harvest.  With none known, Identify's error stands.
        """
        try:
            return self.granularity(library)
        except HarvestInterrupted:
            raise
        except HarvestError as exc:
            if state is None or state.granularity is None:
                raise
            run.errors.append(f"warning: {exc}; harvested with granularity {state.granularity}, which Identify "
                              "declared before (ask the library to look at its OAI-PMH server's Identify)")
            return state.granularity

    def harvest(self, library: LibraryConfig, full: bool = False, run: HarvestRun | None = None) -> HarvestRun:
        """Harvest one library: continue a saved token, else open a window from `next_from`.

        `full` ignores the saved state and harvests everything.  Counts go into
        `run` as pages are saved, so a caller keeps them even when this raises.
        """
        run = run or HarvestRun(library=library.id, started_at=utc_now())
        if library.metadata_prefix is None:
            raise HarvestError(library.id, library.url, "no metadata_prefix configured; add one (marc21, marcxml, "
                                                          "marc or oai_dc) to its [[libraries]] table")
        state = self.store.harvest_state(library.id)
        scope = harvest_scope(library)
        granularity = self._granularity_or_known(library, state if state.harvested_for in (None, scope) else None,
                                                 run)
        state = state.model_copy(update={"granularity": granularity})
        if state.harvested_for not in (None, scope):
            # Another set, format or endpoint: the old `from` and token say nothing about it (metha does the same).
            run.errors.append(f"warning: library {library.id!r}: harvested until now as {state.harvested_for}, "
                              f"now as {scope}; harvesting everything again, then deleting the records the new "
                              "scope does not list")
            state = state.model_copy(update={"next_from": None, "resumption_token": None, "sweep_pending": True,
                                             "scope_harvested": 0})
        state = state.model_copy(update={"harvested_for": scope})
        if full or state.resumption_token is None:
            state = state.model_copy(update={
                "window_from": None if full else state.next_from,
                "window_response_date": None, "resumption_token": None,
            })
        restarts = 0
        while True:
            try:
                self._harvest_pages(library, state, granularity, run)
                saved = self.store.harvest_state(library.id)
                if saved.sweep_pending:
                    # The records of the old set, format or endpoint: the new scope lists what stays.
                    run.deleted += self.sweep(library, expected=saved.scope_harvested, run=run)
                return run
            except (BadResumptionToken, BadArgument, HttpStatusError) as exc:
                if _seconds_refused(exc, granularity, state):
                    # Identify's granularity is the server's word, but its date parser may be day-only:
                    # failing here failed every incremental night after the first harvest.
                    run.errors.append(f"warning: library {library.id!r} ({library.url}): the server declares "
                                      f"granularity {SECONDS_GRANULARITY} but refused from={state.window_from} "
                                      f"({exc.server_message}); asked again with the day, "
                                      f"{state.window_from[:10]} (ask the library to correct Identify)")
                    granularity = DAY_GRANULARITY
                    continue
                state = self.store.harvest_state(library.id)
                if not _token_refused(exc, state.resumption_token):
                    raise
                restarts += 1
                if restarts > MAX_WINDOW_RESTARTS:
                    raise
                log.warning("library %s: %s; restarting the window from %s", library.id, exc,
                            state.window_from or "the start", extra={"library": library.id})
                run.errors.append(f"warning: {exc}; window restarted from {state.window_from or 'the start'}")
                state = state.model_copy(update={"resumption_token": None})

    def _harvest_pages(self, library: LibraryConfig, state: HarvestState, granularity: str,
                       run: HarvestRun) -> None:
        """Follow resumption tokens to the end of the window, saving after every page."""
        guard = ListGuard(self.settings.max_empty_pages)
        resumed_at = state.resumption_token
        page_number = 0
        while True:
            page_number += 1
            token = state.resumption_token
            try:
                page = self._fetch_page(library, state, granularity, page_number)
            except NoRecordsMatch as exc:  # to a token: see _fetch_page
                # The rest of the list was never listed: keep the old `from`, so the next run reads the window
                # again.  A warning at first, not a failure as a looping list is: a server may rightly end a
                # resumed list so (unioncat's own feed does when the rest changed after its `until`), and one
                # night loses nothing; MAX_LISTS_LOST windows in a row fail the run.
                lost = state.lists_lost + 1
                self.store.save_harvest_state(state.model_copy(update={
                    "resumption_token": None, "window_from": None, "window_response_date": None, "lists_lost": lost}))
                stopped = (f"{exc}; the server lost the list (an expired token, a restart) after page "
                           f"{page_number - 1}: window stopped, `from` not advanced")
                if lost >= MAX_LISTS_LOST:
                    raise HarvestError(library.id, library.url, f"{stopped}, for {lost} windows in a row, so "
                                       "the library's records are never harvested to date: ask the library to keep "
                                       "its OAI-PMH server's resumption tokens valid longer (or its pages larger)")
                run.errors.append(f"warning: {stopped}, so the next run reads this window again")
                return
            window_response_date = state.window_response_date or _readable_response_date(
                library, page.response_date, run)
            next_token = page.token
            update: dict = {"window_response_date": window_response_date, "resumption_token": next_token}
            # A rejected record makes a page not empty: the server is still listing.
            page_keys = [(raw.local_id, raw.datestamp) for raw in page.records] + [
                (reject.local_id, None) for reject in page.rejected]
            if looping := guard.looping(token, next_token, page_keys):
                # Stop, and keep the old `from` so the next run covers this window again rather than skip records.
                update = {"resumption_token": None, "window_from": None, "window_response_date": None}
            elif next_token is None:
                if window_response_date and response_instant(window_response_date) > datetime.now(UTC) + CLOCK_SKEW:
                    log.warning("library %s (%s): responseDate %s is ahead of this machine's clock; the next `from` "
                                "uses the clock instead (check the server's clock and time zone)", library.id,
                                library.url, window_response_date, extra={"library": library.id})
                update = {"resumption_token": None, "window_from": None, "window_response_date": None,
                          "next_from": next_from(window_response_date, granularity, self.settings.overlap_s)
                          if window_response_date else state.next_from, "lists_lost": 0}
            if state.sweep_pending:  # counted with the page, in its transaction: a resumed harvest adds on
                update["scope_harvested"] = state.scope_harvested + sum(not raw.deleted for raw in page.records)
            state = state.model_copy(update=update)
            rejects = [_placed(reject, page_number, resumed_at) for reject in page.rejected]
            with self.times.measure("store"):
                # A window's first page starts a new listing: the places of the last one's unnamed rejects go.
                counts = self.store.save_harvest_page(page.records, state, rejects, new_listing=token is None)
            self.times.count_page(len(page.records))
            run.added += counts.added
            run.changed += counts.changed
            run.deleted += counts.deleted
            run.unchanged += counts.unchanged
            run.rejected += len(page.rejected)
            page_warning = f"warning: library {library.id!r} ({library.url}) page {page_number}: "
            if page.broken_records:
                run.errors.append(page_warning + salvage_report(page, self.settings.max_retries + 1, token))
            run.errors += [f"{page_warning}record {reject.local_id!r} skipped: {reject.reason}"
                           for reject in rejects]
            if page.repaired_characters:
                run.errors.append(f"{page_warning}{page.repaired_characters} invalid XML characters kept as U+24xx")
            if page.bare_ampersands:
                run.errors.append(f"{page_warning}{page.bare_ampersands} bare '&' (starting no entity) read as '&amp;'")
            if page.stray_bytes:
                run.errors.append(f"{page_warning}{stray_bytes_report(page.stray_bytes)}")
            if control_ids := {item.local_id: item.source for item in [*page.records, *page.rejected]
                               if CONTROL_PICTURES_RE.search(item.local_id)}:
                run.errors.append(f"{page_warning}{control_ids_report(control_ids)}")
            if page.odd_leaders:
                run.errors.append(f"{page_warning}{odd_leaders_report(page.odd_leaders)}")
            if page.declared_over_utf8:
                _warn_once(run, misdeclared_warning(library.id, library.url, page.declared_over_utf8,
                                                    "OAI-PMH server"))
            if looping:
                # The page is saved; the run fails so that the library is not reported harvested (nor its
                # last success moved) while night after night the same first pages are all it gets.
                raise HarvestError(library.id, library.url, f"the server's list never ends ({looping}), so the "
                                   f"harvest stopped after page {page_number}, incomplete: the records read are "
                                   "kept and `from` is not advanced; ask the library to fix its OAI-PMH server's "
                                   "resumption tokens")
            if state.resumption_token is None:
                return

    def _fetch_page(self, library: LibraryConfig, state: HarvestState, granularity: str,
                    page_number: int) -> OaiPage:
        """One ListRecords request: the first of a window, or the continuation of a token."""
        if state.resumption_token is not None:
            params = {"verb": "ListRecords", "resumptionToken": state.resumption_token}
        else:
            params = {"verb": "ListRecords", "metadataPrefix": library.metadata_prefix or ""}
            if state.window_from:
                # Cut to what the server declares now: a `from` saved while it declared seconds
                # (or by an older unioncat) is a badArgument on a day-granularity server.
                params["from"] = state.window_from[:10] if granularity == DAY_GRANULARITY else state.window_from
            if library.set:
                params["set"] = library.set
        source = f"{library.url} page {page_number}"
        raw_format = RAW_FORMATS[library.metadata_prefix or "marc21"]
        token = state.resumption_token

        read = SalvagingPageReader(library.id, library.url, token, raw_format, source)
        try:
            result = self._sickle(library).request(params, read)
            if isinstance(result, StrictOAIResponse):
                # An OAI <error> sent with an error status (Zenodo's 422, a PHP provider's 500): read_page raises it.
                return read_page(result.xml, library.id, library.url, "ListRecords", token, raw_format, source)
            return result
        except MalformedResponseError as exc:
            # Still broken after max_retries more requests: a record the server cannot render breaks the page the
            # same way every night, and failing the page would stop the library at this token for good.
            return read.salvage(exc)
        except NoRecordsMatch as exc:
            if token is not None:  # "no records" to a token: the server lost the list, which is not its end
                raise
            if library.set:
                # Also on an incremental night: a set the library renamed or dropped answers noRecordsMatch
                # to every `from`, read as a quiet night for good.  One ListSets request, usually.
                self._check_set_listed(library, f"gave no records since {state.window_from} (renamed or "
                                                "dropped?)" if state.window_from else "gave no records")
            # An empty window is a successful harvest of zero records.
            log.info("library %s: %s", library.id, exc)
            return OaiPage(response_date=exc.response_date)
        except CannotDisseminateFormat as exc:
            raise self._naming_offered_formats(library, exc) from exc
        except NoSetHierarchy as exc:
            raise NoSetHierarchy(exc.endpoint, exc.verb, exc.code, exc.resumption_token, exc.server_message,
                                 library.id, hint=f"the server has no sets, so set {library.set!r} cannot be "
                                 "harvested; remove `set` from the library's [[libraries]] table to harvest "
                                 "all its records") from exc
        except BadArgument as exc:
            # A server refusing a set it does not have (badArgument "no such set") said nothing of the sets it has.
            if library.set and token is None:
                self._check_set_listed(library, f"was refused ({exc.code}: {exc.server_message.strip()[:100]})")
            raise

    def _check_set_listed(self, library: LibraryConfig, outcome: str = "gave no records") -> None:
        """Raise HarvestError when ListSets does not list the library's set, which just had `outcome`.

        Servers answer noRecordsMatch to a set they do not have: read as an empty harvest, a misspelled
        set kept the library empty every night while status said it succeeded.  Others answer badArgument.
        """
        client = self._sickle(library)
        params, token, listed = {"verb": "ListSets"}, None, []
        for _page in range(MAX_SET_PAGES):
            try:
                specs, token = set_specs(client.harvest(**params).xml, library.id, library.url, token)
            except HarvestInterrupted:
                raise
            except HarvestError:  # a server that cannot list its sets: the empty answer stands
                return
            listed += specs
            if library.set in specs or token is None:
                break
            params = {"verb": "ListSets", "resumptionToken": token}
        if library.set in listed or token is not None:
            return
        shown = ", ".join(listed[:20]) + (f" and {len(listed) - 20} more" if len(listed) > 20 else "")
        raise HarvestError(library.id, library.url, f"set {library.set!r} {outcome} and the server does not "
                                                    f"list it (ListSets: {shown or 'no set'}); correct the set in "
                                                    "the library's [[libraries]] table")

    def _naming_offered_formats(self, library: LibraryConfig, exc: CannotDisseminateFormat) -> CannotDisseminateFormat:
        """`exc` saying which formats ListMetadataFormats offers: the code alone leaves the operator guessing."""
        try:
            offered = metadata_prefixes(self._sickle(library).harvest(verb="ListMetadataFormats").xml, library.id,
                                        library.url)
        except HarvestError:
            return exc
        return CannotDisseminateFormat(exc.endpoint, exc.verb, exc.code, exc.resumption_token, exc.server_message,
                                       library.id, hint=f"the server offers {', '.join(offered) or 'no format'} "
                                       f"(ListMetadataFormats); set the library's metadata_prefix to one of them "
                                       f"that unioncat reads: {', '.join(RAW_FORMATS)}")

    def _restore(self, library: LibraryConfig, identifiers: list[str]) -> None:
        """Bring back records deleted here that the source lists again (an earlier sweep missed
        them while the server's paging shifted, or a record was withdrawn and put back).

        Their datestamps may be old, so no incremental window would fetch them: a few are
        fetched one by one with GetRecord; more make the next harvest a full one.
        """
        if len(identifiers) > MAX_RESTORED_BY_GETRECORD:
            log.warning("library %s: %d deleted records are listed again; the next harvest reads the "
                        "whole library to restore them", library.id, len(identifiers))
            state = self.store.harvest_state(library.id)
            self.store.save_harvest_state(state.model_copy(update={"next_from": None}))
            return
        prefix = library.metadata_prefix or "marc21"
        client = self._sickle(library)
        records: list[RawRecord] = []
        for identifier in identifiers:
            try:
                response = client.harvest(verb="GetRecord", identifier=identifier, metadataPrefix=prefix)
                records += read_page(response.xml, library.id, library.url, "GetRecord", None,
                                     RAW_FORMATS[prefix], f"{library.url} GetRecord {identifier}").records
            except HarvestInterrupted:
                raise
            except HarvestError as exc:  # withdrawn meanwhile, or a server that disagrees with itself
                log.warning("library %s: %s could not be restored: %s", library.id, identifier, exc)
        self.store.save_harvest_page(records)
        log.info("library %s: %d deleted records listed again were restored", library.id, len(records))

    def sweep(self, library: LibraryConfig, expected: int | None = None, run: HarvestRun | None = None) -> int:
        """Mark records deleted that ListIdentifiers no longer lists; returns how many.

        For servers that never report deletions, and after a change of set, format
        or endpoint.  Refuses (HarvestError) when the server repeats a resumption
        token, or the sweep found nothing or fewer than `sweep_min_ratio` of the
        live records we hold (of `expected`, the records the new scope's harvest
        just gave, after a change of scope): an empty or partial answer must not
        wipe a library from the catalog.  A periodic sweep deletes only what
        GetRecord confirms gone (harvester/sweepcheck.py): offset paging that
        shifts mid-sweep leaves live records unlisted.  Warnings go into `run`.
        """
        params: dict[str, str] = {"verb": "ListIdentifiers", "metadataPrefix": library.metadata_prefix or "marc21"}
        if library.set:
            params["set"] = library.set
        present: set[str] = set()
        guard = ListGuard(self.settings.max_empty_pages)
        token: str | None = None
        client = self._sickle(library)
        while True:
            response = client.harvest(**params)
            try:
                page = read_page(response.xml, library.id, library.url, "ListIdentifiers", token, None, library.url)
            except NoRecordsMatch:
                if token is not None:
                    # A list ends with an empty token; "no records" to a token means the server lost
                    # the list (restarted, token expired): deleting what it did not list would remove
                    # live records.
                    raise HarvestError(library.id, library.url, f"identifiers sweep stopped: the server answered "
                                                                f"noRecordsMatch to resumption token {token!r}; "
                                                                "nothing deleted") from None
                break
            present.update(h.identifier.strip() for h in page.headers if h.identifier and not h.deleted)
            page_keys = [(h.identifier.strip(), h.datestamp) for h in page.headers if h.identifier]
            if looping := guard.looping(token, page.token, page_keys):
                # A looping server never listed the rest: deleting what it did not list would
                # remove live records.
                raise HarvestError(library.id, library.url, f"identifiers sweep stopped: {looping}; nothing deleted")
            token = page.token
            if token is None:
                break
            params = {"verb": "ListIdentifiers", "resumptionToken": token}
        held = self.store.live_local_ids(library.id)
        if not present:
            raise HarvestError(library.id, library.url, "identifiers sweep returned no identifiers; nothing deleted")
        floor = len(held) if expected is None else expected
        if len(present) < floor * self.settings.sweep_min_ratio:
            what = "records are held" if expected is None else "records were just harvested"
            raise HarvestError(library.id, library.url, f"identifiers sweep returned {len(present)} identifiers "
                                                        f"but {floor} {what}; nothing deleted")
        reappeared = present & self.store.deleted_local_ids(library.id)
        if reappeared:
            self._restore(library, sorted(reappeared))
        if expected is not None:
            # After a change of scope the old records may well be live at the source, just not in this scope.
            gone, deferred, asked_up_to = held - present, set(), None
        else:
            check = confirm_missing(client, library, held - present,
                                    after=self.store.harvest_state(library.id).sweep_asked_up_to)
            gone, deferred = check.gone, check.deferred
            asked_up_to = check.last_asked if deferred else None
            if check.unanswered and run is not None:  # else a server whose GetRecord is broken never deleted
                run.errors.append(f"warning: library {library.id!r} ({library.url}): the identifiers sweep did not "
                                  f"list {len(check.unanswered)} records (such as {min(check.unanswered)!r}) and "
                                  "GetRecord could not say whether they are gone; kept until a sweep can")
        deleted = self.store.mark_deleted(library.id, gone)
        update: dict = {"sweep_pending": False, "scope_harvested": 0, "sweep_asked_up_to": asked_up_to}
        if not deferred:
            update["last_sweep"] = utc_now()
        elif run is not None:  # last_sweep kept: the sweep is due again next night and asks about the rest
            run.errors.append(f"warning: library {library.id!r} ({library.url}): the identifiers sweep did not list "
                              f"{len(held - present)} records; {len(held - present) - len(deferred)} were checked "
                              f"with GetRecord and {len(deferred)} wait for the next night's sweep (a record is "
                              "deleted only once GetRecord confirms it is gone)")
        self.store.save_harvest_state(self.store.harvest_state(library.id).model_copy(update=update))
        return deleted

