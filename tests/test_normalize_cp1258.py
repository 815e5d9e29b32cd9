"""cp1258 (Windows Vietnamese): real bytes from Python's codec, read back and composed to NFC."""

from __future__ import annotations

import unicodedata

from store import RawRecord, Record

from normalize import normalize_raw
from normalize.eightbit import decode_8bit

try:
    from tests.test_normalize_support import data_field, iso2709, marc_record
except ImportError:
    from test_normalize_support import data_field, iso2709, marc_record

TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
TITLE = "Những nguyên tắc cơ bản của khoa học thư viện"
AUTHOR = "Nguyễn Thị Ánh Tuyết"
PUBLISHER = "Đại học Quốc gia Thành phố Hồ Chí Minh"


def cp1258(text: str) -> bytes:
    """How Windows Vietnamese stores text: ă â ê ô ơ ư đ as letters, the tone as a following mark."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(m for m in decomposed if m in TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in TONES))
        out.append(base + tone)
    return "".join(out).encode("cp1258")  # Python's own codec: fails on anything cp1258 lacks


def test_the_helper_writes_combining_tones_after_the_letter():
    assert cp1258("Nguyễn") == b"Nguy\xea\xden"  # ê (0xEA) then the combining tilde (0xDE)
    assert cp1258("đ") == b"\xf0"


def _record(leader_09: str) -> bytes:
    """ISO 2709 whose text bytes are cp1258 (pymarc writes a Latin-1 str's bytes unchanged)."""
    as_text = lambda s: cp1258(s).decode("latin-1")  # noqa: E731  pymarc writes these bytes unchanged
    fields = [data_field("100", "0 ", "a", as_text(AUTHOR + ",")),
              data_field("245", "10", "a", as_text(TITLE + " /"), "c", as_text(AUTHOR + ".")),
              data_field("264", " 1", "a", as_text("Tp. Hồ Chí Minh :"), "b", as_text(PUBLISHER + ","),
                         "c", "2019.")]
    return iso2709(marc_record(*fields), leader_09)


def test_cp1258_iso2709_under_a_marc8_leader_is_read_as_windows_vietnamese():
    record = normalize_raw(RawRecord(library="x", local_id="1", format="iso2709", payload=_record(" ")))
    assert isinstance(record, Record), record
    assert record.title == TITLE and unicodedata.is_normalized("NFC", record.title)
    assert record.authors == [AUTHOR]
    assert record.publisher == PUBLISHER
    assert record.encoding == "cp1258"
    assert "leader/09 said MARC-8, read as cp1258" in record.repairs


def test_cp1258_iso2709_under_a_utf8_leader_is_read_as_windows_vietnamese():
    payload = _record(" ")
    payload = payload[:9] + b"a" + payload[10:]  # the bytes stay cp1258; only the claim changes
    record = normalize_raw(RawRecord(library="x", local_id="1", format="iso2709", payload=payload))
    assert record.title == TITLE and record.encoding == "cp1258"
    assert "leader/09 said UTF-8, read as cp1258" in record.repairs


def test_cp1258_marcxml_is_detected_and_composed():
    payload = (b'<?xml version="1.0" encoding="windows-1258"?>\n<record><datafield tag="245" ind1="1" ind2="0">'
               b'<subfield code="a">' + cp1258(TITLE) + b'</subfield></datafield><datafield tag="100" ind1="0" '
               b'ind2=" "><subfield code="a">' + cp1258(AUTHOR) + b"</subfield></datafield></record>")
    record = normalize_raw(RawRecord(library="x", local_id="1", format="marcxml", payload=payload))
    assert (record.title, record.authors) == (TITLE, [AUTHOR])
    assert record.encoding == "cp1258"
    assert record.repairs[0].startswith("MARCXML was not UTF-8") and record.repairs[0].endswith("cp1258")


def test_cp1258_oai_dc_is_detected():
    payload = (b'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>' + cp1258(TITLE)
               + b"</dc:title><dc:creator>" + cp1258(AUTHOR) + b"</dc:creator></oai_dc:dc>")
    record = normalize_raw(RawRecord(library="x", local_id="1", format="oai_dc", payload=payload))
    assert (record.title, record.authors) == (TITLE, [AUTHOR])
    assert "oai_dc was not UTF-8; read as cp1258" in record.repairs


def test_western_cp1252_text_is_not_taken_for_cp1258():
    for text in ("Les Misérables : roman", "Größe und Fläche", "Ça ira, façade, naïve", "Señor Ñandú"):
        assert decode_8bit(text.encode("cp1252")) == (text, "cp1252")
