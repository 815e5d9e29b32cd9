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
    assert elapsed_s < 5
    assert few.status_code == 200 and "Địa chí Hậu Giang" in few.text
