"""run_normalize over a real catalog store: incremental, deletions, rejects."""

from __future__ import annotations

from config import LibraryConfig
from store import RawRecord

from normalize import NormalizeSummary, run_normalize
from normalize import run as normalize_run

try:
    from tests.test_normalize_support import as_vni, data_field, marc_record, marcxml
except ImportError:
    from test_normalize_support import as_vni, data_field, marc_record, marcxml

LIBRARIES = {"tv-tinh": LibraryConfig(id="tv-tinh", name="Thư viện tỉnh", type="provincial", district="Vị Thanh",
                                      protocol="marc-file", url="/tmp/x.mrc",
                                      opac_url="https://opac.example.vn/{id}")}


def raw(local_id: str, title: str, deleted: bool = False) -> RawRecord:
    payload = marcxml(marc_record(data_field("245", "10", "a", title), control_001=local_id))
    return RawRecord(library="tv-tinh", local_id=local_id, format="marcxml", payload=payload, deleted=deleted,
                     source=f"file.mrc#{local_id}")


def test_run_normalize_writes_records_rejects_and_deletions(store):
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", as_vni("Lịch sử Hậu Giang")), raw("3", "Tạm"),
                             RawRecord(library="tv-tinh", local_id="4", format="marcxml",
                                       payload=b"<record><oops", source="file.mrc#4")])
    summary = run_normalize(store, LIBRARIES, batch_size=2)
    assert isinstance(summary, NormalizeSummary)
    assert (summary.normalized, summary.rejected, summary.deleted, summary.converted_legacy) == (3, 1, 0, 1)
    records = {r.id: r for r in store.iter_records()}
    assert records["tv-tinh:1"].title == "Truyện Kiều"
    assert records["tv-tinh:1"].holdings[0].opac_url == "https://opac.example.vn/1"
    assert records["tv-tinh:2"].title == "Lịch sử Hậu Giang"
    rejects = store.rejects()
    assert [(r.local_id, r.stage) for r in rejects] == [("4", "normalize")]
    assert "not well-formed" in rejects[0].reason and rejects[0].source == "file.mrc#4"
    assert summary.rejects == rejects

    store.save_harvest_page([raw("3", "Tạm", deleted=True)])
    summary = run_normalize(store, LIBRARIES)
    assert (summary.normalized, summary.rejected, summary.deleted) == (0, 0, 1)
    assert sorted(r.id for r in store.iter_records()) == ["tv-tinh:1", "tv-tinh:2"]
    assert store.records_changed_since(0)[1] == ["tv-tinh:3"]


def test_second_run_without_changes_does_nothing(store):
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    run_normalize(store, LIBRARIES)
    seq = store.current_seq()
    summary = run_normalize(store, LIBRARIES)
    assert summary == NormalizeSummary()
    assert store.current_seq() == seq


def test_rebuild_normalizes_everything_again(store):
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Chí Phèo")])
    run_normalize(store, LIBRARIES)
    assert run_normalize(store, LIBRARIES, rebuild=True).normalized == 2


def test_fixed_record_clears_its_reject(store):
    bad = RawRecord(library="tv-tinh", local_id="9", format="marcxml", payload=b"<record>")
    store.save_harvest_page([bad])
    run_normalize(store, LIBRARIES)
    assert len(store.rejects()) == 1
    store.save_harvest_page([raw("9", "Đã sửa")])
    run_normalize(store, LIBRARIES)
    assert store.rejects() == []
    assert [r.title for r in store.iter_records()] == ["Đã sửa"]


def _config(data_dir) -> str:
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n\n[[libraries]]\nid = "tv-tinh"\nname = "Thư viện tỉnh"\n'
                      'type = "provincial"\ndistrict = "Vị Thanh"\nprotocol = "marc-file"\nurl = "x.mrc"\n',
                      encoding="utf-8")
    return str(config)


def test_normalize_all_restores_records_after_a_change_of_rules_without_reharvesting(store, data_dir):
    from typer.testing import CliRunner

    from harvester.cli import app

    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Chí Phèo")])
    config = _config(data_dir)
    assert CliRunner().invoke(app, ["normalize", "--config", config]).exit_code == 0
    good = {r.id: r for r in store.iter_records()}
    # What an older rule set left behind: a record as it was normalized before.
    stale = good["tv-tinh:1"].model_copy(update={"title": "TRUYỆN KIỀU", "names": [], "schema_version": 0})
    store.save_normalized([stale])
    result = CliRunner().invoke(app, ["normalize", "--config", config])
    assert result.exit_code == 0 and "normalized 0" in result.output  # nothing changed at the source
    assert {r.id: r for r in store.iter_records()}["tv-tinh:1"] == stale
    result = CliRunner().invoke(app, ["normalize", "--config", config, "--all"])
    assert result.exit_code == 0 and "normalized 2" in result.output, result.output
    assert {r.id: r for r in store.iter_records()} == good


