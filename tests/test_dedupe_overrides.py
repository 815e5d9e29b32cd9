"""Librarians' overrides: `[[same]]` and `[[different]]` pairs in a TOML file beside the config."""

from __future__ import annotations

import json

import httpx
import pytest

from config import DedupeSettings
from dedupe import cluster_records, dedupe_file, run_dedupe
from dedupe.overrides import OverridesError, load_overrides
from tests.conftest import make_settings
from tests.dedupe_helpers import rec, together


def _records():
    return [
        rec("a:1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, publisher="Kim Đồng"),
        rec("b:1", "Dat rung phuong Nam", authors=["Doan Gioi"], year=2018, publisher="Kim Đồng"),
        # Catalogued so badly nothing would join it: a librarian knows it is the same book.
        rec("c:1", "Rừng phương Nam (truyện dài)", year=2019),
        rec("d:1", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015),
    ]


def _settings(data_dir, text: str | None):
    path = data_dir / "overrides.toml"
    if text is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(text, encoding="utf-8")
    return make_settings(data_dir, dedupe={"overrides_path": "overrides.toml"})


def test_overrides_path_is_relative_to_the_config_file(data_dir):
    settings = _settings(data_dir, "")
    assert settings.dedupe.overrides_path == (data_dir / "overrides.toml").resolve()


def test_same_forces_records_together_and_explains_why(store, data_dir):
    settings = _settings(data_dir, '[[same]]\nrecords = ["a:1", "c:1"]\nnote = "same book"\n')
    store.save_normalized(_records())
    summary = run_dedupe(store, settings)
    assignments = store.cluster_assignments()
    assert assignments["a:1"] == assignments["b:1"] == assignments["c:1"] != assignments["d:1"]
    assert summary.problems == ()
    rows = {row[0]: row for row in store.cluster_members(assignments["c:1"])}
    assert rows["c:1"][1] == "override" and "librarian" in rows["c:1"][3]
    assert rows["c:1"][3].endswith('librarian\'s note: "same book"')


def test_the_note_beside_a_different_entry_is_shown_with_the_decision(store, data_dir):
    settings = _settings(data_dir, '[[different]]\nrecords = ["a:1", "b:1"]\nnote = "tái bản có sửa"\n')
    store.save_normalized(_records())
    run_dedupe(store, settings)
    assignments = store.cluster_assignments()
    decision = {row[0]: row[3] for row in store.cluster_members(assignments["a:1"])}["a:1"]
    assert "kept apart by a librarian" in decision and 'librarian\'s note: "tái bản có sửa"' in decision


def test_a_note_is_shown_only_with_the_decision_its_entry_made(store, data_dir):
    settings = _settings(data_dir, '[[same]]\nrecords = ["a:1", "c:1"]\nnote = "same book"\n'
                                   '[[different]]\nrecords = ["a:1", "d:1"]\nnote = "not even close"\n')
    store.save_normalized(_records())
    run_dedupe(store, settings)
    decisions = {row[0]: row[3] for row in store.cluster_members(store.cluster_assignments()["a:1"])}
    assert 'librarian\'s note: "same book"' in decisions["c:1"]
    assert "not even close" not in decisions["c:1"]


def test_different_keeps_matching_records_apart(store, data_dir):
    settings = _settings(data_dir, '[[different]]\nrecords = ["a:1", "b:1"]\n')
    store.save_normalized(_records())
    run_dedupe(store, settings)
    assignments = store.cluster_assignments()
    assert assignments["a:1"] != assignments["b:1"]
    decisions = [row[3] for row in store.cluster_members(assignments["a:1"])]
    assert any("kept apart by a librarian" in decision for decision in decisions)


def test_different_wins_over_a_chain_through_a_third_record():
    records = _records() + [rec("e:1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018)]
    from dedupe.overrides import Overrides

    clustering = cluster_records(records, DedupeSettings(), overrides=Overrides(different=(("a:1", "b:1"),)))
    cluster_of = clustering.cluster_of()
    assert cluster_of["a:1"] != cluster_of["b:1"]
    assert cluster_of["e:1"] in (cluster_of["a:1"], cluster_of["b:1"])


def test_overrides_added_and_removed_between_incremental_runs_match_a_rebuild(store, data_dir):
    store.save_normalized(_records())
    run_dedupe(store, _settings(data_dir, None))
    assert store.cluster_assignments()["c:1"] != store.cluster_assignments()["a:1"]
    for text in ('[[same]]\nrecords = ["a:1", "c:1"]\n[[different]]\nrecords = ["a:1", "b:1"]\n', ""):
        settings = _settings(data_dir, text)
        summary = run_dedupe(store, settings)
        assert summary.incremental
        nightly = store.cluster_assignments()
        run_dedupe(store, settings, rebuild=True)
        assert store.cluster_assignments() == nightly
    assignments = store.cluster_assignments()
    assert assignments["a:1"] == assignments["b:1"] != assignments["c:1"]


@pytest.mark.parametrize("older", ["a:1", "b:1"])
@pytest.mark.parametrize("rebuild", [False, True])
def test_undoing_a_wrong_same_gives_the_merged_away_book_its_id_back(store, data_dir, older, rebuild):
    books = {"a:1": rec("a:1", "Mắt biếc", authors=["Nguyễn Nhật Ánh"], year=2019),
             "b:1": rec("b:1", "Số đỏ", authors=["Vũ Trọng Phụng"], year=2016)}
    newer = "b:1" if older == "a:1" else "a:1"
    for rid in (older, newer):  # the older id survives the merge
        store.save_normalized([books[rid]])
        run_dedupe(store, _settings(data_dir, None))
    ids = store.cluster_assignments()
    run_dedupe(store, _settings(data_dir, '[[same]]\nrecords = ["a:1", "b:1"]\n'), rebuild=rebuild)
    assert store.get_union_record(ids[newer]) == (None, ids[older])
    run_dedupe(store, _settings(data_dir, ""), rebuild=rebuild)  # the librarian removes the wrong entry
    assert store.cluster_assignments() == ids
    for rid, union_id in ids.items():
        assert store.get_union_record(union_id)[0].members == [rid]
    # No alias row is left over: once its book is withdrawn the id is gone, not a redirect to the other book.
    store.save_normalized([], deleted_ids=[newer])
    run_dedupe(store, _settings(data_dir, ""), rebuild=rebuild)
    assert store.get_union_record(ids[newer]) == (None, None)


@pytest.mark.parametrize("gone", ["missing", "unreadable"])
@pytest.mark.parametrize("rebuild", [False, True])
def test_an_overrides_file_that_cannot_be_read_keeps_the_decisions_applied_last(store, data_dir, gone, rebuild):
    """A deploy that did not copy the file (or a directory where it was) must not merge what a librarian
    kept apart: the decisions applied last stay, and the run names the file and says so."""
    settings = _settings(data_dir, '[[different]]\nrecords = ["a:1", "b:1"]\n')
    store.save_normalized(_records())
    run_dedupe(store, settings)
    apart_ids = store.cluster_assignments()
    assert apart_ids["a:1"] != apart_ids["b:1"]
    path = data_dir / "overrides.toml"
    path.unlink()
    if gone == "unreadable":
        path.mkdir()
    summary = run_dedupe(store, settings, rebuild=rebuild)
    assert store.cluster_assignments() == apart_ids
    assert all(store.get_union_record(union_id)[1] is None for union_id in apart_ids.values())
    assert summary.problems[0].startswith(f"{path}: ") and "decisions applied last" in summary.problems[0]
    assert "were kept" in summary.problems[0]
    if gone == "unreadable":
        path.rmdir()
    path.write_text("", encoding="utf-8")  # an empty file: the librarian removed the entry
    summary = run_dedupe(store, settings, rebuild=rebuild)
    assert store.cluster_assignments()["a:1"] == store.cluster_assignments()["b:1"]
    assert summary.problems == ()


def test_an_unknown_record_id_is_reported_not_fatal(store, data_dir):
    settings = _settings(data_dir, '[[same]]\nrecords = ["a:1", "zz:404"]\n')
    store.save_normalized(_records())
    full = run_dedupe(store, settings)
    assert len(full.problems) == 1 and "zz:404" in full.problems[0]
    again = run_dedupe(store, settings)
    assert again.incremental and len(again.problems) == 1 and "zz:404" in again.problems[0]
    # The record arrives later: the entry applies from then on.
    store.save_normalized([rec("zz:404", "Một cuốn sách khác hẳn", year=2001)])
    assert run_dedupe(store, settings).problems == ()
    assignments = store.cluster_assignments()
    assert assignments["zz:404"] == assignments["a:1"]


def test_a_malformed_overrides_file_names_the_file(data_dir):
    (data_dir / "bad.toml").write_text('[[same]]\nrecords = "a:1"\n', encoding="utf-8")
    with pytest.raises(OverridesError, match="bad.toml"):
        load_overrides(data_dir / "bad.toml")


def test_file_mode_applies_the_overrides(data_dir):
    settings = _settings(data_dir, '[[same]]\nrecords = ["a:1", "c:1"]\n')
    source = data_dir / "in.jsonl"
    source.write_text("".join(r.to_json_line() + "\n" for r in _records()), encoding="utf-8")
    dedupe_file(source, data_dir / "out.jsonl", settings.dedupe)
    clusters = [json.loads(line)["members"] for line in (data_dir / "out.jsonl").read_text().splitlines()]
    assert ["a:1", "b:1", "c:1"] in clusters


def test_a_same_entry_holds_over_the_records_present(tmp_path):
    """An entry of three joins the two that are here, while the third is not harvested yet."""
    path = tmp_path / "overrides.toml"
    path.write_text('[[same]]\nrecords = ["a:0", "b:1", "c:1"]\nnote = "one edition"\n', encoding="utf-8")
    records = [rec("b:1", "Truyện Kiều", authors=["Nguyễn Du"], year=2010),
               rec("c:1", "Truyện Kiều", authors=["Nguyễn Du"], year=2012)]
    clustering = cluster_records(records, DedupeSettings(), overrides=load_overrides(path))
    assert together(clustering, "b:1", "c:1"), clustering.explanations


@pytest.mark.parametrize("text", [
    '[[same]]\nrecords = ["a:1", "c:1"]\n[[different]]\nrecords = ["c:1", "a:1"]\n',
    # Through a third record: a:1 = b:1 and b:1 = c:1 say a:1 = c:1, which [[different]] denies.
    '[[same]]\nrecords = ["a:1", "b:1"]\n[[same]]\nrecords = ["b:1", "c:1"]\n[[different]]\nrecords = ["a:1", "c:1"]\n',
])
def test_contradictory_entries_are_reported_and_kept_apart(store, data_dir, text):
    # The file's [[same]] lost to its [[different]] silently: the librarian saw no record joined, no reason.
    settings = _settings(data_dir, text)
    store.save_normalized(_records())
    summary = run_dedupe(store, settings)
    assert any("a:1" in problem and "c:1" in problem and "contradict" in problem for problem in summary.problems), \
        summary.problems
    assignments = store.cluster_assignments()
    assert assignments["a:1"] != assignments["c:1"]
    assert run_dedupe(store, settings).problems == summary.problems  # every night, as an unknown id is


def test_file_mode_warns_of_contradictory_entries(data_dir):
    """File mode kept the pair apart as the store mode does, but said nothing."""
    from typer.testing import CliRunner

    from harvester.cli import app

    (data_dir / "overrides.toml").write_text(
        '[[same]]\nrecords = ["a:1", "c:1"]\n[[different]]\nrecords = ["c:1", "a:1"]\n', encoding="utf-8")
    config = data_dir / "unioncat.toml"
    config.write_text('data_dir = "."\n[dedupe]\noverrides_path = "overrides.toml"\n', encoding="utf-8")
    source = data_dir / "in.jsonl"
    source.write_text("".join(r.to_json_line() + "\n" for r in _records()), encoding="utf-8")
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", str(data_dir / "out.jsonl"),
                                      "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "contradict" in result.stderr and "a:1" in result.stderr



RENUMBERED = '[[different]]\nrecords = ["a:1", "b:1"]\n[[same]]\nrecords = ["a:1", "c:1"]\n'


@pytest.mark.parametrize("rebuild", [False, True])
def test_overrides_follow_records_their_library_sent_again_under_new_numbers(store, data_dir, rebuild):
    """Libraries b and c renumbered their 001s: the entries naming b:1 and c:1 stopped applying, so the wrong
    merge came back and the forced join fell apart, with only "not in the catalog" on stderr (review).
    c:1 has a title alone, too little for a match: only its content says c:N1 is the same record."""
    settings = _settings(data_dir, RENUMBERED)
    store.save_normalized([*_records()[:2], rec("c:1", "Rừng phương Nam (truyện dài)"), *_records()[3:]])
    run_dedupe(store, settings)
    before = store.cluster_assignments()
    assert before["a:1"] == before["c:1"] != before["b:1"]
    renumbered = {old.id: old.model_copy(update={"id": old.id.replace(":1", ":N1"), "local_id": "N1"})
                  for old in store.get_records(["b:1", "c:1"])}
    store.save_normalized(list(renumbered.values()), deleted_ids=list(renumbered))
    summary = run_dedupe(store, settings, rebuild=rebuild)
    after = store.cluster_assignments()
    assert after["a:1"] == after["c:N1"] != after["b:N1"]
    # The librarian hears which record now stands for the one the file names, to write it there.
    for old, new in (("b:1", "b:N1"), ("c:1", "c:N1")):
        assert any(repr(old) in problem and repr(new) in problem for problem in summary.problems), summary.problems
    again = run_dedupe(store, settings)
    assert again.incremental and store.cluster_assignments() == after and again.problems == summary.problems


def test_an_override_naming_another_book_of_the_library_does_not_follow_it(store, data_dir):
    """b:1 was deleted and b catalogued another book: the entry has no record to apply to."""
    settings = _settings(data_dir, '[[same]]\nrecords = ["b:1", "d:1"]\n')
    store.save_normalized(_records())
    run_dedupe(store, settings)
    store.save_normalized([rec("b:2", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)], deleted_ids=["b:1"])
    summary = run_dedupe(store, settings)
    assert [problem for problem in summary.problems if "b:1" in problem and "b:2" not in problem], summary.problems
    assert store.cluster_assignments()["b:2"] == store.cluster_assignments()["d:1"]  # they match on their own
    assert not any("b:2" in problem for problem in summary.problems)


def test_an_override_naming_no_record_shows_in_status(store, data_dir):
    """The warning went to stderr only: `unioncat status` (text, JSON) and /status said dedupe ok."""
    from typer.testing import CliRunner

    from harvester.cli import app
    from index import SearchIndex
    from search_api import create_app
    from tests.test_api import serve_in_thread

    (data_dir / "overrides.toml").write_text('[[different]]\nrecords = ["a:1", "zz:404"]\n', encoding="utf-8")
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n[dedupe]\noverrides_path = "overrides.toml"\n', encoding="utf-8")
    store.save_normalized(_records())
    assert CliRunner().invoke(app, ["dedupe", "--config", str(config)]).exit_code == 0
    text = CliRunner().invoke(app, ["status", "--config", str(config)]).stdout
    assert any(line.strip().startswith("warning:") and "zz:404" in line for line in text.splitlines()), text
    stages = {s["stage"]: s for s in json.loads(
        CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)["stages"]}
    assert stages["dedupe"]["last_status"] == "ok" and any("zz:404" in w for w in stages["dedupe"]["warnings"])
    settings = _settings(data_dir, None)
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        page = httpx.get(f"{url}/status", timeout=10).text
        api = httpx.get(f"{url}/api/status", timeout=10).json()
    assert "zz:404" in page
    assert any("zz:404" in w for s in api["stages"] if s["stage"] == "dedupe" for w in s["warnings"])
    # Fixed in the file: the next run clears the warning.
    (data_dir / "overrides.toml").write_text('[[different]]\nrecords = ["a:1", "b:1"]\n', encoding="utf-8")
    assert CliRunner().invoke(app, ["dedupe", "--config", str(config)]).exit_code == 0
    stages = {s["stage"]: s for s in json.loads(
        CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)["stages"]}
    assert stages["dedupe"]["warnings"] == []


@pytest.mark.parametrize("table", ["sames", "diferent", "Same"])
def test_an_unknown_table_is_a_warning_naming_the_file_the_table_and_the_accepted_ones(store, data_dir, table):
    """`[[sames]]` was ignored without a word, exit code 0: the librarian's entry silently did nothing.  Then it
    stopped the dedupe stage for every library, so one slip in the file left the night's records unsearchable
    (review): the run now keeps the decisions applied last, as for a file it cannot read, and says why."""
    from typer.testing import CliRunner

    from harvester.cli import app

    settings = _settings(data_dir, f'[[{table}]]\nrecords = ["a:1", "c:1"]\n')
    with pytest.raises(OverridesError) as raised:  # file mode has no decisions applied last: an error
        load_overrides(settings.dedupe.overrides_path)
    message = str(raised.value)
    assert "overrides.toml" in message and f"[[{table}]]" in message
    assert "[[same]]" in message and "[[different]]" in message
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n[dedupe]\noverrides_path = "overrides.toml"\n', encoding="utf-8")
    store.save_normalized(_records())
    _settings(data_dir, '[[same]]\nrecords = ["a:1", "c:1"]\n')
    assert CliRunner().invoke(app, ["dedupe", "--config", str(config)]).exit_code == 0
    _settings(data_dir, f'[[{table}]]\nrecords = ["a:1", "c:1"]\n')
    store.save_normalized([rec("e:1", "Số đỏ", authors=["Vũ Trọng Phụng"], year=2016)])  # the night's new book
    result = CliRunner().invoke(app, ["dedupe", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert f"[[{table}]]" in result.output and "kept, not undone" in result.output and "mend the file" in result.output
    clusters = store.cluster_assignments()
    assert clusters["a:1"] == clusters["c:1"] and "e:1" in clusters


def test_a_union_record_id_in_the_file_is_named_as_one(store, data_dir):
    """An id copied from the page's URL got only "not in the catalog": which ids belong there?"""
    store.save_normalized(_records())
    run_dedupe(store, _settings(data_dir, None))
    union_id = store.cluster_assignments()["c:1"]
    summary = run_dedupe(store, _settings(data_dir, f'[[same]]\nrecords = ["a:1", "{union_id}"]\n'))
    (problem,) = summary.problems
    assert union_id in problem and "union record id" in problem
    assert "library:id" in problem and f"unioncat dedupe explain {union_id}" in problem


def test_spaces_around_a_record_id_and_its_colon_are_ignored(store, data_dir):
    settings = _settings(data_dir, '[[same]]\nrecords = [" a:1", "c : 1 "]\n')
    store.save_normalized(_records())
    summary = run_dedupe(store, settings)
    assert summary.problems == ()
    assignments = store.cluster_assignments()
    assert assignments["a:1"] == assignments["c:1"]


DE_MEN = dict(authors=["Tô Hoài"], year=2019, isbn=["9786042104520"], pages=144, publisher="Kim Đồng")


def _harvest_night(store, library: str, records=(), deleted=()) -> None:
    """One night of `library`'s harvest as the store keeps it (its run, its raw records), then normalized:
    `records` sent (new or again), `deleted` withdrawn."""
    from store import HarvestRun, RawRecord

    run = store.start_run(library)
    store.save_harvest_page([*(RawRecord(library=library, local_id=r.local_id, format="marcxml",
                                         payload=f"<record>{r.model_dump_json()}</record>".encode()) for r in records),
                             *(RawRecord(library=library, local_id=rid.split(":", 1)[1], format="marcxml",
                                         payload=b"", deleted=True) for rid in deleted)])
    store.finish_run(run, HarvestRun(library=library, started_at="2026-01-01T00:00:00Z", status="ok"))
    store.save_normalized(list(records), deleted_ids=list(deleted))


def test_an_override_stays_with_the_record_standing_for_a_deleted_one_when_another_copy_comes(store, data_dir):
    """The library deleted the record a [[different]] named and kept a second record of the edition, which then
    stood for it; a third record of the edition made two candidates, and the entry stopped applying until it
    went: the union record merged and split night after night, each time moving ids (review)."""
    settings = _settings(data_dir, '[[different]]\nrecords = ["a:A1", "c:C1"]\n')
    _harvest_night(store, "a", [rec(rid, "Dế Mèn phiêu lưu ký", **DE_MEN) for rid in ("a:A1", "a:A2")])
    _harvest_night(store, "c", [rec("c:C1", "Dế Mèn phiêu lưu ký", **DE_MEN)])
    run_dedupe(store, settings)
    _harvest_night(store, "a", deleted=["a:A1"])
    run_dedupe(store, settings)
    stood = store.cluster_assignments()
    assert stood["a:A2"] != stood["c:C1"]  # A2 stands for A1: kept apart from C1, as the librarian said
    _harvest_night(store, "a", [rec("a:A3", "Dế Mèn phiêu lưu ký", **DE_MEN)])  # a third record of it
    summary = run_dedupe(store, settings)
    after = store.cluster_assignments()
    assert after["a:A2"] != after["c:C1"] and (after["a:A2"], after["c:C1"]) == (stood["a:A2"], stood["c:C1"])
    assert any("'a:A1'" in problem and "'a:A2'" in problem for problem in summary.problems), summary.problems
    _harvest_night(store, "a", deleted=["a:A3"])
    run_dedupe(store, settings)
    assert store.cluster_assignments() == stood


def test_a_record_made_the_night_before_the_named_one_was_deleted_stands_for_it(store, data_dir):
    """A library that makes the new record one night and deletes the old the next (or merges its own double
    entries, keeping the one that survives): the entry follows the survivor (second diff review)."""
    settings = _settings(data_dir, '[[different]]\nrecords = ["a:A1", "c:C1"]\n')
    _harvest_night(store, "a", [rec("a:A1", "Dế Mèn phiêu lưu ký", **DE_MEN)])
    _harvest_night(store, "c", [rec("c:C1", "Dế Mèn phiêu lưu ký", **DE_MEN)])
    run_dedupe(store, settings)
    _harvest_night(store, "a", [rec("a:N1", "Dế Mèn phiêu lưu ký", **DE_MEN)])
    run_dedupe(store, settings)
    _harvest_night(store, "a", deleted=["a:A1"])
    summary = run_dedupe(store, settings)
    after = store.cluster_assignments()
    assert after["a:N1"] != after["c:C1"], after
    assert any("'a:A1'" in problem and "'a:N1'" in problem for problem in summary.problems), summary.problems


def test_a_renumbered_record_that_repeats_the_named_one_field_for_field_takes_its_override(store, data_dir):
    """The library re-exported its two copies under new numbers: both new records match the one a [[same]]
    named, so the entry waited, said to be a typo, although one repeats it field for field (review)."""
    settings = _settings(data_dir, '[[same]]\nrecords = ["a:A1", "c:C1"]\n')
    first = rec("a:A1", "Giáo dục công dân 8", authors=["Lâm Hữu Tâm", "Hoàng Hữu Bình"], year=2002, pages=95)
    second = rec("a:A2", "Giáo dục công dân 8", authors=["Lâm Hữu Tâm (1950-)", "Hoàng Hữu Bình"], year=2002,
                 pages=94)
    _harvest_night(store, "a", [first, second])
    _harvest_night(store, "c", [rec("c:C1", "GDCD 8 : sách giáo khoa", year=2002)])
    run_dedupe(store, settings)
    assert store.cluster_assignments()["a:A1"] == store.cluster_assignments()["c:C1"]
    renumbered = [r.model_copy(update={"id": f"a:N{r.local_id}", "local_id": f"N{r.local_id}"}) for r in (first, second)]
    _harvest_night(store, "a", renumbered, deleted=["a:A1", "a:A2"])
    summary = run_dedupe(store, settings)
    after = store.cluster_assignments()
    assert after["a:NA1"] == after["c:C1"], after
    assert any("'a:A1'" in problem and "'a:NA1'" in problem for problem in summary.problems), summary.problems
