"""Short legacy-font fields, and one font per record: TCVN3 and VNI kept apart.

A short field ("NguyÔn Du", "Kinh teá") carries little evidence alone; these records go
through the real reader and normalizer, as the catalogue's records do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.files import read_records_file
from normalize import normalize_raw
from store import RawRecord, Record
from store.syllables import tone_on_main_vowel

try:  # tests/ as a package (tests/__init__.py) or as a rootdir-inserted folder
    from tests.test_normalize_support import as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml
except ImportError:
    from test_normalize_support import as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "data"


def normalized(*fields) -> Record:
    payload = marcxml(marc_record(*fields))
    record = normalize_raw(RawRecord(library="tv-long-my", local_id="HG0001", format="marcxml", payload=payload))
    assert isinstance(record, Record), record
    return record


def legacy_notes(record: Record) -> list[str]:
    return [note for note in record.repairs if "→ Unicode" in note]


def fixture_record(local_id: str) -> Record:
    raw = next(r for r in read_records_file(DATA / "oai/tv-long-my.xml", "tv-long-my") if r.local_id == local_id)
    record = normalize_raw(raw)
    assert isinstance(record, Record), record
    return record


@pytest.mark.parametrize("author, expected", [("NguyÔn Du", "Nguyễn Du"), ("Cung ThÕ Anh", "Cung Thế Anh"),
                                              ("Vò TuÊn", "Vũ Tuấn")])
def test_a_short_tcvn3_author_is_converted_when_a_tcvn3_letter_stands_capital_inside_a_word(author, expected):
    """TCVN3's ễ, ế and ấ read as Ô, Õ and Ê: a capital after small letters in one word."""
    record = normalized(data_field("100", "0 ", "a", author), data_field("245", "10", "a", "Truyện Kiều"))
    assert record.authors == [expected]
    assert legacy_notes(record) == ["100$a: TCVN3 → Unicode"]


def test_a_short_tcvn3_subject_with_a_transcribed_name_is_converted():
    """TLM000181's "Chñ nghÜa M¸c - Lªnin": three syllables and "Lênin", which splits into Lê·nin."""
    record = fixture_record("TLM000181")
    assert record.subjects == ["Chủ nghĩa Mác - Lênin", "Chính trị"]
    assert record.title == "Đảng Cộng sản Việt Nam với côg tác dân vận"  # "côg" is the copy's own typo


@pytest.mark.parametrize("local_id, authors", [
    ("TLM000082", ["Hà Huy Khoái", "Cung Thế Anh", "Trần Văn Tấn"]),
    ("TLM000093", ["Huỳnh Minh Mai"]),
    ("TLM000132", ["Trần Văn Hạo", "Vũ Tuấn"]),
])
def test_every_author_of_a_tcvn3_fixture_copy_is_converted(local_id, authors):
    """"Huúnh" has no character outside Vietnamese letters; the record's TCVN3 title decides it."""
    assert fixture_record(local_id).authors == authors


def test_short_vni_fields_of_a_vni_record_are_read_as_vni():
    """"Kinh thö" alone is VNI "Kinh thư" as much as TCVN3 "Kinh thử"; the record's title is plainly VNI."""
    record = normalized(data_field("100", "0 ", "a", "Leâ Vaên Thö"),
                        data_field("245", "10", "a", "Lòch söû Vieät Nam"),
                        data_field("653", "  ", "a", "Kinh teá"),
                        data_field("653", "  ", "a", "Thò xaõ Vò Thanh"),
                        data_field("653", "  ", "a", "Chuû nghóa Maùc - Leânin"),
                        data_field("653", "  ", "a", "Kinh thö"),
                        data_field("653", "  ", "a", "Thô xöa"))
    assert (record.title, record.authors) == ("Lịch sử Việt Nam", ["Lê Văn Thư"])
    assert record.subjects == ["Kinh tế", "Thị xã Vị Thanh", "Chủ nghĩa Mác - Lênin", "Kinh thư", "Thơ xưa"]
    assert all("VNI" in note for note in legacy_notes(record)) and len(legacy_notes(record)) == 7


@pytest.mark.parametrize("subject", ["Kinh thö", "Thô xöa"])
def test_a_field_that_reads_as_vni_and_tcvn3_alike_is_left_alone_without_a_record_to_decide(subject):
    """VNI "Kinh thư" or TCVN3 "Kinh thử": converting either way would be a guess."""
    record = normalized(data_field("245", "10", "a", "Tin học"), data_field("653", "  ", "a", subject))
    assert (record.subjects, legacy_notes(record)) == ([subject], [])


@pytest.mark.parametrize("subject, expected", [("Kinh teá", "Kinh tế"), ("Leâ Thò", "Lê Thị")])
def test_a_short_vni_field_alone_is_not_read_as_tcvn3(subject, expected):
    """Read as TCVN3, a VNI mark after its vowel puts the tone on the wrong vowel ("teỏ", "Leõ")."""
    record = normalized(data_field("245", "10", "a", "Tin học"), data_field("653", "  ", "a", subject))
    assert record.subjects == [expected]


