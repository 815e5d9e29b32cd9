"""One union record per cluster: best values, united identifiers, every holding."""

from __future__ import annotations

from dedupe import merge_cluster
from dedupe.merge import MAX_MERGED_AUTHORS
from tests.dedupe_helpers import catalogued, rec
from tests.test_normalize_support import data_field
from store.models import Holding, Name, UnionRecord
from store.text import work_key


def _members():
    return [
        rec("th-01:1", "TRUYỆN KIỀU", authors=["NGUYỄN DU"], year=2015, isbn=["9786041234567"],
            subjects=["Văn học Việt Nam"],
            holdings=[Holding(library="th-01", call_number="895.9221 N", opac_url="http://th01/1")]),
        rec("tv-tinh:9", "Truyen Kieu", authors=["Nguyen Du"], publisher="Văn học", pages=220,
            subjects=["van hoc viet nam", "Thơ"], classification=["895.9221"],
            holdings=[Holding(library="tv-tinh", call_number="V23 N", record_id="tv-tinh:9"),
                      Holding(library="tv-tinh", call_number="V23 N", barcode="2")]),
        rec("thcs-03:4", "Truyện Kiều", authors=["Nguyễn Du"], isbn=["9786049003240"], holdings=[]),
    ]


def test_merge_prefers_marked_mixed_case_text_and_fills_every_field():
    union = merge_cluster("uabc", _members())
    assert union.title == "Truyện Kiều"
    assert union.authors == ["Nguyễn Du"]
    assert (union.year, union.publisher, union.pages) == (2015, "Văn học", 220)
    assert union.work_key == work_key("Truyện Kiều", ["Nguyễn Du"])


def test_the_writer_heads_the_merged_authors_and_the_work_key_before_the_illustrator_the_best_member_lists():
    # The most filled-in copy names only its illustrator in 7XX, the writer only in 245 $c (review).
    imprint = data_field("260", "  ", "a", "H. :", "b", "Kim Đồng,", "c", "2019")
    illustrated = catalogued(
        "tv-tinh:1", data_field("020", "  ", "a", "9786042123457"),
        data_field("245", "10", "a", "Dế mèn phiêu lưu ký /", "c", "Tô Hoài ; Tạ Huy Long minh hoạ"),
        data_field("250", "  ", "a", "Tái bản lần thứ 3"), imprint, data_field("300", "  ", "a", "144 tr."),
        data_field("700", "0 ", "a", "Tạ Huy Long", "e", "minh hoạ"))
    writer = data_field("100", "0 ", "a", "Tô Hoài")
    copy = catalogued("tv-long-my:1", writer, data_field("245", "10", "a", "Dế mèn phiêu lưu ký"), imprint)
    union = merge_cluster("u1", [copy, illustrated])
    assert union.edition == illustrated.edition  # the illustrated copy is the best member
    assert union.authors == [*copy.authors, *illustrated.authors]
    assert [name.name for name in union.names] == union.authors
    # Another edition by the writer, and the illustrated copy alone (by its 245 $c), are the same work.
    other_edition = catalogued("thcs-03:1", writer, data_field("245", "10", "a", "Dế mèn phiêu lưu ký"),
                               data_field("260", "  ", "b", "Kim Đồng,", "c", "2015"))
    assert union.work_key == merge_cluster("u2", [other_edition]).work_key
    assert union.work_key == merge_cluster("u3", [illustrated]).work_key
    assert union.work_key == work_key(union.title, copy.authors)


def test_merge_adds_a_co_author_only_another_member_lists_after_the_best_list():
    members = [rec("a:1", "Mắt biếc", authors=["Nguyễn Nhật Ánh"], year=2019, publisher="Trẻ", pages=300,
                   place="TP. Hồ Chí Minh"),
               rec("b:1", "Mắt biếc", authors=["NGUYEN NHAT ANH", "Đỗ Hoàng Tường"], year=2019),
               rec("c:1", "Mắt biếc", authors=["Đỗ Hoàng Tường", "Nguyễn Nhật Anh"], year=2019)]
    assert merge_cluster("u1", members).authors == ["Nguyễn Nhật Ánh", "Đỗ Hoàng Tường"]


