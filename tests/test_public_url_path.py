"""A catalogue served by a reverse proxy at a sub-path (`[api] public_url` with a path).

OpenSearch, Atom and /oai took the path from `public_url`; the page's links, its form and its
stylesheet, and the redirects, started at the host's root, so behind the proxy the page lost its
styles and every link left the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest

from search_api import create_app
from tests.conftest import make_settings
from tests.sub_path_proxy import behind_sub_path
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union

PUBLIC_URL = "https://thuvien.example.vn/mucluc"
PREFIX = "/mucluc"


class _Links(HTMLParser):
    """Every address a page sends the browser to: href, src and a form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.links: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links.update(value for name, value in attrs if name in ("href", "src", "action") and value)


def _links(html: str) -> set[str]:
    parser = _Links()
    parser.feed(html)
    # Fragments stay on the page; absolute addresses (a library's OPAC) are another site's.
    return {link for link in parser.links if not link.startswith(("#", "http://", "https://"))}


@pytest.fixture
def proxied(store, data_dir) -> Iterator[httpx.Client]:
    """The app behind the proxy at PREFIX, with `public_url` saying so."""
    settings = make_settings(data_dir, LIBRARIES, api={"public_url": PUBLIC_URL})
    catalog = index_records(store, settings, [
        union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), year=2019, subjects=["Lịch sử"],
              work_key="lich su viet nam / tran"),
        union("ls3", "Lịch sử Việt Nam", ("thpt-vi-thanh",), year=1999, work_key="lich su viet nam / tran"),
    ], aliases={"old-ls": "ls1"})
    with serve_in_thread(behind_sub_path(create_app(settings, store, catalog), PREFIX)) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield http


@pytest.mark.parametrize("page, status", [
    ("/?q=lich+su&size=1&library=tv-tinh&library=tv-long-my", 200),  # hits, facets, chips, paging
    ("/?q=lich+suu&size=1&page=2", 200),  # a suggestion, paging
    ("/?q=title:(&library=tv-tinh", 400),
    ("/?size=0", 400),
    ("/records/ls1", 200),
    ("/records/nothing", 404),
    ("/status", 200),
])
def test_every_link_of_the_page_leads_into_the_catalogue_behind_the_proxy(proxied, page, status):
    response = proxied.get(PREFIX + page)
    assert response.status_code == status
    links = _links(response.text)
    assert links
    for link in links:
        assert link.startswith(PREFIX + "/"), link
        assert proxied.get(link).status_code != 404, link  # a chip of a refused query leads to its 400


def test_redirects_stay_under_the_proxy_path(proxied):
    for path, survivor in (("/records/old-ls", "/records/ls1"), ("/api/records/old-ls", "/api/records/ls1"),
                           ("/records/ls1/", "/records/ls1")):
        response = proxied.get(PREFIX + path)
        assert response.headers["location"] == PREFIX + survivor, path
        assert proxied.get(PREFIX + path, follow_redirects=True).status_code == 200, path


def test_record_page_leads_back_to_the_search_at_the_public_address(proxied):
    html = proxied.get(PREFIX + "/records/ls1", headers={"Referer": PUBLIC_URL + "/?q=lich+su"}).text
    assert f'href="{PREFIX}/?q=lich+su"' in html


def test_the_api_documentation_loads_its_schema_and_tries_requests_under_the_path(proxied):
    """Swagger UI behind the proxy fetched /openapi.json from the portal's root, and its "Try it out"
    called /api/search there: the schema and its server are under the path."""
    docs = proxied.get(f"{PREFIX}/docs")
    assert docs.status_code == 200 and f"'{PREFIX}/openapi.json'" in docs.text
    assert f"{PREFIX}/openapi.json" in proxied.get(f"{PREFIX}/redoc").text
    schema = proxied.get(f"{PREFIX}/openapi.json").json()
    assert schema["servers"] == [{"url": PREFIX}] and "/api/search" in schema["paths"]


def test_at_the_host_s_root_the_documentation_names_no_other_server(store, data_dir):
    settings = make_settings(data_dir, LIBRARIES)
    catalog = index_records(store, settings, [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",), year=2019)])
    with serve_in_thread(create_app(settings, store, catalog)) as url:
        assert "'/openapi.json'" in httpx.get(f"{url}/docs", timeout=10).text
        assert "servers" not in httpx.get(f"{url}/openapi.json", timeout=10).json()
