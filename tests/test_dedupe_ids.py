"""Stable union-record ids: partner sites link to them, so they must survive nightly runs."""

from __future__ import annotations

import random
import re

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from dedupe.ids import assign_ids, new_cluster_id
from tests.dedupe_helpers import rec

SETTINGS = DedupeSettings()


def _catalogue():
    return [
        rec("tv-tinh:1", "Mắt biếc", authors=["Nguyễn Nhật Ánh"], year=2019, isbn=["9786041234567"]),
        rec("th-01:2", "Mat biec", authors=["Nguyen Nhat Anh"], year=2019),
        rec("thcs-01:3", "Số đỏ", authors=["Vũ Trọng Phụng"], year=2016, publisher="Văn học"),
        rec("thcs-02:4", "SỐ ĐỎ", authors=["Vũ Trọng Phụng"], year=2016, publisher="NXB Văn học"),
        rec("thpt-01:5", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015),
    ]


def test_new_cluster_id_is_short_url_safe_and_derived_from_the_smallest_member():
    clustering = cluster_records(_catalogue(), SETTINGS)
    for cluster_id, members in clustering.clusters.items():
        assert re.fullmatch(r"u[a-z2-7]{10}", cluster_id)
        assert cluster_id == new_cluster_id(members[0])


def test_same_input_in_any_order_gives_the_same_clusters_and_ids():
    records = _catalogue()
    expected = cluster_records(records, SETTINGS).clusters
    for seed in range(5):
        random.Random(seed).shuffle(records)
        assert cluster_records(records, SETTINGS).clusters == expected


def test_ids_are_stable_across_runs_when_members_come_and_go():
    first = cluster_records(_catalogue(), SETTINGS)
    previous = first.cluster_of()
    old_id = previous["tv-tinh:1"]
    # The record that gave the id its hash is withdrawn, and a new copy arrives.
    records = [r for r in _catalogue() if r.id != "tv-tinh:1"]
    records.append(rec("aa:9", "Mắt biếc", authors=["Nguyễn Nhật Ánh"], year=2019))
    second = cluster_records(records, SETTINGS, previous=previous, created={old_id: 1})
    assert second.cluster_of()["th-01:2"] == old_id
    assert second.cluster_of()["aa:9"] == old_id
    assert second.aliases == {}


def test_a_second_run_on_the_same_input_changes_no_id():
    first = cluster_records(_catalogue(), SETTINGS)
    second = cluster_records(_catalogue(), SETTINGS, previous=first.cluster_of(),
                             created={cid: n for n, cid in enumerate(first.clusters)})
    assert second.clusters == first.clusters
    assert second.aliases == {}


def test_merge_of_two_old_clusters_keeps_the_older_id_and_aliases_the_other():
    previous = {"a:1": "unewer00000", "a:2": "unewer00000", "b:1": "uolder00000"}
    created = {"unewer00000": 20, "uolder00000": 10}
    clusters, aliases = assign_ids([["a:1", "a:2", "b:1"]], previous, created)
    assert clusters == {"uolder00000": ["a:1", "a:2", "b:1"]}
    assert aliases == {"unewer00000": "uolder00000"}


def test_merge_with_equal_age_keeps_the_smaller_id():
    previous = {"a:1": "ub000000000", "b:1": "ua000000000"}
    clusters, aliases = assign_ids([["a:1", "b:1"]], previous, {"ua000000000": 5, "ub000000000": 5})
    assert list(clusters) == ["ua000000000"] and aliases == {"ub000000000": "ua000000000"}


def test_split_keeps_the_id_on_the_larger_part():
    previous = {rid: "uold0000000" for rid in ("a:1", "b:1", "c:1", "d:1")}
    clusters, aliases = assign_ids([["a:1"], ["b:1", "c:1", "d:1"]], previous, {"uold0000000": 1})
    assert clusters["uold0000000"] == ["b:1", "c:1", "d:1"]
    other = next(cid for cid in clusters if cid != "uold0000000")
    assert clusters[other] == ["a:1"] and aliases == {}


