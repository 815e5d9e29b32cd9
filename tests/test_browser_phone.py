"""The librarians' page on a 360 px wide phone in headless Chromium: nothing may push the page sideways.

A page wider than the screen makes every line of text scroll left and right under the thumb
(WCAG 1.4.10 Reflow); only the holdings table may scroll, inside its own box.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser_helpers import headless_chromium, require_chromium

from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from store.models import Holding, UnionRecord
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, union

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PHONE_WIDTH_PX = 360
LONG_URL = ("https://opac.thuvien.haugiang.example/cgi-bin/koha/opac-detail.pl?biblionumber=TVT000075123456789"
            "&query=lich-su-dia-phuong-hau-giang")
LONG_WORD = "Tàiliệuhướngdẫnsửdụnghệthốngthưviệnđiệntửdànhchocánbộthưviệncấphuyện_phiênbản2024"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("phone")
    settings = make_settings(work / "data", LIBRARIES)
    (work / "data").mkdir()
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [
            # Held by a library with an OPAC link: each row ends in "Xem tại thư viện".
            UnionRecord(id="opac1", title="Sổ tay thư viện", year=2020, members=["tv-tinh:1", "tv-long-my:2"],
                        holdings=[Holding(library="tv-tinh", call_number="025.04076597 SO450", location="Kho mở tầng 3",
                                          record_id="tv-tinh:1"),
                                  Holding(library="tv-long-my", call_number="025.04 S", record_id="tv-long-my:2")]),
            union("long1", LONG_WORD, ("tv-tinh",), year=2024, language="vie", notes=["Toàn văn: " + LONG_URL],
                  subjects=["Thưviệnhọc--Tinhọcứngdụng--Phầnmềmquảnlýthưviện"], publisher=LONG_URL),
        ])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            yield url


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    with headless_chromium(tmp_path_factory.mktemp("chromium-phone-profile")) as driver:
        driver.set_window_size(PHONE_WIDTH_PX, 800)
        yield driver


def _sideways_overflow_px(driver) -> int:
    return driver.execute_script("var d = document.documentElement; return d.scrollWidth - d.clientWidth")


def test_record_page_with_opac_links_does_not_scroll_sideways_on_a_phone(site, phone):
    """The OPAC link's hidden library name escaped the table's scroll box and widened the whole page."""
    phone.get(site + "/records/opac1")
    assert phone.find_elements(By.CSS_SELECTOR, ".holding a[href]")
    wrap = phone.find_element(By.CSS_SELECTOR, ".table-wrap")
    assert phone.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", wrap)  # it scrolls
    assert _sideways_overflow_px(phone) == 0


@pytest.mark.parametrize("path", ["/records/long1", "/?year=2024"])
def test_long_words_and_urls_wrap_on_a_phone(site, phone, path):
    """A title with no spaces, a URL in a note or a publisher: the text wraps instead of widening the page."""
    phone.get(site + path)
    assert LONG_WORD in phone.page_source
    assert _sideways_overflow_px(phone) == 0


def test_holdings_table_scrolls_from_the_keyboard_and_is_named(site, phone):
    """The table's box scrolls sideways on a phone; a keyboard user must be able to focus it to scroll
    (WCAG 2.1.1), and a screen reader names the region after its heading."""
    phone.get(site + "/records/opac1")
    wrap = phone.find_element(By.CSS_SELECTOR, ".table-wrap")
    assert phone.execute_script("arguments[0].focus(); return document.activeElement === arguments[0]", wrap)
    wrap.send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(phone, 5).until(lambda d: d.execute_script("return arguments[0].scrollLeft", wrap) > 0)
    heading = phone.find_element(By.ID, wrap.get_attribute("aria-labelledby"))
    assert wrap.get_attribute("role") == "region" and heading.text.startswith("Thư viện có tài liệu này")


def test_status_page_tables_scroll_in_their_boxes_on_a_phone(site, phone):
    """The department's /status tables (six columns) scroll in their own boxes; the page does not."""
    phone.get(site + "/status")
    assert len(phone.find_elements(By.CSS_SELECTOR, "tr.library-status")) == len(LIBRARIES)
    assert phone.find_element(By.CSS_SELECTOR, ".run-never").text == "Chưa chạy"
    assert _sideways_overflow_px(phone) == 0
