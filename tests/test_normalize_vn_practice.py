"""Vietnamese cataloguing habits (Libol, Vebrary, DSpace exports) and what a record becomes."""

from __future__ import annotations

import unicodedata

from store import RawRecord, Record, Rejected

from normalize import normalize_raw

try:
    from tests.test_normalize_support import data_field, iso2709, marc_record, marcxml
except ImportError:
    from test_normalize_support import data_field, iso2709, marc_record, marcxml

TITLE = data_field("245", "10", "a", "Truyện Kiều")


def normalize(*fields, fmt: str = "marcxml") -> Record | Rejected:
    record = marc_record(*fields)
    payload = marcxml(record) if fmt == "marcxml" else iso2709(record, "a")
    return normalize_raw(RawRecord(library="tv-tinh", local_id="HG1", format=fmt, payload=payload, source="test"))


def oai_dc(body: str) -> Record | Rejected:
    payload = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Truyện Kiều</dc:title>{body}</oai_dc:dc>')
    return normalize_raw(RawRecord(library="tv-dh", local_id="oai:dh:1", format="oai_dc", payload=payload.encode()))


def test_an_isbn_typed_with_en_dashes_or_non_breaking_spaces_is_still_an_isbn():
    """Copied from a publisher's site or a word processor: "978–604–…" (U+2013), "978 604 …" (U+00A0)."""
    for typed in ("978\u2013604\u20130\u201300000\u20132 (Bìa mềm) : 45000đ", "978\u00a0604\u00a00\u00a000000\u00a02",
                  "978-604-0\u200b-00000-2", "978\u2011604\u20110\u201100000\u20112"):
        for fmt in ("marcxml", "iso2709"):
            record = normalize(TITLE, data_field("020", "  ", "a", typed), fmt=fmt)
            assert (record.isbn, record.invalid_isbn) == (["9786040000002"], []), (typed, fmt)
    assert oai_dc("<dc:identifier>ISBN 978\u2013604\u20130\u201300000\u20132</dc:identifier>").isbn == ["9786040000002"]


def test_an_issn_typed_with_spaces_around_its_hyphen_is_valid():
    record = normalize(TITLE, data_field("022", "  ", "a", "0866 - 7373"))
    assert (record.issn, record.invalid_issn) == (["0866-7373"], [])


def test_an_unlabelled_dspace_isbn_with_a_binding_qualifier_is_read():
    """DSpace's dc.identifier.isbn is written bare, often as typed in 020: "9786040000002 (bìa mềm)"."""
    record = oai_dc("<dc:identifier>9786040000002 (bìa mềm)</dc:identifier>"
                    "<dc:identifier>978\u2013604\u20131\u201323456\u20137</dc:identifier>"
                    "<dc:identifier>http://hdl.handle.net/123456789/1234567890</dc:identifier>")
    assert (record.isbn, record.invalid_isbn) == (["9786040000002", "9786041234567"], [])


def test_each_accession_number_in_852_j_is_a_copy_with_its_barcode():
    """Vietnamese MARC 21 (Libol, the National Library's guide) puts each copy's số đăng ký cá biệt
    (ĐKCB, the number on the copy's label) in 852 $j, repeated in one field per location."""
    record = normalize(TITLE, data_field("082", "04", "a", "895.922", "b", "NG-D"),
                       data_field("852", "  ", "a", "TVHG", "b", "Kho mượn", "j", "VV.001234", "j", "VV.001235"),
                       data_field("852", "  ", "a", "TVHG", "b", "Kho đọc", "j", "VD.000871"))
    assert [(h.location, h.barcode, h.call_number) for h in record.holdings] == [
        ("Kho mượn", "VV.001234", "895.922 NG-D"), ("Kho mượn", "VV.001235", "895.922 NG-D"),
        ("Kho đọc", "VD.000871", "895.922 NG-D")]
    with_p = normalize(TITLE, data_field("852", "  ", "b", "Kho đọc", "h", "895.922", "j", "VD.1", "p", "HG01"))
    assert [(h.barcode, h.call_number) for h in with_p.holdings] == [("HG01", "895.922")]


