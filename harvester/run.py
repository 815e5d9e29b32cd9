"""Harvest many libraries at once, each recorded as a run; one failure never stops the others."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from config.errors import UnioncatError
from config.settings import LibraryConfig, Settings
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun

log = logging.getLogger(__name__)


def harvest_library(settings: Settings, store: CatalogStore, library: LibraryConfig, full: bool = False) -> HarvestRun:
    """Harvest one library and record the run (status ok or failed) in the store."""
    run_id = store.start_run(library.id)
    run = HarvestRun(library=library.id, started_at=utc_now())
    try:
        with make_client(settings.harvest, library.timeout_s) as client:
            if library.protocol == "oai-pmh":
                OaiHarvester(client, store, settings.harvest).harvest(library, full=full, run=run)
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
    run.finished_at = utc_now()
    store.finish_run(run_id, run)
    return run


def harvest_libraries(settings: Settings, store: CatalogStore, library_ids: list[str] | None = None,
                      full: bool = False) -> list[HarvestRun]:
    """Harvest the given libraries (default: all), `max_parallel_libraries` at a time.

    Returns one run per library in the order asked for; an unknown id raises
    ConfigError before anything is harvested.
    """
    libraries = [settings.library(i) for i in library_ids] if library_ids else list(settings.libraries)
    if not libraries:
        return []
    workers = min(settings.harvest.max_parallel_libraries, len(libraries))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest") as pool:
        futures = [pool.submit(harvest_library, settings, store, library, full) for library in libraries]
        return [future.result() for future in futures]
