"""A retired union id comes back with the record it was derived from only when that record is still the
book the id named (dedupe/returning.py): a library that reuses a record number for another book must not
send partner sites' links to it."""

from __future__ import annotations

import pytest

from dedupe import run_dedupe
from store import CatalogStore
from tests.conftest import make_settings
from tests.dedupe_helpers import rec

OLD_BOOK = dict(title="Lập trình Pascal nâng cao", authors=["Nguyễn Văn Bình"], year=2005, publisher="Thống kê",
                pages=320)
NEW_BOOK = dict(title="Giáo trình tin học căn bản", authors=["Phạm Văn Ất"], year=2021, publisher="Giáo dục",
                pages=210)


@pytest.fixture
def retired(store: CatalogStore, data_dir):
    """a:61 held a union record alone; the library deleted it, so its id was retired."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:61", **OLD_BOOK), rec("b:1", "Truyện Kiều", authors=["Nguyễn Du"], year=2015)])
    run_dedupe(store, settings)
    old_id = store.cluster_assignments()["a:61"]
    store.save_normalized([], deleted_ids=["a:61"])
    run_dedupe(store, settings)
    assert store.get_union_record(old_id) == (None, None)
    return store, settings, old_id


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_record_number_reused_for_another_book_gets_a_new_id(retired, rebuild):
    store, settings, old_id = retired
    store.save_normalized([rec("a:61", **NEW_BOOK)])
    run_dedupe(store, settings, rebuild=rebuild)
    new_id = store.cluster_assignments()["a:61"]
    assert new_id != old_id
    assert store.get_union_record(old_id) == (None, None)  # the old book's links answer 404, not another book
    assert store.get_union_record(new_id)[0].title == NEW_BOOK["title"]
    # The next night changes nothing, and the old id stays retired.
    run_dedupe(store, settings)
    assert store.cluster_assignments()["a:61"] == new_id and store.get_union_record(old_id) == (None, None)


@pytest.mark.parametrize("rebuild", [False, True])
def test_the_same_book_restored_under_its_record_number_gets_its_id_back(retired, rebuild):
    """A sweep undone or a reject fixed: the record returns, lightly edited, and so does its id."""
    store, settings, old_id = retired
    store.save_normalized([rec("a:61", **{**OLD_BOOK, "pages": 321})])
    run_dedupe(store, settings, rebuild=rebuild)
    assert store.cluster_assignments()["a:61"] == old_id
    assert store.get_union_record(old_id)[0].members == ["a:61"]


def test_a_reused_record_number_that_joins_a_live_union_record_makes_no_alias_of_the_old_id(retired):
    """The new book matches b:2's: the retired id must not become a 301 to it."""
    store, settings, old_id = retired
    store.save_normalized([rec("b:2", **NEW_BOOK)])
    run_dedupe(store, settings)
    live = store.cluster_assignments()["b:2"]
    store.save_normalized([rec("a:61", **NEW_BOOK)])
    run_dedupe(store, settings)
    assert store.cluster_assignments()["a:61"] == live
    assert store.get_union_record(old_id) == (None, None)


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_retired_id_comes_back_with_its_last_member_when_another_record_created_it(store, data_dir, rebuild):
    """a:1 and b:1 are one book; a:1 (whose hash made the id) is weeded, then b:1 is missing one
    night: the id is retired.  b:1 back unchanged must bring the id back, not a new one."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:1", **OLD_BOOK), rec("b:1", **OLD_BOOK), rec("c:1", **NEW_BOOK)])
    run_dedupe(store, settings)
    old_id = store.cluster_assignments()["b:1"]
    assert store.cluster_assignments()["a:1"] == old_id
    store.save_normalized([], deleted_ids=["a:1"])
    run_dedupe(store, settings)
    store.save_normalized([], deleted_ids=["b:1"])
    run_dedupe(store, settings)
    assert store.get_union_record(old_id) == (None, None)
    store.save_normalized([rec("b:1", **OLD_BOOK)])
    run_dedupe(store, settings, rebuild=rebuild)
    assert store.cluster_assignments()["b:1"] == old_id
    assert store.get_union_record(old_id)[0].members == ["b:1"]
