"""Queries typed in Telex or VNI with the Vietnamese keyboard off: read as the syllables their keys spell."""

from __future__ import annotations

import pytest

from index import SearchParams
from index.keyboard import keyboard_query, keyboard_word
from tests.conftest import make_settings
from tests.test_index import LIBRARIES, index_records, union


@pytest.mark.parametrize("typed, syllable", [
    ("lichj", "lịch"), ("suwr", "sử"), ("vieetj", "việt"), ("Nguyeenx", "Nguyễn"), ("TRUYEENJ", "TRUYỆN"),
    ("truwowngf", "trường"), ("truowngf", "trường"), ("nguwowif", "người"), ("dduwowngf", "đường"),
    ("rwngf", "rừng"), ("tieengs", "tiếng"), ("khuyeens", "khuyến"), ("ngoaif", "ngoài"), ("hocj", "học"),
    ("giaf", "già"), ("gif", "gì"), ("quys", "quý"), ("quaan", "quân"), ("chuwa", "chưa"), ("hoaf", "hoà"),
])
def test_telex_keys_spell_the_syllable_with_its_tone_where_vietnamese_puts_it(typed, syllable):
    assert keyboard_word(typed) == syllable


@pytest.mark.parametrize("typed, syllable", [
    ("vie65t", "việt"), ("Vie6t5", "Việt"), ("Nguye64n", "Nguyễn"), ("tru7o72ng", "trường"), ("truo72ng", "trường"),
    ("ngu7o72i", "người"), ("d9a61t", "đất"), ("li5ch", "lịch"), ("su73", "sử"), ("a8n", "ăn"), ("KIE62U", "KIỀU"),
])
def test_vni_keys_spell_the_syllable(typed, syllable):
    assert keyboard_word(typed) == syllable


@pytest.mark.parametrize("word", ["nam", "books", "news", "class", "process", "kieuu", "Hà", "2019", "x", "T12",
                                  "Q1", "isbn0", "a0"])
def test_words_that_are_not_telex_for_a_vietnamese_syllable_are_left_alone(word):
    assert keyboard_word(word) is None


def test_only_unknown_words_read_as_syllables_the_catalogue_holds_and_never_field_names_are_read():
    held = {"lịch", "sử", "việt", "truyện"}.__contains__
    assert keyboard_query("lichj suwr vieetj nam", frozenset({"lichj", "suwr", "vieetj"}), held) == "lịch sử việt nam"
    assert keyboard_query("title:truyeenj", frozenset({"truyeenj", "title"}), held) == "title:truyện"
    assert keyboard_query("lichj suwr", frozenset(), held) is None
    assert keyboard_query("kieeu", frozenset({"kieeu"}), held) is None  # "kiêu": a typo of "kieu", not Telex


