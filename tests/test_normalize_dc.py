"""oai_dc records: what Dublin Core says is mapped, what it does not say stays empty."""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from store import Holding, RawRecord, Record, Rejected

from normalize import normalize_raw

DC = """<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
  <dc:title>Địa chí Hậu Giang : tập 1 </dc:title>
  <dc:title>Hau Giang gazetteer</dc:title>
  <dc:creator>Nguyễn Văn A.</dc:creator>
  <dc:creator>Trần, Thị B</dc:creator>
  <dc:subject>Địa chí</dc:subject>
  <dc:subject>Hậu Giang</dc:subject>
  <dc:description>Sách giới thiệu về tỉnh Hậu Giang.</dc:description>
  <dc:publisher>Nxb. Chính trị quốc gia</dc:publisher>
  <dc:date>c2015, in lần 2</dc:date>
  <dc:type>Text</dc:type>
  <dc:identifier>ISBN 978-0-306-40615-7</dc:identifier>
  <dc:identifier>0306406152</dc:identifier>
  <dc:identifier>ISBN 978-0-306-40615-8</dc:identifier>
  <dc:identifier>http://opac.example.vn/record/42</dc:identifier>
  <dc:language>Tiếng Việt</dc:language>
</oai_dc:dc>"""


def normalize(payload: str | bytes) -> Record | Rejected:
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    return normalize_raw(RawRecord(library="tv-vt", local_id="oai:vt:42", format="oai_dc", payload=data))


def test_oai_dc_record_maps_every_element():
    record = normalize(DC)
    assert record.id == "tv-vt:oai:vt:42"
    assert (record.title, record.subtitle) == ("Địa chí Hậu Giang", "tập 1")
    assert record.authors == ["Nguyễn Văn A", "Trần Thị B"]
    assert record.publisher == "Nxb. Chính trị quốc gia"
    assert record.year == 2015
    assert record.isbn == ["9780306406157"]
    assert record.invalid_isbn == ["9780306406158"]
    assert record.language == "vie"
    assert record.subjects == ["Địa chí", "Hậu Giang"]
    assert record.notes == ["Sách giới thiệu về tỉnh Hậu Giang"]
    assert record.material_type == "book"
    assert record.source_format == "oai_dc"
    assert record.holdings == [Holding(library="tv-vt", record_id="tv-vt:oai:vt:42")]


def test_oai_dc_leaves_unknown_fields_empty():
    record = normalize('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                       'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Truyện Kiều</dc:title>'
                       '<dc:date>không rõ</dc:date><dc:publisher>[s.n.]</dc:publisher></oai_dc:dc>')
    assert record.title == "Truyện Kiều"
    assert (record.year, record.publisher, record.language, record.pages) == (None, None, None, None)
    assert record.authors == [] and record.isbn == []
    assert record.material_type == "unknown"


def test_oai_dc_languages_map_to_iso_639_2():
    def language(value):
        return normalize('<dc xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>X</dc:title>'
                         f'<dc:language>{value}</dc:language></dc>').language
    assert [language(v) for v in ("vi", "vie", "Vietnamese", "en", "eng", "fr", "fra", "fre")] == \
        ["vie", "vie", "vie", "eng", "eng", "fre", "fre", "fre"]


def test_oai_dc_vni_title_is_converted():
    record = normalize('<dc xmlns:dc="http://purl.org/dc/elements/1.1/">'
                       '<dc:title>Lòch söû Haäu Giang</dc:title></dc>')
    assert record.title == "Lịch sử Hậu Giang"
    assert record.repairs == ["dc:title: VNI → Unicode"]


def test_oai_dc_without_title_is_rejected():
    result = normalize('<dc xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>A</dc:creator></dc>')
    assert isinstance(result, Rejected)
    assert "dc:title" in result.reason


def test_oai_dc_broken_xml_is_rejected():
    result = normalize(DC[:200])
    assert isinstance(result, Rejected) and "not well-formed" in result.reason


