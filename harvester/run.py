"""Harvest many libraries at once, each recorded as a run; one failure never stops the others.

Libraries run on `max_parallel_libraries` threads; the transport keeps one
request at a time per host across all of them (`transport.host_slot`), so two
district catalogues on one provincial server are harvested politely while
libraries on other servers go on in parallel.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from config.errors import UnioncatError
from config.masking import masked_secrets
from config.settings import LibraryConfig, Settings
from harvester import stopping
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun

log = logging.getLogger(__name__)

# Called with ("started" | "finished", run) as each library starts and ends (CLI progress, JSON logs).
ProgressCallback = Callable[[str, HarvestRun], None]


def sweep_due(library: LibraryConfig, last_sweep: str | None, now: datetime | None = None) -> bool:
    """True when the library asks for identifiers sweeps and the last one is `sweep_interval_days` old."""
    if library.protocol != "oai-pmh" or library.sweep_interval_days is None:
        return False
    if last_sweep is None:
        return True
    last = datetime.fromisoformat(last_sweep.replace("Z", "+00:00"))
    return (now or datetime.now(UTC)) - last >= timedelta(days=library.sweep_interval_days)


def harvest_library(settings: Settings, store: CatalogStore, library: LibraryConfig, full: bool = False,
                    progress: ProgressCallback | None = None) -> HarvestRun:
    """Harvest one library (and sweep it when due); record the run (ok or failed) in the store.

    After a stop nothing is recorded: a library the pool reaches while the run ends is left for
    the next run, as those it never reaches are (a stop that cuts requests short frees a thread
    before the pool's pending work is cancelled).
    """
    run = HarvestRun(library=library.id, started_at=utc_now())
    if stopping.stop_requested():
        run.status = "failed"
        run.errors.append(f"library {library.id!r}: not started, the run was stopped")
        return run
    run_id = store.start_run(library.id)
    if progress:
        progress("started", run)
    started = time.monotonic()
    try:
        with make_client(settings.harvest, library.timeout_s) as client:
            if library.protocol == "oai-pmh":
                harvester = OaiHarvester(client, store, settings.harvest)
                harvester.harvest(library, full=full, run=run)
                if sweep_due(library, store.harvest_state(library.id).last_sweep):
                    # A refused sweep raises HarvestError: the run fails and nothing is deleted.
                    run.deleted += harvester.sweep(library, run=run)
            else:
                harvest_marc_file(library, store, client, settings.harvest, run=run, full=full)
        run.status = "ok"
    except UnioncatError as exc:
        run.status = "failed"
        run.errors.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in one library's run must not stop the others
        log.exception("library %s: unexpected error", library.id)
        run.status = "failed"
        run.errors.append(f"library {library.id!r} ({library.url}): unexpected {type(exc).__name__}: {exc}")
    # The warnings appended during the run quote the library's url as written: masked before they are
    # stored, logged or printed.
    run.errors = [masked_secrets(error) for error in run.errors]
    run.finished_at = utc_now()
    run.duration_s = round(time.monotonic() - started, 3)
    store.finish_run(run_id, run)
    log.debug("library %s: %s in %.1fs", library.id, run.status, run.duration_s)
    if progress:
        progress("finished", run)
    return run


def harvest_libraries(settings: Settings, store: CatalogStore, library_ids: list[str] | None = None,
                      full: bool = False, progress: ProgressCallback | None = None) -> list[HarvestRun]:
    """Harvest the given libraries (default: all), `max_parallel_libraries` at a time.

    Returns one run per library in the order asked for, an id given twice harvested once (two
    threads on one library would race over its state); an unknown id raises ConfigError before
    anything is harvested.
    """
    ids = list(dict.fromkeys(library_ids or []))
    libraries = [settings.library(i) for i in ids] if ids else list(settings.libraries)
    if not libraries:
        return []
    workers = min(settings.harvest.max_parallel_libraries, len(libraries))
    stopping.clear()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest")
    try:
        futures = [pool.submit(harvest_library, settings, store, library, full, progress) for library in libraries]
        return [future.result() for future in futures]
    except BaseException:
        # Ctrl+C or SIGTERM reaches this (the main) thread only: the libraries being harvested
        # stop at their next request and record why; the others are not started.  Waiting
        # for every library (the pool's own exit) held a Ctrl+C for the whole night's harvest.
        if not stopping.stop_requested():
            stopping.request_stop()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