def test_status_prints_the_reject_count_and_the_first_reasons(store, data_dir):
    from typer.testing import CliRunner

    from harvester.cli import app

    broken = [RawRecord(library="tv-tinh", local_id=f"B{n}", format="marcxml", payload=b"<record><oops")
              for n in range(5)]
    store.save_harvest_page([raw("1", "Truyện Kiều"), *broken])
    config = _config(data_dir)
    assert "rejected 5" in CliRunner().invoke(app, ["normalize", "--config", config]).output
    output = CliRunner().invoke(app, ["status", "--config", config]).output
    assert "rejected    5" in output
    assert "rejected B0 (normalize): MARCXML is not well-formed XML" in output
    assert "... and 2 more rejected records" in output


def test_a_run_stopped_inside_one_harvest_page_resumes_without_skipping_its_rest(store, monkeypatch):
    """All records of a harvest page share one sequence value; a run that stops after
    the first of its batches must not mark the whole page done."""
    import normalize.run

    store.save_harvest_page([raw(str(n), f"Sách {n}") for n in range(5)])
    real_flush, flushes = normalize.run._flush, []

    def flush_then_stop(*args):
        if flushes:
            raise KeyboardInterrupt  # the cron job killed after its first batch was saved
        flushes.append(1)
        real_flush(*args)

    monkeypatch.setattr(normalize.run, "_flush", flush_then_stop)
    try:
        run_normalize(store, LIBRARIES, batch_size=2, workers=1)
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(normalize.run, "_flush", real_flush)
    assert len(list(store.iter_records())) == 2
    run_normalize(store, LIBRARIES, batch_size=2, workers=1)
    assert sorted(r.local_id for r in store.iter_records()) == ["0", "1", "2", "3", "4"]


def test_the_reject_of_a_record_deleted_at_the_source_goes_with_it(store):
    bad = RawRecord(library="tv-tinh", local_id="9", format="marcxml", payload=b"<record><oops", source="f#9")
    store.save_harvest_page([raw("1", "Truyện Kiều"), bad])
    run_normalize(store, LIBRARIES)
    assert [r.local_id for r in store.rejects()] == ["9"]
    store.save_harvest_page([RawRecord(library="tv-tinh", local_id="9", format="marcxml", deleted=True)])
    assert run_normalize(store, LIBRARIES).deleted == 1
    assert store.rejects() == []
    assert store.library_status("tv-tinh").rejected == 0


def test_a_library_whose_opac_link_changes_in_the_registry_is_normalized_again(store):
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Chí Phèo")])
    run_normalize(store, LIBRARIES, workers=1)
    assert run_normalize(store, LIBRARIES, workers=1) == NormalizeSummary()  # nothing changed: nothing done
    moved = {"tv-tinh": LIBRARIES["tv-tinh"].model_copy(update={"opac_url": "https://opac2.example.vn/{id}"})}
    assert run_normalize(store, moved, workers=1).normalized == 2
    assert sorted(h.opac_url for r in store.iter_records() for h in r.holdings) == [
        "https://opac2.example.vn/1", "https://opac2.example.vn/2"]
    assert run_normalize(store, moved, workers=1) == NormalizeSummary()