def test_merge_keeps_the_heading_behind_each_author_from_the_member_that_gave_it():
    du = Name(name="Nguyễn Du", dates="1765-1820", relators=["tác giả"])
    members = [rec("a:1", "Truyện Kiều", authors=["Nguyễn Du"], year=2015, publisher="Giáo dục", pages=200,
                   names=[du]),
               rec("b:1", "Truyện Kiều", authors=["NGUYEN DU", "Đào Duy Anh"], year=2015,
                   names=[Name(name="NGUYEN DU"), Name(name="Đào Duy Anh", role="added", relators=["chú giải"])]),
               rec("c:1", "Truyện Kiều", authors=["Nguyễn Du"], year=2015)]
    union = merge_cluster("u1", members)
    assert union.authors == ["Nguyễn Du", "Đào Duy Anh"]
    assert union.names == [du, Name(name="Đào Duy Anh", role="added", relators=["chú giải"])]
    assert merge_cluster("u2", [members[2]]).names == []  # a member without headings gives none


def test_merged_authors_list_no_person_twice_and_are_capped():
    others = [f"Tác giả {letter * 4}" for letter in "abcdeghiklmnopqrstuv"]
    members = [rec("a:1", "Harry Potter", authors=["Rowling, Joanne K.", "Lý Lan"], publisher="Trẻ", year=2001),
               rec("b:1", "Harry Potter", authors=["J. K. Rowling", "LÝ LAN", "Ly Lann"], year=2001),
               rec("c:1", "Harry Potter", authors=others)]
    authors = merge_cluster("u1", members).authors
    assert authors == ["Rowling, Joanne K.", "Lý Lan", *others[:MAX_MERGED_AUTHORS - 2]]
    many = merge_cluster("u2", [rec("a:2", "Từ điển", authors=others)])
    assert many.authors == others  # the best member's own list is never cut


def test_merge_unites_isbns_subjects_and_classifications():
    union = merge_cluster("uabc", _members())
    assert sorted(union.isbn) == ["9786041234567", "9786049003240"]
    assert union.subjects == ["Văn học Việt Nam", "Thơ"]  # "van hoc viet nam" folds to the same subject
    assert union.classification == ["895.9221"]


def test_merge_keeps_the_invalid_isbns_and_issns_every_member_printed():
    members = [rec("a:1", "Tạp chí Văn học", year=2016, invalid_issn=["1234-567X"], invalid_isbn=["6041234500"]),
               rec("b:1", "Tạp chí Văn học", year=2016, issn=["0317-8471"], invalid_isbn=["6041234500", "8934974100"])]
    union = merge_cluster("u1", members)
    assert (union.issn, union.invalid_issn) == (["0317-8471"], ["1234-567X"])
    assert union.invalid_isbn == ["6041234500", "8934974100"]
    assert union.isbn == []  # never mixed with the valid ones


def test_a_union_record_stored_before_invalid_isbn_still_reads():
    stored = '{"id": "u1", "title": "Số đỏ", "isbn": ["9786041234567"], "members": ["a:1"]}'
    assert UnionRecord.model_validate_json(stored).invalid_isbn == []


def test_merge_keeps_every_holding_of_every_member():
    union = merge_cluster("uabc", _members())
    assert [(h.library, h.record_id) for h in union.holdings] == [
        ("th-01", "th-01:1"), ("thcs-03", "thcs-03:4"), ("tv-tinh", "tv-tinh:9"), ("tv-tinh", "tv-tinh:9")]
    assert union.holdings[0].opac_url == "http://th01/1" and union.holdings[0].call_number == "895.9221 N"
    assert union.members == ["th-01:1", "thcs-03:4", "tv-tinh:9"]


def test_preferred_library_wins_among_equally_good_values():
    members = [rec("a:1", "Chí Phèo", publisher="Văn học"), rec("b:1", "Chí Phèo", publisher="Hội Nhà văn")]
    assert merge_cluster("u1", members, library_preference=("b",)).publisher == "Hội Nhà văn"
    assert merge_cluster("u1", members).publisher == "Văn học"


def test_merge_does_not_depend_on_member_order():
    members = _members()
    assert merge_cluster("u1", members) == merge_cluster("u1", list(reversed(members)))


