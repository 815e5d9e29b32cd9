"""The OAI-PMH harvest loop: incremental windows, one saved page at a time.

`OaiHarvester.harvest()` opens (or continues) a window, `_harvest_pages()`
follows resumption tokens, and `oaipage.fetch_page()` makes one request through
the retrying transport.  After every page the page's records and the next token
are saved in ONE transaction, so a crash loses at most the page in flight and a
restart continues from the saved token.  sickle is the protocol library, given
our httpx transport and a strict XML parser.

A ListRecords page is read as a stream (`oaixml.stream_list_records`), one
record at a time.  An answer that HTTP calls fine but that is an HTML page or
malformed XML is asked for again (`oai_client.HttpxSickle.request`), up to
`max_retries` times, then the run fails naming the endpoint; unless the page
is whole but for some of its records, which are then reported as skipped and
the rest read (harvester/oaisalvage.py).  The window's dates live in
harvester/oaiwindow.py, the identifiers sweep in harvester/sweep.py.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta

import httpx

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester.errors import BadArgument, BadResumptionToken, HttpStatusError, NoRecordsMatch
from harvester.listguard import ListGuard
from harvester.metrics import StageTimes
from harvester.misdeclared import misdeclared_warning
from harvester.oai_client import HttpxSickle
from harvester.oaigranularity import DAY_GRANULARITY, SECONDS_GRANULARITY
from harvester.oaipage import fetch_page
from harvester.oaisalvage import salvage_report
from harvester.oaiwindow import (
    granularity_or_known,
    harvest_scope,
    next_from,
    readable_response_date,
    response_instant,
    seconds_refused,
)
from harvester.oaixml import split_oai_response
from harvester.oddrecords import CONTROL_PICTURES_RE, control_ids_report, odd_leaders_report
from harvester.strayutf8 import stray_bytes_report
from harvester.sweep import sweep_identifiers
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun, HarvestState, Rejected

__all__ = ["OaiHarvester", "split_oai_response"]

log = logging.getLogger(__name__)

# Windows in a row whose list the server loses (noRecordsMatch to a token) before the run fails: one is a
# server ending a list rightly, or a restart; every night is a server whose tokens expire before the
# window is read, so the library is never harvested to date while each night looked "ok" (review).
MAX_LISTS_LOST = 3
# A window whose tokens keep going bad is restarted this many times, then the run fails.
MAX_WINDOW_RESTARTS = 3
# A responseDate further ahead of this machine's clock than this is worth a warning (see oaiwindow.next_from).
CLOCK_SKEW = timedelta(hours=1)


def _warn_once(run: HarvestRun, warning: str) -> None:
    """Add `warning` to the run unless it is there: a server's habit shows on every page, but is one thing to fix."""
    if warning not in run.errors:
        run.errors.append(warning)


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
        granularity = granularity_or_known(self._sickle(library), library,
                                           state if state.harvested_for in (None, scope) else None, run)
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
                if seconds_refused(exc, granularity, state):
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
                page = fetch_page(self._sickle(library), library, state, granularity, page_number)
            except NoRecordsMatch as exc:  # to a token: see oaipage.fetch_page
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
            window_response_date = state.window_response_date or readable_response_date(
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

    def sweep(self, library: LibraryConfig, expected: int | None = None, run: HarvestRun | None = None) -> int:
        """Mark records deleted that ListIdentifiers no longer lists; returns how many (harvester/sweep.py)."""
        return sweep_identifiers(self._sickle(library), self.store, self.settings, library, expected, run)
