"""A running server reads its edited configuration file again: the registry and [api] settings change
without a restart, and a file that does not validate leaves the server as it was (search_api/reload.py)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest

from config.settings import load_settings
from search_api import create_app
from search_api import reload as reload_module

try:
    from tests.test_api import serve_in_thread
    from tests.test_index import LIBRARIES, index_records, union
except ModuleNotFoundError:
    from test_api import serve_in_thread
    from test_index import LIBRARIES, index_records, union


def config_text(data_dir: Path, libraries: list[dict], api: str = "") -> str:
    """A unioncat.toml with these libraries (string values only, as LIBRARIES has)."""
    text = f'data_dir = "{data_dir}"\n{api}\n'
    for library in libraries:
        text += "\n[[libraries]]\n" + "".join(f'{key} = "{value}"\n' for key, value in library.items())
    return text


def write_config(path: Path, text: str) -> None:
    """Replace the file as an editor's save does, with a new modification time even within one clock tick."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    if path.stat().st_mtime_ns == before:
        time.sleep(0.01)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def served(data_dir, store, monkeypatch):
    """A real server over one indexed record held by two libraries, its settings read from a file."""
    monkeypatch.setattr(reload_module, "RECHECK_S", 0.0)  # every request looks at the file
    config = data_dir / "unioncat.toml"
    write_config(config, config_text(data_dir, LIBRARIES))
    settings = load_settings(config)
    search_index = index_records(store, settings, [union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"))])
    with serve_in_thread(create_app(settings, store, search_index)) as url:
        with httpx.Client(base_url=url, timeout=10) as client:
            yield config, client


def names(client: httpx.Client) -> dict[str, str]:
    return {lib["id"]: lib["name"] for lib in client.get("/api/libraries").json()["libraries"]}


def holdings(client: httpx.Client) -> dict[str, tuple[str, str | None]]:
    hit = client.get("/api/search", params={"q": "lich su"}).json()["hits"][0]
    return {h["library"]: (h["library_name"], h["opac_url"]) for h in hit["holdings"]}


def test_a_renamed_library_a_new_link_and_a_new_library_are_served_without_a_restart(served, data_dir):
    config, client = served
    assert names(client)["tv-long-my"] == "Thư viện huyện Long Mỹ"
    assert holdings(client)["tv-tinh"] == ("Thư viện tỉnh Hậu Giang", "https://opac.tinh.example/record/ls1")
    edited = [dict(lib) for lib in LIBRARIES]
    edited[0]["opac_url"] = "https://opac2.tinh.example/bib/{id}"
    edited[1]["name"] = "Thư viện thị xã Long Mỹ"
    edited.append({"id": "tv-moi", "name": "Thư viện mới", "type": "school", "district": "Vị Thủy",
                   "protocol": "marc-file", "url": "moi.mrc"})
    write_config(config, config_text(data_dir, edited))

    assert names(client) == {"tv-tinh": "Thư viện tỉnh Hậu Giang", "tv-long-my": "Thư viện thị xã Long Mỹ",
                             "thpt-vi-thanh": "Trường THPT Vị Thanh", "tv-moi": "Thư viện mới"}
    # The answer cached before the edit named the old library and link: it is not served again.
    assert holdings(client) == {"tv-tinh": ("Thư viện tỉnh Hậu Giang", "https://opac2.tinh.example/bib/ls1"),
                                "tv-long-my": ("Thư viện thị xã Long Mỹ", None)}


def test_a_file_that_does_not_validate_leaves_the_server_as_it_was_and_says_why(served, data_dir, caplog):
    config, client = served
    before = names(client)
    broken = config_text(data_dir, LIBRARIES).replace('type = "district"', 'type = "museum"')
    with caplog.at_level(logging.WARNING, logger="search_api.reload"):
        write_config(config, broken)
        assert names(client) == before
        assert client.get("/api/search", params={"q": "lich su"}).json()["total"] == 1
    assert any("configuration not reloaded" in r.getMessage() and "library 'tv-long-my', field 'type'" in r.getMessage()
               and "still serving the configuration read before" in r.getMessage() for r in caplog.records)

    # Corrected, it is read again.
    edited = [dict(lib) for lib in LIBRARIES]
    edited[2]["name"] = "THPT chuyên Vị Thanh"
    write_config(config, config_text(data_dir, edited))
    assert names(client)["thpt-vi-thanh"] == "THPT chuyên Vị Thanh"


def test_a_default_page_size_above_the_largest_accepted_is_not_reloaded(served, data_dir, caplog):
    """Reloaded, every search without size= answered 400 for a size the reader never sent (review r4)."""
    config, client = served
    with caplog.at_level(logging.WARNING, logger="search_api.reload"):
        write_config(config, config_text(data_dir, LIBRARIES, api="[api]\ndefault_page_size = 50\nmax_page_size = 30"))
        answer = client.get("/api/search", params={"q": "lich su"})
    assert answer.status_code == 200 and answer.json()["total"] == 1
    assert any("configuration not reloaded" in r.getMessage() and "default_page_size 50" in r.getMessage()
               and "max_page_size 30" in r.getMessage() for r in caplog.records)


def test_a_moved_data_dir_is_not_applied_and_the_address_waits_for_a_restart(served, data_dir, tmp_path, caplog):
    config, client = served
    edited = [dict(lib) for lib in LIBRARIES]
    edited[1]["name"] = "Long Mỹ (đổi tên)"
    with caplog.at_level(logging.WARNING, logger="search_api.reload"):
        write_config(config, config_text(tmp_path / "elsewhere", edited))
        assert names(client)["tv-long-my"] == "Thư viện huyện Long Mỹ"  # nothing of that file applied
        write_config(config, config_text(data_dir, edited, api='[api]\nport = 8123\ncors_origins = ["https://a.example"]'))
        assert names(client)["tv-long-my"] == "Long Mỹ (đổi tên)"  # the rest of it is
    messages = [r.getMessage() for r in caplog.records]
    assert any("data_dir changed" in m and "restart `unioncat serve`" in m for m in messages)
    assert any("[api] port, [api] cors_origins changed; applied when `unioncat serve` restarts" in m
               for m in messages)


def on_a_clock(data_dir: Path, store) -> tuple[Path, object, reload_module.ConfigReloader, list[float]]:
    """(config file, app, a reloader whose clock is `now[0]`, now) over the LIBRARIES registry."""
    config = data_dir / "unioncat.toml"
    write_config(config, config_text(data_dir, LIBRARIES))
    app = create_app(load_settings(config), store, index_records(store, load_settings(config), []))
    now = [100.0]
    return config, app, reload_module.ConfigReloader(app.state, clock=lambda: now[0]), now


def test_the_file_is_looked_at_once_per_interval_not_on_every_request(data_dir, store):
    """One look every RECHECK_S: a request does not read the file (the clock is the reloader's own)."""
    config, app, reloader, now = on_a_clock(data_dir, store)
    edited = [dict(lib) for lib in LIBRARIES]
    edited[0]["name"] = "Thư viện tỉnh (mới)"
    write_config(config, config_text(data_dir, edited))
    reloader.check()
    assert app.state.ctx.settings.library("tv-tinh").name == "Thư viện tỉnh Hậu Giang"
    now[0] += reload_module.RECHECK_S
    reloader.check()
    assert app.state.ctx.settings.library("tv-tinh").name == "Thư viện tỉnh (mới)"


def test_a_new_district_is_shown_at_once_and_the_log_says_what_waits(served, data_dir, caplog):
    """Facets are in the index (rebuilt by `unioncat update`); the OpenAPI title is made when the server starts."""
    config, client = served
    edited = [dict(lib) for lib in LIBRARIES]
    edited[1]["district"] = "Phụng Hiệp"
    with caplog.at_level(logging.WARNING, logger="search_api.reload"):
        write_config(config, config_text(data_dir, edited, api='region = "Cần Thơ"'))
        hit = client.get("/api/search", params={"q": "lich su"}).json()["hits"][0]
    assert {h["library"]: h["district"] for h in hit["holdings"]}["tv-long-my"] == "Phụng Hiệp"
    messages = [r.getMessage() for r in caplog.records]
    assert any("the type or district of tv-long-my changed: hits show it now" in m
               and "once `unioncat update` (or `unioncat index`) has rebuilt the index" in m for m in messages)
    assert any("region (in the OpenAPI title) changed; applied when `unioncat serve` restarts" in m for m in messages)


def test_an_edit_of_the_same_size_within_one_clock_tick_is_seen(data_dir, store):
    """The file's content is compared, not its modification time and size."""
    import os

    config, app, reloader, now = on_a_clock(data_dir, store)
    before = config.stat()
    edited = [dict(lib) for lib in LIBRARIES]
    edited[0]["name"] = edited[0]["name"].replace("Hậu Giang", "Hau Giang")  # marks dropped: fewer bytes...
    text = config_text(data_dir, edited)
    text += " " * (before.st_size - len(text.encode("utf-8")))  # ...padded back to the same size
    config.write_text(text, encoding="utf-8")
    os.utime(config, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (config.stat().st_size, config.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    now[0] += reload_module.RECHECK_S
    reloader.check()
    assert app.state.ctx.settings.library("tv-tinh").name == "Thư viện tỉnh Hau Giang"


def documented_limits(client: httpx.Client) -> dict[str, tuple[int, int, str]]:
    """Per search path, (size's maximum, q's maxLength, size's and q's descriptions) in /openapi.json."""
    paths = client.get("/openapi.json").json()["paths"]
    found = {}
    for path in ("/api/search", "/api/search.atom"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        size, q = (next(t for t in params[name]["schema"].get("anyOf", [params[name]["schema"]])
                        if t.get("type") in ("integer", "string")) for name in ("size", "q"))
        found[path] = (size["maximum"], q["maxLength"], params["size"]["description"] + params["q"]["description"])
    return found


def test_the_openapi_document_states_the_limits_in_force_after_a_reload(served, data_dir):
    """The schema kept the limits the server started with (maximum 100, maxLength 1000) while the
    reloaded server refused size=50 and a 300-character query."""
    config, client = served
    for maximum, max_length, text in documented_limits(client).values():
        assert (maximum, max_length) == (100, 1000) and "At most 100 " in text and "At most 1000 " in text
    write_config(config, config_text(data_dir, LIBRARIES, api="[api]\nmax_page_size = 30\nmax_query_chars = 200"))
    assert client.get("/api/search", params={"q": "lich su", "size": 50}).status_code == 400
    assert client.get("/api/search", params={"q": "lich su " * 30}).status_code == 400
    for maximum, max_length, text in documented_limits(client).values():
        assert (maximum, max_length) == (30, 200) and "At most 30 " in text and "At most 200 " in text
        assert "At most 100 " not in text and "At most 1000 " not in text


def test_the_widget_at_static_widget_js_is_the_one_at_widget_js_with_the_limits_in_force(served, data_dir):
    """/static/widget.js was the raw file (MAX_PAGE_SIZE 100, MAX_QUERY_CHARS 1000) on a server whose
    /widget.js said 20: a partner page embedding it with data-new="30" got a 400 on every load."""
    config, client = served
    write_config(config, config_text(data_dir, LIBRARIES, api="[api]\nmax_page_size = 20\nmax_query_chars = 300"))
    short, static = client.get("/widget.js"), client.get("/static/widget.js")
    assert "var MAX_PAGE_SIZE = 20;" in short.text and "var MAX_QUERY_CHARS = 300;" in short.text
    assert static.status_code == 200 and static.content == short.content
    assert static.headers["etag"] == short.headers["etag"]
    assert static.headers["content-type"] == short.headers["content-type"]
    assert static.headers["cache-control"] == short.headers["cache-control"]
    again = client.get("/static/widget.js", headers={"If-None-Match": static.headers["etag"]})
    assert again.status_code == 304
    # The widget's size above the largest page is what the server refuses.
    assert client.get("/api/search", params={"q": "lich su", "size": 30}).status_code == 400
