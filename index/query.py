"""Turn what a librarian types into a Tantivy query, without ever handing user text to a parser.

Supported: words (all must match), "quoted phrases", `-word` to exclude, and
the fields `title:`, `author:`, `subject:`, `publisher:`, `isbn:`, `year:2019`,
`year:2010..2020` (also `2010-2020`).  Each word searches the exact fields and
the folded fields; exact fields weigh three times more, so `Lịch sử` ranks
records spelled with those marks above ones that only fold to the same letters.
Anything else is treated as plain words; a query with no word at all is a
`QueryError` (HTTP 400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tantivy

from config.errors import QueryError
from index.document import clean_isbn, isbn13_from_isbn10
from index.schema import YEAR_FIELD, exact_words, folded_words

EXACT_BOOST = 3.0
FIELD_WEIGHTS: dict[str, float] = {"title": 4.0, "authors": 2.5, "subjects": 1.5, "publisher": 1.0}
ALL_FOLDED_WEIGHT = 0.5
ISBN_BOOST = 20.0
# field prefix a user may type → exact fields it searches
FIELD_PREFIXES: dict[str, tuple[str, ...]] = {
    "title": ("title",), "author": ("authors",), "authors": ("authors",),
    "subject": ("subjects",), "subjects": ("subjects",), "publisher": ("publisher",),
}
DEFAULT_FIELDS: tuple[str, ...] = tuple(FIELD_WEIGHTS)
MAX_QUERY_WORDS = 64
FUZZY_MIN_CHARS = 4
_ISBN_LIKE = re.compile(r"^(97[89]\d{10}|\d{9}[\dX])$")
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*(?:\.\.|-)\s*(\d{1,4})?$")
_CHUNK = re.compile(r'\s*(-?)(?:([A-Za-z]+):)?("([^"]*)"?|[^\s"]+)?')


@dataclass
class Clause:
    """One unit of a query: a word, a phrase, an ISBN or a year range, possibly negated."""

    kind: str  # "text" | "isbn" | "year"
    fields: tuple[str, ...] = DEFAULT_FIELDS
    text: str = ""
    phrase: bool = False
    negate: bool = False
    years: tuple[int | None, int | None] = (None, None)
    isbns: list[str] = field(default_factory=list)


def parse_year_range(value: str, query: str) -> tuple[int | None, int | None]:
    """`2019` → (2019, 2019); `2010..2020` or `2010-2020` → (2010, 2020); open ends allowed."""
    value = value.strip()
    if value.isdigit() and len(value) <= 4:
        return int(value), int(value)
    match = _YEAR_RANGE.match(value)
    if not match or not (match.group(1) or match.group(2)):
        raise QueryError(query, f"năm không hợp lệ {value!r}: dùng 2019 hoặc 2010-2020 (invalid year)")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else None
    if low is not None and high is not None and low > high:
        raise QueryError(query, f"khoảng năm ngược {value!r} (year range reversed)")
    return low, high


def parse_query(query: str) -> list[Clause]:
    """Split user text into clauses; raises QueryError when nothing searchable is left."""
    clauses: list[Clause] = []
    for match in _CHUNK.finditer(query):
        minus, prefix, token, quoted = match.groups()
        if token is None and prefix is None:
            continue
        negate = minus == "-"
        prefix = prefix.lower() if prefix else None
        value = quoted if quoted is not None else (token or "")
        if prefix is not None and prefix not in FIELD_PREFIXES and prefix not in ("isbn", "year"):
            value, prefix = f"{match.group(2)}:{value}", None  # "http://…" or "foo:bar": plain words
        if prefix == "year":
            clauses.append(Clause("year", years=parse_year_range(value, query), negate=negate))
        elif prefix == "isbn":
            clauses.append(Clause("isbn", isbns=_isbn_forms(value, query), negate=negate))
        elif _ISBN_LIKE.match(clean_isbn(value)) and quoted is None and prefix is None:
            clauses.append(Clause("isbn", text=value, isbns=_isbn_forms(value, query), negate=negate))
        elif exact_words(value):
            fields = FIELD_PREFIXES[prefix] if prefix else DEFAULT_FIELDS
            if quoted is not None:
                clauses.append(Clause("text", fields, value, phrase=True, negate=negate))
            else:
                clauses += [Clause("text", fields, word, negate=negate) for word in exact_words(value)]
        elif prefix is not None:
            raise QueryError(query, f"sau {prefix}: cần một từ để tìm ({prefix}: needs a word)")
    if not clauses:
        raise QueryError(query, "không có từ nào để tìm (no searchable word)")
    if sum(len(exact_words(c.text)) or 1 for c in clauses) > MAX_QUERY_WORDS:
        raise QueryError(query, f"quá nhiều từ, tối đa {MAX_QUERY_WORDS} (too many words)")
    return clauses


def _isbn_forms(value: str, query: str) -> list[str]:
    isbn = clean_isbn(value)
    if not isbn:
        raise QueryError(query, "sau isbn: cần một số ISBN (isbn: needs a number)")
    forms = [isbn]
    thirteen = isbn13_from_isbn10(isbn)
    if thirteen:
        forms.append(thirteen)
    return forms


def build_query(schema: tantivy.Schema, clauses: list[Clause], fuzzy: bool = False) -> tantivy.Query:
    """The Tantivy query of parsed clauses; `fuzzy` allows one or two typos per long word."""
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for clause in clauses:
        occur = tantivy.Occur.MustNot if clause.negate else tantivy.Occur.Must
        parts.append((occur, _clause_query(schema, clause, fuzzy and not clause.negate)))
    if all(occur == tantivy.Occur.MustNot for occur, _ in parts):
        parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(parts)


def _clause_query(schema: tantivy.Schema, clause: Clause, fuzzy: bool) -> tantivy.Query:
    if clause.kind == "year":
        low, high = clause.years
        return year_query(schema, low, high)
    if clause.kind == "isbn":
        isbn = tantivy.Query.boost_query(tantivy.Query.term_set_query(schema, "isbn", clause.isbns), ISBN_BOOST)
        if not clause.text:
            return isbn
        words = Clause("text", DEFAULT_FIELDS, clause.text, phrase=True)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, isbn),
                                            (tantivy.Occur.Should, _text_query(schema, words, False))])
    return _text_query(schema, clause, fuzzy)


def _text_query(schema: tantivy.Schema, clause: Clause, fuzzy: bool) -> tantivy.Query:
    """Should over exact and folded fields, boosted by field weight and exactness."""
    exact, folded = exact_words(clause.text), folded_words(clause.text)
    targets: list[tuple[str, list[str], float]] = []
    for name in clause.fields:
        weight = FIELD_WEIGHTS[name]
        targets.append((name, exact, weight * EXACT_BOOST))
        targets.append((f"{name}_folded", folded, weight))
    if clause.fields == DEFAULT_FIELDS:
        targets.append(("all_folded", folded, ALL_FOLDED_WEIGHT))
    should: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for name, words, boost in targets:
        if not words:
            continue
        if len(words) > 1:
            query = tantivy.Query.phrase_query(schema, name, words)
        elif fuzzy and name.endswith("_folded") and len(words[0]) >= FUZZY_MIN_CHARS:
            distance = 2 if len(words[0]) >= 8 else 1
            query = tantivy.Query.fuzzy_term_query(schema, name, words[0], distance=distance)
        else:
            query = tantivy.Query.term_query(schema, name, words[0])
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
    return tantivy.Query.boolean_query(should)


def year_query(schema: tantivy.Schema, low: int | None, high: int | None) -> tantivy.Query:
    """Records published in [low, high]; an open end is unbounded."""
    return tantivy.Query.range_query(schema, YEAR_FIELD, tantivy.FieldType.Integer, low, high)
