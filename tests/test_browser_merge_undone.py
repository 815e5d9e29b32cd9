"""A merge undone after a browser followed its redirect, in headless Chromium.

A merged-away id redirects to the record that survived; a librarian's `[[same]]` removed, or a
split, brings the id back. A browser that followed the redirect while the merge stood must ask
again and reach the id's own book, not keep going to the other one.
"""

from __future__ import annotations

import pytest

from search_api import create_app
from tests.browser_helpers import headless_chromium, require_chromium
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402


@pytest.fixture
def settings(data_dir):
    return make_settings(data_dir, LIBRARIES)


def test_browser_reaches_the_book_again_once_its_merge_is_undone(store, settings, tmp_path):
    catalog = index_records(store, settings, [union("kept", "Lịch sử Việt Nam", year=2019)],
                            aliases={"merged": "kept"})
    with serve_in_thread(create_app(settings, store, catalog)) as url, \
            headless_chromium(tmp_path / "profile") as browser:
        browser.get(f"{url}/records/merged")
        assert browser.current_url == f"{url}/records/kept"

        # The merge is undone: the id is a union record of its own again.
        store.save_clusters({}, [union("merged", "Địa chí Hậu Giang", year=2005)], replace_only=[])
        browser.get(f"{url}/records/merged")
        assert browser.current_url == f"{url}/records/merged"
        assert browser.find_element(By.TAG_NAME, "h1").text == "Địa chí Hậu Giang"
