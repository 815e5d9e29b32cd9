"""A copy lacking the one fact that tells two editions apart is left alone, whatever its ids sort like."""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from tests.dedupe_helpers import apart, rec, together

SETTINGS = DedupeSettings()
BOOK = dict(authors=["Bùi Minh Toán"], year=2012, publisher="Giáo dục")


@pytest.mark.parametrize("first_library", ["a", "z"])  # the edition whose id sorts first, then last
@pytest.mark.parametrize("field, first, second, missing", [
    ("edition", "Tái bản lần thứ 3", "Tái bản lần thứ 2", "an edition statement"),
    ("pages", 200, 320, "a page count"),
])
def test_a_copy_without_what_tells_two_editions_apart_joins_neither(first_library, field, first, second, missing):
    # The copy joined whichever edition's record id sorted first (review: t5, t6).
    records = [rec(f"{first_library}:1", "Tiếng Việt thực hành", **BOOK, **{field: first}),
               rec("b:1", "Tiếng Việt thực hành", **BOOK, **{field: second}),
               rec("c:1", "Tiếng Việt thực hành", **BOOK)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "c:1", f"{first_library}:1") and apart(clustering, "c:1", "b:1")
    assert f"without {missing} nothing tells which" in clustering.explanations["c:1"].decision


@pytest.mark.parametrize("first_translator, second_translator", [("Huỳnh Lý", "Nguyễn Văn Vĩnh"),
                                                                 ("Nguyễn Văn Vĩnh", "Huỳnh Lý")])
def test_a_copy_without_a_translator_joins_neither_translation(first_translator, second_translator):
    book = dict(authors=["Hugo, Victor"], year=2016, publisher="Văn học", pages=800)
    records = [rec("lib-a:A1", "Những người khốn khổ", responsibility=f"Victor Hugo ; {first_translator} dịch", **book),
               rec("lib-b:B1", "Những người khốn khổ", responsibility=f"Victor Hugo ; {second_translator} dịch", **book),
               rec("lib-c:C1", "Những người khốn khổ", responsibility="Victor Hugo", **book)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "lib-c:C1", "lib-a:A1") and apart(clustering, "lib-c:C1", "lib-b:B1")
    assert "without a translator nothing tells which" in clustering.explanations["lib-c:C1"].decision


def test_a_copy_without_pages_still_joins_editions_whose_pages_agree():
    records = [rec("a:1", "Tiếng Việt thực hành", pages=200, **BOOK),
               rec("b:1", "Tiếng Việt thực hành", pages=201, **BOOK),
               rec("c:1", "Tiếng Việt thực hành", **BOOK)]
    clustering = cluster_records(records, SETTINGS)
    assert len(clustering.clusters) == 1, clustering.explanations


def test_a_union_record_holding_a_copy_of_another_series_is_no_rival():
    # "Toán 1" with subtitle "Cánh diều" was left alone because a series-less "Toán 1" it also fits
    # sat in the Kết nối tri thức record, which it could never join (review: t1).
    school = dict(year=2020, publisher="Giáo dục Việt Nam")
    records = [rec("a:1", "Toán 1", authors=["Hà Huy Khoái"], series=["Kết nối tri thức với cuộc sống"], **school),
               rec("b:1", "Toán 1", authors=["Đỗ Đức Thái"], year=2020, publisher="Đại học Sư phạm",
                   series=["Cánh diều"]),
               rec("c:1", "Toán 1", authors=["Trần Nam Dũng"], series=["Chân trời sáng tạo"], **school),
               rec("d:1", "Toán 1", **school),
               rec("g:1", "Toán 1", subtitle="Cánh diều", year=2020)]
    clustering = cluster_records(records, SETTINGS)
    assert together(clustering, "g:1", "b:1"), clustering.explanations["g:1"]
    # The series-less copy still fits both series of its publisher: it stays alone.
    assert apart(clustering, "d:1", "a:1") and apart(clustering, "d:1", "c:1")
    assert "without a textbook series nothing tells which" in clustering.explanations["d:1"].decision
