"""A library's harvest state from one night to the next: what a bad night leaves must not outlive it."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import HarvestError
from harvester import stopping
from harvester.errors import HarvestInterrupted
from harvester.marcfile import SAVE_BATCH_RECORDS, harvest_marc_file
from store.catalog import CatalogStore
from tests.test_harvest_marc import run_into
from tests.test_harvest_support import book, fast_settings, marc_library


def _payloads(store: CatalogStore, library: str) -> dict[str, bytes]:
    """The live raw record of each local id, as the store holds it now."""
    latest = {record.local_id: record for _seq, record in store.raw_changed_since(0, library)}
    return {local_id: record.payload for local_id, record in latest.items() if not record.deleted}


def _bad_night(path: Path, good: list[bytes], kind: str, store: CatalogStore) -> None:
    """Write the export a bad night brings (an edit to record 1, a temporary record), and harvest it."""
    edited = book("1", b"Ban nhap chi nhanh")
    library = marc_library(str(path))
    if kind == "partial":  # one branch's export: far fewer records than held, the run fails
        path.write_bytes(edited + book("tam", b"Ban ghi tam"))
        with pytest.raises(HarvestError, match="partial export"):
            harvest_marc_file(library, store, None, fast_settings())
    elif kind == "cut short":  # the upload stopped inside the last record
        path.write_bytes(edited + b"".join(good[1:]) + book("tam", b"Ban ghi tam")[:40])
        assert any("cut short" in error for error in harvest_marc_file(library, store, None, fast_settings()).errors)
    elif kind == "broken record":
        path.write_bytes(edited + b"".join(good[1:]) + book("tam", b"Ban ghi tam") + run_into(book("10", b"Muoi")))
        assert harvest_marc_file(library, store, None, fast_settings()).rejected == 1
    else:  # stopped (SIGTERM, Ctrl+C) after its first batch was stored
        path.write_bytes(edited + book("tam", b"Ban ghi tam") + b"".join(good[1:]))
        stopping.request_stop("stopped by SIGTERM")
        try:
            with pytest.raises(HarvestInterrupted):
                harvest_marc_file(library, store, None, fast_settings())
        finally:
            stopping.clear()


@pytest.mark.parametrize("kind", ["partial", "cut short", "broken record", "stopped"])
def test_the_good_file_sent_again_after_a_bad_night_is_read_and_undoes_it(tmp_path: Path, store, kind):
    """The validator of the last accepted file outlived a night that stored records of another file,
    so the library's good export sent again was skipped as unchanged: the bad night's edit and
    temporary record stayed live, its rejects in `unioncat status` (review)."""
    count = SAVE_BATCH_RECORDS + 10 if kind == "stopped" else 5
    good = [book(str(n), b"Sach %d" % n) for n in range(1, count + 1)]
    path = tmp_path / "lib.mrc"
    path.write_bytes(b"".join(good))
    library = marc_library(str(path))
    harvest_marc_file(library, store, None, fast_settings())
    accepted = _payloads(store, "tv-file")
    _bad_night(path, good, kind, store)
    left = _payloads(store, "tv-file")
    edited = {local_id for local_id in accepted if left[local_id] != accepted[local_id]}
    assert edited and set(left) >= set(accepted)  # the bad night stored what it could read

    path.write_bytes(b"".join(good))
    run = harvest_marc_file(library, store, None, fast_settings())
    assert (run.changed, run.deleted) == (len(edited), len(set(left) - set(accepted))), run
    assert _payloads(store, "tv-file") == accepted and store.rejects("tv-file") == []
    # Accepted whole, the file is skipped again the night after.
    assert harvest_marc_file(library, store, None, fast_settings()).unchanged == 0
    assert store.harvest_state("tv-file").file_validator is not None
