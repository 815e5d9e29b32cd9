"""The identifiers sweep: marking deleted the records a library's server no longer lists.

For servers that never report deletions, and after a change of set, format or
endpoint.  Kept apart from the harvest loop (harvester/oai.py) because it is the
one place that deletes by absence, so every way a list can fall short is refused
here; what GetRecord confirms gone is decided in harvester/sweepcheck.py.
"""

from __future__ import annotations

import logging

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester.errors import HarvestInterrupted, NoRecordsMatch
from harvester.listguard import ListGuard
from harvester.oai_client import HttpxSickle
from harvester.oaipage import RAW_FORMATS
from harvester.oaixml import read_page
from harvester.sweepcheck import confirm_missing
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun, RawRecord

log = logging.getLogger(__name__)

MAX_RESTORED_BY_GETRECORD = 200  # more reappearing records than this: a full harvest instead


def _restore(client: HttpxSickle, store: CatalogStore, library: LibraryConfig, identifiers: list[str]) -> None:
    """Bring back records deleted here that the source lists again (an earlier sweep missed
    them while the server's paging shifted, or a record was withdrawn and put back).

    Their datestamps may be old, so no incremental window would fetch them: a few are
    fetched one by one with GetRecord; more make the next harvest a full one.
    """
    if len(identifiers) > MAX_RESTORED_BY_GETRECORD:
        log.warning("library %s: %d deleted records are listed again; the next harvest reads the "
                    "whole library to restore them", library.id, len(identifiers))
        state = store.harvest_state(library.id)
        store.save_harvest_state(state.model_copy(update={"next_from": None}))
        return
    prefix = library.metadata_prefix or "marc21"
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
    store.save_harvest_page(records)
    log.info("library %s: %d deleted records listed again were restored", library.id, len(records))


def sweep_identifiers(client: HttpxSickle, store: CatalogStore, settings: HarvestSettings, library: LibraryConfig,
                      expected: int | None = None, run: HarvestRun | None = None) -> int:
    """Mark records deleted that ListIdentifiers no longer lists; returns how many.

    Refuses (HarvestError) when the server repeats a resumption token, or the
    sweep found nothing or fewer than `sweep_min_ratio` of the live records we
    hold (of `expected`, the records the new scope's harvest just gave, after a
    change of scope): an empty or partial answer must not wipe a library from
    the catalog.  A periodic sweep deletes only what GetRecord confirms gone
    (harvester/sweepcheck.py): offset paging that shifts mid-sweep leaves live
    records unlisted.  Warnings go into `run`.
    """
    params: dict[str, str] = {"verb": "ListIdentifiers", "metadataPrefix": library.metadata_prefix or "marc21"}
    if library.set:
        params["set"] = library.set
    present: set[str] = set()
    guard = ListGuard(settings.max_empty_pages)
    token: str | None = None
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
    held = store.live_local_ids(library.id)
    if not present:
        raise HarvestError(library.id, library.url, "identifiers sweep returned no identifiers; nothing deleted")
    floor = len(held) if expected is None else expected
    if len(present) < floor * settings.sweep_min_ratio:
        what = "records are held" if expected is None else "records were just harvested"
        raise HarvestError(library.id, library.url, f"identifiers sweep returned {len(present)} identifiers "
                                                    f"but {floor} {what}; nothing deleted")
    reappeared = present & store.deleted_local_ids(library.id)
    if reappeared:
        _restore(client, store, library, sorted(reappeared))
    if expected is not None:
        # After a change of scope the old records may well be live at the source, just not in this scope.
        gone, deferred, asked_up_to = held - present, set(), None
    else:
        check = confirm_missing(client, library, held - present,
                                after=store.harvest_state(library.id).sweep_asked_up_to)
        gone, deferred = check.gone, check.deferred
        asked_up_to = check.last_asked if deferred else None
        if check.unanswered and run is not None:  # else a server whose GetRecord is broken never deleted
            run.errors.append(f"warning: library {library.id!r} ({library.url}): the identifiers sweep did not "
                              f"list {len(check.unanswered)} records (such as {min(check.unanswered)!r}) and "
                              "GetRecord could not say whether they are gone; kept until a sweep can")
    deleted = store.mark_deleted(library.id, gone)
    update: dict = {"sweep_pending": False, "scope_harvested": 0, "sweep_asked_up_to": asked_up_to}
    if not deferred:
        update["last_sweep"] = utc_now()
    elif run is not None:  # last_sweep kept: the sweep is due again next night and asks about the rest
        run.errors.append(f"warning: library {library.id!r} ({library.url}): the identifiers sweep did not list "
                          f"{len(held - present)} records; {len(held - present) - len(deferred)} were checked "
                          f"with GetRecord and {len(deferred)} wait for the next night's sweep (a record is "
                          "deleted only once GetRecord confirms it is gone)")
    store.save_harvest_state(store.harvest_state(library.id).model_copy(update=update))
    return deleted
