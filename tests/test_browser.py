"""The librarians' page driven in headless Chromium: search, filter by a facet, open a record."""

from __future__ import annotations

import re

import pytest

from tests.browser_helpers import headless_chromium, require_chromium
from tests.e2e_helpers import ServerProcess, demo_config_copy, unioncat

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    config = demo_config_copy(tmp_path_factory.mktemp("browser"))
    unioncat("demo", "--no-serve", "--config", str(config))
    process = ServerProcess(config)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with headless_chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def test_librarian_searches_filters_and_opens_a_record(server, browser):
    wait = WebDriverWait(browser, 20)
    browser.get(server.base_url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"

    box = wait.until(EC.presence_of_element_located((By.ID, "q")))
    box.send_keys("lich su viet nam", Keys.ENTER)
    # The front page may list hits (what is new): wait for the answer's page, not for any hit.
    wait.until(EC.staleness_of(box))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    titles = [el.text for el in browser.find_elements(By.CSS_SELECTOR, ".hit-title")]
    assert any("Lịch sử Việt Nam" in title for title in titles)
    total_before = _numbers(browser.find_element(By.ID, "total").text)[0]

    facet_link = browser.find_element(By.CSS_SELECTOR, ".facet a.facet-value")
    facet_count = _numbers(facet_link.text)[-1]  # "Thư viện tỉnh Hậu Giang 26"
    facet_link.click()
    wait.until(EC.staleness_of(facet_link))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    total_after = _numbers(browser.find_element(By.ID, "total").text)[0]
    assert "library=" in browser.current_url
    assert total_after == facet_count <= total_before

    link = browser.find_element(By.CSS_SELECTOR, ".hit-title a")
    link.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".holding")))
    assert "/records/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".holding")


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text.replace(".", ""))]


def test_keyboard_focus_meets_results_before_facets_on_a_phone(server, browser):
    """On a narrow screen the facets are shown below the results; focus must not jump down to them
    and back up (WCAG 2.4.3): the HTML holds the results first."""
    browser.set_window_size(390, 844)
    browser.get(server.base_url + "/?q=nhat+ky")
    first_hit_top = browser.find_element(By.CSS_SELECTOR, ".hit").rect["y"]
    first_facet_top = browser.find_element(By.CSS_SELECTOR, ".facet a.facet-value").rect["y"]
    assert first_facet_top > first_hit_top  # shown below the results
    browser.find_element(By.CSS_SELECTOR, ".search-form button").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.rect["y"] < first_hit_top, focused.get_attribute("outerHTML")[:200]
    tops = []
    for _ in range(40):  # Tab on: the focus only moves down the page
        tops.append(browser.switch_to.active_element.rect["y"])
        browser.switch_to.active_element.send_keys(Keys.TAB)
    assert tops == sorted(tops), tops


def test_facets_stay_left_of_the_results_on_a_wide_screen(server, browser):
    browser.set_window_size(1280, 900)
    try:
        browser.get(server.base_url + "/?q=nhat+ky")
        facets = browser.find_element(By.CSS_SELECTOR, ".facets").rect
        results = browser.find_element(By.CSS_SELECTOR, ".results").rect
        assert facets["x"] + facets["width"] <= results["x"] and abs(facets["y"] - results["y"]) < 40
    finally:
        browser.set_window_size(390, 844)


def test_pages_work_under_their_content_security_policy(server, browser):
    """The pages' policy allows our style sheet and no script: each page is styled, and the console
    shows no violation (an inline style or script added to a template would show one here)."""
    browser.get_log("browser")  # drop what earlier pages logged
    for path in ("/?q=lich+su+viet+nam", "/status", "/records/no-such-id"):
        browser.get(server.base_url + path)
        header = browser.find_element(By.CSS_SELECTOR, ".site-header")
        assert browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", header) != \
            "rgba(0, 0, 0, 0)", path  # style.css applied
    # Each step waits for the page it leaves to go: the search box and the hits of the page before
    # are found at once otherwise, and went stale under the test (StaleElementReferenceException).
    wait = WebDriverWait(browser, 20)
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "a.brand").click()
    wait.until(EC.staleness_of(page))
    page = browser.find_element(By.TAG_NAME, "html")
    wait.until(EC.presence_of_element_located((By.ID, "q"))).send_keys("lich su", Keys.ENTER)
    wait.until(EC.staleness_of(page))
    page = browser.find_element(By.TAG_NAME, "html")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hit-title a"))).click()
    wait.until(EC.staleness_of(page))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".holding")))
    violations = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert violations == []


