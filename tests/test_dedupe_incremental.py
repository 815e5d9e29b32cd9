"""The nightly run re-examines only what changed and ends where a full rebuild ends.

Two real stores get the same random nights of changes (new copies, edits that
bridge or split editions, deletions); one runs incremental dedupe, the other a
full rebuild each night.  Membership, ids, aliases and explanations must agree.
"""

from __future__ import annotations

import random
import tracemalloc

import pytest

from dedupe import cluster_records, run_dedupe
from dedupe import run as dedupe_run
from dedupe.evaluate import labels_of
from dedupe.labeled import generate
from store import CatalogStore
from tests.conftest import make_settings
from tests.dedupe_helpers import rec


def _state(store: CatalogStore) -> dict:
    assignments = store.cluster_assignments()
    explanations = {}
    for cluster_id in set(assignments.values()):
        for row in store.cluster_members(cluster_id):
            explanations[row[0]] = row[1:]
    aliases = {}
    for cluster_id in set(store.union_created_seq()):
        record, target = store.get_union_record(cluster_id)
        aliases[cluster_id] = target if record is None else None
    return {"assignments": assignments, "explanations": explanations, "unions": store.union_ids(),
            "aliases": aliases}


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text + "x"
    position = rng.randrange(1, len(text) - 2)
    return text[:position] + text[position + 1] + text[position] + text[position + 2:]


def _edit(record, live: list, rng: random.Random):
    choice = rng.random()
    if choice < 0.25:
        return record.model_copy(update={"title": _typo(record.title, rng)})
    if choice < 0.45:
        return record.model_copy(update={"year": (record.year or 2000) + rng.choice((-1, 1))})
    if choice < 0.6:
        return record.model_copy(update={"isbn": [], "authors": record.authors[:1]})
    # Take another record's description: it leaves its edition for another (merge or split).
    other = rng.choice(live)
    return record.model_copy(update={name: getattr(other, name) for name in (
        "title", "subtitle", "part", "authors", "year", "publisher", "pages", "edition", "isbn", "language")})


@pytest.mark.parametrize("seed, max_block_size", [(1, 500), (2, 20), (3, 60)])
def test_incremental_nights_match_a_full_rebuild_each_night(tmp_path, seed, max_block_size):
    rng = random.Random(seed)
    labeled = generate(900, seed=seed)
    pool = sorted(labeled.records, key=lambda r: r.id)
    rng.shuffle(pool)
    initial, arriving = pool[:600], pool[600:]
    settings = make_settings(tmp_path, dedupe={"max_block_size": max_block_size})
    nightly = CatalogStore(tmp_path / "nightly.sqlite3")
    rebuilt = CatalogStore(tmp_path / "rebuilt.sqlite3")
    live = {r.id: r for r in initial}
    gone: dict = {}  # deleted records, some restored on a later night (a sweep's mistake, a fixed reject)
    restoring = random.Random(seed + 100)
    for store in (nightly, rebuilt):
        store.save_normalized(initial)
        run_dedupe(store, settings)
    for night in range(6):
        ids = sorted(live)
        edited = [_edit(live[rid], list(live.values()), rng) for rid in rng.sample(ids, 12)]
        deleted = [rid for rid in rng.sample(ids, 8) if rid not in {r.id for r in edited}]
        added, arriving = arriving[:30], arriving[30:]
        added += [gone.pop(rid) for rid in restoring.sample(sorted(gone), min(4, len(gone)))]
        for store in (nightly, rebuilt):
            store.save_normalized(edited + added, deleted_ids=deleted)
        live.update({r.id: r for r in edited + added})
        for rid in deleted:
            gone[rid] = live.pop(rid)
        summary = run_dedupe(nightly, settings)
        assert summary.incremental and summary.examined < len(live)
        assert not run_dedupe(rebuilt, settings, rebuild=True).incremental
        assert _state(nightly) == _state(rebuilt), f"night {night}"
        # Membership is what clustering the final data from scratch gives.
        scratch = cluster_records(live.values(), settings.dedupe)
        assert sorted(map(sorted, _groups(nightly))) == sorted(map(sorted, scratch.clusters.values()))
    nightly.close()
    rebuilt.close()


