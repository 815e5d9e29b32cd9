"""The search-answer cache is bounded by the memory it holds ([api] cached_searches_mb), not only by
its count: 500 answers of 100 hits held ~500 MB, and anyone could fill it in seconds."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import httpx
import pytest

from config import ConfigError
from index.cache import held_bytes
from index.search import SearchParams
from search_api import create_app
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union

MB = 2 ** 20


def test_distinct_searches_hold_no_more_memory_than_the_cache_budget(store, data_dir):
    settings = make_settings(data_dir, LIBRARIES, api={"cached_searches_mb": 1})
    search_index = index_records(store, settings, [
        union(f"b{i}", f"Sách số {i} về lịch sử Việt Nam", authors=[f"Tác giả {i}"], year=1990 + i % 30,
              subjects=["Lịch sử -- Việt Nam"], language="vie") for i in range(300)])
    with serve_in_thread(create_app(settings, store, search_index)) as url, httpx.Client(base_url=url) as http:
        def search(i: int) -> int:
            response = http.get("/api/search", params={"q": f"lich su -khong{i}", "size": 100})
            assert response.status_code == 200 and len(response.json()["hits"]) == 100
            return len(response.content)

        search(0)  # the first search's one-off allocations (searcher, schema, templates) are not the cache's
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            body_bytes = sum(search(i) for i in range(1, 81))
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert body_bytes > 4 * MB  # eighty answers' bodies alone: four times the budget
        assert held < 1.5 * MB, f"{held / MB:.1f} MB held after 80 searches, budget 1 MB"
        # The newest answer is still in the cache, and the same as searched.
        newest = http.get("/api/search", params={"q": "lich su -khong80", "size": 100})
        assert search_index.cached(SearchParams(q="lich su -khong80", size=100)) is not None
        assert newest.json()["total"] == 300


def test_a_cache_budget_below_one_mb_is_refused_when_the_config_is_loaded(data_dir):
    for value in (0, -5, "64MB"):
        with pytest.raises(ConfigError, match="cached_searches_mb"):
            make_settings(data_dir, LIBRARIES, api={"cached_searches_mb": value})


def test_the_size_of_any_answer_is_estimated_without_error():
    """The estimate writes the value as JSON; what JSON cannot hold (an int past 64 bits, as a refused
    search's parameters may echo, a set) is still sized, never an error in the request."""
    assert held_bytes({"page": 10 ** 30, "hits": [{"title": "Lịch sử"}]}) > held_bytes({"page": 1, "hits": []}) > 0
    assert held_bytes({"words": frozenset({"lich", "su"})}) > 0
    body = b"x" * 10_000
    assert held_bytes((weakref.ref(test_the_size_of_any_answer_is_estimated_without_error), body)) >= len(body)
