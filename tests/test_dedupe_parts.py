"""Reading volume, edition, publisher and ISBN out of what cataloguers type."""

from __future__ import annotations

import pytest

from dedupe.features import fast_fold, valid_isbn13
from dedupe.parts import edition_number, extract_volume, publisher_words, volume_of_part
from store.text import fold


@pytest.mark.parametrize("title, volume", [
    ("Tiếng Việt 1. Tập 1", 1), ("Toán T.2", 2), ("Nam Cao toàn tập. Tập II", 2), ("Harry Potter vol. 3", 3),
    ("Quyển hai", 2), ("Lịch sử thế giới. Phần III", 3), ("Tạp chí Văn học", None), ("Tập viết 1", None),
    ("Tuyển tập Nam Cao", None), ("Phan Bội Châu toàn tập", None), ("Tuyển tập C. Mác", None),
    ("Tiếng Việt 1. T1", 1), ("Toán T2", 2), ("Tiếng Việt 1 - Q2", 2), ("Truyện Kiều. Q.1", 1),
    ("Lịch sử Đảng bộ Q1", None), ("Lịch sử Đảng bộ Q.3", None), ("Báo cáo T2019", None),
    ("Nam Cao toàn tập. Tập ba", 3), ("Tuyển tập Nam Cao", None), ("Địa chí. Phần Nam bộ", None),
])
def test_volume_is_read_from_the_title(title, volume):
    assert extract_volume(fold(title))[0] == volume


@pytest.mark.parametrize("part, volume", [("Tập 2", 2), ("T.2: Âm vần", 2), ("2", 2), ("tập IV", 4), ("T2", 2),
                                          ("Q1", 1), ("Quyển một", 1), ("Tập hai", 2), ("Tập ba", 3), ("Phần năm", 5)])
def test_volume_is_read_from_the_part_field(part, volume):
    assert volume_of_part(fold(part)) == volume


@pytest.mark.parametrize("statement, number", [
    ("Tái bản lần thứ 2", 3), ("In lần thứ 3", 3), ("2nd ed.", 2), ("Xuất bản lần thứ hai", 2),
    ("Tái bản có sửa chữa bổ sung lần thứ 3", 4), ("Third edition", 3), ("Tái bản", None),
])
def test_edition_number_counts_printings_one_way(statement, number):
    assert edition_number(fold(statement)) == number


@pytest.mark.parametrize("statement, number", [
    ("Xuất bản lần thứ nhất", 1), ("Tái bản lần thứ nhất", 2), ("Tái bản lần thứ ba", 4), ("In lần thứ tư", 4),
    ("Tái bản lần thứ năm", 6), ("Lần thứ sáu", 6),
])
def test_an_ordinal_spelled_after_lan_thu_is_the_edition_number(statement, number):
    # "nhất", "ba", "năm" fold to "Nhật", "Ba", "Nam" and are no numbers elsewhere; after "lần thứ" they are.
    assert edition_number(fold(statement)) == number


@pytest.mark.parametrize("abbreviated, spelled", [
    ("Tb. lần 3", "Tái bản lần thứ 3"), ("TB lần 2", "Tái bản lần thứ hai"), ("T.b. lần thứ 2", "In lần thứ 3"),
    ("Tb lần thứ nhất", "Tái bản lần 1"), ("Tái bản lần 3", "In lần thứ tư"),
])
def test_a_reprint_abbreviated_tb_counts_as_tai_ban(abbreviated, spelled):
    # "Tb. lần 3" was read as a bare "lần 3", the third printing, where "Tái bản lần thứ 3" is the fourth.
    assert edition_number(fold(abbreviated)) == edition_number(fold(spelled)) is not None


@pytest.mark.parametrize("spellings", [
    ("Nxb. Trẻ", "NXB Trẻ", "Nhà xuất bản Trẻ", "Trẻ"),
    ("Nxb. Tp. Hồ Chí Minh", "NXB TP.HCM", "Nhà xuất bản Thành phố Hồ Chí Minh"),
    ("Nxb. Chính trị Quốc gia", "CTQG"),
])
def test_publisher_spellings_normalize_to_one_form(spellings):
    assert len({publisher_words(fold(spelling)) for spelling in spellings}) == 1


def test_isbn_10_becomes_isbn_13_and_bad_check_digits_are_dropped():
    assert valid_isbn13("0-306-40615-2") == "9780306406157"
    assert valid_isbn13("9780306406157") == "9780306406157"
    assert valid_isbn13("9780306406158") is None
    assert valid_isbn13("garbage") is None


def test_fast_fold_gives_the_same_text_as_store_fold():
    samples = ["Những nguyên tắc ĐƯỜNG LỐI", "Nguyễn Văn Đức", "Tiếng Việt 1. Tập II", "Ông già & biển cả",
               "Mĩ thuật – Âm nhạc", "Saint-Exupéry", "Đắk Lắk", "Nguye\u0302\u0303n"]
    for sample in samples:
        assert fast_fold(sample) == fold(sample)
