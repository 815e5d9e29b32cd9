"""Legacy Vietnamese encodings: every letter of TCVN3 and VNI, and no false positives."""

from __future__ import annotations

import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize import legacy, normalize_raw
from normalize.legacy_tables import TCVN3_BYTES
from store.syllables import is_syllable
from store import RawRecord
try:  # tests/ as a package (tests/__init__.py) or as a rootdir-inserted folder
    from tests.test_normalize_support import HAVE_ICONV, as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml
except ImportError:
    from test_normalize_support import HAVE_ICONV, as_tcvn3_mojibake, as_vni, data_field, marc_record, marcxml

TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
VOWELS = "a ă â e ê i o ô ơ u ư y".split()
# Every toned vowel, both cases, plus đ/Đ: the letters a Vietnamese table must carry.
LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]
ALL_LETTERS = LETTERS + [ch.upper() for ch in LETTERS]

needs_iconv = pytest.mark.skipif(not HAVE_ICONV, reason="glibc iconv with TCVN5712-1 not available")


@needs_iconv
def test_tcvn3_table_matches_glibc_iconv_byte_for_byte():
    for byte in range(1, 256):
        result = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=bytes([byte]),
                                capture_output=True)
        if result.returncode:
            continue
        expected = result.stdout.decode("utf-8")
        assert TCVN3_BYTES.get(byte, chr(byte)) == expected, hex(byte)


@needs_iconv
@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_tcvn3_converts_every_letter(letter):
    assert legacy.tcvn3_to_unicode(as_tcvn3_mojibake(letter)) == letter


@pytest.mark.parametrize("letter", ALL_LETTERS)
def test_vni_converts_every_letter(letter):
    assert legacy.vni_to_unicode(as_vni(letter)) == letter


@pytest.mark.parametrize(("mojibake", "expected"), [
    ("Nh÷ng nguyªn t¾c", "Những nguyên tắc"),
    ("C¸c nhµ v¨n §ång b»ng s«ng Cöu Long", "Các nhà văn Đồng bằng sông Cửu Long"),
    ("Gi¸o tr×nh tin häc", "Giáo trình tin học"),
    ("\x02ng dông", "Ụng dụng"),  # capital Ụ lives in control byte 0x02
])
def test_tcvn3_text_is_detected_and_converted(mojibake, expected):
    assert legacy.repair(mojibake) == (expected, "TCVN3")


@pytest.mark.parametrize(("mojibake", "expected"), [
    ("Lòch söû Vieät Nam", "Lịch sử Việt Nam"),
    ("Ngöôøi Haäu Giang", "Người Hậu Giang"),
    ("LÒCH SÖÛ ÑÒA PHÖÔNG", "LỊCH SỬ ĐỊA PHƯƠNG"),
    ("Quyeån 1: Tieáng Vieät", "Quyển 1: Tiếng Việt"),
])
def test_vni_text_is_detected_and_converted(mojibake, expected):
    assert legacy.repair(mojibake) == (expected, "VNI")


@needs_iconv
def test_tcvn3_capitals_in_control_bytes_survive_conversion():
    text = "ỤNG DỤNG ỨNG XỬ ỪNG ỮNG"
    assert legacy.repair(as_tcvn3_mojibake(text))[0] == text


@pytest.mark.parametrize("text", [
    "Les Misérables", "À la recherche du temps perdu", "Œuvres complètes", "Über die Brücke",
    "Straße der Ölmühle", "Où est le café ?", "The Lord of the Rings", "Don Quijote de la Mancha: España",
    "Những nguyên tắc", "Lịch sử Việt Nam – từ nguồn gốc đến nay", "“Truyện Kiều” của Nguyễn Du…",
    "Hòa bình và hoà hợp", "Ngày xưa… ở Hậu Giang", "Tin học văn phòng Microsoft Word 2010",
    "Søren Kierkegaard: Enten – Eller", "Piñata", "naïve façade", "Ærø", "Hôtel-Dieu",
])
def test_correct_text_is_never_touched(text):
    assert legacy.repair(text) == (text, None)