def test_a_koha_opac_link_takes_the_biblionumber_of_the_oai_identifier_not_the_001(store):
    """Koha's OPAC knows a record by its biblionumber, the last part of its OAI identifier; its 001 is often the
    control number of the library it was copied from, and the link led to another book or none (review)."""
    koha = LibraryConfig(id="dh-koha", name="Thư viện Koha", type="college", district="Vị Thanh", protocol="oai-pmh",
                         url="http://127.0.0.1:1/oai", metadata_prefix="marc21",
                         opac_url="https://opac.koha.example/cgi-bin/koha/opac-detail.pl?biblionumber={oai_id}")
    copied = marcxml(marc_record(data_field("245", "10", "a", "Truyện Kiều"), control_001="VN-NLV 0123456"))
    store.save_harvest_page([RawRecord(library="dh-koha", local_id="oai:koha:57", format="marcxml", payload=copied),
                             RawRecord(library="dh-koha", local_id="KOHA-OAI-TEST:58", format="marcxml",
                                       payload=marcxml(marc_record(data_field("245", "10", "a", "Chí Phèo"))))])
    run_normalize(store, {"dh-koha": koha}, workers=1)
    links = {r.title: r.holdings[0].opac_url for r in store.iter_records()}
    assert links == {"Truyện Kiều": "https://opac.koha.example/cgi-bin/koha/opac-detail.pl?biblionumber=57",
                     "Chí Phèo": "https://opac.koha.example/cgi-bin/koha/opac-detail.pl?biblionumber=58"}
    # With {id}, the 001 as before.
    by_001 = koha.model_copy(update={"opac_url": "https://opac.koha.example/record/{id}"})
    run_normalize(store, {"dh-koha": by_001}, workers=1)
    assert {r.holdings[0].opac_url for r in store.iter_records()} >= {"https://opac.koha.example/record/VN-NLV%200123456"}


def test_a_koha_marc_file_opac_link_by_oai_id_takes_the_biblionumber_in_999_c(tmp_path, store):
    """`{oai_id}` fell back to the 001 for a marc-file library, so a Koha export whose 001 came from the
    national library linked to another book; Koha's exports carry the biblionumber in 999 $c (review)."""
    from harvester.marcfile import harvest_marc_file
    from tests.test_harvest_support import fast_settings, iso2709

    export = tmp_path / "koha.mrc"
    export.write_bytes(iso2709([("001", b"VN-NLV 123456"), ("245", "10\x1faTruyện Kiều".encode()),
                                ("999", b"  \x1fc42\x1fd42")])
                       + iso2709([("001", b"TV 7"), ("245", "10\x1faChí Phèo".encode())]))
    koha = LibraryConfig(id="tv-koha", name="Thư viện Koha", type="school", district="Vị Thanh",
                         protocol="marc-file", url=str(export),
                         opac_url="https://opac.koha.example/cgi-bin/koha/opac-detail.pl?biblionumber={oai_id}")
    harvest_marc_file(koha, store, None, fast_settings())
    run_normalize(store, {"tv-koha": koha}, workers=1)
    links = {r.title: r.holdings[0].opac_url for r in store.iter_records()}
    # Without a 999 $c (an export from another system), the 001 is the number the OPAC knows.
    assert links == {"Truyện Kiều": koha.opac_url.format(oai_id="42"),
                     "Chí Phèo": koha.opac_url.format(oai_id="TV%207")}


def test_new_normalize_rules_redo_every_library_once(store, monkeypatch):
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Chí Phèo")])
    run_normalize(store, LIBRARIES, workers=1)
    assert run_normalize(store, LIBRARIES, workers=1) == NormalizeSummary()
    monkeypatch.setattr(normalize_run, "RULES_VERSION", normalize_run.RULES_VERSION + 1)
    assert run_normalize(store, LIBRARIES, workers=1).normalized == 2
    assert run_normalize(store, LIBRARIES, workers=1) == NormalizeSummary()


def test_a_rules_change_redoes_the_other_records_once_and_counts_nothing_twice(store):
    moved = {"tv-tinh": LIBRARIES["tv-tinh"].model_copy(update={"opac_url": "https://opac2.example.vn/{id}"})}
    bad = RawRecord(library="tv-tinh", local_id="9", format="marcxml", payload=b"<record><oops")
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Tạm"), bad])
    run_normalize(store, LIBRARIES, workers=1)
    store.save_harvest_page([raw("2", "Tạm", deleted=True)])
    run_normalize(store, LIBRARIES, workers=1)
    store.save_harvest_page([raw("3", "Số đỏ")])
    summary = run_normalize(store, moved, workers=1)
    assert (summary.normalized, summary.rejected, summary.deleted) == (2, 0, 0)  # 3 new, 1 again; 9 not again


def test_a_library_without_a_rules_mark_is_not_redone(store):
    """A library new to the registry, or a store from before the marks: nothing is taken as changed."""
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Chí Phèo")])
    run_normalize(store, LIBRARIES, workers=1)
    with store._lock:
        store._conn.execute("DELETE FROM marks WHERE stage LIKE 'normalize:rules:%'")
    assert run_normalize(store, LIBRARIES, workers=1) == NormalizeSummary()
