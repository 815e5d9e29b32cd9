"""Spellings of one thing that a search must treat as one (a review on the demo catalogue found each
answering nothing):

- an ISBN-10 with a wrong check digit is no ISBN: it was turned into the ISBN-13 of another number
  and found that book ("6046921370" found Truyện Kiều, whose ISBN-10 is 6046921376).
"""

from __future__ import annotations

import pytest

from config.settings import load_settings
from index import SearchIndex, SearchParams
from tests.conftest import make_settings
from tests.e2e_helpers import demo_config_copy, unioncat
from tests.test_index import LIBRARIES, ids, index_records, union


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> SearchIndex:
    """The demo catalogue (fixtures/data), built as a user builds it."""
    config = demo_config_copy(tmp_path_factory.mktemp("spellings"))
    unioncat("demo", "--no-serve", "--config", str(config))
    return SearchIndex(load_settings(config))


@pytest.fixture
def settings(data_dir):
    return make_settings(data_dir, LIBRARIES)


def titles(catalog: SearchIndex, q: str, n: int = 20) -> list[str]:
    return [h["title"] for h in catalog.search(SearchParams(q=q, size=n)).hits]


# ---- ISBN-10 check digit --------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["6046921370", "604692137X", "604-692-137-0"])
def test_an_isbn10_with_a_wrong_check_digit_finds_no_book_by_isbn(demo, q):
    assert titles(demo, q) == []
    assert titles(demo, "6046921376") == ["Truyện Kiều"]  # the right check digit


def test_an_isbn10_with_a_wrong_check_digit_is_searched_as_a_number(store, settings):
    catalog = index_records(store, settings, [
        union("kieu", "Truyện Kiều", isbn=["9786046921370"]),
        union("misprint", "Số tay", invalid_isbn=["6046921370"]),  # the misprinted ISBN, kept as text
    ])
    assert ids(catalog, "6046921370") == ["misprint"]
    assert ids(catalog, "6046921376") == ["kieu"]


# ---- fullwidth forms ------------------------------------------------------------------------------

def test_a_query_typed_in_fullwidth_letters_finds_what_the_letters_find(demo):
    """A Chinese or Japanese input method types "Ｔｒｕｙｅｎ ｋｉｅｕ" (U+FF21…): NFKC reads it as "Truyen kieu"."""
    assert titles(demo, "Ｔｒｕｙｅｎ ｋｉｅｕ", 5) == titles(demo, "truyen kieu", 5)
    assert titles(demo, "Ｔｒｕｙｅｎ ｋｉｅｕ", 1) == ["Truyện Kiều"]


def test_fullwidth_forms_and_ligatures_in_a_record_or_a_query_are_one_spelling(store, settings):
    catalog = index_records(store, settings, [
        union("kieu", "Truyện Kiều"),
        union("unmarked", "Truyen Kieu"),
        union("wide", "Ｓｏｆｔｗａｒｅ ｄｅｓｉｇｎ ２０２０"),  # as a CJK catalogue writes it
        union("lig", "The ﬁnal ﬂight"),
    ])
    assert ids(catalog, "software design 2020") == ["wide"]
    assert ids(catalog, "Ｓｏｆｔｗａｒｅ") == ["wide"]
    assert ids(catalog, "final flight") == ids(catalog, "ﬁnal") == ["lig"]
    # Typed with marks, fullwidth or not, the marked spelling ranks first.
    assert ids(catalog, "Ｔｒｕｙệｎ Ｋｉềｕ") == ["kieu", "unmarked"]