def test_a_cluster_that_only_lost_a_member_to_an_older_one_keeps_its_id():
    """U2 = {c, d}: c is corrected and joins the older U1; d never changed and keeps U2."""
    previous = {"a:1": "uone0000000", "b:1": "uone0000000", "c:1": "utwo0000000", "d:1": "utwo0000000"}
    created = {"uone0000000": 1, "utwo0000000": 2}
    clusters, aliases = assign_ids([["a:1", "b:1", "c:1"], ["d:1"]], previous, created)
    assert clusters == {"uone0000000": ["a:1", "b:1", "c:1"], "utwo0000000": ["d:1"]} and aliases == {}


def test_a_new_id_never_reuses_an_id_that_existed_before():
    # The split-off part's natural id is the old cluster's id (same smallest member).
    old = new_cluster_id("a:1")
    previous = {"a:1": old, "b:1": old, "c:1": old}
    clusters, _ = assign_ids([["a:1"], ["b:1", "c:1"]], previous, {old: 1})
    assert clusters[old] == ["b:1", "c:1"]
    assert len(clusters) == 2 and all(re.fullmatch(r"u[a-z2-7]{10}", cid) for cid in clusters)


def test_merge_through_cluster_records_reports_the_alias():
    records = [
        rec("a:1", "Tôi thấy hoa vàng trên cỏ xanh", authors=["Nguyễn Nhật Ánh"], year=2018, isbn=["9786041234567"]),
        rec("b:1", "Toi thay hoa vang tren co xanh", authors=["Nguyen Nhat Anh"], year=2018),
    ]
    previous = {"a:1": "uolder00000", "b:1": "unewer00000"}
    clustering = cluster_records(records, SETTINGS, previous, {"uolder00000": 1, "unewer00000": 2})
    assert clustering.clusters == {"uolder00000": ["a:1", "b:1"]}
    assert clustering.aliases == {"unewer00000": "uolder00000"}


def test_a_retired_id_comes_back_with_the_record_it_was_derived_from():
    """a:1 was deleted (its cluster retired) and is back: a sweep or a fixed reject must not break links."""
    old = new_cluster_id("a:1")
    clusters, aliases = assign_ids([["a:1"], ["b:1"]], {"b:1": "ulive000000"}, {old: 1, "ulive000000": 2},
                                   former={old: None})
    assert clusters == {old: ["a:1"], "ulive000000": ["b:1"]} and aliases == {}
    # Back together with a record that was gone too: the cluster that holds it again.
    clusters, _ = assign_ids([["a:1", "a:2"]], {}, {old: 1}, former={old: None})
    assert clusters == {old: ["a:1", "a:2"]}


def test_a_retired_id_comes_back_with_any_of_its_last_members_once_and_in_any_order():
    """Its last members b:1, c:1 and d:1 come back as two books: the id goes to the group holding
    most of them, whatever the order of the groups; the other gets an id of its own."""
    old = new_cluster_id("a:1")  # a:1 made the id, and left before the others
    last = {rid: [old] for rid in ("b:1", "c:1", "d:1")}
    for groups in ([["b:1"], ["c:1", "d:1"]], [["d:1", "c:1"], ["b:1"]]):
        clusters, aliases = assign_ids(groups, {}, {old: 1}, former={old: None}, last_members_of=last)
        assert clusters == {old: ["c:1", "d:1"], new_cluster_id("b:1"): ["b:1"]} and aliases == {}
    # Only a retired id comes back so: an alias stays an alias of the cluster it was merged into.
    clusters, _ = assign_ids([["b:1"]], {}, {old: 1}, former={old: "uolder00000"}, last_members_of=last)
    assert clusters == {new_cluster_id("b:1"): ["b:1"]}


def test_a_restored_record_that_joins_a_live_cluster_makes_its_retired_id_an_alias():
    old = new_cluster_id("a:1")
    clusters, aliases = assign_ids([["a:1", "b:1"]], {"b:1": "ulive000000"}, {old: 1, "ulive000000": 2},
                                   former={old: None})
    assert clusters == {"ulive000000": ["a:1", "b:1"]} and aliases == {old: "ulive000000"}


