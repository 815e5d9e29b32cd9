"""What the search shows in order, through the real API over a real index: titles (sort=title),
holding libraries and facet values of equal count, all in Vietnamese dictionary order.

Folding filed "Đức Hòa" with "Duc" and "Ăn" with "An"; code-point order put "Đ" and "Ă" after "Z".
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import httpx
import pytest

from search_api import create_app

try:  # tests/ as a package, or as a plain directory on sys.path (pytest's default rootdir handling)
    from tests.conftest import make_settings
    from tests.test_api import serve_in_thread
    from tests.test_collate import DICTIONARY_ORDER
    from tests.test_index import index_records, union
except ModuleNotFoundError:
    from conftest import make_settings
    from test_api import serve_in_thread
    from test_collate import DICTIONARY_ORDER
    from test_index import index_records, union

# Ids in the order their names fold to ("duc" < "duong"), the reverse of the dictionary's.
LIBRARIES = [
    {"id": "a-duc-hoa", "name": "Thư viện huyện Đức Hòa", "type": "district", "district": "Đức Hòa",
     "protocol": "marc-file", "url": "duc-hoa.mrc"},
    {"id": "b-duong", "name": "Thư viện huyện Dương Minh Châu", "type": "district", "district": "Dương Minh Châu",
     "protocol": "marc-file", "url": "duong.mrc"},
]
TITLES = DICTIONARY_ORDER[1:-1]  # the Vietnamese titles of the table (no digits, no Cyrillic)
SUBJECTS = ["Em bé", "Đời sống", "Bánh", "Ăn uống"]  # one record each: equal counts


@pytest.fixture
def client(store, data_dir) -> Iterator[httpx.Client]:
    settings = make_settings(data_dir, LIBRARIES)
    shuffled = TITLES[:]
    random.Random(7).shuffle(shuffled)
    records = [union(f"r{i}", title, ("a-duc-hoa", "b-duong"), subjects=[SUBJECTS[i]] if i < len(SUBJECTS) else [])
               for i, title in enumerate(shuffled)]
    search_index = index_records(store, settings, records)
    with serve_in_thread(create_app(settings, store, search_index)) as url, \
            httpx.Client(base_url=url, timeout=10) as http:
        yield http


def _titles(client: httpx.Client, **params) -> list[str]:
    body = client.get("/api/search", params={"sort": "title", **params}).json()
    return [hit["title"] for hit in body["hits"]]


def test_sort_by_title_follows_the_vietnamese_dictionary(client):
    assert _titles(client, size=50) == TITLES
    # Tantivy sorts, not the page: the order holds across pages
    pages = [_titles(client, size=7, page=page) for page in range(1, len(TITLES) // 7 + 2)]
    assert [title for page in pages for title in page] == TITLES


def test_sort_by_title_on_the_page_lists_hits_in_dictionary_order(client):
    html = client.get("/", params={"sort": "title", "q": "ma"}).text  # "ma" finds every tone of it
    shown = [re.sub(r"<[^>]+>", "", title) for title in re.findall(r'class="hit-title"><a [^>]+>(.*?)</a>', html)]
    assert shown == ["Ma chay", "Mà cả", "Mả tổ", "Mã số", "Má hồng", "Mạ non"]


def test_holdings_list_libraries_in_dictionary_order(client):
    hit = next(h for h in client.get("/api/search", params={"q": "anh hung nup"}).json()["hits"])
    assert [h["library_name"] for h in hit["holdings"]] == [
        "Thư viện huyện Dương Minh Châu", "Thư viện huyện Đức Hòa"]


def test_facet_values_of_equal_count_are_in_dictionary_order(client):
    facets = client.get("/api/search", params={"q": "", "size": 1}).json()["facets"]
    assert [v["value"] for v in facets["subject"]] == ["Ăn uống", "Bánh", "Đời sống", "Em bé"]
    body = client.get("/api/search", params={"library": ["a-duc-hoa", "b-duong"], "q": "anh hung nup"}).json()
    assert [(v["label"], v["count"]) for v in body["facets"]["library"]] == [
        ("Thư viện huyện Dương Minh Châu", 1), ("Thư viện huyện Đức Hòa", 1)]
    assert [v["value"] for v in body["facets"]["district"]] == ["Dương Minh Châu", "Đức Hòa"]
