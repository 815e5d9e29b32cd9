"""`match_query` finds exactly the records `build_query` finds (index/query.py).

Facet counts use `match_query`: a plain word is one posting list of `match_folded`
instead of the union of its nine scoring fields.  On the demo catalogue every word
of every title, author, subject and publisher, and queries mixing words, phrases,
fields, OR and NOT, must find the same records both ways.
"""

from __future__ import annotations

import pytest

from index import SearchIndex
from index.query import build_query, match_query
from index.query_language import parse_query
from index.schema import exact_words
from store import CatalogStore
from tests.test_search_relevance import settings as demo_settings  # noqa: F401 (the module-scoped demo catalogue)


@pytest.fixture(scope="module")
def demo_words(demo_settings):  # noqa: F811
    """Every word of every title, author, subject and publisher of the demo catalogue, as written there."""
    found: set[str] = set()
    with CatalogStore(demo_settings.db_path) as store:
        for record in store.iter_records():
            for text in [record.title, record.subtitle, record.publisher, *record.authors, *record.subjects]:
                found.update(exact_words(text or ""))
    return sorted(found)


def _found(searcher, query) -> tuple[int, list[tuple[int, int]]]:
    found = searcher.search(query, limit=2000, count=True)
    return found.count, sorted((address.segment_ord, address.doc) for _, address in found.hits)


def test_every_word_finds_the_records_its_scored_query_finds(demo_settings, demo_words):  # noqa: F811
    index, _ = SearchIndex(demo_settings)._snapshot()
    searcher, schema = index.searcher(), index.schema
    assert len(demo_words) > 500
    for word in demo_words:
        tree = parse_query(word)
        assert _found(searcher, match_query(schema, tree)) == _found(searcher, build_query(schema, tree)), word


@pytest.mark.parametrize("q", ["lich su viet nam", "lịch sử -việt", '"lịch sử" OR toán', "title:kieu du",
                               "giáo trình NOT (kinh tế)", "isbn:978-604-512-781-0 dân vận", "year:2000..2020 văn",
                               "truy*", "895.92*", "kieu -truy*", "lịch sử -đảng", "807.12", "title:nguy* văn"])
def test_mixed_queries_find_the_same_records(demo_settings, q):  # noqa: F811
    index, _ = SearchIndex(demo_settings)._snapshot()
    searcher, schema = index.searcher(), index.schema
    tree = parse_query(q)
    expected = _found(searcher, build_query(schema, tree))
    assert expected[0] > 0
    assert _found(searcher, match_query(schema, tree)) == expected