def test_an_alias_comes_back_only_for_a_retired_or_split_away_seed():
    old = new_cluster_id("a:1")
    # Still in the cluster that absorbed it: the alias stays an alias, and is not reported again.
    clusters, aliases = assign_ids([["a:1", "b:1"]], {"a:1": "uolder00000", "b:1": "uolder00000"},
                                   {"uolder00000": 1, old: 2}, former={old: "uolder00000"})
    assert clusters == {"uolder00000": ["a:1", "b:1"]} and aliases == {}
    # A record never in that cluster does not take it.
    clusters, _ = assign_ids([["a:1"]], {"a:1": "uother00000"}, {"uolder00000": 1, old: 2, "uother00000": 3},
                             former={old: "uolder00000"})
    assert clusters == {"uother00000": ["a:1"]}


@pytest.mark.parametrize("merged_away", ["a:1", "b:1"])
def test_undoing_a_merge_gives_each_part_its_own_id_back(merged_away):
    """Whichever of the two was merged away (the smaller member or not), each part gets its id back."""
    ids = {rid: new_cluster_id(rid) for rid in ("a:1", "b:1")}
    survivor = ids["b:1" if merged_away == "a:1" else "a:1"]
    previous = {"a:1": survivor, "b:1": survivor}
    created = {survivor: 1, ids[merged_away]: 2}
    clusters, aliases = assign_ids([["a:1"], ["b:1"]], previous, created, former={ids[merged_away]: survivor})
    assert clusters == {ids["a:1"]: ["a:1"], ids["b:1"]: ["b:1"]} and aliases == {}


def test_a_new_translation_never_takes_the_id_its_copies_of_another_translation_held():
    # Night 1: B1 (Huỳnh Lý) and C1 (no translator) are one union record.  Night 2 a translation by
    # Nguyễn Văn Vĩnh arrives under an id sorting first: C1 joined it and took the old id with it,
    # so the old id named the other translation and B1 got a new one (review: s_inc1, s_inc2).
    book = dict(authors=["Hugo, Victor"], year=2016, publisher="Văn học", pages=800)
    copies = [rec("lib-b:B1", "Những người khốn khổ", responsibility="Victor Hugo ; Huỳnh Lý dịch", **book),
              rec("lib-c:C1", "Những người khốn khổ", responsibility="Victor Hugo", **book)]
    first = cluster_records(copies, SETTINGS)
    old_id = first.cluster_of()["lib-b:B1"]
    assert first.cluster_of()["lib-c:C1"] == old_id
    other = rec("lib-a:A1", "Những người khốn khổ", responsibility="Victor Hugo ; Nguyễn Văn Vĩnh dịch", **book)
    second = cluster_records([other, *copies], SETTINGS, previous=first.cluster_of(), created={old_id: 1})
    assert second.cluster_of()["lib-a:A1"] != old_id
    assert set(second.clusters[old_id]) < {"lib-b:B1", "lib-c:C1"} and not second.aliases


def test_a_copy_left_alone_as_ambiguous_never_takes_the_id_from_the_record_it_was_part_of():
    # Night 1: the school's bare copy S050 joins the provincial library's full record T050.  Night 2 a
    # thesis of the same title by another author arrives: S050 fits both and is left alone.  On that
    # even split the id went to S050 (smallest member id) and T050 got a new one, with no alias (review: cases4).
    thesis = dict(subtitle="luận văn thạc sĩ nông nghiệp", year=2018, publisher="Đại học Cần Thơ", place="Cần Thơ")
    title = "Nghiên cứu kỹ thuật canh tác lúa tại tỉnh Hậu Giang"
    full = rec("tv-tinh:T050", title, authors=["Nguyễn Văn An"], **thesis)
    bare = rec("thpt-long-my:S050", title, subtitle="luận văn thạc sĩ", year=2018)
    first = cluster_records([full, bare], SETTINGS)
    (old_id,) = first.clusters
    other = rec("tv-phung-hiep:H050", title, authors=["Trần Thị Bình"], **thesis)
    second = cluster_records([full, bare, other], SETTINGS, previous=first.cluster_of(), created={old_id: 1})
    assert "left alone" in second.explanations["thpt-long-my:S050"].decision
    cluster_of = second.cluster_of()
    assert cluster_of["tv-tinh:T050"] == old_id != cluster_of["thpt-long-my:S050"]
    assert not second.aliases
