"""What the department and cron see of a library whose night needs a look, though the run kept what it read:
a MARC file not read whole (cut short, a broken record), a library none of whose records can be used."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import lxml.html
import pytest

from config.settings import load_settings
from index import SearchIndex
from search_api import create_app
from store import CatalogStore
from tests.test_api import serve_in_thread
from tests.test_harvest_marc import run_into
from tests.test_harvest_report import unioncat
from tests.test_harvest_support import book, iso2709

EXPECTED_INTERVAL_S = 2.0


def _registry(tmp_path: Path, files: dict[str, Path], overdue_after_s: float = 86400.0) -> Path:
    """A registry of MARC-file libraries, overdue `overdue_after_s` after their last success."""
    text = f'data_dir = "data"\n[harvest]\nexpected_interval_hours = {overdue_after_s / 3600}\n'
    for library_id, path in files.items():
        text += (f'\n[[libraries]]\nid = "{library_id}"\nname = "Thư viện {library_id}"\ntype = "school"\n'
                 f'district = "Vị Thanh"\nprotocol = "marc-file"\nurl = "{path}"\n')
    config = tmp_path / "unioncat.toml"
    config.write_text(text, encoding="utf-8")
    return config


def _libraries(config: Path) -> dict[str, dict]:
    result = unioncat("status", "--format", "json", "--config", str(config))
    return {item["id"]: item for item in json.loads(result.stdout)["libraries"]}


def _status_rows(config: Path) -> dict[str, lxml.html.HtmlElement]:
    settings = load_settings(config)
    with CatalogStore(settings.db_path) as store:
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            page = lxml.html.fromstring(httpx.get(f"{url}/status", timeout=10).text)
    return {row.get("data-library"): row for row in page.xpath("//tr[contains(@class, 'library-status')]")}


@pytest.mark.parametrize("damage", ["cut short", "broken record"])
def test_a_marc_file_not_read_whole_is_a_night_to_look_at_not_a_success(tmp_path: Path, damage: str):
    """A file cut short (or holding a broken record) was `ok`: exit 0 and `last_success` moved on, so a
    library whose upload broke every night never showed as overdue; a complete but short file failed."""
    good = [book(f"S{n}", f"Sach so {n}".encode()) for n in range(1, 11)]
    files = {"tv-a": tmp_path / "a.mrc", "tv-b": tmp_path / "b.mrc"}
    files["tv-a"].write_bytes(b"".join(good))
    files["tv-b"].write_bytes(book("B1", b"Sach B"))
    config = _registry(tmp_path, files, EXPECTED_INTERVAL_S)
    assert unioncat("update", "--config", str(config)).returncode == 0
    before = _libraries(config)
    time.sleep(EXPECTED_INTERVAL_S + 0.5)

    if damage == "cut short":
        files["tv-a"].write_bytes(b"".join(good[:3]) + good[3][:40])
    else:
        files["tv-a"].write_bytes(b"".join(good[:3]) + run_into(good[3]) + b"".join(good[4:9]))
    files["tv-b"].write_bytes(book("B1", b"Sach B da sua"))  # tv-b's night goes well
    result = unioncat("update", "--config", str(config))

    assert result.returncode == 3, result.stdout + result.stderr
    assert "FAIL tv-a" in result.stdout and "tv-a" in result.stderr.splitlines()[-1], result.stdout + result.stderr
    libraries = _libraries(config)
    after = libraries["tv-a"]
    assert after["last_status"] == "failed" and after["last_success"] == before["tv-a"]["last_success"], after
    assert after["overdue"] and libraries["tv-b"]["last_success"] > before["tv-b"]["last_success"], libraries
    assert after["records"] == len(good) and after["rejected"] == 1  # what was read kept, nothing deleted
    assert any("nothing marked deleted" in error for error in after["errors"]), after["errors"]

    rows = _status_rows(config)
    assert list(rows) == ["tv-a", "tv-b"] and "attention" in rows["tv-a"].get("class"), list(rows)
    reason = rows["tv-a"].xpath(".//*[@class='attention-reason']")
    assert reason and reason[0].get("lang") is None, lxml.html.tostring(rows["tv-a"])
    text = reason[0].text_content()
    assert ("cắt ngang" if damage == "cut short" else "biểu ghi hỏng") in text and "không xoá" in text, text
    assert not rows["tv-b"].xpath(".//*[@class='attention-reason']")


def test_a_library_none_of_whose_records_can_be_used_is_listed_to_look_at(tmp_path: Path):
    """Every record of an export template that forgot the title was rejected by normalize: the library was
    "Thành công" and not among those to look at, while /status showed "0 tài liệu tra cứu được"."""
    files = {"tv-a": tmp_path / "a.mrc", "tv-b": tmp_path / "b.mrc"}
    files["tv-a"].write_bytes(b"".join(iso2709([("001", f"A{n}".encode()), ("100", b"1 \x1faNguyen Van A")])
                                       for n in range(1, 6)))
    files["tv-b"].write_bytes(book("B1", b"Sach B"))
    config = _registry(tmp_path, files)
    assert not any(item["nothing_usable"] for item in _libraries(config).values())  # none harvested yet
    unioncat("update", "--config", str(config))

    libraries = _libraries(config)
    assert libraries["tv-a"]["records"] == 5 and libraries["tv-a"]["rejected"] == 5, libraries["tv-a"]
    assert libraries["tv-a"]["nothing_usable"] and not libraries["tv-b"]["nothing_usable"], libraries
    text = unioncat("status", "--config", str(config)).stdout
    assert "none of its 5 records could be used" in text and text.count("could be used") == 1, text
    rows = _status_rows(config)
    assert list(rows) == ["tv-a", "tv-b"] and "attention" in rows["tv-a"].get("class"), list(rows)
    reason = rows["tv-a"].xpath(".//*[@class='attention-reason']")
    assert reason and "không biểu ghi nào dùng được" in reason[0].text_content(), lxml.html.tostring(rows["tv-a"])
    assert "attention" not in rows["tv-b"].get("class")
