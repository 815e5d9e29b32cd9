"""A record's "other editions" (same folded title and author key) hold the other volumes of a set
too: the list showed "Toán học cao cấp, Nxb. Giáo dục, 2012" three times, with nothing to tell
Tập 1 from T.3, in the JSON (no `part`) and on the page."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from search_api import create_app
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union

SET = {"authors": ["Nguyễn Đình Trí"], "publisher": "Nxb. Giáo dục", "work_key": "toan hoc cao cap / tri"}
TEXTBOOK = {"publisher": "NXB Giáo dục", "year": 2021, "work_key": "toan 12 /"}


@pytest.fixture
def client(store, data_dir) -> Iterator[httpx.Client]:
    settings = make_settings(data_dir, LIBRARIES)
    catalog = index_records(store, settings, [
        union("v1", "Toán học cao cấp", ("tv-tinh",), part="Tập 1", year=2012, **SET),
        union("v3", "Toán học cao cấp", ("tv-tinh",), part="T.3", year=2012, **SET),
        union("v2", "Toán học cao cấp", ("tv-long-my",), part="tập 2", year=2012, **SET),
        union("v10", "Toán học cao cấp", ("tv-long-my",), part="Tập 10", year=2012, **SET),
        union("old1", "Toán học cao cấp", ("tv-tinh",), part="Tập 1", year=1998, publisher="Nxb. Đại học"
              " và Trung học chuyên nghiệp", authors=SET["authors"], work_key=SET["work_key"]),
        union("one", "Toán học cao cấp", ("thpt-vi-thanh",), year=2020, **SET),  # a one-volume edition
        # Volumes told apart by the subtitle alone ("Toán 12 : $b Tập 1"), with no $n: part is null.
        union("t1", "Toán 12", ("tv-tinh",), subtitle="Tập 1", **TEXTBOOK),
        union("t2", "Toán 12", ("tv-long-my",), subtitle="Tập 2", **TEXTBOOK),
    ])
    with serve_in_thread(create_app(settings, store, catalog)) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def test_other_editions_say_which_volume_each_is_with_its_year_and_publisher(client):
    others = client.get("/api/records/v1").json()["other_editions"]
    # Newest first; the volumes of one year in their order (2 before 10), as catalogued.
    assert [(e["id"], e["part"], e["year"]) for e in others] == [
        ("one", None, 2020), ("v2", "tập 2", 2012), ("v3", "T.3", 2012), ("v10", "Tập 10", 2012),
        ("old1", "Tập 1", 1998)]
    assert others[-1]["publisher"] == "Nxb. Đại học và Trung học chuyên nghiệp"


def test_the_record_page_names_each_other_editions_volume(client):
    page = client.get("/records/v1").text
    items = [re.sub(r"<[^>]+>", "", html.unescape(li)).strip()
             for li in re.findall(r'<li class="edition">(.*?)</li>', page, re.S)]
    assert items == [
        "Toán học cao cấp, Nxb. Giáo dục, 2020 (1 thư viện)",
        "Toán học cao cấp. tập 2, Nxb. Giáo dục, 2012 (1 thư viện)",
        "Toán học cao cấp. T.3, Nxb. Giáo dục, 2012 (1 thư viện)",
        "Toán học cao cấp. Tập 10, Nxb. Giáo dục, 2012 (1 thư viện)",
        "Toán học cao cấp. Tập 1, Nxb. Đại học và Trung học chuyên nghiệp, 1998 (1 thư viện)"]
    assert "Các lần xuất bản và các tập khác" in page


def test_other_editions_keep_the_subtitle_that_tells_two_volumes_apart(client):
    """Volumes catalogued "Toán 12 : $b Tập 1" and "Tập 2" (kept apart by dedupe, part null) listed each
    other as "Toán 12, NXB Giáo dục, 2021": the same book, to a reader, in the JSON and on the page."""
    this = client.get("/api/records/t1").json()
    assert [(e["title"], e["subtitle"], e["part"]) for e in this["other_editions"]] == [("Toán 12", "Tập 2", None)]
    assert "subtitle" in client.get("/openapi.json").json()["components"]["schemas"]["EditionOut"]["properties"]
    page = client.get("/records/t1").text
    [item] = [re.sub(r"<[^>]+>", "", html.unescape(li)).strip()
              for li in re.findall(r'<li class="edition">(.*?)</li>', page, re.S)]
    assert item.startswith("Toán 12: Tập 2, ")
