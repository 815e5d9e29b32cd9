"""The Tantivy schema of the union catalog and the analyzers its text fields use.

Every searchable text exists twice: an exact field (NFKC, lower-cased, marks
kept, the tone of "oa", "oe", "uy" on one vowel, "lý" spelt "lí": `exact_text`)
and a folded field (`folded_text` applied in Python before indexing), because folding merges distinct Vietnamese words (đường/dương/duong) and exact
matches must rank first.  Both use one analyzer, Tantivy's simple tokenizer
(words are runs of letters and digits) lower-cased, and the query side splits
user text with that same analyzer (`exact_words`, `folded_words`), so a query
word is always a word the index could hold.
"""

from __future__ import annotations

import re
import unicodedata

import tantivy

from store.text import final_i_spelling, fold, one_tone_spelling, visible_nfkc

WORD_ANALYZER = "unioncat_words"
# Words of displayed text, for highlighting and suggestions: letters and digits, as
# the analyzer splits them (it also keeps the rare Other_Alphabetic marks of some
# scripts inside a word, which only changes what a highlight covers).
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# Longer words (UTF-8 bytes) are not indexed: base64 junk, run-together identifiers.
MAX_TOKEN_BYTES = 100

# Searchable text: exact field → folded twin.
TEXT_FIELDS: dict[str, str] = {
    "title": "title_folded",
    "authors": "authors_folded",
    "subjects": "subjects_folded",
    "publisher": "publisher_folded",
}
# Keyword fields with the raw tokenizer and a fast column: filters and facets.
FACET_FIELDS: tuple[str, ...] = ("library", "library_type", "district", "language", "material_type", "subject")
# The subject filter's field: each heading's spellings as keys (index/headings.py).
SUBJECT_KEY_FIELD = "subject_key"
YEAR_FIELD = "year"
# `rank_weight` encodes the holding-count boost for Searcher.search(weight_by_field=...);
# see `rank_weight()` for why it is not the count itself.
RANK_WEIGHT_FIELD = "rank_weight"
TITLE_SORT_FIELD = "title_sort"
# Unix time the union record was created: a title new to the province's catalogue (sort "new").
ADDED_FIELD = "added"
# When each holding library's copy came, "library@first_seen" (ISO 8601 UTC, so terms sort as times): a
# library's new books are those new *there*, though the catalogue had the title (index/arrivals.py).
ARRIVAL_FIELD = "arrival"
# The folded title behind a sentinel word, so a phrase query [sentinel, w1, w2…]
# matches only titles that start with w1 w2… (index/query.py: "title-start bonus").
TITLE_START_FIELD = "title_start"
TITLE_START_TOKEN = "qqtitlestartqq"
# Every folded word of the searchable text in one field, doc ids only: a plain word is
# found through this one posting list and only scored in the fields above (index/query.py).
MATCH_FIELD = "match_folded"
# Class numbers and call numbers, folded, one token per run of non-spaces ("807.12", "ng-d"): split
# into words, the "12" of "807.12" matched the grade of "Hóa học 12" (index.document.class_numbers).
CLASS_NUMBER_FIELD = "class_number"
# Each member's record id ("tv-tinh:hg1") and local id ("hg1"), NFC and case folded: a query that is one
# finds its union record (index/record_ids.py).
RECORD_ID_FIELD = "record_id"


def build_schema() -> tantivy.Schema:
    """The schema; changing it needs `unioncat index --rebuild`."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for exact, folded in TEXT_FIELDS.items():
        builder.add_text_field(exact, stored=(exact == "title"), tokenizer_name=WORD_ANALYZER)
        builder.add_text_field(folded, tokenizer_name=WORD_ANALYZER)
    builder.add_text_field("all_folded", tokenizer_name=WORD_ANALYZER)
    builder.add_text_field(TITLE_START_FIELD, tokenizer_name=WORD_ANALYZER)
    builder.add_text_field(MATCH_FIELD, tokenizer_name=WORD_ANALYZER, index_option="basic")
    builder.add_text_field(CLASS_NUMBER_FIELD, tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field("isbn", tokenizer_name="raw", index_option="basic")
    builder.add_text_field(RECORD_ID_FIELD, tokenizer_name="raw", index_option="basic")
    for name in FACET_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_text_field(SUBJECT_KEY_FIELD, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("work_key", tokenizer_name="raw", index_option="basic")
    builder.add_text_field(ARRIVAL_FIELD, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(TITLE_SORT_FIELD, tokenizer_name="raw", fast=True, index_option="basic")
    builder.add_integer_field(YEAR_FIELD, indexed=True, fast=True)
    builder.add_unsigned_field(ADDED_FIELD, stored=True, fast=True)
    builder.add_unsigned_field(RANK_WEIGHT_FIELD, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _word_analyzer() -> tantivy.TextAnalyzer:
    # The simple tokenizer, not a regex one: Tantivy indexes with it in half the CPU
    # time (41 against 78 µs per document, 100,000 of bench/search.py's records).
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .build()
    )


_QUERY_ANALYZER = _word_analyzer()


def register_analyzers(index: tantivy.Index) -> None:
    """Register the word analyzer on an opened index (Tantivy does not persist it)."""
    index.register_tokenizer(WORD_ANALYZER, _word_analyzer())


def exact_text(text: str) -> str:
    """`text` spelled as an exact field holds it, before the analyzer: NFKC (fullwidth "Ｋｉｅｕ" is "Kieu")
    without invisible characters, one tone spelling, a final y after consonants as i ("lý" is "lí").
    Index and query both spell so."""
    return final_i_spelling(one_tone_spelling(visible_nfkc(text)))


def folded_text(text: str) -> str:
    """`text` as a folded field holds it, before the analyzer: `store.text.fold` of its NFKC form,
    so a fullwidth or ligature letter folds as the letter it stands for, a final y after consonants
    as i ("ky" is "ki": the fold of `exact_text`)."""
    return final_i_spelling(fold(unicodedata.normalize("NFKC", text)))


def exact_words(text: str) -> list[str]:
    """Query-side tokens of an exact field: `exact_text`, lower case, marks kept, split as the index splits."""
    return _QUERY_ANALYZER.analyze(exact_text(text))


def folded_words(text: str) -> list[str]:
    """Query-side tokens of a folded field: `folded_text`, split as the index splits."""
    return _QUERY_ANALYZER.analyze(folded_text(text))


def rank_weight(holding_count: int) -> int:
    """Value whose log2(2 + v) is 8 + log2(1 + holdings).

    Tantivy multiplies the score by log2(2 + field value); fed the raw count
    that would be a ×1.6–×4.5 swing, stronger than the exact-over-folded boost.
    This value makes the factor (after dividing by the constant 8) equal to
    1 + log2(1 + holdings)/8: ×1.125 for one library, ×1.5 for fifteen.
    """
    return 256 * (1 + max(0, holding_count)) - 2