def test_unknown_place_and_publisher_phrases_leave_both_empty():
    """AACR2's combined "[S.l. : s.n.]" in one 260 $a, RDA's "[publisher not identified]" (copy-catalogued
    264s), and the Vietnamese "[Nxb. không rõ]" are notes that nothing is known, not a place or publisher."""
    for fields in ([data_field("260", "  ", "a", "[S.l. : s.n.],", "c", "1998.")],
                   [data_field("260", "  ", "a", "[K.đ. : Knxb.],", "c", "1998.")],
                   [data_field("264", " 1", "a", "[Place of publication not identified] :",
                               "b", "[publisher not identified],", "c", "[1998]")],
                   [data_field("260", "  ", "a", "[Không rõ nơi xuất bản] :", "b", "[Nxb. không rõ],", "c", "1998")]):
        record = normalize(TITLE, *fields)
        assert (record.place, record.publisher, record.year) == (None, None, 1998), fields
    record = oai_dc("<dc:publisher>[Place of publication not identified] : [publisher not identified]</dc:publisher>")
    assert (record.place, record.publisher) == (None, None)


def test_a_role_typed_inside_the_name_is_a_relator_not_part_of_the_name():
    """Libol records often type the role into $a: "Nguyễn Văn A (ch.b.)"; another library gives $e."""
    record = normalize(TITLE, data_field("100", "0 ", "a", "Nguyễn Văn A (ch.b.)"),
                       data_field("700", "0 ", "a", "Trần Thị B (dịch, h.đ.)"),
                       data_field("700", "1 ", "a", "Smith, J.", "q", "(John)"))
    assert record.authors == ["Nguyễn Văn A", "Trần Thị B", "Smith, J. (John)"]
    assert [n.relators for n in record.names] == [["ch.b."], ["dịch", "h.đ."], []]
    assert oai_dc("<dc:creator>Nguyễn Văn A (chủ biên)</dc:creator>").authors == ["Nguyễn Văn A"]


def test_keywords_typed_into_one_subfield_with_semicolons_are_separate_subjects():
    """Libol's 653 and DSpace's dc.subject often hold every keyword in one value: "Văn học; Tiểu thuyết"."""
    record = normalize(TITLE, data_field("653", "  ", "a", "Văn học; Tiểu thuyết ;Việt Nam"),
                       data_field("650", " 7", "a", "Văn học"))
    assert record.subjects == ["Văn học", "Tiểu thuyết", "Việt Nam"]
    assert oai_dc("<dc:subject>Kinh tế; Quản lý</dc:subject><dc:subject>Kinh tế</dc:subject>").subjects == [
        "Kinh tế", "Quản lý"]


def test_decomposed_vietnamese_with_a_dash_or_symbol_is_not_taken_for_a_legacy_font():
    """NFD text (macOS input, some exporters) has no precomposed ệ/ư to show it is Unicode; its en dash,
    ©, curly quotes or ellipsis are also TCVN3/VNI bytes, and were "converted": "–" became "Ọ"."""
    for title in ("Lịch sử Việt Nam – Tập 1", "Văn học Việt Nam © 2019", "Những “câu chuyện” kể",
                  "Tuyển tập thơ… Nguyễn Du", "Cà phê – sách"):
        for fmt in ("marcxml", "iso2709"):
            record = normalize(data_field("245", "10", "a", unicodedata.normalize("NFD", title)), fmt=fmt)
            assert (record.title, record.repairs) == (title, ["245$a: decomposed Unicode composed to NFC"]), fmt
        payload = f"<dc:subject>{unicodedata.normalize('NFD', title)}</dc:subject>"
        assert oai_dc(payload).subjects == [title]


