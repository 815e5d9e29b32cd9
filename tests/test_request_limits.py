"""One request cannot hold a worker for long: oversized requests are answered 400 at once."""

from __future__ import annotations

import time

import httpx

from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_atom_feed import _union
from tests.test_index import LIBRARIES


def test_thousands_of_filter_values_are_refused_quickly_by_page_and_api(tmp_path):
    """`/?library=l0&…&library=l2999` took the search page half a minute of CPU (each chosen value's
    removal link rebuilt from every other value); one such request a second kept a core busy."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    query = "&".join(f"library=l{i}" for i in range(3000))
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "Địa chí Hậu Giang", "tv-tinh")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            started = time.monotonic()
            page = httpx.get(f"{url}/?{query}", timeout=120)
            api = httpx.get(f"{url}/api/search?{query}", timeout=120)
            elapsed_s = time.monotonic() - started
            few = httpx.get(f"{url}/?library=tv-tinh&library=tv-long-my", timeout=10)
    assert (page.status_code, api.status_code) == (400, 400)
    assert "too many filter values" in api.json()["reason"]
    # The filters' fault, not the words' (review: the page marked the query box "Không hiểu câu tìm").
    assert api.json()["error"] == "FilterError"
    assert "Bộ lọc không dùng được" in page.text and "Không hiểu câu tìm" not in page.text
    assert elapsed_s < 5
    assert few.status_code == 200 and "Địa chí Hậu Giang" in few.text


def test_too_many_filter_values_is_a_filter_error_whose_link_drops_the_repeated_filter(tmp_path):
    """`/?year=2015` ×101 was "Không hiểu câu tìm: quá 100 giá trị lọc", the query box marked invalid."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "Địa chí Hậu Giang", "tv-tinh", year=2015)])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            page = httpx.get(f"{url}/", params=[("q", "dia chi")] + [("year", "2015")] * 101, timeout=10)
    assert page.status_code == 400
    assert 'id="filter-error"' in page.text and 'id="q-error"' not in page.text
    assert 'href="/?q=dia+chi"' in page.text  # the search without the filter
