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
