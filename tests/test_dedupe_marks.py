"""Words that folding makes into volume numbers or relators, told apart by their marks."""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from tests.dedupe_helpers import apart, rec, together

SETTINGS = DedupeSettings()


@pytest.mark.parametrize("named, numbered, digits", [
    ("Phần sau", "Phần sáu", "Phần 6"),  # the latter part; six
    ("Phần Nam", "Phần năm", "Phần 5"),  # the southern part; five
    ("Phần hải đảo", "Phần hai", "Phần 2"),  # the islands; two
    ("Phần Ba Vì", "Phần VI", "Phần 6"),  # "vì" folds to the Roman "vi"
])
def test_a_part_named_by_a_word_folding_to_a_number_is_not_that_volume(named, numbered, digits):
    # Folded, "sau" was "sáu": the latter part of a history joined its sixth volume, one union
    # record for two books.
    book = dict(authors=["Viện Sử học"], year=2017, publisher="Nxb. Khoa học xã hội")
    records = [rec("tv-tinh:1", "Lịch sử Việt Nam", part=named, **book),
               rec("th-01:1", "Lịch sử Việt Nam", part=numbered, **book),
               rec("thcs-02:1", "Lịch sử Việt Nam", part=digits, **book)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]
    assert together(clustering, "th-01:1", "thcs-02:1")


def test_latter_and_former_parts_stay_apart_when_stated_in_the_title():
    book = dict(authors=["Trần Trọng Kim"], year=2010, publisher="Văn học")
    records = [rec("a:1", "Việt Nam sử lược. Phần sau", **book), rec("b:1", "Việt Nam sử lược. Phần sáu", **book),
               rec("c:1", "Việt Nam sử lược. Phần sau", **book), rec("d:1", "Việt Nam sử lược. Phần trước", **book)]
    clustering = cluster_records(records, SETTINGS)
    assert together(clustering, "a:1", "c:1")
    assert apart(clustering, "a:1", "b:1") and apart(clustering, "a:1", "d:1")


def test_a_surname_phan_before_a_number_word_is_no_part():
    # "Phan" (a surname) folds to "phần": "Chuyện Phan Hai. Tập 1" was read as Part 2 and
    # stayed apart from the copy cataloguing "Tập 1" in 245 $n.
    book = dict(authors=["Sơn Tùng"], year=2015, publisher="Kim Đồng")
    records = [rec("a:1", "Chuyện Phan Hai. Tập 1", **book), rec("b:1", "Chuyện Phan Hai", part="Tập 1", **book),
               rec("c:1", "Chuyện Phan Hai. Tập 2", **book)]
    clustering = cluster_records(records, SETTINGS)
    assert together(clustering, "a:1", "b:1"), clustering.explanations["a:1"]
    assert apart(clustering, "a:1", "c:1")


def test_a_volume_typed_without_any_marks_is_still_read_folded():
    # A record without a single mark does not say whether "PHAN SAU" is "sau" or "sáu": it is read
    # folded, as it was, and joins the sixth part.
    book = dict(authors=["Vien Su hoc"], year=2017, publisher="Khoa hoc xa hoi")
    records = [rec("a:1", "LICH SU VIET NAM", part="PHAN SAU", **book),
               rec("b:1", "Lịch sử Việt Nam", part="Phần 6", authors=["Viện Sử học"], year=2017)]
    assert together(cluster_records(records, SETTINGS), "a:1", "b:1")


