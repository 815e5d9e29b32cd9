"""An error no handler expected (a bug) is still answered with the headers of every answer."""

from __future__ import annotations

import httpx

from index import SearchIndex
from search_api import create_app
from search_api.security_headers import EVERY_ANSWER
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES


def test_an_unexpected_error_is_a_500_with_the_security_headers(tmp_path):
    """A forged /oai resumption token raised OverflowError: Starlette's 500, made outside our
    middleware, went out without nosniff and Referrer-Policy."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        app = create_app(settings, store, SearchIndex(settings))

        @app.get("/api/a-bug")
        def a_bug() -> None:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")

        with serve_in_thread(app) as url:
            response = httpx.get(f"{url}/api/a-bug", timeout=10)
    assert response.status_code == 500
    # In the API's error format, not Starlette's plain text (final review).
    assert response.json()["status"] == 500 and "internal server error" in response.json()["message"]
    for name, value in EVERY_ANSWER.items():
        assert response.headers.get(name) == value, name
