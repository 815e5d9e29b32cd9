"""The managing department's page /status: each library's state in Vietnamese, in Vietnam time."""

from __future__ import annotations

from pathlib import Path

import httpx
import lxml.html

from config.settings import load_settings
from harvester.lock import run_lock
from harvester.provider import serve_fixtures
from index import SearchIndex
from search_api import create_app
from search_api.routes.status import vi_number, vietnam_time
from store import CatalogStore, RawRecord
from store.models import HarvestRun, Rejected
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_harvest_report import unioncat, write_config
from tests.test_harvest_run import closed_port
from tests.test_harvest_support import write_marc_collection
from tests.test_index import LIBRARIES


def test_status_page_puts_the_failed_library_first_with_its_error(tmp_path: Path):
    source = write_marc_collection(tmp_path / "tv-tinh.xml", 7)
    with serve_fixtures({"tv-tinh": source}, batch_size=5) as provider:
        config = write_config(tmp_path / "unioncat.toml", provider.url("tv-tinh"),
                              f"http://127.0.0.1:{closed_port()}/oai")
        assert unioncat("update", "--config", str(config)).returncode == 3

    settings = load_settings(config)
    with CatalogStore(settings.db_path) as store:
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            response = httpx.get(f"{url}/status", timeout=10)
            home = httpx.get(f"{url}/", timeout=10).text
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = lxml.html.fromstring(response.text)
    rows = page.xpath("//tr[contains(@class, 'library-status')]")
    # The library that failed comes first, marked, with the error as the harvest recorded it.
    assert [row.get("data-library") for row in rows] == ["down", "tv-tinh"]
    down, ok = rows
    assert "attention" in down.get("class") and "attention" not in ok.get("class")
    assert down.xpath(".//span[contains(@class, 'run-status')]")[0].text == "Lỗi" and down.xpath(".//strong[@class='overdue']")[0].text == "Quá hạn"
    assert "Connection refused" in down.xpath(".//td[@class='errors']//li")[0].text_content()
    assert "Chưa lần nào" in down.text_content()
    assert ok.xpath(".//span[contains(@class, 'run-status')]")[0].text == "Thành công" and ok.xpath(".//span[@class='records']")[0].text == "7"
    assert ok.xpath(".//a[@href='/?library=tv-tinh']")[0].text == "7 tài liệu tra cứu được"
    assert page.get_element_by_id("attention").text_content().startswith("1 thư viện cần xem lại")
    stages = {row.get("data-stage"): row for row in page.xpath("//tr[@class='stage-status']")}
    assert list(stages) == ["normalize", "dedupe", "index"]
    assert all(row.xpath(".//span[contains(@class, 'run-status')]")[0].text == "Thành công" for row in stages.values())
    assert 'href="/status"' in home  # every page's footer leads there


def test_times_are_shown_in_vietnam_time():
    assert vietnam_time("2026-11-27T16:40:05Z") == "27/11/2026 23:40"
    assert vietnam_time("2026-12-31T20:00:00Z") == "01/01/2027 03:00"  # the next day in Hậu Giang
    assert vietnam_time(None) == "" and vietnam_time("not a time") == "not a time"


def test_a_library_gone_from_the_registry_but_still_held_is_shown_with_what_to_do(tmp_path: Path):
    """`unioncat status` names a library removed from the registry whose records are still searchable;
    the department's page and /api/status left it out, so its titles were in the catalogue unexplained."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_harvest_page([RawRecord(library="tv-cu", local_id=str(i), format="marcxml", payload=b"<x/>")
                                 for i in range(3)])
        # A failed run whose error quotes the HTML page a proxy served: text on the page, not markup.
        run_id = store.start_run("tv-tinh")
        store.finish_run(run_id, HarvestRun(library="tv-tinh", started_at="2026-11-27T19:30:00Z",
                                            finished_at="2026-11-27T19:31:00Z", status="failed",
                                            errors=["HTML page instead of OAI-PMH: <script>alert(1)</script>"]))
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            page = httpx.get(f"{url}/status", timeout=10).text
            api = httpx.get(f"{url}/api/status", timeout=10).json()
    assert api["unregistered"] == [{"id": "tv-cu", "records": 3}]
    gone = lxml.html.fromstring(page).xpath("//*[@data-library='tv-cu']")
    assert gone and "3" in gone[0].text_content() and "unioncat purge tv-cu" in gone[0].text_content()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "28/11/2026 02:30" in page  # the run's start in Vietnam time


def test_a_harvest_still_running_shows_no_changes_yet(tmp_path: Path):
    """A run's counts are written when it ends: under way, '+0 mới, 0 sửa, −0 xoá' read as 'it changed nothing'."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store, run_lock(settings.data_dir):  # the run, alive
        store.start_run("tv-tinh")
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            page = lxml.html.fromstring(httpx.get(f"{url}/status", timeout=10).text)
    row = page.xpath("//tr[@data-library='tv-tinh']")[0]
    assert row.xpath(".//span[contains(@class, 'run-status')]")[0].text == "Đang chạy"
    assert "+0 mới" not in row.text_content()


def test_counts_are_grouped_by_thousands_with_dots_as_in_vietnamese():
    assert vi_number(2208) == "2.208" and vi_number(1234567) == "1.234.567" and vi_number(840) == "840"
    assert vi_number(65.5, 1) == "65,5" and vi_number(1234.25, 1) == "1.234,2" and vi_number(None) == ""


def test_the_status_page_reads_only_the_rejects_it_names(tmp_path: Path):
    """The page names a library's first three rejects but read them all, on every visit to a public
    page: a broken export of tens of thousands of records cost that much per view, holding the
    store's lock meanwhile.  The store now hands over only the first few."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_harvest_rejects("tv-tinh", [Rejected(library="tv-tinh", local_id=f"{i:05d}", stage="harvest",
                                                        reason="leader base address b'xxxxx' is not a number")
                                               for i in range(2000)])
        assert [r.local_id for r in store.rejects("tv-tinh", limit=3)] == ["00000", "00001", "00002"]
        assert len(store.rejects("tv-tinh")) == 2000
