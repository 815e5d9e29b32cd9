"""A library that sends its records again under new ids (a new system, renumbered 001s) keeps the union
records it alone held under their ids (dedupe/succession.py); a guess that could be wrong keeps new ids."""

from __future__ import annotations

import pytest

from dedupe import run_dedupe
from store import CatalogStore
from tests.conftest import make_settings
from tests.dedupe_helpers import rec

KIEU = dict(authors=["Nguyễn Du"], year=2015, publisher="Nxb. Văn học", pages=250)
CHI_PHEO = dict(authors=["Nam Cao"], year=2016, publisher="Nxb. Văn học", pages=180)


def cluster_of(store: CatalogStore) -> dict[str, str]:
    return store.cluster_assignments()


@pytest.fixture
def catalogue(store, data_dir):
    """Two books: one held by library A alone, one by A and B."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:1", "Truyện Kiều", **KIEU), rec("a:2", "Chí Phèo", **CHI_PHEO),
                           rec("b:9", "Chí Phèo", **CHI_PHEO)])
    run_dedupe(store, settings)
    return store, settings, cluster_of(store)


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_re_export_under_new_ids_keeps_the_union_record_the_library_alone_held(catalogue, rebuild):
    store, settings, before = catalogue
    store.save_normalized([rec("a:A0001", "Truyện Kiều", **KIEU), rec("a:A0002", "Chí Phèo", **CHI_PHEO)],
                          deleted_ids=["a:1", "a:2"])
    summary = run_dedupe(store, settings, rebuild=rebuild)
    after = cluster_of(store)
    assert after["a:A0001"] == before["a:1"]  # carried over
    assert after["a:A0002"] == before["a:2"] == after["b:9"]  # kept by b:9, as before
    assert summary.carried_over == 1
    union, redirect = store.get_union_record(before["a:1"])
    assert redirect is None and union.members == ["a:A0001"] and union.title == "Truyện Kiều"
    assert store.union_ids() == {before["a:1"], before["a:2"]}
    # The next night keeps it, as for any cluster.
    assert run_dedupe(store, settings).carried_over == 0 and cluster_of(store) == after


def test_another_book_of_the_same_library_does_not_take_a_retired_id(catalogue):
    store, settings, before = catalogue
    store.save_normalized([rec("a:A0001", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)], deleted_ids=["a:1"])
    assert run_dedupe(store, settings).carried_over == 0
    assert cluster_of(store)["a:A0001"] != before["a:1"]
    assert store.get_union_record(before["a:1"]) == (None, None)  # retired, as before


def test_the_same_book_from_another_library_does_not_take_it_either(catalogue):
    """Library A withdrew its copy and library C catalogued one: C's union record is new."""
    store, settings, before = catalogue
    store.save_normalized([rec("c:5", "Truyện Kiều", **KIEU)], deleted_ids=["a:1"])
    assert run_dedupe(store, settings).carried_over == 0
    assert cluster_of(store)["c:5"] != before["a:1"]


def test_a_new_record_that_could_stand_for_two_retired_ones_gets_a_new_id(store, data_dir):
    """Two editions (2001, 2015) re-exported as one record without a year: which one it is, is a guess."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:1", "Truyện Kiều", **{**KIEU, "year": 2001}),
                           rec("a:2", "Truyện Kiều", **KIEU)])
    run_dedupe(store, settings)
    before = cluster_of(store)
    assert before["a:1"] != before["a:2"]
    store.save_normalized([rec("a:A0001", "Truyện Kiều", **{**KIEU, "year": None})], deleted_ids=["a:1", "a:2"])
    assert run_dedupe(store, settings).carried_over == 0
    assert cluster_of(store)["a:A0001"] not in {before["a:1"], before["a:2"]}


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_re_sent_record_that_joins_another_library_s_copy_makes_the_old_id_lead_there(store, data_dir, rebuild):
    """a:1 (250 pages) and b:9 (400 pages, with an ISBN) were two union records; re-sent without a page count
    and with b:9's ISBN, A's record joins b:9's: the old id answers 301 to it instead of 404."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:1", "Truyện Kiều", **KIEU),
                           rec("b:9", "Truyện Kiều", **{**KIEU, "pages": 400, "isbn": ["9786049698123"]})])
    run_dedupe(store, settings)
    before = cluster_of(store)
    assert before["a:1"] != before["b:9"]
    store.save_normalized([rec("a:A0001", "Truyện Kiều", **{**KIEU, "pages": None, "isbn": ["9786049698123"]})],
                          deleted_ids=["a:1"])
    assert run_dedupe(store, settings, rebuild=rebuild).carried_over == 1
    after = cluster_of(store)
    assert after["a:A0001"] == after["b:9"] == before["b:9"]
    assert store.get_union_record(before["a:1"]) == (None, before["b:9"])  # an alias: 301 to the book


@pytest.mark.parametrize("rebuild", [False, True])
def test_two_libraries_re_sending_one_book_the_same_night_keep_its_id(catalogue, rebuild):
    store, settings, before = catalogue
    store.save_normalized([rec("a:A0002", "Chí Phèo", **CHI_PHEO), rec("b:B0009", "Chí Phèo", **CHI_PHEO)],
                          deleted_ids=["a:2", "b:9"])
    assert run_dedupe(store, settings, rebuild=rebuild).carried_over == 1
    after = cluster_of(store)
    assert after["a:A0002"] == after["b:B0009"] == before["a:2"]