def _groups(store: CatalogStore) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for rid, cid in store.cluster_assignments().items():
        groups.setdefault(cid, []).append(rid)
    return list(groups.values())


def test_a_night_without_changes_examines_nothing(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized(generate(200, seed=4).records)
    run_dedupe(store, settings)
    before = store.cluster_assignments()
    seq = store.current_seq()
    summary = run_dedupe(store, settings)
    assert summary.incremental and summary.examined == 0 and summary.changed == 0
    assert store.cluster_assignments() == before
    assert list(store.union_changed_since(seq)) == []


def test_a_new_copy_reexamines_only_its_region(store, data_dir):
    settings = make_settings(data_dir)
    labeled = generate(400, seed=5)
    store.save_normalized(labeled.records)
    run_dedupe(store, settings)
    store.save_normalized([rec("new:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài"], year=2019)])
    summary = run_dedupe(store, settings)
    assert summary.incremental and 1 <= summary.examined < 40
    assert store.cluster_assignments()["new:1"]


def test_a_nightly_run_reports_catalogue_totals_as_a_rebuild_does(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized(generate(400, seed=5).records)
    run_dedupe(store, settings)
    store.save_normalized([rec("new:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài"], year=2019)])
    nightly = run_dedupe(store, settings)
    rebuilt = run_dedupe(store, settings, rebuild=True)
    assert nightly.incremental and not rebuilt.incremental
    assert (nightly.records, nightly.clusters, nightly.multi_library) == \
        (rebuilt.records, rebuilt.clusters, rebuilt.multi_library)
    assert rebuilt.multi_library > 0


def test_changed_settings_force_a_full_run(store, data_dir):
    store.save_normalized(generate(100, seed=6).records)
    run_dedupe(store, make_settings(data_dir))
    summary = run_dedupe(store, make_settings(data_dir, dedupe={"title_similarity_min": 90.0}))
    assert not summary.incremental and summary.examined == 100 or summary.examined == summary.records


def test_new_merge_rules_force_one_full_run_that_fills_old_union_records(store, data_dir, monkeypatch):
    store.save_normalized([rec("a:1", "Số đỏ", year=2016, invalid_isbn=["6041234500"]),
                           rec("b:1", "Số đỏ", year=2016)])
    monkeypatch.setattr(dedupe_run, "MERGE_RULES_VERSION", dedupe_run.MERGE_RULES_VERSION - 1)
    run_dedupe(store, make_settings(data_dir))
    union_id = store.cluster_assignments()["a:1"]
    # The union record as the older release wrote it, without the invalid ISBN.
    old = store.get_union_record(union_id)[0].model_copy(update={"invalid_isbn": []})
    store.save_clusters({}, [old], replace_only=[])
    assert run_dedupe(store, make_settings(data_dir)).incremental
    monkeypatch.undo()
    assert not run_dedupe(store, make_settings(data_dir)).incremental
    assert store.get_union_record(union_id)[0].invalid_isbn == ["6041234500"]
    assert run_dedupe(store, make_settings(data_dir)).incremental


def test_rebuild_gives_the_ids_the_incremental_runs_kept(store, data_dir):
    settings = make_settings(data_dir)
    labeled = generate(300, seed=8)
    store.save_normalized(labeled.records[:200])
    run_dedupe(store, settings)
    store.save_normalized(labeled.records[200:], deleted_ids=[r.id for r in labeled.records[:20]])
    run_dedupe(store, settings)
    kept = store.cluster_assignments()
    run_dedupe(store, settings, rebuild=True)
    assert store.cluster_assignments() == kept
    assert labels_of({}) == {}


