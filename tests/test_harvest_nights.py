"""A library's harvest state from one night to the next: what a bad night leaves must not outlive it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from config.errors import HarvestError
from harvester import stopping
from harvester.cli import app
from harvester.errors import HarvestInterrupted
from harvester.marcfile import SAVE_BATCH_RECORDS, harvest_marc_file
from harvester.provider import serve_fixtures
from store.catalog import CatalogStore
from tests.test_harvest_marc import run_into
from tests.test_harvest_support import book, fast_settings, marc_library, refused_harvest, write_marc_collection


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
        assert "cut short" in refused_harvest(library, store)[1]
    elif kind == "broken record":
        path.write_bytes(edited + b"".join(good[1:]) + book("tam", b"Ban ghi tam") + run_into(book("10", b"Muoi")))
        assert refused_harvest(library, store)[0].rejected == 1
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


def _registry(path: Path, data_dir: Path, libraries: dict[str, tuple[str, str]]) -> str:
    """A config file of `libraries` (id → protocol, url), the OAI-PMH ones harvested as marcxml."""
    text = f'data_dir = "{data_dir}"\n'
    for library_id, (protocol, url) in libraries.items():
        text += (f'\n[[libraries]]\nid = "{library_id}"\nname = "{library_id}"\ntype = "district"\n'
                 f'district = "Vị Thanh"\nprotocol = "{protocol}"\nurl = "{url}"\n')
        text += 'metadata_prefix = "marcxml"\n' if protocol == "oai-pmh" else ""
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_library_registered_again_after_purge_is_harvested_in_full(tmp_path: Path, data_dir: Path):
    """Purge kept the harvest state (the file's validator, the OAI-PMH `from`), so a library put
    back in the registry fetched nothing: `ok +0`, no records live, until `harvest --full` (review)."""
    write_marc_collection(tmp_path / "tv-oai.xml", 4)
    (tmp_path / "tv-file.mrc").write_bytes(b"".join(book(str(n), b"Sach %d" % n) for n in range(1, 4)))
    with serve_fixtures({"tv-oai": tmp_path / "tv-oai.xml"}) as provider:
        libraries = {"tv-oai": ("oai-pmh", provider.url("tv-oai")), "tv-file": ("marc-file", "tv-file.mrc"),
                     "tv-stay": ("marc-file", "tv-file.mrc")}
        full = _registry(tmp_path / "unioncat.toml", data_dir, libraries)
        assert CliRunner().invoke(app, ["update", "--config", full]).exit_code == 0
        with CatalogStore(data_dir / "catalog.sqlite3") as store:
            held = {library: store.live_local_ids(library) for library in ("tv-oai", "tv-file")}
        assert all(held.values())
        left = _registry(tmp_path / "left.toml", data_dir, {"tv-stay": libraries["tv-stay"]})
        for library in held:
            purged = CliRunner().invoke(app, ["purge", library, "--config", left])
            assert purged.exit_code == 0, purged.output

        back = CliRunner().invoke(app, ["update", "--config", full])
    assert back.exit_code == 0, back.output
    with CatalogStore(data_dir / "catalog.sqlite3") as store:
        assert {library: store.live_local_ids(library) for library in held} == held