def test_merge_prefers_a_title_catalogued_in_mixed_case_over_a_recased_all_caps_one():
    """"ĐẠI CƯƠNG LỊCH SỬ VIỆT NAM" became "Đại cương lịch sử việt nam": the recased form loses Việt Nam."""
    members = [
        rec("a:1", "Đại cương lịch sử việt nam", year=2007, pages=500, publisher="Giáo dục",
            repairs=["245$a: all capitals → sentence case"]),
        rec("b:2", "Đại cương lịch sử Việt Nam", year=2007),
    ]
    assert merge_cluster("u1", members).title == "Đại cương lịch sử Việt Nam"


def test_an_all_caps_subtitle_gives_way_to_the_same_subtitle_in_mixed_case():
    members = [rec("a:1", "Số đỏ", subtitle="TIỂU THUYẾT", authors=["Vũ Trọng Phụng"], year=2016,
                   publisher="Văn học", pages=200),
               rec("b:1", "SỐ ĐỎ", subtitle="tiểu thuyết", authors=["Vũ Trọng Phụng"], year=2016),
               rec("c:1", "Số đỏ", subtitle="Tiểu thuyết trào phúng", year=2016)]
    union = merge_cluster("u1", members)
    assert (union.title, union.subtitle) == ("Số đỏ", "tiểu thuyết")  # still the subtitle of the title's record


def test_subjects_differing_only_by_marks_both_stay_and_an_unmarked_spelling_gives_way():
    members = [rec("a:1", "Giáo trình kinh tế học", subjects=["Kinh tế vi mô", "Kinh tế vĩ mô", "van hoc viet nam"]),
               rec("b:1", "Giáo trình kinh tế học", subjects=["Văn học Việt Nam", "KINH TẾ VI MÔ"])]
    assert merge_cluster("u1", members).subjects == ["Kinh tế vi mô", "Kinh tế vĩ mô", "Văn học Việt Nam"]


def test_the_work_key_tells_apart_two_authors_of_one_family_name_but_not_an_inverted_name():
    assert work_key("Tuyển tập", ["Nguyễn Tuân"]) != work_key("Tuyển tập", ["Nguyễn Công Hoan"])
    assert work_key("The history of Vietnam", ["Taylor, Keith"]) == work_key("The history of Vietnam", ["Keith Taylor"])


def test_the_work_key_ignores_dates_and_initials_in_the_author_heading():
    assert work_key("Les misérables", ["Hugo, Victor, 1802-1885"]) == work_key("Les misérables", ["Victor Hugo"])
    assert work_key("Harry Potter", ["Rowling, J. K."]) == work_key("Harry Potter", ["J. K. Rowling"])


def test_the_work_key_keeps_numbers_and_one_letter_given_names():
    assert work_key("Truyền thống", ["Sư đoàn 330"]) != work_key("Truyền thống", ["Sư đoàn 8"])
    assert work_key("Kỷ yếu", ["Trường THPT số 1"]) != work_key("Kỷ yếu", ["Trường THPT số 2"])
    assert work_key("Thơ", ["Nguyễn Văn A"]) != work_key("Thơ", ["Nguyễn Văn B"])


def test_merge_keeps_the_uniform_title_and_every_alternate_script_title():
    members = [
        rec("a:1", "Chiến tranh và hòa bình", authors=["Tônxtôi, L."], year=2007,
            alternate_titles=["Война и мир"], publisher="Văn học"),
        rec("b:1", "Chiến tranh và hòa bình", year=2007, uniform_title="Voĭna i mir. Tiếng Việt",
            alternate_titles=["Война и мир", "War and peace"]),
    ]
    union = merge_cluster("u1", members)
    assert union.uniform_title == "Voĭna i mir. Tiếng Việt"
    assert union.alternate_titles == ["Война и мир", "War and peace"]


def test_a_title_left_in_tcvn3_bytes_gives_way_to_the_unicode_one():
    # Normalize repairs TCVN3 only where it is sure; a short field it left as "M¾t biÕc" counted
    # as marked Vietnamese and, from the fuller record, became the union record's title.
    members = [rec("a:1", "M¾t biÕc", authors=["NguyÔn NhËt ¸nh"], publisher="TrÎ", year=2019, pages=300,
                   place="Tp. Hå ChÝ Minh", language="vie"),
               rec("b:1", "Mắt biếc", authors=["Nguyễn Nhật Ánh"], publisher="Trẻ", year=2019)]
    union = merge_cluster("u1", members)
    assert (union.title, union.authors, union.publisher) == ("Mắt biếc", ["Nguyễn Nhật Ánh"], "Trẻ")
    assert union.place == "Tp. Hå ChÝ Minh"  # no better form: kept