def test_a_query_typed_in_telex_or_vni_finds_the_titles_and_suggests_the_vietnamese(store, data_dir):
    settings = make_settings(data_dir, LIBRARIES)
    catalog = index_records(store, settings, [
        union("ls1", "Lịch sử Việt Nam", authors=["Trần Trọng Kim"], year=2019),
        union("dr1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2017),
        union("en1", "The history of Vietnam", year=2013),
    ])
    found = catalog.search(SearchParams(q="lichj suwr vieetj nam"))
    assert [hit["id"] for hit in found.hits] == ["ls1"]
    assert found.fuzzy and found.suggestion == "lịch sử việt nam" and found.params.q == "lichj suwr vieetj nam"
    assert "<mark>Lịch</mark>" in found.hits[0]["highlight"]["title"]
    found = catalog.search(SearchParams(q="ddaats rwngf phuwowng"))
    assert [hit["id"] for hit in found.hits] == ["dr1"] and found.suggestion == "đất rừng phương"
    found = catalog.search(SearchParams(q="d9a61t ru72ng phu7o7ng"))  # VNI
    assert [hit["id"] for hit in found.hits] == ["dr1"] and found.suggestion == "đất rừng phương"
    # A word the catalogue holds is never re-read: "history" finds its record as typed.
    assert not catalog.search(SearchParams(q="history")).fuzzy


@pytest.mark.parametrize("word", ["van12", "hoa12", "Toan11", "ly12", "HOA21", "van1232"])
def test_a_number_of_two_tone_digits_after_a_word_is_a_number_not_vni(word):
    """A syllable takes one tone: "van12" is "Văn 12" (a grade) typed without its space, not "vàn"."""
    assert keyboard_word(word) is None


def test_a_grade_typed_against_its_subject_is_not_read_as_another_syllable(store, data_dir):
    catalog = index_records(store, make_settings(data_dir, LIBRARIES), [
        union("nv12", "Ngữ văn 12", year=2020), union("mv1", "Muôn vàn yêu thương", year=2001),
        union("hh12", "Hóa học 12", year=2020), union("ch1", "Cộng hoà xã hội chủ nghĩa Việt Nam", year=2001),
    ])
    for typed in ("van12", "hoa12"):
        found = catalog.search(SearchParams(q=typed))
        assert found.suggestion not in ("vàn", "hoà"), (typed, found.suggestion)
        assert "mv1" not in [hit["id"] for hit in found.hits] and "ch1" not in [hit["id"] for hit in found.hits]
    assert catalog.search(SearchParams(q="su73 vie65t")).suggestion is None  # nothing held: no reading offered
    assert keyboard_word("su73") == "sử" and keyboard_word("viet65") == "việt"  # one tone, one mark: still VNI


@pytest.fixture
def telex_catalog(store, data_dir):
    return index_records(store, make_settings(data_dir, LIBRARIES), [
        union("dr1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2017),
        union("mk1", "Mùa khô", year=2010),
        union("khoo", "Tôi tài giỏi, bạn cũng thế!", authors=["Adam Khoo"], year=2009),
        union("md1", "Mây đầu ô", year=1970),
        union("cf1", "Cà phê sáng: how coffee does it", year=2015),
        union("en1", "Cats and dogs", year=2001, language="eng"),
        union("ct1", "Cát bụi", year=1999),
    ])


@pytest.mark.parametrize("typed, meant, record", [
    ("Muaf khoo", "Mùa khô", "mk1"),  # "khoo" is a word of the catalogue (Adam Khoo): it was never read
    ("Maay ddaauf oo", "Mây đầu ô", "md1"),  # "oo": two letters, too short for a typo, and never read
    ("ddaats rungf phuwowng nam", "đất rừng phương nam", "dr1"),  # "rungf" ("rùng") a slip for "rwngf"
])
def test_a_query_of_several_telex_words_finds_what_each_word_alone_finds(telex_catalog, typed, meant, record):
    """Each of these words alone found its record (read as Telex, or as a typo), together nothing:
    words the catalogue holds as typed were never read, and a Telex reading was never allowed a typo."""
    found = telex_catalog.search(SearchParams(q=typed))
    assert [hit["id"] for hit in found.hits] == [record], (found.total, found.suggestion)
    assert found.fuzzy and found.suggestion == meant and found.params.q == typed


def test_telex_words_next_to_plain_and_english_words_leave_those_as_typed(telex_catalog):
    found = telex_catalog.search(SearchParams(q="caf phee sangs coffee does"))
    assert [hit["id"] for hit in found.hits] == ["cf1"] and found.suggestion == "cà phê sáng coffee does"
    # English words the catalogue holds are searched as typed, never read as Telex ("cats" spells "cát").
    assert not telex_catalog.search(SearchParams(q="cats dogs")).fuzzy
    nothing = telex_catalog.search(SearchParams(q="cats dogs coffee"))
    assert (nothing.total, nothing.suggestion) == (0, None)
    for word in ("does", "off", "coffee"):
        assert keyboard_word(word) in (None, "doé")  # "doé" is held nowhere, so never offered


@pytest.mark.parametrize("typed, syllable", [
    ("vieejt", "việt"), ("nhaajt", "nhật"), ("ddaast", "đất"), ("truwowfng", "trường"), ("Tieesng", "Tiếng"),
    ("hojc", "học"),
])
def test_a_telex_tone_key_typed_before_the_final_consonant_is_the_tone_as_unikey_reads_it(typed, syllable):
    assert keyboard_word(typed) == syllable


@pytest.mark.parametrize("word", ["first", "words", "hoaxr"])
def test_two_telex_tone_keys_after_the_vowel_spell_no_syllable(word):
    assert keyboard_word(word) is None


@pytest.mark.parametrize("typed, syllable", [("vie5t6", "việt"), ("d9a1t6", "đất"), ("truo7ng2", "trường")])
def test_vni_digits_typed_after_the_final_consonant_still_mark_the_vowel(typed, syllable):
    assert keyboard_word(typed) == syllable


@pytest.mark.parametrize("typed, meant, record", [
    ("vieejt nam", "việt nam", "ls1"),
    ("nhaajt kys trong tuf", "nhật ký trong tù", "nk1"),
    ("ddaast rwngf phuwowng nam", "đất rừng phương nam", "dr1"),
])
def test_a_query_with_the_tone_key_before_the_final_consonant_finds_the_title(store, data_dir, typed, meant, record):
    catalog = index_records(store, make_settings(data_dir, LIBRARIES), [
        union("ls1", "Lịch sử Việt Nam", year=2019), union("nk1", "Nhật ký trong tù", authors=["Hồ Chí Minh"], year=2010),
        union("dr1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2017),
    ])
    found = catalog.search(SearchParams(q=typed))
    assert [hit["id"] for hit in found.hits] == [record] and found.fuzzy and found.suggestion == meant
