"""run_normalize over a real catalog store: incremental, deletions, rejects."""

from __future__ import annotations

from config import LibraryConfig
from store import RawRecord

from normalize import NormalizeSummary, run_normalize

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
