"""Absolute links (OpenSearch, Atom, OAI-PMH) name this catalogue, whatever Host a client sends."""

from __future__ import annotations

import httpx
from lxml import etree

from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_atom_feed import _union
from tests.test_index import LIBRARIES

ANSWERS_WITH_LINKS = ("/opensearch.xml", "/api/search.atom?size=1", "/oai?verb=Identify",
                      "/oai?verb=ListRecords&metadataPrefix=oai_dc")


def _answers(tmp_path, headers: dict[str, str], **api) -> tuple[str, list[str]]:
    settings = make_settings(tmp_path / "data", LIBRARIES, api=api)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "Địa chí Hậu Giang", "tv-tinh"), _union("A2", "Lịch sử", "tv-tinh")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            return url, [httpx.get(url + path, headers=headers, timeout=10).text for path in ANSWERS_WITH_LINKS]


def _links(body: str) -> list[str]:
    root = etree.fromstring(body.encode())
    return [value for element in root.iter() for value in
            [element.get("href"), element.get("template"), element.text if element.tag.endswith(
                ("}baseURL", "}request", "}id", "}identifier")) else None] if value and "://" in value]


def test_a_forged_host_header_does_not_reach_the_links_a_cache_may_keep(tmp_path):
    """Host: evil.example made /opensearch.xml, the Atom feed and /oai link to evil.example: a cache
    in front (or a harvester) kept that answer, and every reader's searches went to the attacker."""
    url, bodies = _answers(tmp_path, {"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    links = [link for body in bodies for link in _links(body)]
    assert len(links) > 8
    assert [link for link in links if not link.startswith(url + "/")] == []


def test_a_forwarded_protocol_does_not_change_them_either(tmp_path):
    """uvicorn takes X-Forwarded-Proto from 127.0.0.1: /oai's baseURL said https:// before the socket's own
    plain-HTTP address, while the Atom feed and OpenSearch (answers kept from before) said http://."""
    url, bodies = _answers(tmp_path, {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    links = [link for body in bodies for link in _links(body)]
    assert url.startswith("http://") and len(links) > 8
    assert [link for link in links if not link.startswith(url + "/")] == []


def test_links_start_with_the_configured_public_url(tmp_path):
    _, bodies = _answers(tmp_path, {"Host": "evil.example"}, public_url="https://thuvien.haugiang.gov.vn/")
    links = [link for body in bodies for link in _links(body)]
    assert len(links) > 8
    assert [link for link in links if not link.startswith("https://thuvien.haugiang.gov.vn/")] == []


def test_a_trailing_slash_redirect_stays_on_the_address_the_reader_used(tmp_path):
    """`/records/ID/` and `/api/search/` answered 307 to `http://evil.example/...` when the request said
    `Host: evil.example` (Starlette's redirect_slashes builds the URL from Host)."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "Địa chí Hậu Giang", "tv-tinh")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            answers = {path: httpx.get(url + path, headers={"Host": "evil.example"}, timeout=10)
                       for path in ("/records/A1/", "/api/search/?q=dia+chi", "/api/records/A1//")}
            assert {path: answer.status_code for path, answer in answers.items()} == dict.fromkeys(answers, 307)
            locations = [answer.headers["location"] for answer in answers.values()]
            assert [location for location in locations if "evil.example" in location] == []
            followed = {path: httpx.get(httpx.URL(url + path).join(answer.headers["location"]), timeout=10)
                        for path, answer in answers.items()}
    assert {path: str(answer.url) for path, answer in followed.items()} == {
        path: url + path.replace("/?", "?").rstrip("/") for path in answers}
    assert {answer.status_code for answer in followed.values()} == {200}
