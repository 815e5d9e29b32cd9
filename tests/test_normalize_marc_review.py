"""MARC as Vietnamese libraries catalogue it, through the file modes (`unioncat normalize --input`,
`unioncat dedupe --input`): which language, material type and fields a record keeps (review)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pymarc
from typer.testing import CliRunner

from dedupe.merge import merge_cluster
from harvester.cli import app
from search_api import create_app
from store import Record

try:
    from tests.conftest import make_settings
    from tests.test_api import serve_in_thread
    from tests.test_index import LIBRARIES, index_records
    from tests.test_normalize_support import data_field, iso2709, marc_record
except ImportError:
    from conftest import make_settings
    from test_api import serve_in_thread
    from test_index import LIBRARIES, index_records
    from test_normalize_support import data_field, iso2709, marc_record

# Koha's default 008 template, often left as it came: language "eng".
KOHA_DEFAULT_008 = "191104b        xxu||||| |||| 00| 0 eng d"


def normalized(tmp_path: Path, library: str, *records: pymarc.Record) -> list[Record]:
    """The Records `unioncat normalize --input FILE --output -` writes for `records` (ISO 2709)."""
    path = tmp_path / f"{library}.mrc"
    path.write_bytes(b"".join(iso2709(record) for record in records))
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", "-", "--library", library])
    assert result.exit_code == 0, result.output
    return [Record.model_validate_json(line) for line in result.stdout.splitlines() if line.startswith("{")]


def clusters(tmp_path: Path, records: list[Record]) -> set[frozenset[str]]:
    """The clusters `unioncat dedupe --input records.jsonl --output -` makes of `records`."""
    source = tmp_path / "records.jsonl"
    source.write_text("".join(record.to_json_line() + "\n" for record in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", "-"])
    assert result.exit_code == 0, result.output
    return {frozenset(json.loads(line)["members"]) for line in result.stdout.splitlines() if line.startswith("{")}


@contextmanager
def served(tmp_path: Path, store, data_dir: Path, records: list[Record]) -> Iterator[httpx.Client]:
    """The search API over `records` deduped (file mode), merged and indexed as the pipeline does; each
    union record's id is `union_id` of its smallest member id."""
    settings = make_settings(data_dir, LIBRARIES)
    by_id = {record.id: record for record in records}
    unions = [merge_cluster(union_id(min(members)), [by_id[rid] for rid in members])
              for members in clusters(tmp_path, records)]
    catalog = index_records(store, settings, unions)
    with serve_in_thread(create_app(settings, store, catalog)) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def union_id(record_id: str) -> str:
    return record_id.replace(":", "-")