def test_dspace_and_vietnamese_dc_types_give_the_material_type():
    """Vietnamese university repositories (DSpace) type theses "Thesis", "Luận văn", "Luận án" beside
    "Text": the record is a thesis (facet "Luận văn, luận án"), not an unknown material."""
    def kind(*types: str) -> str:
        return oai_dc("".join(f"<dc:type>{t}</dc:type>" for t in types)).material_type
    assert [kind("Thesis"), kind("Text", "Luận văn"), kind("Luận án tiến sĩ"), kind("Khóa luận tốt nghiệp"),
            kind("Tạp chí"), kind("Giáo trình"), kind("Bản đồ"), kind("Text")] == [
        "thesis", "thesis", "thesis", "thesis", "serial", "book", "map", "book"]


def test_an_academic_title_typed_before_a_vietnamese_name_is_not_part_of_the_name():
    """"PGS.TS. Nguyễn Văn A" in 100 $a (or a DSpace creator) is the same author as "Nguyễn Văn A"."""
    record = normalize(TITLE, data_field("100", "0 ", "a", "PGS.TS. Nguyễn Văn A"),
                       data_field("700", "0 ", "a", "ThS Trần Thị B"),
                       data_field("700", "0 ", "a", "GS. TSKH. Lê Văn C,"), data_field("700", "0 ", "a", "BS."))
    assert record.authors == ["Nguyễn Văn A", "Trần Thị B", "Lê Văn C", "BS."]
    assert oai_dc("<dc:creator>TS. Nguyễn Văn A</dc:creator>").authors == ["Nguyễn Văn A"]


def test_several_languages_typed_into_one_041_a_or_dc_language_give_the_first():
    record = normalize(TITLE, data_field("041", "0 ", "a", "vie ; eng"))
    assert record.language == "vie"
    assert oai_dc("<dc:language>vi; en</dc:language>").language == "vie"
    assert oai_dc("<dc:language>Tiếng Việt, Tiếng Anh</dc:language>").language == "vie"


def test_koha_dc_creator_without_dates_gives_the_name_without_its_relator():
    """Koha's MARC21slim2OAIDC.xsl writes the whole 100/700 as dc:creator; Vietnamese names seldom
    have dates, so the relator follows the name directly: "Nguyễn Nhật Ánh, tác giả."."""
    record = oai_dc("<dc:creator>Nguyễn Nhật Ánh, tác giả.</dc:creator><dc:creator>Trần Văn Giàu, ch.b.</dc:creator>"
                    "<dc:creator>Lê Văn C,dịch, h.đ.</dc:creator><dc:creator>Smith, John, editor.</dc:creator>"
                    "<dc:creator>Smith, D.</dc:creator><dc:creator>Smith, Ed</dc:creator>"
                    "<dc:creator>Phạm, Văn Đồng, chủ biên</dc:creator>")
    assert record.authors == ["Nguyễn Nhật Ánh", "Trần Văn Giàu", "Lê Văn C", "Smith, John", "Smith, D.", "Smith, Ed",
                              "Phạm Văn Đồng"]
    marc = normalize(TITLE, data_field("100", "0 ", "a", "Nguyễn Văn A, ch.b."))
    assert (marc.authors, marc.names[0].relators) == (["Nguyễn Văn A"], ["ch.b."])


def test_initials_after_a_surname_are_not_a_relator():
    """"Smith, M.H." or "Nguyen, B.T." lost the initials: M.H. (minh họa), B.T. (biên tập), S.T.,
    B.S., B.D. are role abbreviations, and the role list after a comma matches them in capitals."""
    record = oai_dc("<dc:creator>Smith, M.H.</dc:creator><dc:creator>Nguyen, B.T.</dc:creator>")
    assert record.authors == ["Smith, M.H.", "Nguyen, B.T."]
    marc = normalize(TITLE, data_field("100", "1 ", "a", "Brown, S.T."))
    assert marc.authors == ["Brown, S.T."] and marc.names[0].relators == []