def test_a_nightly_run_touching_a_large_block_needs_about_the_memory_of_a_full_run(store, data_dir):
    # One touched copy of a long series reaches every copy of it (one block): the run holds
    # their features, as a full run does, not their Records (1.1 GB for a 100,000-record catalogue).
    settings = make_settings(data_dir)
    records = [rec(f"tv-{'abc'[i % 3]}:{i}", f"Kỹ thuật nuôi trồng thủy sản nước ngọt tập {i // 3}",
                   authors=["Nguyễn Văn An"], year=2000 + i % 20, publisher="Nông nghiệp",
                   subjects=["Thủy sản", "Nông nghiệp"], notes=["Sách tham khảo dành cho cán bộ khuyến ngư. " * 4])
               for i in range(1200)]
    store.save_normalized(records)
    tracemalloc.start()
    try:
        run_dedupe(store, settings)
        full_peak = tracemalloc.get_traced_memory()[1]
        store.save_normalized([records[0].model_copy(update={"year": 1999})])
        tracemalloc.reset_peak()
        nightly = run_dedupe(store, settings)
        nightly_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert nightly.incremental and nightly.examined == len(records)
    assert nightly_peak < 1.3 * full_peak


def test_a_night_whose_changes_reach_most_records_runs_in_full(tmp_path, monkeypatch):
    """A library re-exporting everything: a full run costs less than re-examining most of the catalogue,
    and ends where the incremental run would (the region rule only picks the cheaper way)."""
    labeled = generate(400, seed=6)
    rng = random.Random(6)
    nights = {}
    for name, min_region in (("incremental", 10**9), ("full when cheaper", 50)):
        monkeypatch.setattr(dedupe_run, "FULL_RUN_MIN_REGION", min_region)
        with CatalogStore(tmp_path / f"{len(nights)}.db") as store:
            settings = make_settings(tmp_path)
            store.save_normalized(labeled.records)
            run_dedupe(store, settings)
            rng.seed(6)
            store.save_normalized([_edit(r, labeled.records, rng) for r in labeled.records[:250]])
            summary = run_dedupe(store, settings)
            nights[name] = summary.incremental, summary.examined, _state(store)
            because = summary.full_because
    incremental, examined, state = nights["incremental"]
    assert incremental and examined > 0.4 * len(labeled.records)  # the region is most of the catalogue
    assert nights["full when cheaper"] == (False, len(labeled.records), state)
    assert because.startswith("the changes reach ") and "more than 65%: a full run costs less" in because


def test_a_small_night_stays_incremental_above_the_region_minimum(store, data_dir, monkeypatch):
    monkeypatch.setattr(dedupe_run, "FULL_RUN_MIN_REGION", 1)
    settings = make_settings(data_dir)
    store.save_normalized(generate(400, seed=5).records)
    run_dedupe(store, settings)
    store.save_normalized([rec("new:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài"], year=2019)])
    summary = run_dedupe(store, settings)
    assert summary.incremental and 1 <= summary.examined < 40


def test_a_night_that_touches_most_records_runs_in_full_without_working_out_its_region(store, data_dir,
                                                                                       monkeypatch):
    # A library's re-export touches every one of its records: those alone are over the share, and
    # the region (blocks and matches of each, read from the store) would only be thrown away.
    def no_region(*args):
        raise AssertionError("the region of a night already over the share was worked out")

    monkeypatch.setattr(dedupe_run, "FULL_RUN_MIN_REGION", 50)
    settings = make_settings(data_dir)
    labeled = generate(400, seed=7)
    store.save_normalized(labeled.records)
    run_dedupe(store, settings)
    rng = random.Random(7)
    store.save_normalized([_edit(record, labeled.records, rng) for record in labeled.records[:300]])
    monkeypatch.setattr(dedupe_run, "find_region", no_region)
    summary = run_dedupe(store, settings)
    assert not summary.incremental and summary.examined == len(labeled.records)  # 414: generate adds copies
    assert summary.full_because.startswith(f"the changes reach 300 records of {len(labeled.records)}, more than 65%")
