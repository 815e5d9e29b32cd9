"""Spellings of one thing that a search must treat as one (a review on the demo catalogue found each
answering nothing):

- a final "y" after consonants is spelt "i" too, and both spellings are standard: "Vật lí 11" (the 2018
  textbooks) and "Vật lý" (most other books), "kĩ/kỹ", "Mĩ/Mỹ", "quí/quý": `vật lý 11` found nothing;
- a Roman numeral in a title was not its number: `van kien dai hoi 13` missed "…lần thứ XIII",
  `the ky 10` "…thế kỷ X";
- fullwidth letters ("Ｔｒｕｙｅｎ ｋｉｅｕ", a CJK input method) found nothing;
- an ISBN-10 with a wrong check digit is no ISBN: it was turned into the ISBN-13 of another number
  and found that book ("6046921370" found Truyện Kiều, whose ISBN-10 is 6046921376).
"""

from __future__ import annotations

import pytest

from config.settings import load_settings
from index import SearchIndex, SearchParams
from index.schema import folded_words
from tests.conftest import make_settings
from tests.e2e_helpers import demo_config_copy, unioncat
from tests.test_index import LIBRARIES, ids, index_records, union


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> SearchIndex:
    """The demo catalogue (fixtures/data), built as a user builds it."""
    config = demo_config_copy(tmp_path_factory.mktemp("spellings"))
    unioncat("demo", "--no-serve", "--config", str(config))
    return SearchIndex(load_settings(config))


@pytest.fixture
def settings(data_dir):
    return make_settings(data_dir, LIBRARIES)


def titles(catalog: SearchIndex, q: str, n: int = 20) -> list[str]:
    return [h["title"] for h in catalog.search(SearchParams(q=q, size=n)).hits]


# ---- ISBN-10 check digit --------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["6046921370", "604692137X", "604-692-137-0"])
def test_an_isbn10_with_a_wrong_check_digit_finds_no_book_by_isbn(demo, q):
    assert titles(demo, q) == []
    assert titles(demo, "6046921376") == ["Truyện Kiều"]  # the right check digit


def test_an_isbn10_with_a_wrong_check_digit_is_searched_as_a_number(store, settings):
    catalog = index_records(store, settings, [
        union("kieu", "Truyện Kiều", isbn=["9786046921370"]),
        union("misprint", "Số tay", invalid_isbn=["6046921370"]),  # the misprinted ISBN, kept as text
    ])
    assert ids(catalog, "6046921370") == ["misprint"]
    assert ids(catalog, "6046921376") == ["kieu"]


# ---- fullwidth forms ------------------------------------------------------------------------------

def test_a_query_typed_in_fullwidth_letters_finds_what_the_letters_find(demo):
    """A Chinese or Japanese input method types "Ｔｒｕｙｅｎ ｋｉｅｕ" (U+FF21…): NFKC reads it as "Truyen kieu"."""
    assert titles(demo, "Ｔｒｕｙｅｎ ｋｉｅｕ", 5) == titles(demo, "truyen kieu", 5)
    assert titles(demo, "Ｔｒｕｙｅｎ ｋｉｅｕ", 1) == ["Truyện Kiều"]


def test_fullwidth_forms_and_ligatures_in_a_record_or_a_query_are_one_spelling(store, settings):
    catalog = index_records(store, settings, [
        union("kieu", "Truyện Kiều"),
        union("unmarked", "Truyen Kieu"),
        union("wide", "Ｓｏｆｔｗａｒｅ ｄｅｓｉｇｎ ２０２０"),  # as a CJK catalogue writes it
        union("lig", "The ﬁnal ﬂight"),
    ])
    assert ids(catalog, "software design 2020") == ["wide"]
    assert ids(catalog, "Ｓｏｆｔｗａｒｅ") == ["wide"]
    assert ids(catalog, "final flight") == ids(catalog, "ﬁnal") == ["lig"]
    # Typed with marks, fullwidth or not, the marked spelling ranks first.
    assert ids(catalog, "Ｔｒｕｙệｎ Ｋｉềｕ") == ["kieu", "unmarked"]


# ---- a final y spelt i ----------------------------------------------------------------------------

@pytest.mark.parametrize("q, spelt", [
    ("vật lý 11", "Vật lí 11"),
    ("sinh lí học", "Sinh lý học"),
    ("kĩ thuật trồng lúa", "Kỹ thuật trồng lúa"),
    ("ki thuat trong lua", "Kỹ thuật trồng lúa"),
])
def test_a_final_y_or_i_finds_the_other_spelling_first(demo, q, spelt):
    assert titles(demo, q, 1) == [spelt]


@pytest.mark.parametrize("q, other", [("địa lý", "địa lí"), ("kĩ thuật trồng lúa", "kỹ thuật trồng lúa"),
                                      ("ki thuat trong lua", "kỹ thuật trồng lúa"), ("vật lý", "vật lí")])
def test_both_spellings_find_the_same_records(demo, q, other):
    assert sorted(titles(demo, q)) == sorted(titles(demo, other))
    assert len(titles(demo, q)) >= 3


