"""A review of the query language on the demo catalogue (fixtures/data), each finding fixed with its test here:

- a run-together word (`vanhoc`, found as "văn học" too) excluded only the records holding the word itself:
  `vanhoc -vanhoc` found 310 records;
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from config.settings import load_settings
from index import SearchIndex, SearchParams
from tests.e2e_helpers import built_demo
from tests.test_api import search_client


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory):
    return load_settings(built_demo(tmp_path_factory.mktemp("syntax")))


@pytest.fixture(scope="module")
def demo(demo_config) -> SearchIndex:
    return SearchIndex(demo_config)


@pytest.fixture(scope="module")
def api(demo_config, demo) -> Iterator[httpx.Client]:
    with search_client(demo_config, demo) as http:
        yield http


def total(catalog: SearchIndex, q: str) -> int:
    return catalog.search(SearchParams(q=q)).total


@pytest.mark.parametrize("word", ["vanhoc", "vietnam", "lichsu"])
def test_an_excluded_run_together_word_excludes_what_it_finds(demo, api, word):
    found = total(demo, word)
    assert found > 0
    assert total(demo, f"{word} -{word}") == 0
    assert total(demo, f"NOT {word}") == total(demo, f"-{word}") == demo.num_docs() - found
    assert api.get("/api/search", params={"q": f"{word} -{word}"}).json()["total"] == 0


def test_an_excluded_run_together_word_excludes_as_its_phrase_does(demo):
    assert total(demo, "lich su") > 0
    assert total(demo, "lich su -lichsu") == total(demo, 'lich su -"lich su"') == 0