def test_whats_new_link_is_shown_on_a_wide_screen(server, browser):
    """The front page's "Tài liệu mới bổ sung" sat in the phone-only line (.to-facets, hidden from 48rem up):
    a librarian at a desktop never saw it, and it was not in the keyboard's tab order either."""
    browser.set_window_size(1280, 900)
    try:
        browser.get(server.base_url + "/")
        link = browser.find_element(By.ID, "whats-new")
        assert link.is_displayed() and link.text == "Tài liệu mới bổ sung"
        link.click()
        WebDriverWait(browser, 20).until(EC.url_contains("sort=new"))
        assert browser.find_element(By.CSS_SELECTOR, ".hit .hit-meta .added").text.startswith("bổ sung ")
    finally:
        browser.set_window_size(390, 844)


def test_whats_new_page_says_what_it_lists(server, browser):
    """Following "Tài liệu mới bổ sung" led to a page titled "Tìm kiếm" under the heading "Có 840 tài liệu
    trong mục lục": a screen reader user heard nothing that confirmed the list was the new titles (WCAG 2.4.2)."""
    browser.get(server.base_url + "/")
    browser.find_element(By.ID, "whats-new").click()
    WebDriverWait(browser, 20).until(EC.url_contains("sort=new"))
    assert browser.title.startswith("Tài liệu mới bổ sung – "), browser.title
    heading = browser.find_element(By.ID, "results-heading").text
    assert heading.endswith("tài liệu trong mục lục, mới bổ sung xếp trước"), heading
    browser.get(server.base_url + "/?sort=new&library=tv-long-my")  # the widget's "Xem tất cả tài liệu mới"
    assert browser.title.startswith("Tài liệu mới bổ sung – "), browser.title
    assert browser.find_element(By.ID, "results-heading").text.endswith("tài liệu, mới bổ sung xếp trước")


def test_page_links_are_named_with_their_page_and_the_current_page_is_marked(server, browser):
    """The numbered links in "Phân trang" were named by the number alone: a screen reader's list of links
    read "2, 3, 4". Each is now "Trang 2" to a screen reader and still shows just "2"."""
    browser.get(server.base_url + "/?page=2")
    nav = browser.find_element(By.CSS_SELECTOR, "nav[aria-label='Phân trang']")
    numbered = [a for a in nav.find_elements(By.CSS_SELECTOR, "a") if not a.get_attribute("rel")]
    assert len(numbered) >= 2
    following = nav.find_element(By.CSS_SELECTOR, "a[rel='next']")
    for link in numbered:
        assert re.fullmatch(r"Trang \d+", link.accessible_name), link.accessible_name
        # What the eye sees is the number alone: "Trang " is clipped to one pixel, and the box is
        # one line high as "Trang sau ›" is.
        word = link.find_element(By.CSS_SELECTOR, ".visually-hidden")
        assert word.rect["width"] <= 1 and word.rect["height"] <= 1, word.rect
        assert link.rect["height"] == following.rect["height"]
    current = nav.find_element(By.CSS_SELECTOR, "[aria-current='page']")
    assert current.get_attribute("textContent") == "Trang 2"
    assert current.find_element(By.CSS_SELECTOR, ".visually-hidden").rect["width"] <= 1


def test_a_search_that_finds_nothing_offers_no_link_to_an_empty_filter_column(server, browser):
    """On a phone, "Lọc kết quả theo thư viện, năm, ngôn ngữ…" led a page with no hits down to an empty
    column: with nothing to filter by, neither the link nor the column is there."""
    browser.get(server.base_url + "/?q=qxzqxzqxz")
    assert browser.find_element(By.ID, "total").text == "0"
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='#facets']") == []
    assert browser.find_elements(By.ID, "facets") == []
    browser.get(server.base_url + "/?q=lich+su")  # with hits, the link is shown and leads to filters
    link = browser.find_element(By.CSS_SELECTOR, "a[href='#facets']")
    assert link.is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#facets a.facet-value")