@pytest.mark.parametrize("author, abbreviated", [
    ("Ban Địch vận Trung ương", "Ban Địch vận T.Ư"),  # "địch" (enemy) folds to "dịch" (translated)
    ("Nguyễn Địch Dỹ", "Nguyễn Đ. Dỹ"),
    ("Nguyễn Minh Hòa", "Nguyễn M. Hòa"),  # "Minh Hòa" folds to "minh họa" (illustrated)
    ("Nguyễn Minh Hoà", "Nguyễn M. Hoà"),
    # Without marks "minh hoa" and "dich" may be relators; read as relators wherever they stood they
    # cut the unmarked copy's name to "Nguyen" (or "Nguyen Dy") while the marked copy kept all of it.
    # There a relator ends the string or stands before a colon, and never leaves a name of one word.
    ("Nguyễn Minh Hòa", "NGUYEN MINH HOA"), ("Nguyễn Địch Dỹ", "Nguyen Dich Dy"),
    ("Ban Địch vận Trung ương", "Ban Dich van Trung uong"),
])
def test_a_name_folding_to_a_relator_is_still_a_name(author, abbreviated):
    # The folded relator was cut out of the name ("Nguyễn Minh Hòa" was "Nguyễn" alone) or made
    # the author a translator, so the copy with an abbreviated name stayed a second union record.
    book = dict(year=1972, publisher="Quân đội nhân dân", pages=212)
    records = [rec("a:1", "Tài liệu công tác binh vận", authors=[author], **book),
               rec("b:1", "Tài liệu công tác binh vận", authors=[abbreviated], **book)]
    clustering = cluster_records(records, SETTINGS)
    assert together(clustering, "a:1", "b:1"), clustering.explanations["b:1"]


@pytest.mark.parametrize("illustrator", ["Nguyễn Văn Hòa minh họa", "Nguyễn Văn Hòa minh hoạ", "Tạ Huy Long vẽ tranh"])
def test_a_relator_typed_with_its_marks_is_still_cut_from_the_name(illustrator):
    book = dict(year=2019, publisher="Kim Đồng", pages=142)
    records = [rec("a:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài", illustrator], **book),
               rec("b:1", "Dế Mèn phiêu lưu ký", authors=["Tô Hoài", "Nguyễn Văn Hòa"], **book)]
    assert together(cluster_records(records, SETTINGS), "a:1", "b:1")


@pytest.mark.parametrize("first, second", [
    ("Kỹ thuật chăn nuôi dê", "Kỹ thuật chăn nuôi gà"),  # "dê" (goat) folds to the stopword "de"
    ("Kỹ thuật nuôi cua biển", "Kỹ thuật nuôi tôm biển"),  # "cua" (crab): "của" (of)
    ("Em học vẽ tranh phong cảnh", "Em học xé tranh phong cảnh"),  # "vẽ" (draw): "về" (about)
    ("Truyện cổ tích về loài voi", "Truyện cổ tích về loài hổ"),  # "voi" (elephant): "với" (with)
])
def test_a_title_word_folding_to_a_stopword_still_tells_two_books_apart(first, second):
    # The folded stopword was passed over, so the titles differed by no word and merged
    # (title 95): two school-library books of one publisher and year, no author.
    book = dict(year=2015, publisher="Nxb. Nông nghiệp", pages=96)
    records = [rec("th-01:1", first, **book), rec("th-02:1", second, **book),
               rec("th-03:1", first, year=2015), rec("th-04:1", second, year=2015, publisher="Nông nghiệp")]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "th-01:1", "th-02:1"), clustering.explanations["th-02:1"]
    assert together(clustering, "th-01:1", "th-03:1") and together(clustering, "th-02:1", "th-04:1")



@pytest.mark.parametrize("unmarked, other", [
    ("KY THUAT CHAN NUOI DE", "Kỹ thuật chăn nuôi gà"), ("Ky thuat nuoi cua bien", "Kỹ thuật nuôi tôm biển"),
    ("Lich su va van hoa", "Lịch sử văn hóa Huế"),
])
def test_a_stopword_in_the_place_of_another_word_is_another_title(unmarked, other):
    # Typed without marks, "de" may be "dê" (goat): the copy joined the other book at title 95 (every
    # word of one title but a stopword was in the other), and through it the marked copies of both.
    book = dict(year=2015, publisher="Nxb. Nông nghiệp", pages=96)
    records = [rec("th-01:1", unmarked, **book), rec("th-02:1", other, **book)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "th-01:1", "th-02:1"), clustering.explanations["th-02:1"]


@pytest.mark.parametrize("first, second", [
    ("Những câu chuyện về loài vật quanh em", "Những câu chuyện của loài vật quanh em"), ("Chuyện của tôi", "Chuyện cảu tôi"), ("Chó và mèo", "Chó với mèo"),
])
def test_a_stopword_swapped_or_mistyped_is_still_one_title(first, second):
    book = dict(authors=["Tô Hoài"], year=2019, publisher="Kim Đồng")
    records = [rec("a:1", first, **book), rec("b:1", second, **book)]
    assert together(cluster_records(records, SETTINGS), "a:1", "b:1")