@pytest.mark.parametrize("text", ["Tô Hoài - Lênin", "Tô Hoài và Lênin", "Hoài Thanh - Lênin"])
def test_unicode_vietnamese_with_a_transcribed_name_is_never_converted(text):
    """Its "oà" is a VNI letter pair and "Lênin" no syllable: read as VNI it was "Tơ Hồi" (review)."""
    record = normalized(data_field("245", "10", "a", text))
    assert record.title == text and not record.repairs


@pytest.mark.parametrize("text", ["Müller", "Ôn", "Noël", "São Paulo", "Ä", "Müller, Hans", "Noël à São Paulo",
                                  "Die Ärzte", "Ôn tập"])
def test_latin1_text_is_never_converted_alone(text):
    record = normalized(data_field("100", "1 ", "a", text), data_field("245", "10", "a", text),
                        data_field("653", "  ", "a", text))
    assert (record.title, legacy_notes(record)) == (text, [])


@pytest.mark.parametrize("text", ["Müller, Hans", "Noël", "São Paulo", "Ôn", "Ä", "Zürich"])
def test_latin1_text_in_a_tcvn3_record_is_not_converted(text):
    """The record's title is TCVN3, yet a German or French name in it is no TCVN3 word."""
    record = normalized(data_field("245", "10", "a", "LÞch sö ViÖt Nam"), data_field("700", "1 ", "a", text),
                        data_field("653", "  ", "a", text))
    assert record.title == "Lịch sử Việt Nam"
    assert legacy_notes(record) == ["245$a: TCVN3 → Unicode"]


def test_a_short_vni_subject_of_an_oai_dc_record_follows_its_vni_title():
    payload = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Lòch söû Vieät Nam</dc:title>'
               '<dc:subject>Kinh teá</dc:subject><dc:subject>Kinh thö</dc:subject><dc:subject>Thoâng tin</dc:subject>'
               '</oai_dc:dc>').encode()
    record = normalize_raw(RawRecord(library="l", local_id="1", format="oai_dc", payload=payload))
    assert (record.title, record.subjects) == ("Lịch sử Việt Nam", ["Kinh tế", "Kinh thư", "Thông tin"])
    assert record.repairs == ["dc:title: VNI → Unicode", "dc:subject: VNI → Unicode", "dc:subject: VNI → Unicode",
                              "dc:subject: VNI → Unicode (record context)"]


@pytest.mark.parametrize("title, subject", [("Tuyển tập những truyện ngắn hay nhất", "Thơ"),
                                            ("Tuyển tập những truyện ngắn hay nhất", "Cô Tô"),
                                            ("Thơ", "Văn học hiện đại"), ("Cô Tô", "Ký sự"),
                                            ("Tuyển tập những truyện ngắn hay nhất", "Cá"),
                                            ("Đi", "Văn học hiện đại")])
@pytest.mark.parametrize("encode", [as_tcvn3_mojibake, as_vni])
def test_a_legacy_field_whose_letters_look_like_symbols_or_spell_unicode_follows_its_record(title, subject, encode):
    """TCVN3's ơ, ô, á and Đ read as "¬", "«", "¸" and "§", symbols to Unicode: "Th¬" was "Th", plain ASCII.
    "Ký sù" (TCVN3) and "Thô" (VNI) spell Vietnamese as they stand; in a record all in one legacy font they
    are that font's Ký sự and Thơ."""
    record = normalized(data_field("100", "1 ", "a", encode("Nguyễn Văn Hưởng")),
                        data_field("245", "10", "a", encode(title)), data_field("650", " 7", "a", encode(subject)))
    assert (record.authors, record.title, record.subjects) == (["Nguyễn Văn Hưởng"], title, [subject])


@pytest.mark.parametrize("text", ["«Cô Tô»", "Cô Tô", "Tôi", "§ 2", "Ký sù", "Ôn"])
def test_unicode_beside_a_tcvn3_field_in_a_record_holding_unicode_vietnamese_is_left_alone(text):
    """A record edited later in Unicode ("Việt" holds a letter no legacy byte gives) is no longer one font:
    its fields that read as Vietnamese, quotes and section signs included, stay as they are."""
    record = normalized(data_field("100", "1 ", "a", as_tcvn3_mojibake("Nguyễn Văn Hưởng")),
                        data_field("245", "10", "a", "Lịch sử Việt Nam"), data_field("650", " 7", "a", text))
    assert (record.authors, record.title, record.subjects) == (["Nguyễn Văn Hưởng"], "Lịch sử Việt Nam", [text])


@pytest.mark.parametrize("word", ["người", "tuổi", "toán", "mùa", "ngoài", "hòa", "hoà", "thủy", "thuỷ", "giữa",
                                  "quả", "quý", "gìn", "khuỷu", "rượu", "nguyễn", "thuở", "Lênin"])
def test_the_tone_of_a_syllable_sits_on_its_main_vowel(word):
    assert tone_on_main_vowel(word)


@pytest.mark.parametrize("word", ["teỏ", "Leõ", "queõ", "ngừơi", "hòai"])
def test_a_tone_on_another_vowel_is_no_typed_vietnamese(word):
    """VNI "teá", "Leâ" read as TCVN3: the VNI mark after its vowel becomes a toned second vowel."""
    assert not tone_on_main_vowel(word)