def page_field(page: str, label: str) -> str:
    """The text of the record page's field labelled `label` (its <dd>), tags and escapes undone."""
    found = re.search(rf"<dt>{label}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"no {label} on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def test_041_a_beats_koha_default_008_language_and_copies_with_one_isbn_merge(tmp_path):
    title = data_field("245", "10", "a", "Đất rừng phương Nam")
    isbn = data_field("020", "  ", "a", "9786042123457")
    koha = normalized(tmp_path, "tv-a", marc_record(data_field("041", "0 ", "a", "vie"), isbn, title,
                                                    f008=KOHA_DEFAULT_008))
    other = normalized(tmp_path, "tv-b", marc_record(isbn, title, f008="191104s2019    vm a          000 1 vie d"))
    assert [r.language for r in koha + other] == ["vie", "vie"]
    assert clusters(tmp_path, koha + other) == {frozenset({koha[0].id, other[0].id})}
    # 008 alone still gives the language of a title not written in Vietnamese.
    english = data_field("245", "14", "a", "The sorrow of war")
    assert normalized(tmp_path, "tv-c", marc_record(english, f008=KOHA_DEFAULT_008))[0].language == "eng"


def test_koha_default_eng_with_no_041_over_a_vietnamese_title_is_vie_and_merges_with_its_copies(tmp_path):
    vietnamese = [("Sách tiếng Việt",), ("LỊCH SỬ ĐẢNG BỘ TỈNH HẬU GIANG",), ("Atlas :", "b", "tỉnh Hậu Giang")]
    english = [("The sorrow of war",), ("Ho Chi Minh :", "b", "a life"), ("Saigon",), ("Phở :", "b", "a cookbook"),
               ("Hồ Chí Minh :", "b", "a life")]
    records = normalized(tmp_path, "tv-a", *(marc_record(data_field("245", "10", "a", *title), f008=KOHA_DEFAULT_008,
                                                        control_001=f"K{n}")
                                            for n, title in enumerate(vietnamese + english)))
    assert [r.language for r in records] == ["vie"] * len(vietnamese) + ["eng"] * len(english)
    noted = [any(note.startswith("008/35-37") for note in r.repairs) for r in records]
    assert noted == [True] * len(vietnamese) + [False] * len(english)
    # Another library's copy, catalogued vie: one book, no longer kept apart by language.
    title = data_field("245", "10", "a", "Lịch sử Đảng bộ tỉnh Hậu Giang")
    imprint = data_field("260", "  ", "a", "Hậu Giang :", "b", "Tỉnh uỷ Hậu Giang,", "c", "2019")
    koha = normalized(tmp_path, "tv-b", marc_record(title, imprint, f008=KOHA_DEFAULT_008))
    other = normalized(tmp_path, "tv-c", marc_record(title, imprint, f008="191104s2019    vm a          000 0 vie d"))
    assert clusters(tmp_path, koha + other) == {frozenset({koha[0].id, other[0].id})}


ARTICLE = "ab"  # leader/06-07: language material, a component part of a serial
ARTICLE_TITLE = data_field("245", "10", "a", "Nâng cao chất lượng giáo dục đạo đức cho học sinh")
YEAR_2020 = data_field("260", "  ", "c", "2020")


def test_an_article_is_typed_article_keeps_its_host_and_is_never_one_with_another_journals(
        tmp_path, store, data_dir):
    journal = data_field("773", "0 ", "t", "Tạp chí Giáo dục", "g", "Số 480, tr. 45-48", "x", "2354-0753")
    article = normalized(tmp_path, "tv-tinh", marc_record(ARTICLE_TITLE, YEAR_2020, journal, leader_type=ARTICLE))
    # The same article at another library, which did not type the pages or the ISSN.
    copy = normalized(tmp_path, "tv-long-my", marc_record(
        ARTICLE_TITLE, YEAR_2020, data_field("773", "0 ", "t", "Tạp chí giáo dục.", "g", "Số 480"), leader_type=ARTICLE))
    other_journal = normalized(tmp_path, "thpt-vi-thanh", marc_record(ARTICLE_TITLE, YEAR_2020, data_field(
        "773", "0 ", "t", "Tạp chí Thiết bị giáo dục", "g", "Số 215, tr. 12-15"), leader_type=ARTICLE))
    book = normalized(tmp_path, "thpt-vi-thanh", marc_record(ARTICLE_TITLE, YEAR_2020, control_001="B1"))
    assert [r.material_type for r in article + copy + other_journal + book] == ["article"] * 3 + ["book"]
    host = article[0].host
    assert host and all(part in host for part in ("Tạp chí Giáo dục", "Số 480", "tr. 45-48", "2354-0753"))
    assert clusters(tmp_path, article + copy + other_journal + book) == {
        frozenset({article[0].id, copy[0].id}), frozenset({other_journal[0].id}), frozenset({book[0].id})}
    with served(tmp_path, store, data_dir, article + copy + other_journal + book) as http:
        found = http.get("/api/search", params={"q": "tạp chí thiết bị giáo dục 215"}).json()["hits"]
        assert [hit["id"] for hit in found] == [union_id(other_journal[0].id)]
        uid = union_id(min(article[0].id, copy[0].id))
        record = http.get(f"/api/records/{uid}").json()
        assert (record["material_type"], record["material_type_label"]) == ("article", "Bài trích")
        assert "Số 480" in record["host"]
        assert "Tạp chí Giáo dục, Số 480" in page_field(http.get(f"/records/{uid}").text, "Trích từ")


THESIS_008 = "220101s2022    vm a     m    000 0 vie d"  # 008/24-27 nature of contents: m, a thesis
DISSERTATION_NOTE = "Luận văn thạc sĩ Nông nghiệp--Trường Đại học Cần Thơ, 2022"


def test_a_marc_thesis_is_a_thesis_with_its_502_note_and_one_with_the_same_thesis_in_oai_dc(tmp_path):
    dc = tmp_path / "dh-a.xml"
    dc.write_text(
        '<collection xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><record id="DC1" datestamp="2024-09-22T07:35:35Z"><oai_dc:dc>'
        "<dc:title>Nghiên cứu nuôi cá tra ở Hậu Giang</dc:title><dc:creator>Lê Văn Cường</dc:creator>"
        "<dc:publisher>Trường Đại học Cần Thơ</dc:publisher><dc:date>2022</dc:date><dc:language>vie</dc:language>"
        "<dc:type>Luận văn</dc:type></oai_dc:dc></record></collection>", encoding="utf-8")
    result = CliRunner().invoke(app, ["normalize", "--input", str(dc), "--output", "-", "--library", "dh-a"])
    assert result.exit_code == 0, result.output
    from_dc = [Record.model_validate_json(line) for line in result.stdout.splitlines() if line.startswith("{")]
    fields = (data_field("100", "0 ", "a", "Lê Văn Cường"),
              data_field("245", "10", "a", "Nghiên cứu nuôi cá tra ở Hậu Giang :", "b", "luận văn thạc sĩ Nông nghiệp /",
                         "c", "Lê Văn Cường"),
              data_field("260", "  ", "a", "Cần Thơ :", "b", "Trường Đại học Cần Thơ,", "c", "2022"),
              data_field("300", "  ", "a", "85 tr."))
    note = data_field("502", "  ", "a", DISSERTATION_NOTE)
    by_008, by_note, printed = (normalized(tmp_path, library, record) for library, record in (
        ("tv-tinh", marc_record(*fields, f008=THESIS_008)), ("tv-long-my", marc_record(*fields, note)),
        ("tv-a", marc_record(*fields))))
    assert [r.material_type for r in from_dc + by_008 + by_note + printed] == ["thesis"] * 3 + ["book"]
    assert DISSERTATION_NOTE in by_note[0].notes
    assert clusters(tmp_path, from_dc + by_008 + by_note) == {frozenset(r.id for r in from_dc + by_008 + by_note)}


def test_an_e_book_is_electronic_apart_from_the_printed_book_and_its_856_links_are_shown(tmp_path, store, data_dir):
    fields = (data_field("100", "0 ", "a", "Nguyễn Thị Hồng"),
              data_field("260", "  ", "a", "Cần Thơ :", "b", "Đại học Cần Thơ,", "c", "2020"))
    title = data_field("245", "10", "a", "Giáo trình kinh tế vĩ mô")
    online_008 = "200101s2020    vm a    o     000 0 vie d"  # 008/23 form of item: o, online
    links = (data_field("856", "40", "u", "https://lib.example/ebook/123.pdf", "y", "Toàn văn <PDF>"),
             data_field("856", "40", "u", "javascript:alert(1)"), data_field("856", "42", "u", "ftp://lib.example/x"))
    by_008 = normalized(tmp_path, "tv-tinh", marc_record(title, *fields, *links, f008=online_008))
    by_gmd = normalized(tmp_path, "tv-long-my", marc_record(
        data_field("245", "10", "a", "Giáo trình kinh tế vĩ mô", "h", "[Tài liệu điện tử]"), *fields,
        data_field("856", "40", "u", "https://lib.example/ebook/123.pdf")))
    printed = normalized(tmp_path, "thpt-vi-thanh", marc_record(title, *fields, data_field("300", "  ", "a", "250 tr.")))
    assert [r.material_type for r in by_008 + by_gmd + printed] == ["ebook", "ebook", "book"]
    assert [(link.url, link.label) for link in by_008[0].links] == [("https://lib.example/ebook/123.pdf", "Toàn văn <PDF>")]
    assert clusters(tmp_path, by_008 + by_gmd + printed) == {
        frozenset({by_008[0].id, by_gmd[0].id}), frozenset({printed[0].id})}
    with served(tmp_path, store, data_dir, by_008 + by_gmd + printed) as http:
        uid = union_id(min(by_008[0].id, by_gmd[0].id))
        assert [link["url"] for link in http.get(f"/api/records/{uid}").json()["links"]] == [
            "https://lib.example/ebook/123.pdf"]
        page = http.get(f"/records/{uid}").text
        assert re.search(r'<a href="https://lib.example/ebook/123.pdf" rel="noopener">Toàn văn &lt;PDF&gt;</a>', page)
        assert "javascript:" not in page and "ftp:" not in page


def _caps_title(title: str, *fields: pymarc.Field, statement: str | None = None) -> pymarc.Record:
    pairs = ("a", title) + (("c", statement) if statement else ())
    return marc_record(data_field("245", "10", *pairs), *fields)


def test_an_all_caps_title_keeps_the_capitals_of_the_names_its_record_gives_and_of_a_few_listed(tmp_path):
    cases = [
        (_caps_title("NGUYỄN DU VÀ TRUYỆN KIỀU", data_field("600", "0 ", "a", "Nguyễn Du,", "d", "1765-1820"),
                     data_field("630", "00", "a", "Truyện Kiều")), "Nguyễn Du và Truyện Kiều"),
        (_caps_title("ĐẠI TƯỚNG VÕ NGUYÊN GIÁP", data_field("600", "0 ", "a", "Võ Nguyên Giáp")),
         "Đại tướng Võ Nguyên Giáp"),
        (_caps_title("THƠ TỐ HỮU", data_field("100", "0 ", "a", "Tố Hữu")), "Thơ Tố Hữu"),
        (_caps_title("THƠ TỐ HỮU", statement="Tố Hữu ; Hà Minh Đức tuyển chọn"), "Thơ Tố Hữu"),
        (_caps_title("HARRY POTTER VÀ HÒN ĐÁ PHÙ THỦY", data_field("600", "1 ", "a", "Potter, Harry")),
         "Harry Potter và hòn đá phù thủy"),
        (_caps_title("GIÁO TRÌNH TRIẾT HỌC MÁC - LÊNIN"), "Giáo trình triết học Mác - Lênin"),
        (_caps_title("CHỦ NGHĨA MÁC-LÊNIN"), "Chủ nghĩa Mác-Lênin"),
        (_caps_title("TIẾNG ANH 6"), "Tiếng Anh 6"),
        (_caps_title("CHỦ TỊCH HỒ CHÍ MINH VỚI MIỀN NAM"), "Chủ tịch Hồ Chí Minh với miền nam"),
        # Conservative: a heading typed in capitals, a subject that is no name, or a statement naming
        # no person teach nothing; "anh" outside "tiếng Anh" is a word.
        (_caps_title("NGUYỄN DU VÀ TRUYỆN KIỀU", data_field("100", "0 ", "a", "NGUYỄN DU"),
                     data_field("650", " 7", "a", "Truyện Kiều")), "Nguyễn du và truyện kiều"),
        (_caps_title("NHIỀU TÁC GIẢ VÀ ANH EM", statement="Nhiều tác giả"), "Nhiều tác giả và anh em"),
    ]
    for n, (record, _) in enumerate(cases):
        record.get_fields("001")[0].data = f"T{n}"
    records = normalized(tmp_path, "tv-tinh", *(record for record, _ in cases))
    assert [record.title for record in records] == [title for _, title in cases]


def test_a_varying_title_246_is_kept_searched_as_a_title_and_shown(tmp_path, store, data_dir):
    book = normalized(tmp_path, "tv-tinh", marc_record(
        data_field("245", "10", "a", "Harry Potter và hòn đá phù thủy /", "c", "J.K. Rowling ; Lý Lan dịch"),
        data_field("246", "31", "a", "Harry Potter and the philosopher's stone"),
        data_field("246", "1 ", "i", "Nhan đề gáy sách:", "a", "Hòn đá phù thủy")))
    assert book[0].other_titles == ["Harry Potter and the philosopher's stone", "Hòn đá phù thủy"]
    with served(tmp_path, store, data_dir, book) as http:
        uid = union_id(book[0].id)
        for q in ("philosopher stone", "nhan đề:philosopher"):
            assert [hit["id"] for hit in http.get("/api/search", params={"q": q}).json()["hits"]] == [uid], q
        assert "Harry Potter and the philosopher's stone" in http.get(f"/api/records/{uid}").json()["other_titles"]
        shown = page_field(http.get(f"/records/{uid}").text, "Nhan đề khác")
        assert shown == "Harry Potter and the philosopher's stone; Hòn đá phù thủy"


STALE_008 = "190305s2019    vm a          000 1 vie d"  # copied from the 2019 printing's record


def test_a_reprint_s_imprint_year_beats_the_008_copied_from_the_earlier_printing(tmp_path):
    def book(year: str, *edition: pymarc.Field) -> pymarc.Record:
        return marc_record(data_field("100", "0 ", "a", "Đoàn Giỏi"), data_field("245", "10", "a", "Đất rừng phương Nam"),
                           *edition, data_field("260", "  ", "a", "H. :", "b", "Kim Đồng,", "c", year),
                           data_field("300", "  ", "a", "300 tr."), f008=STALE_008)
    reprint = data_field("250", "  ", "a", "Tái bản lần thứ 5")
    copied = normalized(tmp_path, "tv-tinh", book("2021", reprint))
    other = normalized(tmp_path, "tv-long-my", marc_record(
        data_field("100", "0 ", "a", "Đoàn Giỏi"), data_field("245", "10", "a", "Đất rừng phương Nam"), reprint,
        data_field("260", "  ", "a", "H. :", "b", "Kim Đồng,", "c", "2021"), data_field("300", "  ", "a", "300 tr.")))
    assert [r.year for r in copied + other] == [2021, 2021]
    assert clusters(tmp_path, copied + other) == {frozenset({copied[0].id, other[0].id})}
    # 008 stands without an edition statement, beside an earlier or an unsure imprint year, or several.
    kept = [book("2021"), book("2017", reprint), book("[2021?]", reprint), book("2021, c2018", reprint)]
    for n, record in enumerate(kept):
        record.get_fields("001")[0].data = f"K{n}"
    assert [r.year for r in normalized(tmp_path, "thpt-vi-thanh", *kept)] == [2019] * 4
