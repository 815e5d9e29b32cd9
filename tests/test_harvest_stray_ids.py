"""Ids holding control characters or bytes that are not UTF-8 (an ISO 2709 001, an OAI identifier):
each record is kept under an id that tells it from the others, and the run's warnings name it and
where it was read; the other records of the library are harvested as usual."""

from __future__ import annotations

from pathlib import Path

from tests.test_harvest_support import fast_settings, iso2709, marc_library

from harvester.marcfile import harvest_marc_file
from normalize import run_normalize


def _book(local_id: bytes, title: str) -> bytes:
    return iso2709([("001", local_id), ("245", b"00\x1fa" + title.encode("utf-8"))])


def test_iso2709_ids_differing_only_in_bytes_that_are_not_utf8_are_two_records_named_in_a_warning(
        tmp_path: Path, store):
    """Both 001s below were read as 'E\ufffd\ufffdF': the second was rejected as a duplicate of the first,
    and neither was named in any warning."""
    path = tmp_path / "koha.mrc"
    path.write_bytes(_book(b"E\xff\xfeF", "Sách ba") + _book(b"E\xfe\xffF", "Sách bốn") + _book(b"ok", "Sách"))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert (run.added, run.rejected) == (3, 0), run.errors
    assert len(store.live_local_ids("tv-file")) == 3
    [warning] = [e for e in run.errors if "not UTF-8" in e]
    assert "'E\\xff\\xfeF' (2 bytes), 'E\\xfe\\xffF' (2 bytes)" in warning and str(path) in warning


def test_an_iso2709_id_with_control_characters_is_named_with_where_it_was_read(tmp_path: Path, store):
    path = tmp_path / "koha.mrc"
    books = [_book(b"ok", "Sách"), _book(b"A\x01B", "Sách một"), _book(b"\x00G", "Sách hai")]
    path.write_bytes(b"".join(books))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert (run.added, run.rejected) == (3, 0), run.errors
    [warning] = [e for e in run.errors if "control characters" in e]
    assert f"'A\\x01B' ({path} record 2 at byte {len(books[0])})" in warning, warning
    assert f"'\\x00G' ({path} record 3 at byte {len(books[0]) + len(books[1])})" in warning, warning


def test_bytes_that_are_not_utf8_in_a_001_leave_the_rest_of_the_record_read_as_utf8(tmp_path: Path, store):
    """One stray byte in the 001 of a UTF-8 record made the whole record fail as UTF-8, and the
    fallback read every field as MARC-8: the title 'Sách ba' was stored as 'S©Łch ba'."""
    path = tmp_path / "koha.mrc"
    path.write_bytes(_book(b"E\xff\xfeF", "Sách ba") + _book(b"ok", "Sách"))
    library = marc_library(str(path))
    harvest_marc_file(library, store, None, fast_settings())
    assert run_normalize(store, {library.id: library}, workers=1).normalized == 2
    titles = {record.local_id: record.title for record in store.get_records(
        f"tv-file:{local_id}" for local_id in store.live_local_ids("tv-file"))}
    assert titles == {"E\uf7ff\uf7feF": "Sách ba", "ok": "Sách"}
