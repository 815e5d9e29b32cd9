"""MATCH_FIELD finds a plain word exactly where its scoring fields would (index/query.py).

A plain word is found through one posting list, `match_folded`, and scored in the
exact and folded fields (`field_scores`).  On the demo catalogue, every word of
every title, author, subject and publisher must find the same records with the
same scores both ways.
"""

from __future__ import annotations

import pytest

from index import SearchIndex
from index.query import DEFAULT_FIELDS, Clause, _text_query, field_scores
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


def _hits(searcher, query) -> tuple[int, list[tuple[int, int, float]]]:
    found = searcher.search(query, limit=1000, count=True)
    return found.count, sorted((a.segment_ord, a.doc, round(score, 3)) for score, a in found.hits)


def test_every_word_finds_and_scores_what_its_fields_do(demo_settings, demo_words):  # noqa: F811
    index, _ = SearchIndex(demo_settings)._snapshot()
    searcher, schema = index.searcher(), index.schema
    assert len(demo_words) > 500
    for word in demo_words:
        clause = Clause("text", DEFAULT_FIELDS, word)
        assert _hits(searcher, _text_query(schema, clause, False)) == \
            _hits(searcher, field_scores(schema, clause, False)), word