def test_an_oai_dc_holding_links_to_the_opac_by_the_local_part_of_the_oai_identifier():
    from config import LibraryConfig

    library = LibraryConfig(id="tv-tinh", name="T", type="provincial", district="D", protocol="oai-pmh",
                            url="https://opac.example.vn/oai", metadata_prefix="oai_dc",
                            opac_url="https://opac.example.vn/record/{id}")
    payload = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Truyện Kiều</dc:title></oai_dc:dc>')
    record = normalize_raw(RawRecord(library="tv-tinh", local_id="oai:tv-tinh:TVT000001", format="oai_dc",
                                     payload=payload.encode()), library)
    assert record.holdings[0].opac_url == "https://opac.example.vn/record/TVT000001"


def dc_record(body: str) -> Record | Rejected:
    return normalize('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                     f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>X</dc:title>{body}</oai_dc:dc>')


def test_oai_dc_year_passes_over_dspace_accession_timestamps():
    record = dc_record("<dc:date>2015-03-02T10:00:00Z</dc:date><dc:date>2015-03-02T10:00:00Z</dc:date>"
                       "<dc:date>1998</dc:date>")
    assert record.year == 1998 and record.repairs == []
    assert dc_record("<dc:date>2015-03-02T10:00:00Z</dc:date><dc:date>1998-05</dc:date>").year == 1998


def test_oai_dc_with_only_repository_timestamps_has_no_year_and_says_so():
    record = dc_record("<dc:date>2015-03-02T10:00:00Z</dc:date><dc:date>2015-03-02T10:00:00Z</dc:date>")
    assert record.year is None
    assert record.repairs == ["dc:date: only repository timestamps, no publication date; year left empty"]


def test_oai_dc_creator_from_koha_gives_the_name_without_dates_or_relator():
    record = dc_record("<dc:creator>Hugo, Victor, 1802-1885.</dc:creator>"
                       "<dc:creator>Nguyễn, Du, 1765-1820, tác giả.</dc:creator>"
                       "<dc:creator>Li, Xueqin, 1933-</dc:creator>")
    assert record.authors == ["Hugo, Victor", "Nguyễn Du", "Li, Xueqin"]


def test_oai_dc_publisher_in_isbd_form_is_split_into_place_and_publisher():
    record = dc_record("<dc:publisher>Tp. Hồ Chí Minh : Nxb. Trẻ,</dc:publisher>")
    assert (record.place, record.publisher) == ("Tp. Hồ Chí Minh", "Nxb. Trẻ")
    record = dc_record("<dc:publisher>[S.l.] : [s.n.]</dc:publisher><dc:publisher>Hà Nội : Giáo dục</dc:publisher>")
    assert (record.place, record.publisher) == ("Hà Nội", "Giáo dục")


@pytest.mark.parametrize("typed", ["H. : Giáo dục, 2019", "H. : Giáo dục, c2019.", "H. : Giáo dục, [2019?]"])
def test_oai_dc_publisher_typed_with_its_year_leaves_the_year_out(typed):
    record = dc_record(f"<dc:publisher>{typed}</dc:publisher>")
    assert (record.place, record.publisher) == ("H.", "Giáo dục")


