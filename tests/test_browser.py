"""The librarians' page driven in headless Chromium: search, filter by a facet, open a record."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.e2e_helpers import ServerProcess, demo_config_copy, unioncat

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
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
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--window-size=390,844"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_librarian_searches_filters_and_opens_a_record(server, browser):
    wait = WebDriverWait(browser, 20)
    browser.get(server.base_url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"

    box = wait.until(EC.presence_of_element_located((By.ID, "q")))
    box.send_keys("lich su viet nam", Keys.ENTER)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    titles = [el.text for el in browser.find_elements(By.CSS_SELECTOR, ".hit-title")]
    assert any("Lịch sử Việt Nam" in title for title in titles)
    total_before = browser.find_element(By.ID, "total").text

    facet_link = browser.find_element(By.CSS_SELECTOR, ".facet a.facet-value")
    facet_link.click()
    wait.until(EC.staleness_of(facet_link))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".hit")))
    assert browser.find_element(By.ID, "total").text != "" and total_before != ""

    link = browser.find_element(By.CSS_SELECTOR, ".hit-title a")
    link.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".holding")))
    assert "/records/" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".holding")