@pytest.mark.parametrize("named, numbered", [
    ("Phần Hai Bà Trưng", "Phần 2"),  # a district of Hanoi, named after the two Trưng sisters
    ("Phần Mười hai con giáp", "Phần 10"),  # the twelve zodiac animals
])
def test_a_number_word_beginning_a_parts_name_is_no_volume(named, numbered):
    # The number word was read whatever followed: the district's part joined Part 2.
    book = dict(authors=["Nguyễn Vinh Phúc"], year=2008, publisher="Nxb. Hà Nội")
    records = [rec("a:1", "Địa chí Hà Nội", part=named, **book), rec("b:1", "Địa chí Hà Nội", part=numbered, **book),
               rec("c:1", "Địa chí Hà Nội", part=named, **book)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "a:1", "b:1"), clustering.explanations["b:1"]
    assert together(clustering, "a:1", "c:1")


@pytest.mark.parametrize("named", ["Phần vi phân", "Phần Vi sinh vật"])
def test_a_word_folding_to_a_roman_numeral_is_no_volume(named):
    # Folding lowercases: "vi" (micro) was the Roman VI, and with the set's one ISBN the part on
    # differentials joined Part VI.  Numerals are typed in capitals.
    book = dict(authors=["Nguyễn Đình Trí"], year=2006, publisher="Giáo dục", isbn=["9786040000019"])
    records = [rec("a:1", "Toán học cao cấp", part=named, **book), rec("b:1", "Toán học cao cấp", part="Phần VI", **book),
               rec("c:1", "TOÁN HỌC CAO CẤP", part="PHẦN VI", **book), rec("d:1", "toán học cao cấp", part="phần vi", **book)]
    clustering = cluster_records(records, SETTINGS)
    assert apart(clustering, "a:1", "b:1"), clustering.explanations["a:1"]
    assert together(clustering, "b:1", "c:1", "d:1")


@pytest.mark.parametrize("translated", ["Le Chu Cau dich", "Nguoi dich: Duong Tuong", "Phan Ngoc dich va gioi thieu",
                                        "Lê Chu Cầu dich"])
def test_a_translator_typed_without_marks_is_still_a_translator(translated):
    # Two translations of one work: the translators keep them apart, marks or none ("Lê Chu Cầu dich",
    # a slip in a string with marks, was read as a name word "dich" once marks decided relators).
    work = dict(year=2010, publisher="Văn học")
    records = [rec("a:1", "Nhung nguoi khon kho", authors=["Victor Hugo", translated], **work),
               rec("b:1", "Những người khốn khổ", authors=["Victor Hugo", "Nguyễn Văn Vĩnh dịch"], **work)]
    assert apart(cluster_records(records, SETTINGS), "a:1", "b:1")


@pytest.mark.parametrize("slip", ["Việt Nam sử lược. Tap 2", "Việt Nam sử lược. Quyen II", "Việt Nam sử lược. Phan 2"])
def test_a_volume_word_typed_without_its_marks_before_a_number_is_still_a_volume(slip):
    # A title with marks elsewhere and "Tap 2" was read as no volume, and stayed apart from its copies.
    book = dict(authors=["Trần Trọng Kim"], year=2010, publisher="Văn học")
    records = [rec("a:1", slip, **book), rec("b:1", "Việt Nam sử lược. Tập 2", **book),
               rec("c:1", "Việt Nam sử lược", part="Tập 2", **book)]
    assert together(cluster_records(records, SETTINGS), "a:1", "b:1", "c:1")


def test_a_stopword_typed_as_a_word_puts_a_record_in_a_profile_of_its_own():
    """Conflicts are checked once per profile of equal match features; "nuôi dê" typed with its
    marks and "NUOI DE" without compare differently, so they must not share one."""
    from config import DedupeSettings
    from dedupe.cluster import _profiles
    from dedupe.features import record_features

    settings = DedupeSettings()
    marked = record_features(0, rec("a:1", "Kỹ thuật chăn nuôi dê", year=2019), settings)
    plain = record_features(1, rec("b:1", "KY THUAT CHAN NUOI DE", year=2019), settings)
    assert marked.full == plain.full and marked.not_stopwords != plain.not_stopwords
    first, second = _profiles([marked, plain])
    assert first != second
