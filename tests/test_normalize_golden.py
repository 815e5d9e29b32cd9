"""Golden records written by hand in tests/data/normalize/golden/, shaped like real catalogue data.

Each record is normalized from its file (lxml reads it: the file has an XML
declaration and a comment), from the form a harvester stores (one bare <record>,
read by the fast scanner), and from ISO 2709 where a .mrc twin exists; every
form must give the expected fields, which were checked by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from store import Holding, RawRecord, Record, Rejected
from store.models import Name

from normalize import normalize_raw

GOLDEN = Path(__file__).parent / "data" / "normalize" / "golden"
MARC_NS = "http://www.loc.gov/MARC21/slim"


def held(rid: str, **values) -> Holding:
    return Holding(library="tv-tinh", record_id=f"tv-tinh:{rid}", **values)


EXPECTED: dict[str, dict] = {
    "lc_chinese_880": dict(
        title="Zhongguo gu dai wen ming", alternate_titles=["中国古代文明"], responsibility="Li Xueqin zhu",
        authors=["Li, Xueqin"],
        names=[Name(name="Li, Xueqin", dates="1933-", relators=["author"], vernacular="李学勤")],
        year=2009, place="Beijing", publisher="Zhonghua shu ju", edition="Di 1 ban", pages=245,
        isbn=["9787101067897"], other_ids=["(DLC)2010123456", "(OCoLC)456789012"], language="chi",
        subjects=["China -- Civilization -- To 221 B.C."], classification=["LCC DS735"],
        series=["Guo xue cong shu"], material_type="book", holdings=[held("lc_chinese_880")],
    ),
    "conference_en": dict(
        title="Vietnam", subtitle="integration and development : proceedings",
        responsibility="edited by Phan Huy Lê",
        authors=["International Conference on Vietnamese Studies (3rd : 2008 : Hanoi, Vietnam)", "Phan Huy Lê",
                 "Viện Khoa học xã hội Việt Nam", "Hội thảo Quốc tế Việt Nam học (lần 3 : 2008 : Hà Nội)"],
        names=[Name(name="International Conference on Vietnamese Studies (3rd : 2008 : Hanoi, Vietnam)",
                    kind="meeting"),
               Name(name="Phan Huy Lê", role="added", dates="1934-2018", relators=["edt"]),
               Name(name="Viện Khoa học xã hội Việt Nam", kind="corporate", role="added"),
               Name(name="Hội thảo Quốc tế Việt Nam học (lần 3 : 2008 : Hà Nội)", kind="meeting", role="added")],
        year=2009, place="Hanoi", publisher="Thế Giới Publishers", pages=612,
        isbn=["9786041234505"], invalid_isbn=["6041234500"],
        other_ids=["(DLC)2009287654", "(OCoLC)298765", "(VN-HaNQG)000123456"], language="eng",
        subjects=["Hội nghị Diên Hồng (1284) -- Congresses",
                  "Đại Việt sử ký toàn thư -- Criticism, Textual -- Congresses",
                  "Vietnam -- Civilization -- Congresses"],
        classification=["DDC 959.7044", "rubbk 63.3(5Вьет)"],
        notes=["v. 1. History and culture -- v. 2. Economy and society",
               "Papers presented at the conference held by the Vietnam Academy of Social Sciences and Vietnam "
               "National University, Hanoi, Dec. 4-7, 2008"],
        holdings=[held("conference_en", call_number="959.7044")],
    ),
    "french": dict(
        title="Les misérables", sort_title="misérables", uniform_title="Misérables",
        responsibility="Victor Hugo ; édition établie et annotée par Yves Gohin",
        authors=["Hugo, Victor"], names=[Name(name="Hugo, Victor", dates="1802-1885", relators=["auteur"])],
        year=2015, place="Paris", publisher="Gallimard", edition="Nouvelle édition", pages=1920,
        isbn=["9782070466863"], language="fre",
        subjects=["Hugo, Victor, 1802-1885 -- Critique et interprétation", "Roman français -- 19e siècle"],
        classification=["DDC 843.7"], series=["Folio classique ; 6012"], alternate_titles=[],
        holdings=[held("french", call_number="843.7")],
    ),
    "vi_koha": dict(
        title="Cho tôi xin một vé đi tuổi thơ", subtitle="truyện dài", responsibility="Nguyễn Nhật Ánh",
        authors=["Nguyễn Nhật Ánh"], names=[Name(name="Nguyễn Nhật Ánh", relators=["tác giả"])],
        year=2018, place="Tp. Hồ Chí Minh", publisher="Nxb. Trẻ", edition="Tái bản lần thứ 52", pages=208,
        isbn=["9786041004757"], language="vie",
        subjects=["Văn học hiện đại -- Việt Nam -- Truyện dài", "Văn học thiếu nhi", "Truyện dài"],
        classification=["DDC 895.9223", "khung19 V23"],
        notes=["Câu chuyện về tuổi thơ của bốn đứa trẻ: cu Mùi, Hải cò, con Tủn và con Tí sún"],
        holdings=[held("vi_koha", call_number="895.9223 NG-A", location="TVHG, KM", barcode="HG0048213"),
                  held("vi_koha", call_number="895.9223 NG-A", location="TVHG, TN", barcode="HG0048214")],
        repairs=[],
    ),
    "serial_vi": dict(
        title="Tạp chí Thư viện Việt Nam", material_type="serial", issn=["1859-1426"], year=2005,
        place="Hà Nội", publisher="Thư viện Quốc gia Việt Nam", pages=None, language="vie",
        authors=["Thư viện Quốc gia Việt Nam"], subjects=["Thư viện học -- Tạp chí"],
        holdings=[held("serial_vi", call_number="TC 17", location="Phòng đọc báo - tạp chí")],
    ),
    "map_vi": dict(
        title="Bản đồ hành chính tỉnh Hậu Giang", material_type="map", pages=None, year=2016,
        publisher="Nxb. Tài nguyên - Môi trường và Bản đồ Việt Nam",
        subjects=["Hậu Giang (Việt Nam) -- Bản đồ hành chính"],
        authors=["Sở Tài nguyên và Môi trường tỉnh Hậu Giang"],
    ),
    "video_vi": dict(
        title="Đất rừng phương Nam", material_type="video", pages=None, year=2023, place="TP. Hồ Chí Minh",
        publisher="Galaxy Studio", authors=["Nguyễn Quang Dũng", "Đoàn Giỏi"],
        names=[Name(name="Nguyễn Quang Dũng", role="added", relators=["đạo diễn"]),
               Name(name="Đoàn Giỏi", role="added", dates="1925-1989")],
    ),
}
# ISO 2709 twins: file → (the MARCXML it mirrors, encoding actually used)
ISO_TWINS = {"lc_chinese_880.mrc": ("lc_chinese_880", "utf-8"), "conference_en.mrc": ("conference_en", "utf-8"),
             "vi_koha.mrc": ("vi_koha", "utf-8"), "french_marc8.mrc": ("french", "marc-8")}


def normalize(name: str, payload: bytes, fmt: str) -> Record | Rejected:
    return normalize_raw(RawRecord(library="tv-tinh", local_id=name, format=fmt, payload=payload))


def harvested_form(path: Path) -> bytes:
    """What the OAI-PMH harvester stores: the <record> element alone."""
    record = etree.parse(str(path)).getroot()
    assert record.tag == f"{{{MARC_NS}}}record"
    return etree.tostring(record, encoding="utf-8", with_tail=False)


def check(record: Record | Rejected, expected: dict) -> None:
    assert isinstance(record, Record), record
    for name, value in expected.items():
        assert getattr(record, name) == value, name
    assert Record.model_validate_json(record.to_json_line()) == record


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_marcxml_file_and_harvested_form(name):
    path = GOLDEN / f"{name}.xml"
    from_file = normalize(name, path.read_bytes(), "marcxml")
    check(from_file, EXPECTED[name])
    from_harvest = normalize(name, harvested_form(path), "marcxml")
    assert from_harvest == from_file


@pytest.mark.parametrize("file_name", sorted(ISO_TWINS))
def test_golden_iso2709_twin(file_name):
    name, encoding = ISO_TWINS[file_name]
    record = normalize(name, (GOLDEN / file_name).read_bytes(), "iso2709")
    check(record, {**EXPECTED[name], "encoding": encoding, "source_format": "iso2709"})
    assert record.repairs == []  # the leader told the truth


def test_golden_record_without_a_title_is_rejected_with_what_to_do():
    result = normalize("broken_no_title", (GOLDEN / "broken_no_title.xml").read_bytes(), "marcxml")
    assert isinstance(result, Rejected)
    assert "no title" in result.reason and "add the title in the library system" in result.reason


def test_golden_record_with_a_directory_past_its_end_is_read_between_its_terminators():
    # Its 245 entry claims 9999 bytes; the data area still holds one terminated field per entry.
    result = normalize("broken_directory", (GOLDEN / "broken_directory.mrc").read_bytes(), "iso2709")
    assert result.title == "Cho tôi xin một vé đi tuổi thơ" and result.publisher == "Nxb. Trẻ"
    assert any("do not match the field terminators" in note for note in result.repairs)


def test_golden_record_with_a_directory_past_its_end_and_a_lost_terminator_is_rejected():
    payload = (GOLDEN / "broken_directory.mrc").read_bytes()
    cut = payload.index(b"\x1e", payload.index(b"Cho t"))
    result = normalize("broken_directory", payload[:cut] + payload[cut + 1:], "iso2709")
    assert isinstance(result, Rejected)
    assert "field 245 ends at byte" in result.reason and "export it again" in result.reason


def test_an_880_alone_still_gives_the_record_its_title():
    payload = (GOLDEN / "lc_chinese_880.xml").read_bytes()
    start = payload.index(b'<datafield tag="245"')
    payload = payload[:start] + payload[payload.index(b"</datafield>", start) + len(b"</datafield>"):]
    record = normalize("x", payload, "marcxml")
    assert record.title == "中国古代文明" and record.alternate_titles == []


def test_every_cleaned_field_is_named_in_repairs():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Truyện Kiều")
    payload = (f'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">{decomposed}</subfield>'
               '</datafield><datafield tag="100" ind1="0" ind2=" "><subfield code="a">Nguyễn\u200b Du</subfield>'
               "</datafield></record>").encode("utf-8")
    record = normalize("x", payload, "marcxml")
    assert (record.title, record.authors) == ("Truyện Kiều", ["Nguyễn Du"])
    assert record.repairs == ["245$a: decomposed Unicode composed to NFC",
                              "100$a: invisible or control characters removed"]


def test_a_library_with_its_own_holdings_tag_gets_copies_from_it():
    from config import LibraryConfig

    library = LibraryConfig(id="tv-tinh", name="Thư viện tỉnh", type="provincial", district="Vị Thanh",
                            protocol="marc-file", url="x.mrc", holdings_tags=("996",))
    payload = (b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">Truy\xe1\xbb\x87n Ki\xe1\xbb\x81u'
               b'</subfield></datafield><datafield tag="996" ind1=" " ind2=" "><subfield code="b">Kho m\xc6\xb0\xe1'
               b'\xbb\xa3n</subfield><subfield code="h">895.922</subfield><subfield code="p">VT001</subfield>'
               b'</datafield><datafield tag="952" ind1=" " ind2=" "><subfield code="p">IGNORED</subfield>'
               b"</datafield></record>")
    record = normalize_raw(RawRecord(library="tv-tinh", local_id="x", format="marcxml", payload=payload), library)
    assert record.holdings == [Holding(library="tv-tinh", call_number="895.922", location="Kho mượn",
                                       barcode="VT001", record_id="tv-tinh:x")]
