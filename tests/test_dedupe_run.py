"""`run_dedupe` against a real CatalogStore: union records, holdings, stable reruns."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import make_settings
from dedupe import run_dedupe
from tests.dedupe_helpers import rec
from store import CatalogStore
from store.models import Holding


def _records():
    return [
        rec("tv-tinh:1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, publisher="Kim Đồng",
            isbn=["9786041234567"], holdings=[Holding(library="tv-tinh", call_number="895.922 Đ",
                                                      opac_url="http://opac.tv-tinh/1")]),
        rec("th-01:7", "Dat rung phuong Nam", authors=["Doan Gioi"], year=2018, publisher="NXB Kim Đồng"),
        rec("th-01:8", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"]),
        rec("thcs-02:3", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015),
    ]


def test_run_writes_union_records_with_every_holding(store, data_dir):
    store.save_normalized(_records())
    summary = run_dedupe(store, make_settings(data_dir))
    assert (summary.records, summary.clusters, summary.multi_library) == (4, 2, 1)
    assert summary.changed == 2 and summary.candidate_pairs >= 3
    assignments = store.cluster_assignments()
    union, redirect = store.get_union_record(assignments["tv-tinh:1"])
    assert redirect is None
    assert union.members == ["th-01:7", "th-01:8", "tv-tinh:1"]
    assert sorted((h.library, h.record_id) for h in union.holdings) == [
        ("th-01", "th-01:7"), ("th-01", "th-01:8"), ("tv-tinh", "tv-tinh:1")]
    assert any(h.opac_url == "http://opac.tv-tinh/1" for h in union.holdings)
    found_by = {row[0]: row[1] for row in store.cluster_members(union.id)}
    assert found_by["tv-tinh:1"].startswith(("isbn:", "title:"))


def test_a_second_run_changes_nothing(store, data_dir):
    store.save_normalized(_records())
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    before = store.cluster_assignments()
    seq = store.current_seq()
    again = run_dedupe(store, settings)
    assert again.changed == 0
    assert store.cluster_assignments() == before
    assert list(store.union_changed_since(seq)) == []


def test_a_bridging_record_merges_clusters_and_the_old_id_redirects(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized([
        rec("a:1", "Nỗi buồn chiến tranh", authors=["Bảo Ninh"], year=2011, isbn=["9786041234567"]),
        rec("b:1", "Noi buon chien tranh", publisher="Trẻ", pages=300),
    ])
    run_dedupe(store, settings)
    first = store.cluster_assignments()
    assert first["a:1"] != first["b:1"]
    older = min(first.values(), key=lambda cid: (store.union_created_seq()[cid], cid))
    # A record that carries both the ISBN and the facts of b:1 shows they are one edition.
    store.save_normalized([rec("c:1", "Nỗi buồn chiến tranh", year=2011,
                               isbn=["9786041234567"], publisher="Nxb. Trẻ", pages=301)])
    summary = run_dedupe(store, settings)
    after = store.cluster_assignments()
    assert after["a:1"] == after["b:1"] == after["c:1"] == older
    newer = next(cid for cid in first.values() if cid != older)
    assert summary.aliases == 1
    assert store.get_union_record(newer) == (None, older)


def test_a_deleted_record_removes_its_union_record(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized(_records())
    run_dedupe(store, settings)
    gone = store.cluster_assignments()["thcs-02:3"]
    store.save_normalized([], deleted_ids=["thcs-02:3"])
    summary = run_dedupe(store, settings)
    assert summary.removed == 1 and gone not in store.union_ids()


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_record_deleted_then_restored_gets_its_union_id_back(store, data_dir, rebuild):
    settings = make_settings(data_dir)
    store.save_normalized(_records())
    run_dedupe(store, settings)
    old_id = store.cluster_assignments()["thcs-02:3"]
    store.save_normalized([], deleted_ids=["thcs-02:3"])
    run_dedupe(store, settings, rebuild=rebuild)
    assert store.get_union_record(old_id) == (None, None)
    store.save_normalized([rec("thcs-02:3", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)])
    run_dedupe(store, settings, rebuild=rebuild)
    assert store.cluster_assignments()["thcs-02:3"] == old_id
    assert store.get_union_record(old_id)[0].members == ["thcs-02:3"]


def test_a_restored_record_that_joins_another_cluster_redirects_its_old_id(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized([rec("a:1", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)])
    run_dedupe(store, settings)
    old_id = store.cluster_assignments()["a:1"]
    store.save_normalized([], deleted_ids=["a:1"])
    run_dedupe(store, settings)
    store.save_normalized([rec("b:1", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)])
    run_dedupe(store, settings)
    live_id = store.cluster_assignments()["b:1"]
    store.save_normalized([rec("a:1", "Tat den", authors=["Ngo Tat To"], year=2015)])
    run_dedupe(store, settings)
    assert store.cluster_assignments() == {"a:1": live_id, "b:1": live_id}
    assert store.get_union_record(old_id) == (None, live_id)


def _translation(record_id: str, translator: str | None = None):
    statement = "Victor Hugo" + (f" ; {translator} dịch" if translator else "")
    return rec(record_id, "Những người khốn khổ", authors=["Hugo, Victor"], responsibility=statement, year=2016,
               publisher="Văn học", pages=800)


def test_a_split_undone_keeps_the_id_written_first(store, data_dir):
    # The part a split gave a new id took its parent's created_seq (for "what is new"), so when
    # the split was undone both ids looked equally old and the newer one, sorting first, survived.
    settings = make_settings(data_dir)
    store.save_normalized([_translation("lib-b:B1", "Huỳnh Lý"), _translation("lib-c:C1")])
    run_dedupe(store, settings)
    first = store.cluster_assignments()["lib-b:B1"]
    # Another translation arrives: the copy naming no translator fits both and is left alone.
    store.save_normalized([_translation("lib-a:A1", "Nguyễn Văn Vĩnh")])
    run_dedupe(store, settings)
    split_away = store.cluster_assignments()["lib-c:C1"]
    assert split_away != first
    store.save_normalized([], deleted_ids=["lib-a:A1"])
    run_dedupe(store, settings)
    assert store.cluster_assignments() == {"lib-b:B1": first, "lib-c:C1": first}
    assert store.get_union_record(split_away) == (None, first)


def test_a_catalogue_from_before_id_ages_were_kept_takes_created_seq_as_their_age(store, data_dir):
    store.save_normalized(_records())
    run_dedupe(store, make_settings(data_dir))
    ages = store.union_created_seq()
    store.close()
    with sqlite3.connect(store.path) as conn:  # as a catalogue of store schema 3 reads
        conn.execute("ALTER TABLE union_records DROP COLUMN id_seq")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with CatalogStore(store.path) as upgraded:
        assert upgraded.union_created_seq() == ages
        upgraded.save_normalized([rec("thpt-01:5", "Vợ nhặt", authors=["Kim Lân"], year=2015)])
        run_dedupe(upgraded, make_settings(data_dir))
        newest = upgraded.cluster_assignments()["thpt-01:5"]
        assert upgraded.union_created_seq()[newest] > max(ages.values())


@pytest.mark.parametrize("rebuild", [False, True])
def test_on_an_even_split_the_unchanged_part_keeps_the_id(store, data_dir, rebuild):
    # The id stayed with the member whose id sorts first, although that was the copy recatalogued
    # as another volume: the unchanged copy, the book partner sites link to, got a new id (review).
    settings = make_settings(data_dir)
    book = dict(authors=["Đoàn Giỏi"], publisher="Kim Đồng", year=2018)
    store.save_normalized([rec("a:1", "Đất rừng phương Nam", **book), rec("b:1", "Đất rừng phương Nam", **book)])
    run_dedupe(store, settings)
    first = store.cluster_assignments()
    assert first["a:1"] == first["b:1"]
    store.save_normalized([rec("a:1", "Đất rừng phương Nam", part="Tập 2", **book)])
    run_dedupe(store, settings, rebuild=rebuild)
    after = store.cluster_assignments()
    assert after["b:1"] == first["b:1"] and after["a:1"] != first["a:1"]


def _night_with_splits(store: CatalogStore, settings, night: int) -> None:
    """Night 1: three books held by libraries a and b.  Night 2: a's copy of the first and b's
    copy of the second are recatalogued as another volume: two even splits."""
    book = dict(authors=["Đoàn Giỏi"], publisher="Kim Đồng", year=2018)
    titles = ["Đất rừng phương Nam", "Cá bống mú", "Tiếng đàn đáy giếng"]
    if night == 1:
        store.save_normalized([rec(f"{library}:{n}", title, **book)
                               for n, title in enumerate(titles) for library in ("a", "b")])
    else:
        store.save_normalized([rec("a:0", titles[0], part="Tập 2", **book),
                               rec("b:1", titles[1], part="Tập 2", **book)])


def _ids(store: CatalogStore) -> tuple[dict[str, str], set[str], dict[str, str | None]]:
    return store.cluster_assignments(), store.union_ids(), store.former_union_ids()


@pytest.mark.parametrize("cut_at", ["union_records", "dedupe_keys"])
def test_a_dedupe_run_that_did_not_finish_is_redone_with_the_ids_of_an_uninterrupted_run(tmp_path, cut_at):
    # After a run stopped mid-way (kill, reboot, out of memory) the next run took no record as
    # changed, so on an even split the id went to the part recatalogued as another volume
    # and the unchanged copy, the book partner sites link to, got a new id (review).
    settings = make_settings(tmp_path)
    with CatalogStore(tmp_path / "clean.sqlite3") as clean, CatalogStore(tmp_path / "cut.sqlite3") as cut:
        for catalog in (clean, cut):
            _night_with_splits(catalog, settings, 1)
            run_dedupe(catalog, settings)
            _night_with_splits(catalog, settings, 2)
        night1 = clean.cluster_assignments()
        run_dedupe(clean, settings)
        # The run stops at this table's first write, as a power cut would stop it there.
        cut._conn.execute(f"CREATE TEMP TRIGGER power_cut BEFORE INSERT ON {cut_at} "
                          "BEGIN SELECT RAISE(ABORT, 'power cut'); END")
        with pytest.raises(sqlite3.DatabaseError, match="power cut"):
            run_dedupe(cut, settings)
        cut._conn.execute("DROP TRIGGER power_cut")
        summary = run_dedupe(cut, settings)
        assert "did not finish" in summary.full_because
        assert _ids(cut) == _ids(clean)
        kept = {rid: night1[rid] for rid in ("b:0", "a:1", "a:2", "b:2")}
        assert {rid: cut.cluster_assignments()[rid] for rid in kept} == kept