def test_a_volume_in_the_chosen_title_is_not_shown_again_from_another_members_part():
    # The record page read "Tiếng Việt 1. Tập 1. Tập 1": the title's record states the volume in
    # its title, and the part of another member was added after it.
    members = [rec("a:1", "Tiếng Việt 1. Tập 1", authors=["Nguyễn Minh Thuyết"], year=2020, publisher="Giáo dục",
                   pages=120),
               rec("b:1", "Tiếng Việt 1", part="Tập 1", year=2020),
               rec("c:1", "Tiếng Việt 1", part="T1", year=2020)]
    union = merge_cluster("u1", members[:2])
    assert (union.title, union.part) == ("Tiếng Việt 1. Tập 1", None)
    union = merge_cluster("u1", members[1:])
    assert (union.title, union.part) == ("Tiếng Việt 1", "Tập 1")


def test_the_title_most_members_agree_on_wins_over_one_copys_typo():
    # The most filled-in record carried a typo, and the union record showed "Dế Mèn phiêu lưu ýk"
    # though every other library spelled it right.
    members = [rec("a:1", "Dế Mèn phiêu lưu ýk", authors=["Tô Hoài"], year=2019, publisher="Kim Đồng", pages=140,
                   place="Hà Nội", language="vie"),
               rec("b:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài"], year=2019),
               rec("c:1", "DE MEN PHIEU LUU KY", year=2019),
               rec("d:1", "Dế Mèn phiêu lưu ký", year=2019)]
    assert merge_cluster("u1", members).title == "Dế Mèn phiêu lưu ký"
    # A preferred library's spelling still comes first, as for every other field.
    assert merge_cluster("u1", members, library_preference=("a",)).title == "Dế Mèn phiêu lưu ýk"


def test_the_publisher_is_shown_without_nxb_when_a_member_names_the_house_bare():
    # A union record read "Nxb. Khoa học xã hội" and the next "Khoa học xã hội": the most filled-in
    # member kept the word for publishing house that another member of the same book left out (review).
    for typed in ("Nxb. Khoa học xã hội", "NXB Khoa học xã hội", "Nhà xuất bản Khoa học xã hội", "Nxb. KHXH"):
        members = [rec("a:1", "Lịch sử Việt Nam", authors=["Vũ Duy Mền"], year=2017, publisher=typed, pages=634,
                       place="H."),
                   rec("b:1", "Lịch sử Việt Nam", year=2017, publisher="Khoa học xã hội")]
        assert merge_cluster("u1", members).publisher == members[1].publisher, typed
    # Another house, or the word with no bare form beside it, is kept as the members give it.
    alone = [rec("a:1", "Mắt biếc", publisher="Nxb. Trẻ", year=2019, pages=300),
             rec("b:1", "Mắt biếc", publisher="Nxb. Trẻ TP. Hồ Chí Minh", year=2019)]
    assert merge_cluster("u1", alone).publisher == alone[0].publisher


def test_a_dewey_number_typed_with_segmentation_marks_is_one_class():
    # "DDC 895.922 34" and "DDC 895.92234" were both listed: the space (like LC's prime mark "/")
    # only shows where the abridged number ends (review).
    members = [rec("a:1", "Dế mèn phiêu lưu ký", year=2019, classification=["DDC 895.922 34", "UDC 82-3"]),
               rec("b:1", "Dế mèn phiêu lưu ký", year=2019, classification=["DDC 895.92234", "DDC 895.9223"]),
               rec("c:1", "Dế mèn phiêu lưu ký", year=2019, classification=["DDC 895.922/34", "UDC 82-3"]),
               rec("d:1", "Dế mèn phiêu lưu ký", year=2019, classification=["DDC 895.922 34"])]
    classes = merge_cluster("u1", members).classification
    # Each class once, in the form most members typed; a shorter number is another class, kept.
    assert sorted(classes) == sorted(["DDC 895.922 34", "DDC 895.9223", "UDC 82-3"])
    # As many members each way: the number as DDC writes it, without the marks.
    assert "DDC 895.92234" in merge_cluster("u1", members[:2]).classification
    assert len(merge_cluster("u1", members[:2]).classification) == 3
