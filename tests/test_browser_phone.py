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
from store.models import HarvestRun, Holding, Rejected, UnionRecord
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
            # Held by a library with an OPAC link: each row ends in "Xem trong mục lục của thư viện".
            UnionRecord(id="opac1", title="Sổ tay thư viện", year=2020, members=["tv-tinh:1", "tv-long-my:2"],
                        holdings=[Holding(library="tv-tinh", call_number="025.04076597 SO450", location="Kho mở tầng 3",
                                          record_id="tv-tinh:1"),
                                  Holding(library="tv-long-my", call_number="025.04 S", record_id="tv-long-my:2")]),
            union("long1", LONG_WORD, ("tv-tinh",), year=2024, language="vie", notes=["Toàn văn: " + LONG_URL],
                  subjects=["Thưviệnhọc--Tinhọcứngdụng--Phầnmềmquảnlýthưviện"], publisher=LONG_URL),
        ])
        build_index(store, settings)
        # For /status: a library whose file held five unreadable records, and a run that failed.
        store.save_harvest_rejects("tv-long-my", [
            Rejected(library="tv-long-my", local_id=f"LM{i}", stage="harvest", reason=f"duplicate 001 'LM{i}'; first at #{i}")
            for i in range(5)])
        run_id = store.start_run("tv-tinh")
        store.finish_run(run_id, HarvestRun(library="tv-tinh", started_at="2026-11-27T19:30:00Z",
                                            finished_at="2026-11-27T19:31:05Z", duration_s=65.5, status="failed",
                                            errors=["Connection refused: http://127.0.0.1:9/oai"]))
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


def test_status_page_names_the_first_records_a_library_could_not_deliver(site, phone):
    """The page showed "5 lỗi" and no more: the officer had to ask for `unioncat status` to learn which
    records to send back to the library. Now the first three are named, with why, as the CLI does."""
    phone.get(site + "/status")
    row = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-long-my']")
    assert "5 biểu ghi không xử lý được" in row.text
    items = [li.text for li in row.find_elements(By.CSS_SELECTOR, ".rejects li")]
    assert items[:3] == [f"LM{i} (thu thập): duplicate 001 'LM{i}'; first at #{i}" for i in range(3)], items
    assert items[3:] == ["… và 2 biểu ghi khác"]
    assert _sideways_overflow_px(phone) == 0


def test_status_page_marks_the_english_messages_as_english(site, phone):
    """Harvest errors and reject reasons are English (they come from the servers and the parsers); a screen
    reader read "Connection refused" with Vietnamese rules (WCAG 3.1.2)."""
    phone.get(site + "/status")
    error = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-tinh'] .errors li")
    reason = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-long-my'] .rejects .reason")
    for element in (error, reason):
        assert phone.execute_script("return arguments[0].matches(':lang(en)')", element), element.text
    assert phone.execute_script("return arguments[0].matches(':lang(vi)')",
                                phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-tinh'] .run-status"))


def test_status_page_writes_numbers_the_vietnamese_way(site, phone):
    """"65.5 giây" and "+0 mới, 0 sửa, −0 xoá": a decimal point where Vietnamese writes a comma, and signs a
    Vietnamese screen reader voices as "cộng" and "trừ". Now "65,5 giây" and "thêm 0, sửa 0, xoá 0"."""
    phone.get(site + "/status")
    row = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-tinh']")
    assert "65,5 giây" in row.text and "65.5" not in row.text
    assert "thêm 0, sửa 0, xoá 0" in row.text and "−" not in row.text and "+" not in row.text


def test_status_page_tables_are_found_by_heading_and_named(site, phone):
    """The libraries' table had only a caption: a screen reader user jumping by heading (H in NVDA, the rotor
    in VoiceOver) went from the page title straight to the processing steps, past the main table."""
    phone.get(site + "/status")
    headings = [h.text for h in phone.find_elements(By.CSS_SELECTOR, "h1, h2")]
    assert headings == ["Tình trạng thu thập dữ liệu", "Các thư viện", "Các bước xử lý sau thu thập"], headings
    names = [t.accessible_name for t in phone.find_elements(By.CSS_SELECTOR, "table")]
    assert names == ["Các thư viện", "Các bước xử lý sau thu thập"], names


def test_lower_case_operator_hint_offers_the_search_in_the_page_words(site, phone):
    """"Toán tử phải viết hoa: so tay OR zzz" used a word ("toán tử") the page uses nowhere else (its hint
    says "Kết hợp (viết hoa)") and did not say the link searches; it now asks as the typo suggestion does."""
    phone.get(site + "/?q=so+tay+or+zzz")
    hint = phone.find_element(By.ID, "operators-hint")
    assert hint.text == "Có phải bạn muốn tìm: so tay OR zzz? Để kết hợp các từ, viết hoa AND, OR, NOT.", hint.text
    hint.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(phone, 10).until(lambda d: "OR" in d.current_url)
    assert int(phone.find_element(By.ID, "total").text) == 1


def test_status_table_keeps_readable_columns_and_the_library_in_view_on_a_phone(site, phone):
    """At 360 px the six columns were squeezed into the screen: "Thư / viện / tỉnh / Hậu / Giang", one word a
    line, every row a screen high. The table now keeps readable columns and scrolls in its box, with each
    row's library name held at the left edge while the officer scrolls to the errors."""
    phone.get(site + "/status")
    name = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-tinh'] .library-name")
    line_px = float(phone.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", name))
    assert name.rect["height"] <= 2 * line_px + 1, (name.rect, line_px)  # "Thư viện tỉnh Hậu Giang" in two lines
    wrap = phone.find_element(By.CSS_SELECTOR, ".table-wrap")
    before = name.rect["x"]
    phone.execute_script("arguments[0].scrollLeft = arguments[0].scrollWidth", wrap)
    errors = phone.find_element(By.CSS_SELECTOR, "tr[data-library='tv-tinh'] .errors")
    WebDriverWait(phone, 5).until(lambda d: errors.rect["x"] < PHONE_WIDTH_PX)
    assert 0 <= name.rect["x"] <= before  # the row header stayed at the left edge, in view
    assert _sideways_overflow_px(phone) == 0


# The share of an element's area that something else is drawn over, sampled every 4 px in each of its
# line boxes (a link that wraps does not fill its bounding box).
COVERED_JS = """var e = arguments[0], covered = 0, points = 0;
[...e.getClientRects()].forEach(function (r) {
  for (var x = r.left + 1; x < r.right; x += 4) for (var y = r.top + 1; y < r.bottom; y += 4) {
    points++; var top = document.elementFromPoint(x, y); if (!(top === e || e.contains(top))) covered++; } });
return points ? covered / points : 1;"""


def test_a_link_tabbed_to_in_the_scrolled_status_table_is_not_hidden_under_the_library_column(site, phone):
    """With the libraries' table scrolled to the errors, Tab to "N tài liệu tra cứu được" scrolled the link
    to the box's left edge, under the library column that stays there: the focused link was entirely
    hidden (WCAG 2.4.11 Focus Not Obscured)."""
    phone.get(site + "/status")
    wrap = phone.find_element(By.CSS_SELECTOR, ".table-wrap")
    phone.execute_script("arguments[0].focus(); arguments[0].scrollLeft = arguments[0].scrollWidth", wrap)
    WebDriverWait(phone, 5).until(lambda d: d.execute_script("return arguments[0].scrollLeft", wrap) > 0)
    wrap.send_keys(Keys.TAB)
    link = phone.switch_to.active_element
    assert link.text.endswith("tài liệu tra cứu được"), link.text
    assert phone.execute_script(COVERED_JS, link) == 0
