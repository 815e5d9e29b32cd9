"""One TCVN3 field in a Unicode record: converted when its legacy letters are symbols glued into words.

TCVN3's ơ, ô, Đ, ả, á ... read as "¬", "«", "§", "¶", "¸": characters Unicode calls punctuation
or symbols, which no language glues into its words.  A short field such as "Th¬" (Thơ) had
no other evidence, so in a record whose other fields are Unicode it stayed as typed.
"""

from __future__ import annotations

import pytest

from normalize import normalize_raw
from store import RawRecord, Record

try:  # tests/ as a package (tests/__init__.py) or as a rootdir-inserted folder
    from tests.test_normalize_support import HAVE_ICONV, as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml
except ImportError:
    from test_normalize_support import HAVE_ICONV, as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml

pytestmark = pytest.mark.skipif(not HAVE_ICONV, reason="glibc iconv with TCVN5712-1 writes the TCVN3 text")


def normalized(*fields) -> Record:
    payload = marcxml(marc_record(*fields))
    record = normalize_raw(RawRecord(library="tv-vi-thanh", local_id="HG0001", format="marcxml", payload=payload))
    assert isinstance(record, Record), record
    return record


def unicode_record(subject: str) -> Record:
    """A record typed in Unicode but for `subject` (650 $a)."""
    return normalized(data_field("100", "1 ", "a", "Nguyễn Văn Hưởng"),
                      data_field("245", "10", "a", "Tuyển tập văn học Việt Nam"),
                      data_field("650", " 7", "a", subject))


@pytest.mark.parametrize("subject", ["Thơ", "Thơ ca", "Cô Tô", "Ngô", "Đảng", "Toán", "Tô Hoài", "Ô tô", "Đi"])
def test_a_tcvn3_field_whose_letters_look_like_symbols_is_converted_in_a_unicode_record(subject):
    typed = as_tcvn3_mojibake(subject)
    assert typed != subject and typed.isascii() is False
    record = unicode_record(typed)
    assert (record.title, record.authors, record.subjects) == ("Tuyển tập văn học Việt Nam", ["Nguyễn Văn Hưởng"],
                                                               [subject])
    assert [note for note in record.repairs if "→ Unicode" in note] == ["650$a: TCVN3 → Unicode"]


def test_a_tcvn3_title_whose_letters_look_like_symbols_is_converted_beside_a_unicode_author():
    record = normalized(data_field("100", "0 ", "a", "Tố Hữu"), data_field("245", "10", "a", as_tcvn3_mojibake("Thơ")))
    assert (record.title, record.authors) == ("Thơ", ["Tố Hữu"])


@pytest.mark.parametrize("subject", [
    "¬ p", "p ∧ ¬q", "¬A", "¬ a",                        # logic: "¬" as a sign
    "« Le Petit Prince »", "«Le Petit Prince»", "»Faust«", "«Tho»",  # French and German quotes
    "§ 3", "§§ 3-5", "© Kim Dong", "Coca-Cola®", "Windows™", "25°C", "5 ‰", "Hello…", "A–Z", "• Mục lục",
    "¡Hola!", "¿Qué tal?", "don´t stop", "I´m a stranger", "L’École des femmes", "Hawaï", "Cuisine thaï",
    "Nam B–", "Ca dao B—", "Ban B·", "Tiếng Việt…", "Col·lecció",  # dashes and dots glued to a word
    "Mª José", "Müller", "Noël à São Paulo", "Ôn tập", "5 µm", "Sö", "Lª Linh",
])
def test_foreign_text_and_signs_beside_unicode_vietnamese_are_left_alone(subject):
    record = unicode_record(subject)
    assert record.subjects == [subject]
    assert not [note for note in record.repairs if "→ Unicode" in note]


@pytest.mark.parametrize("subject", ["Thơ", "Cô Tô", "Hồ Chí Minh", "Lê"])
def test_a_short_vni_field_that_may_spell_vietnamese_or_latin1_is_left_alone_in_a_unicode_record(subject):
    """VNI writes with letters ("Thô", "Coâ Toâ"), never symbols: "Thô" is Vietnamese as it stands, and
    French has "aï" as VNI has it (thaï would be "thạ"), so a VNI field alone decides nothing."""
    typed = as_vni(subject)
    assert unicode_record(typed).subjects == [typed]


def test_an_oai_dc_subject_whose_tcvn3_letters_look_like_symbols_is_converted_beside_a_unicode_title():
    payload = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tuyển tập văn học Việt Nam</dc:title>'
               f'<dc:subject>{as_tcvn3_mojibake("Thơ")}</dc:subject><dc:subject>¬ p</dc:subject></oai_dc:dc>')
    record = normalize_raw(RawRecord(library="l", local_id="1", format="oai_dc", payload=payload.encode()))
    assert (record.title, record.subjects) == ("Tuyển tập văn học Việt Nam", ["Thơ", "¬ p"])
    assert record.repairs == ["dc:subject: TCVN3 → Unicode"]


@pytest.mark.parametrize("title", ["I´m a stranger", "Cuisine thaï"])
def test_one_word_that_reads_as_legacy_among_foreign_words_is_left_alone(title):
    """"I´m" read as TCVN3 is "Ịm", and French "thaï" read as VNI "thạ": one Vietnamese-looking word beside
    English or French ones decided a field alone, in an English record as in a Vietnamese one."""
    assert normalized(data_field("245", "10", "a", title)).title == title
    assert unicode_record(title).subjects == [title]


@pytest.mark.parametrize("title, typed", [("Tin học Excel 2010", as_tcvn3_mojibake), ("Tin học Windows XP", as_tcvn3_mojibake),
                                          ("Lập trình Java", as_vni), ("Tin học Excel 2010", as_vni)])
def test_a_legacy_title_of_two_vietnamese_words_beside_a_foreign_one_converts_alone(title, typed):
    """Only one word of "Tin học Excel 2010" changes in TCVN3 ("häc"), and VNI "trình" is spelt as in Unicode:
    counted as one word among foreign ones, such titles stayed garbled in records with no other legacy
    field (a foreign author, "H." for Hà Nội), and a search for `tin học excel` missed them (review)."""
    record = normalized(data_field("100", "1 ", "a", "Walkenbach, John"), data_field("245", "10", "a", typed(title)))
    assert record.title == title


@pytest.mark.parametrize("title", ["Giáo trình Excel 2010", "Giáo trình Java", "Bài tập Excel"])
def test_a_tcvn3_textbook_title_naming_a_program_converts_alone_beside_unicode_fields(title):
    """"Gi¸o tr×nh Excel 2010": two words whose TCVN3 letters look like symbols, beside a program's name that
    no conversion touches, stayed garbled in a Unicode record, so `giáo trình excel` missed it (review)."""
    typed = as_tcvn3_mojibake(title)
    assert typed != title
    record = normalized(data_field("100", "1 ", "a", "Nguyễn Văn Hưởng"), data_field("245", "10", "a", typed))
    assert record.title == title


def test_one_tcvn3_word_beside_a_foreign_one_still_follows_its_tcvn3_record():
    record = normalized(data_field("100", "1 ", "a", as_tcvn3_mojibake("Nguyễn Văn Hưởng")),
                        data_field("245", "10", "a", as_tcvn3_mojibake("Học Photoshop")))
    assert (record.authors, record.title) == (["Nguyễn Văn Hưởng"], "Học Photoshop")
