"""Publishers: Vietnam's licensed houses told apart by name, not by how alike their names look."""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from dedupe.match import publisher_score
from dedupe.parts import publisher_words
from dedupe.publishers import houses_named, only_houses
from store.text import fold
from tests.dedupe_helpers import apart, rec, together

SETTINGS = DedupeSettings()
LAW = "Bộ luật Hình sự năm 2015 (sửa đổi, bổ sung năm 2017)"


def _words(publisher: str) -> str:
    return publisher_words(fold(publisher))


@pytest.mark.parametrize("one, other", [
    ("Nxb. Văn học", "Nxb. Văn hóa - Văn nghệ"),  # scored 92: "publisher agree"
    ("Nxb. Thanh niên", "Nxb. Thanh Hóa"),  # 80
    ("Nxb. Công an nhân dân", "Nxb. Quân đội nhân dân"),  # 74
    ("Nxb. Lao động", "Nxb. Lao động - Xã hội"),  # 100: one name inside the other
    ("Nxb. Hà Nội", "Nxb. ĐHQG Hà Nội"),  # 100
])
def test_a_law_printed_by_two_houses_in_one_year_is_two_books(one, other):
    # Laws and folk-tale collections are printed by several houses in one year, with no author;
    # title, year and pages agreeing merged them when one house's name lay inside the other's (review).
    records = [rec("a:1", LAW, year=2018, publisher=one, pages=500),
               rec("b:1", LAW, year=2018, publisher=other, pages=505)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "a:1", "b:1"), clustering.explanations
    assert publisher_score(_words(one), _words(other)) == 0.0


@pytest.mark.parametrize("one, other", [
    ("Nxb. Đại học Cần Thơ", "NXB ĐHCT"),  # scored 43: a conflict
    ("Nxb. Đại học Kinh tế Quốc dân", "NXB ĐHKTQD"),  # 60, while "Nxb. ĐH KTQD" matched
    ("Nxb. Đại học Kinh tế Quốc dân", "Nxb. ĐH KTQD"),
    ("Nhà xuất bản Giáo dục", "GDVN"),
    ("Nxb. Quân đội", "NXB QĐND"),
    ("Nhà xuất bản Chính trị quốc gia Sự thật", "Nxb. Sự thật"),
    ("Nxb. Khoa học và Kỹ thuật", "NXB KHKT"),
    ("Nxb. Văn hoá - Văn nghệ TP. Hồ Chí Minh", "Văn hóa văn nghệ"),
    ("Nxb. Trẻ", "NXB Trẻ TP.HCM"),
])
def test_one_house_in_two_spellings_is_one_publisher(one, other):
    records = [rec("a:1", LAW, year=2018, publisher=one, pages=500),
               rec("b:1", LAW, year=2018, publisher=other, pages=505)]
    clustering = cluster_records(records, SETTINGS)
    assert together(clustering, "a:1", "b:1"), clustering.explanations
    assert houses_named(_words(one)) == houses_named(_words(other)) != frozenset()


@pytest.mark.parametrize("one, other, agree", [
    ("Harper", "HarperCollins", True),
    ("Cambridge University Press", "Cambridge Univ. Press", True),
    ("Oxford University Press", "Cambridge University Press", False),
    ("Công ty Văn hóa Đông A ; Nxb. Văn học", "Nxb. Văn học", True),  # co-published: the house decides
    ("Công ty Văn hóa Đông A ; Nxb. Văn học", "Công ty Văn hóa Đông A ; Nxb. Hội Nhà văn", False),
])
def test_names_of_no_known_house_keep_the_fuzzy_rule(one, other, agree):
    assert (publisher_score(_words(one), _words(other)) >= 85.0) is agree


@pytest.mark.parametrize("spellings", [
    ("Nxb. Đại học Cần Thơ", "NXB ĐHCT", "NXB ĐH Cần Thơ"),
    ("Nxb. Đại học Kinh tế Quốc dân", "NXB ĐHKTQD", "Nxb. ĐH KTQD"),
    ("Nxb. Đại học Quốc gia Hà Nội", "NXB ĐHQGHN", "Nxb. ĐHQG Hà Nội"),
])
def test_a_university_press_abbreviated_is_spelled_out(spellings):
    # The title + publisher key takes the first word: "dhct" and "dh" kept the copies out of one block.
    assert len({_words(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize("publisher", ["Harper", "Nxb. Đại học Quốc gia", "TP. Hồ Chí Minh", "Nxb. Tổng hợp"])
def test_a_name_of_no_house_or_of_two_houses_is_none(publisher):
    # "ĐHQG" alone is Hà Nội's or Hồ Chí Minh City's; a bare city is a place typed in 260 $b.
    assert houses_named(_words(publisher)) == frozenset()


def test_an_office_named_after_a_house_is_no_house():
    # "Sở Giáo dục và Đào tạo" of two provinces both name "Giáo dục": their names decide, as before.
    hau_giang, can_tho = _words("Sở Giáo dục và Đào tạo Hậu Giang"), _words("Sở Giáo dục và Đào tạo Cần Thơ")
    assert not only_houses(hau_giang) and only_houses(_words("Nxb. Thanh niên, Hà Nội"))
    assert publisher_score(hau_giang, can_tho) < 100.0
    assert publisher_score(hau_giang, _words("NXB Giáo dục Việt Nam")) == 100.0