@pytest.mark.parametrize("element", [
    "<{name}>{text}</{name}>",  # home-made providers: no namespace at all
    '<dcterms:{name} xmlns:dcterms="http://purl.org/dc/terms/">{text}</dcterms:{name}>',
    "<oai_dc:{name}>{text}</oai_dc:{name}>",
], ids=["no-namespace", "dcterms", "oai_dc-namespace"])
def test_dc_elements_outside_the_dc_namespace_are_read(element):
    """Every such record was rejected 'no dc:title in the oai_dc record; add the title in the library
    system', though its title was there: the librarian was sent to correct records that were right."""
    fields = [("title", "Lịch sử Việt Nam"), ("creator", "Trần Trọng Kim"), ("date", "2019")]
    body = "".join(element.format(name=name, text=text) for name, text in fields)
    record = normalize(f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/">{body}</oai_dc:dc>')
    assert isinstance(record, Record), record
    assert (record.title, record.authors, record.year) == ("Lịch sử Việt Nam", ["Trần Trọng Kim"], 2019)
    assert any("namespace" in note for note in record.repairs), record.repairs


def test_dcterms_beside_dc_elements_do_not_count_twice():
    record = normalize('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                       'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">'
                       "<dc:title>Một</dc:title><dcterms:title>Hai</dcterms:title></oai_dc:dc>")
    assert record.title == "Một" and record.repairs == []


MAP_AS_MARCXML = """<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nem a2200000 a 4500</leader>
  <controlfield tag="001">TVT000607</controlfield>
  <datafield tag="020" ind1=" " ind2=" "><subfield code="a">9786049522116</subfield></datafield>
  <datafield tag="110" ind1="2" ind2=" "><subfield code="a">Cục Đo đạc và Bản đồ Việt Nam.</subfield></datafield>
  <datafield tag="245" ind1="1" ind2="0"><subfield code="a">Bản đồ hành chính vùng đồng bằng sông Cửu Long/</subfield>
  </datafield>
  <datafield tag="260" ind1=" " ind2=" "><subfield code="a">Hà Nội:</subfield>
    <subfield code="b">Tài nguyên - Môi trường và Bản đồ Việt Nam,</subfield><subfield code="c">2018.</subfield></datafield>
  <datafield tag="300" ind1=" " ind2=" "><subfield code="a">1 bản đồ ;</subfield></datafield>
</record>"""


@pytest.mark.parametrize("dc_type, dc_format", [
    ("Image", "1 bản đồ"),  # Koha's DCMI type for a map (the demo's dh-vo-truong-toan VTT000050)
    ("Image", "1 tập bản đồ (32 tr.)"),  # an atlas: leader/06 e in the demo's MARC copies
    ("Text", "2 maps : col. ; 60 x 84 cm"),
    ("Bản đồ", "60 x 84 cm"),
])
def test_oai_dc_map_typed_as_a_general_image_is_a_map_as_its_marc_copy(dc_type, dc_format):
    """The same map was two union records, one 'visual' from oai_dc, one 'map' from MARC ('material
    book vs visual' in /why): the DCMI type 'Image' outranked the extent that said 'bản đồ'."""
    marc = normalize_raw(RawRecord(library="tv-tinh", local_id="TVT000607", format="marcxml",
                                   payload=MAP_AS_MARCXML.encode("utf-8")))
    dc = normalize_raw(RawRecord(library="dh-vo-truong-toan", local_id="VTT000050", format="oai_dc", payload=(
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Bản đồ hành chính vùng đồng bằng sông Cửu Long</dc:title>"
        "<dc:creator>Cục Đo đạc và Bản đồ Việt Nam</dc:creator>"
        "<dc:publisher>Nxb. Tài nguyên - Môi trường và Bản đồ Việt Nam</dc:publisher><dc:date>2018</dc:date>"
        f"<dc:identifier>9786049522116</dc:identifier><dc:format>{dc_format}</dc:format><dc:type>{dc_type}</dc:type>"
        "</oai_dc:dc>").encode("utf-8")))
    assert dc.material_type == marc.material_type
    clustering = cluster_records([marc, dc], DedupeSettings())
    assert len(set(clustering.cluster_of().values())) == 1


@pytest.mark.parametrize("dc_format", ["200 tr. : minh họa, bản đồ ; 24 cm", "320 tr."])
def test_oai_dc_book_with_maps_among_its_illustrations_stays_a_book(dc_format):
    assert dc_record(f"<dc:type>Text</dc:type><dc:format>{dc_format}</dc:format>").material_type == "book"


def test_an_isbn_labelled_identifier_a_digit_short_is_kept_with_a_repair_note():
    record = normalize('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                       'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Truyện Kiều</dc:title>'
                       '<dc:identifier>ISBN 978-604-111222</dc:identifier></oai_dc:dc>')
    assert (record.isbn, record.invalid_isbn) == ([], ["978604111222"])
    assert any("dc:identifier" in note and "978604111222" in note for note in record.repairs)
