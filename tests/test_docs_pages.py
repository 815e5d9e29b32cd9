"""/docs and /redoc (Swagger UI, ReDoc) write the catalogue's title, and with it `region`, as text."""

from __future__ import annotations

import html
import re

import httpx

from index import SearchIndex
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def test_the_region_is_text_in_the_documentation_pages_title(tmp_path):
    """`region = "Hậu Giang <script>…"` was a script in /docs' and /redoc's <title> (their CSP lets
    scripts run: Swagger UI and ReDoc are scripts), and a region with "&" was not well-formed."""
    for region in ("Hậu Giang <script>alert('region')</script>", "Cần Thơ & Hậu Giang"):
        settings = make_settings(tmp_path / region[:3], LIBRARIES, region=region)
        with CatalogStore(settings.db_path) as store, \
                serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            for path, suffix in (("/docs", "Swagger UI"), ("/redoc", "ReDoc")):
                page = httpx.get(f"{url}{path}", timeout=10)
                assert page.status_code == 200
                assert "<script>alert" not in page.text, path
                (title,) = TITLE_RE.findall(page.text)
                assert html.unescape(title) == f"unioncat: mục lục liên hợp thư viện {region} - {suffix}", path
                assert "/openapi.json" in page.text
            # The schema keeps the title as plain text: JSON is no HTML.
            schema = httpx.get(f"{url}/openapi.json", timeout=10).json()
            assert schema["info"]["title"] == f"unioncat: mục lục liên hợp thư viện {region}"
