"""`page`, `size` and `sort` are read alike by the API, the Atom feed and the page (index.params.whole_number,
search_api.context.search_params): the review found `sort=` a 400 on the API only, `page=２` a page on
the page only, `page=2.0` a page on the API only."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from lxml import etree

from search_api import create_app
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union

ENDPOINTS = ("/api/search", "/api/search.atom", "/")


@pytest.fixture
def client(store, data_dir) -> Iterator[httpx.Client]:
    settings = make_settings(data_dir, LIBRARIES)
    catalog = index_records(store, settings, [union(f"r{n}", f"Lịch sử Việt Nam tập {n}", year=2000 + n)
                                              for n in range(1, 6)])
    with serve_in_thread(create_app(settings, store, catalog)) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def _shown(response: httpx.Response) -> list[str]:
    """The record ids an answer lists, in order, whichever endpoint gave it."""
    assert response.status_code == 200, response.text
    if response.headers["content-type"].startswith("application/json"):
        return [hit["id"] for hit in response.json()["hits"]]
    if response.headers["content-type"].startswith("application/atom+xml"):
        feed = etree.fromstring(response.content)
        ids = feed.xpath("//*[local-name()='entry']/*[local-name()='id']/text()")
        return [entry.rsplit("/", 1)[1] for entry in ids]
    return list(dict.fromkeys(re.findall(r'href="/records/([^"?#/]+)"', response.text)))


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("typed, meant", [
    # Fullwidth digits, as `year=２０１５` is read.
    ({"page": "２", "size": "２", "sort": "year"}, {"page": "2", "size": "2", "sort": "year"}),
    ({"page": " 3 ", "size": "１", "sort": "year"}, {"page": "3", "size": "1", "sort": "year"}),
    ({"sort": "", "page": "", "size": ""}, {}),  # a form's empty choice: the default
])
def test_page_size_and_sort_are_read_alike_everywhere(client, path, typed, meant):
    shown = _shown(client.get(path, params={"q": "lich su", **typed}))
    assert shown and shown == _shown(client.get(path, params={"q": "lich su", **meant}))


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("name, value", [("page", "2.0"), ("size", "5.0"), ("page", "1_0"), ("page", "two")])
def test_a_page_or_size_that_is_no_whole_number_is_refused_everywhere(client, path, name, value):
    response = client.get(path, params={"q": "lich su", name: value})
    assert response.status_code == 400
    if path.startswith("/api/"):
        body = response.json()
        assert body["error"] == "InvalidParameter" and f"{name}: phải là số nguyên" in body["message"]
    else:
        assert f"({name})" in response.text and repr(value).replace("'", "&#39;") in response.text