VIETNAMESE_WORDS = (
    "những nguyên tắc lịch sử việt nam người hậu giang đồng bằng sông cửu long giáo trình tin học "
    "văn hóa hoà bình quyển tiếng khuỷu tay thuở xưa giữ gìn ngoằn ngoèo nghiêng ngả chuyện kể "
    "địa chí tỉnh ủy ban nhân dân trường phổ thông thư viện sách giáo khoa toán học vật lý hóa sinh "
    "điện thoại khuya yêu thương quê hương đất nước ước mơ tuổi trẻ bước đường cứu nước ngoài ý muốn "
    "xoong nồi huyện châu thành phụng hiệp vị thủy long mỹ ngã bảy cần thơ tập một hai ba"
).split()


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(VIETNAMESE_WORDS), min_size=1, max_size=12),
       case=st.sampled_from(["lower", "upper", "title", "capitalize"]),
       sep=st.sampled_from([" ", ", ", " – ", " : ", "; ", " / "]))
def test_valid_vietnamese_is_never_changed(words, case, sep):
    text = getattr(sep.join(words), case)()
    assert legacy.repair(text) == (text, None)


@pytest.mark.parametrize("word", VIETNAMESE_WORDS)
def test_every_sample_word_is_a_valid_syllable(word):
    assert is_syllable(word) and is_syllable(word.upper())


@pytest.mark.parametrize("word", ["Nh÷ng", "Misérables", "Brücke", "tiê", "cácc", "strong", "Ölmühle"])
def test_non_syllables_are_rejected(word):
    assert not is_syllable(word)


@pytest.mark.parametrize("word", ["têt", "TÊt", "thuyêt", "tâp", "viêt", "đoc"])
def test_a_marked_syllable_with_a_stop_ending_and_no_tone_is_rejected(word):
    """-c, -ch, -p, -t take the acute or the dot below; "TÊt" (TCVN3 for "Tất") passed for a
    syllable, so the author "Ng« TÊt Tè" read as Vietnamese and was never converted."""
    assert not is_syllable(word)


@pytest.mark.parametrize("word", ["tet", "hoc", "sach", "tap"])
def test_a_syllable_typed_without_any_mark_may_end_in_a_stop(word):
    """As the legacy test reads it; dedupe asks the tone of a stop ending ("mat" is a slip there)."""
    assert is_syllable(word, unmarked_stops=True) and not is_syllable(word)


def test_a_tcvn3_name_whose_letters_are_latin_ones_is_converted():
    assert legacy.repair("Ng« TÊt Tè.") == ("Ngô Tất Tố.", "TCVN3")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_repair_never_raises_and_is_stable(text):
    once, _ = legacy.repair(text)
    assert legacy.repair(once)[0] == once


@needs_iconv
def test_tcvn3_capitals_kept_as_control_pictures_by_the_harvester_are_converted():
    """harvester/xmlrepair.py keeps XML-forbidden bytes as U+2400+code; normalize maps them back first."""
    from normalize import normalize_raw
    from store import RawRecord

    mojibake = as_tcvn3_mojibake("ỨNG DỤNG tin học")
    pictured = "".join(chr(0x2400 + ord(ch)) if ord(ch) < 0x20 else ch for ch in mojibake)
    payload = ('<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>'
               '<controlfield tag="001">X1</controlfield><datafield tag="245" ind1="0" ind2="0">'
               f'<subfield code="a">{pictured}</subfield></datafield></record>').encode("utf-8")
    record = normalize_raw(RawRecord(library="tv-long-my", local_id="X1", format="marcxml", payload=payload))
    assert record.title == "ỨNG DỤNG tin học"


