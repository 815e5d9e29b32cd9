"""A review of the query language on the demo catalogue (fixtures/data), each finding fixed with its test here:

- a run-together word (`vanhoc`, found as "văn học" too) excluded only the records holding the word itself:
  `vanhoc -vanhoc` found 310 records;
- a mistyped field name (`tittle:kieu`) or a Vietnamese one (`tacgia:"Nguyễn Du"`) answered nothing, without
  a word of why, and `title:-kieu` said "title: needs a word";
- an ISBN with a wrong check digit was found only as bare digits, not as printed nor with `isbn:`, and an
  ISSN not without its hyphen ("07275366" for "0727-5366");
- a quoted word with marks was folded (`"tù"` found the 120 records of "từ" and "tu"), and a quoted phrase
  with marks found other spellings in the notes and series (`"nguyễn dữ"` found Nguyễn Du's Truyện Kiều);
- a truncated word (`truy*`) found "Truyện" but marked no word of the hits.
"""

from __future__ import annotations

import re

import httpx
import pytest

from config.errors import QueryError
from index import SearchIndex, SearchParams
from index.schema import exact_words, folded_text
from tests.conftest import make_settings
from tests.test_index import LIBRARIES, index_records, union
# The relevance tests' demo catalogue: its settings, index and API client (module-scoped fixtures).
from tests.test_search_relevance import catalog, client, settings  # noqa: F401


@pytest.fixture(scope="module")
def demo(catalog: SearchIndex) -> SearchIndex:  # noqa: F811
    return catalog


@pytest.fixture(scope="module")
def api(client: httpx.Client) -> httpx.Client:  # noqa: F811
    return client


def total(catalog: SearchIndex, q: str) -> int:
    return catalog.search(SearchParams(q=q)).total


def ids(catalog: SearchIndex, q: str) -> list[str]:
    return [hit["id"] for hit in catalog.search(SearchParams(q=q, size=50)).hits]


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


@pytest.mark.parametrize("q, meant", [("tittle:kieu", "title"), ("autor:du", "author"), ("Titel:(kieu OR tien)", "title"),
                                      ("pubisher:tre", "publisher"), ("yaer:2019", "year"), ("tacgai:du", "tacgia")])
def test_a_mistyped_field_name_is_a_400_naming_the_field_meant_and_the_fields(demo, api, q, meant):
    with pytest.raises(QueryError) as error:
        demo.search(SearchParams(q=q))
    assert f"{meant}:?" in str(error.value) and "title:, author:, subject:, publisher:, isbn:, year:" in str(error.value)
    answer = api.get("/api/search", params={"q": q})
    assert answer.status_code == 400 and f"did you mean {meant}:?" in answer.json()["message"]


@pytest.mark.parametrize("alias, field", [('tacgia:"Nguyễn Du"', 'author:"Nguyễn Du"'),
                                          ('Tác giả:"Nguyễn Du"', 'author:"Nguyễn Du"'),
                                          ("nhan đề:kieu", "title:kieu"), ("nhande:kieu", "title:kieu"),
                                          ('chủ đề:"lịch sử"', 'subject:"lịch sử"'), ("nxb:trẻ", "publisher:trẻ"),
                                          ("nhà xuất bản:trẻ", "publisher:trẻ"), ("năm:2019", "year:2019")])
def test_a_vietnamese_field_name_searches_the_field_it_names(demo, api, alias, field):
    assert ids(demo, alias) == ids(demo, field) != []
    assert api.get("/api/search", params={"q": alias}).json()["total"] == total(demo, field)


@pytest.mark.parametrize("pasted, words", [("Toán: tập 1", "Toán tập 1"), ("Việt Nam:2019", "Việt Nam 2019"),
                                           ("lịch sử: tập 1", "lịch sử tập 1"), ("tittle: kieu", "tittle kieu"),
                                           ("nam:2019", "nam 2019")])
def test_a_colon_of_pasted_text_still_separates_words(demo, pasted, words):
    assert ids(demo, pasted) == ids(demo, words)


def test_a_field_before_an_exclusion_says_to_write_the_exclusion_first(demo, api):
    answer = api.get("/api/search", params={"q": "title:-kieu"})
    assert answer.status_code == 400 and "write -title:kieu" in answer.json()["message"]
    assert "needs a word" not in answer.json()["message"]


@pytest.mark.parametrize("q", ["978-604-1-23456-0", "9786041234560", "isbn:978-604-1-23456-0", "isbn:9786041234560",
                               "ISBN 978-604-1-23456-0"])
def test_an_isbn_with_a_wrong_check_digit_is_found_as_printed_and_never_as_the_valid_one(store, data_dir, q):
    catalog = index_records(store, make_settings(data_dir, LIBRARIES), [
        union("misprint", "Sách ISBN sai", invalid_isbn=["9786041234560"]),
        union("valid", "Sách ISBN đúng", isbn=["9786041234567"]),  # the same number with its right check digit
    ])
    assert ids(catalog, q) == ["misprint"]
    assert ids(catalog, q.replace("23456-0", "23456-7").replace("234560", "234567")) == ["valid"]


@pytest.mark.parametrize("q", ["0727-5366", "07275366", "issn:07275366", "ISSN 07275366", "ISSN 0727-5366"])
def test_an_issn_is_found_with_its_hyphen_and_without(demo, api, q):
    assert ids(demo, q) == ids(demo, '"0727-5366"') != []
    assert api.get("/api/search", params={"q": q}).json()["total"] == total(demo, '"0727-5366"')


def searched_words(api: httpx.Client, record_id: str) -> str:
    """The words of the fields a word is scored in (title, authors, subjects, publisher), as typed, one string."""
    record = api.get(f"/api/records/{record_id}").json()
    texts = [record["title"], record.get("subtitle") or "", *record["authors"], *record["subjects"],
             record.get("publisher") or ""]
    return " ".join(" ".join(exact_words(text)) for text in texts)


@pytest.mark.parametrize("quoted", ['"tù"', '"từ"', '"đảng"', '"nguyễn dữ"', 'author:"nguyễn dữ"', 'title:"tù"'])
def test_a_quoted_text_with_marks_finds_only_that_spelling(demo, api, quoted):
    unquoted = quoted.replace('"', "")
    found = ids(demo, quoted)
    assert found and total(demo, quoted) < total(demo, unquoted)  # the other spellings are gone
    phrase = " ".join(exact_words(quoted.split(":")[-1]))
    assert all(f" {phrase} " in f" {searched_words(api, record_id)} " for record_id in found)
    answer = api.get("/api/search", params={"q": quoted}).json()
    assert answer["total"] == total(demo, quoted) == sum(value["count"] for value in answer["facets"]["material_type"])


@pytest.mark.parametrize("q, prefix", [("truy*", "truy"), ("lich*", "lich"), ("title:truy*", "truy"),
                                       ("kieu truy*", "truy")])
def test_a_truncated_word_is_highlighted_where_a_word_starts_with_it(demo, api, q, prefix):
    hits = api.get("/api/search", params={"q": q, "size": 20}).json()["hits"]
    marked = [[folded_text(word) for word in re.findall(r"<mark>(.*?)</mark>", hit["highlight"]["title"])]
              for hit in hits if any(folded_text(word).startswith(prefix) for word in re.findall(r"\w+", hit["title"]))]
    assert marked and all(any(word.startswith(prefix) for word in words) for words in marked)
    assert all(word.startswith(prefix) or word in q for words in marked for word in words)
    assert "<mark>" in api.get("/", params={"q": q}).text  # the librarians' page marks it too