@pytest.fixture
def syllables(store, settings) -> SearchIndex:
    return index_records(store, settings, [
        union("li", "Vật lí đại cương"),
        union("ly", "Vật lý đại cương"),
        union("unmarked", "Vat ly dai cuong"),
        union("ki-nga", "Thế kĩ"),  # a misprint of "Thế kỉ": another tone, another word
        union("ki-hoi", "Thế kỷ mới"),
        union("quy", "Quý tộc"),
        union("thuy", "Thuỷ lợi"),
        union("may", "Máy nông nghiệp"),
        union("mai", "Mái nhà"),
        union("uyen", "Khuyên học"),
        union("my", "Mĩ thuật", subjects=["Mỹ thuật"]),
    ])


def test_the_i_and_y_spellings_are_one_word_and_rank_alike(syllables):
    assert ids(syllables, "vật lí")[:2] == ids(syllables, "vật lý")[:2]
    assert set(ids(syllables, "vật lý")[:2]) == {"li", "ly"}  # both as typed, with marks: above "Vat ly"
    assert ids(syllables, "vật lý")[2:] == ["unmarked"]
    assert set(ids(syllables, "vat li")) == {"li", "ly", "unmarked"}
    assert ids(syllables, "quí tộc") == ["quy"]
    assert ids(syllables, "mỹ thuật") == ids(syllables, "mi thuat") == ["my"]


def test_only_a_lone_final_y_is_spelt_i(syllables):
    """ "ay", "uy", "uyê" are other vowels: "may" is not "mai"; "thủy" finds "Thuỷ" as before."""
    assert ids(syllables, "máy") == ["may"]
    assert ids(syllables, "mái") == ["mai"]
    found = syllables.search(SearchParams(q="thủy"))
    assert [h["id"] for h in found.hits] == ["thuy"] and not found.fuzzy
    assert [folded_words(w) for w in ("lý", "Kỹ", "QUÝ", "đy", "máy", "thủy", "khuyên", "ý", "Hy")] == [
        ["li"], ["ki"], ["qui"], ["di"], ["may"], ["thuy"], ["khuyen"], ["y"], ["hi"]]


def test_the_tone_still_tells_two_words_apart(syllables):
    assert ids(syllables, "thế kỉ") == ["ki-hoi", "ki-nga"]  # kỉ/kỷ as typed first, then the other tone
    assert ids(syllables, "thế kĩ") == ["ki-nga", "ki-hoi"]


def test_a_word_spelt_the_other_way_is_highlighted(syllables):
    hit = syllables.search(SearchParams(q="vật lý")).hits
    marked = {h["id"]: h["highlight"]["title"] for h in hit}
    assert marked["li"] == "<mark>Vật</mark> <mark>lí</mark> đại cương"
    assert marked["unmarked"] == "<mark>Vat</mark> <mark>ly</mark> dai cuong"


def test_a_subject_filter_spelt_the_other_way_selects_the_heading(syllables):
    assert ids(syllables, "", subject=("Mĩ thuật",)) == ["my"]


# ---- Roman numerals -------------------------------------------------------------------------------

@pytest.mark.parametrize("q, title", [
    ("van kien dai hoi 13", "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII"),
    ("lần thứ 13", "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII"),
    ("lần thứ XIII", "Văn kiện Đại hội đại biểu toàn quốc lần thứ XIII"),
])
def test_a_roman_numeral_in_a_title_is_found_by_its_number_and_by_itself(demo, q, title):
    assert titles(demo, q, 2) == [title, title]  # its two volumes


@pytest.mark.parametrize("q", ["the ky 10", "thế kỷ 10", "thế kỉ X"])
def test_a_roman_numeral_in_a_subtitle_is_found_by_its_number(demo, q):
    found = demo.search(SearchParams(q=q, size=2)).hits
    assert [(h["title"], h["subtitle"].split()[-2:]) for h in found] == [("Lịch sử Việt Nam", ["kỷ", "X"])] * 2


@pytest.fixture
def numerals(store, settings) -> SearchIndex:
    return index_records(store, settings, [
        union("xx", "Việt Nam thế kỷ XX", subtitle="những sự kiện"),
        union("vol", "Toán cao cấp", part="II"),
        union("caps", "KINH TẾ VI MÔ"),  # capitals: "VI" is the word "vi"
        union("lower", "Kinh tế vi mô"),
        union("c", "Lập trình C"),
        union("fr", "L'amant", language="fre"),
        union("en", "I know why the caged bird sings", language="eng"),
        union("it", "I promessi sposi", language="ita"),
    ])


def test_the_number_finds_a_roman_numeral_typed_in_capitals(numerals):
    assert ids(numerals, "thế kỷ 20") == ids(numerals, "the ky 20") == ids(numerals, "thế kỷ XX") == ["xx"]
    assert ids(numerals, "toán cao cấp 2") == ["vol"]


@pytest.mark.parametrize("q", ["6", "kinh te 6", "100", "50", "1"])
def test_letters_and_words_are_never_read_as_numerals(numerals, q):
    """"VI" of an all-capitals title and "vi" in lower case are a word; a lone "C" or "L" a letter; a lone
    "I" in a foreign title a word."""
    assert ids(numerals, q) == []