@needs_iconv
def test_short_tcvn3_name_is_converted_when_the_record_title_was_tcvn3():
    """"Lª Linh" alone gains no Vietnamese-only letter; the record's other fields decide."""
    from normalize import normalize_raw
    from store import RawRecord

    title = as_tcvn3_mojibake("Thần đồng đất Việt")
    author = as_tcvn3_mojibake("Lê Linh")
    payload = ('<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">T1</controlfield>'
               f'<datafield tag="100" ind1="0" ind2=" "><subfield code="a">{author}</subfield></datafield>'
               f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{title}</subfield></datafield>'
               '</record>').encode("utf-8")
    record = normalize_raw(RawRecord(library="tv-long-my", local_id="T1", format="marcxml", payload=payload))
    assert (record.title, record.authors) == ("Thần đồng đất Việt", ["Lê Linh"])
    assert any("record context" in note for note in record.repairs)
    assert legacy.repair(author)[1] is None  # alone, too little evidence: left as it is


@pytest.mark.parametrize("text", ["Ống kính Ø 50 mm", "Kích thước hạt µm"])
def test_correct_vietnamese_with_a_legacy_looking_character_is_left_alone(text):
    """A letter only Vietnamese uses (ố, ư, ạ ...) means Unicode: legacy bytes read as cp1252 never give one."""
    assert legacy.detect(text) is None


@pytest.mark.parametrize("language, title", [("nor", "Ut på tur"), ("nor", "Nå er det jul"),
                                             ("dan", "Bøger om Danmark")])
def test_a_record_catalogued_in_a_nordic_language_is_never_converted(language, title):
    """å and ø are TCVN3 bytes; "på" alone would read as the syllable "pồ"."""
    f008 = "000101s2019    no            000 0 " + language + " d"
    payload = marcxml(marc_record(data_field("245", "10", "a", title), f008=f008))
    record = normalize_raw(RawRecord(library="l", local_id="1", format="marcxml", payload=payload))
    assert record.title == title and record.repairs == []


@pytest.mark.parametrize("text, encode", [("Việt Nam", as_tcvn3_mojibake), ("Hồ Chí Minh", as_tcvn3_mojibake),
                                          ("Nhật ký", as_tcvn3_mojibake), ("Nguyễn Du", as_vni)])
def test_a_short_legacy_field_with_one_odd_word_is_still_converted(text, encode):
    assert legacy.repair(encode(text)) == (text, "TCVN3" if encode is as_tcvn3_mojibake else "VNI")


@pytest.mark.parametrize("encode", [as_tcvn3_mojibake, as_vni])
def test_legacy_text_with_a_transcribed_foreign_name_is_converted(encode):
    """Vietnamese writes foreign names as one word ("Lênin", "Mátxcơva"): not a syllable, still Vietnamese."""
    text = "Tư tưởng Hồ Chí Minh và chủ nghĩa Mác - Lênin"
    assert legacy.repair(encode(text)) == (text, "TCVN3" if encode is as_tcvn3_mojibake else "VNI")


def test_a_name_word_alone_does_not_make_foreign_text_vietnamese():
    assert not legacy.reads_as_vietnamese("Lênin Mátxcơva Lênin")  # names need syllables around them
    assert legacy.reads_as_vietnamese("Giáo trình triết học Mác - Lênin")


def test_nordic_language_from_041_or_an_iso_639_1_dc_language_also_keeps_text_as_it_is():
    payload = marcxml(marc_record(data_field("041", "0 ", "a", "nor"), data_field("245", "10", "a", "Ut på tur")))
    record = normalize_raw(RawRecord(library="l", local_id="1", format="marcxml", payload=payload))
    assert (record.language, record.title, record.repairs) == ("nor", "Ut på tur", [])
    for code in ("nb", "no", "sv", "da", "nb_NO", "nb-NO", "norsk", "Swedish"):
        dc = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
              'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Ut på tur</dc:title>'
              f'<dc:language>{code}</dc:language></oai_dc:dc>')
        record = normalize_raw(RawRecord(library="l", local_id="1", format="oai_dc", payload=dc.encode()))
        assert record.title == "Ut på tur", (code, record.repairs)
