"""Title words one letter apart after folding: two Vietnamese words, or a typo of one.

The trade-off, decided for precision (a wrong merge hides a book; a missed one only shows
it twice): when both titles are typed with marks and both differing words are spelled as
Vietnamese syllables, they are two words.  A real slip that makes another syllable is then
a missed merge: a southern "Xử dụng" for "Sử dụng", "chuẩn đoán" for "chẩn đoán", "dành"
for "giành", a dropped letter ("thật" for "thuật").  Slips of the marks alone (hỏi/ngã,
"â" for "ă") fold to one word and still match, but in a title of one word, or where a word has
another letter and another tone both ("Mưa", "Mùa").
"""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from tests.dedupe_helpers import apart, rec, together

SETTINGS = DedupeSettings()
BOOK = dict(authors=["Nguyễn Văn Thành"], year=2017, publisher="Nxb. Nông nghiệp")


def _clustered(first: str, second: str, **book):
    return cluster_records([rec("tv-tinh:1", first, **book), rec("th-01:1", second, **book)], SETTINGS)


@pytest.mark.parametrize("first, second", [
    ("Kỹ thuật nuôi cá tra", "Kỹ thuật nuôi cá trê"),  # two catfishes
    ("Ăn gì cho khỏe", "Ăn gì cho khéo"),  # healthy; skilful (a transposition once folded)
    ("Truyện cổ tích Việt Nam", "Chuyện cổ tích Việt Nam"),
])
@pytest.mark.parametrize("book", [BOOK, dict(year=2017, publisher="Nxb. Nông nghiệp")], ids=["author", "no-author"])
def test_titles_one_marked_word_apart_are_two_books(first, second, book):
    # Folded, "tra" and "tre" were one letter apart, a typo: one union record for two books.
    clustering = _clustered(first, second, **book)
    assert apart(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]


@pytest.mark.parametrize("first, second", [
    ("Sinh học đại cương", "Snih học đại cương"),  # no onset "sn"
    ("Toán cao cấp", "Taon cao cấp"),  # no rhyme "aon"
    ("Ánh sáng mùa thu", "Ánhh sáng mùa thu"),
    ("Ngành nghề nông thôn", "Nghành nghề nông thôn"),  # "ngh" goes only before e, ê, i
    ("Kỹ thuật nuôi cá tra", "KY THUAT NUOI CA TRE"),  # no marks at all: which word is unknown
    ("Kỹ thuật nuôi cá tra", "Kĩ thuật nuôi cá tra"),
    ("Tâm lý học trẻ em", "Tâm lí học trẻ em"),
    ("Quý hồ tinh bất quý hồ đa", "Quí hồ tinh bất quí hồ đa"),
    ("Harry Potter và hòn đá phù thủy", "Harry Poter và hòn đá phù thủy"),  # a foreign word
    ("Giáo dục học đại cương", "Gioá dục học đại cương"),  # two letters swapped under one mark
])
def test_a_typo_that_makes_no_other_syllable_still_matches(first, second):
    clustering = _clustered(first, second, **BOOK)
    assert together(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]


def test_a_shared_isbn_does_not_make_two_marked_words_one():
    # Publishers reuse one ISBN across a series; the word rule is the same with it.
    book = dict(BOOK, isbn=["9786046012344"])
    clustering = _clustered("Kỹ thuật nuôi cá tra", "Kỹ thuật nuôi cá trê", **book)
    assert apart(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]


def test_a_slip_making_another_syllable_is_given_up():
    # The price of the rule: "chuẩn đoán", a common misspelling of "chẩn đoán", is another word for it,
    # and the copy shows twice.  (A rule that merged it would merge "cá tra" and "cá trê" too.)
    clustering = _clustered("Chẩn đoán bệnh gia cầm", "Chuẩn đoán bệnh gia cầm", **BOOK)
    assert apart(clustering, "tv-tinh:1", "th-01:1")


@pytest.mark.parametrize("first, second", [("Lê Quý Đôn", "Lê Quí Đôn"), ("Nguyễn Văn Kỷ", "Nguyễn Văn Kỉ")])
def test_an_author_whose_final_y_is_spelt_i_is_one_author(first, second):
    # Two whole syllables in a name are two names (names.py), but "Quý" and "Quí" are one syllable
    # spelt two ways, as "lý" and "lí" are: Lê Quý Đôn's books had shown twice.
    records = [rec("tv-tinh:1", "Kiến văn tiểu lục", authors=[first], year=2007, publisher="Giáo dục"),
               rec("th-01:1", "Kiến văn tiểu lục", authors=[second], year=2007, publisher="Giáo dục")]
    clustering = cluster_records(records, DedupeSettings())
    assert together(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]


def test_one_word_titles_that_differ_only_in_their_marks_are_six_books():
    # Review: "Ma", "Mà", "Mả", "Mã", "Má", "Mạ" by one author in one year were one union record: a
    # difference among marks was read as a slip, but the word is the whole title.
    titles = ["Mà", "Mả", "Mã", "Má", "Mạ", "Ma"]
    records = [rec(f"l{number}:1", title, **BOOK) for number, title in enumerate(titles)]
    clustering = cluster_records(records, SETTINGS)
    assert len(clustering.clusters) == len(titles), clustering.clusters


@pytest.mark.parametrize("first, second", [
    ("Mưa", "Mùa"),  # review: Xuân Quỳnh's two books of 2010
    ("Mùa thu Hà Nội", "Mưa thu Hà Nội"),  # ư/u and a tone: no slip makes both
    ("Đất nước", "Dật nước"),  # đ/d and a tone
    ("Đèn sách", "Den sách"),  # a word without its marks, the other marked alike: not new (vi mô / vĩ mô)
])
def test_titles_whose_word_differs_in_a_letter_and_its_tone_are_two_books(first, second):
    book = dict(authors=["Xuân Quỳnh"], year=2010, publisher="Văn học")
    clustering = _clustered(first, second, **book)
    assert apart(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]


@pytest.mark.parametrize("first, second", [
    ("Truyện Kiều", "Truyên Kiêu"),  # the tones left out
    ("Truyện Kiều", "Truyện Kiểu"),  # one tone for another
    ("Tiếng Việt thực hành", "Tiếng Việt thưc hành"),  # a tone left out, in a longer title
    ("Quyển sách hay", "Quyển sâch hay"),  # a vowel's mark for another, the tone kept
    ("Mắt biếc", "Mắt biêc"),  # two words: the slipped one is half the title
])
def test_a_slip_among_marks_in_a_longer_title_still_matches(first, second):
    clustering = _clustered(first, second, **BOOK)
    assert together(clustering, "tv-tinh:1", "th-01:1"), clustering.explanations["tv-tinh:1"]
