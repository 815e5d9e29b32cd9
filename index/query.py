"""Turn what a librarian types into a Tantivy query, without ever handing user text to a parser.

The query language
------------------
- Plain words: every word must match (an implicit AND).  Marks are optional:
  `truyen kieu` finds "Truyện Kiều".  A word the index splits (`959.7`,
  `O'Brien`, `Việt-Nam`) is its pieces adjacent, as a phrase; `/ : ; , + & | =`
  separate words (`Kiều/Nguyễn` is two).
- `"quoted phrases"`: the words, adjacent and in order.
- `AND`, `OR`, `NOT` (upper case only, so the English word "and" in a title is
  a word) and `-word` / `-"phrase"` / `-title:x` to exclude.  Precedence, from
  tightest: `NOT`/`-`, then `AND` (also implicit), then `OR`; parentheses group:
  `(kieu OR "luc van tien") AND NOT -tiếng`.
- Fields: `title:`, `author:`, `subject:`, `publisher:` (with a word, a
  "phrase" or a parenthesised group: `title:(kieu OR tien)`), `isbn:` (hyphens
  allowed, ISBN-10 finds the ISBN-13 record), `year:2019`, `year:2010..2020`
  (also `2010-2020` or `2010–2020`, open ends `..2000`, `-2000`, `2000..`).
- A bare ISBN (with or without hyphens, 10 or 13 digits) is searched as an ISBN,
  also after the label printed in books: `ISBN 978-604-…` (and `ISSN 0866-7500`
  is the ISSN's text).

A query with nothing searchable (`*`), unbalanced parentheses or quotes, an
operator without an operand, a field without a value, or more than
`MAX_QUERY_WORDS` words is a `QueryError` (HTTP 400 with a message).

Scoring (what `build_query` ranks by)
-------------------------------------
The score of a record is Tantivy's BM25, summed over these clauses, then
multiplied by the holdings factor:

1. Each word, in each field it may match, with weight
   `FIELD_WEIGHTS[field]` (title 4, authors 2.5, subjects 1.5, publisher 1)
   times `EXACT_BOOST` (3) when it matches the exact field (marks as typed), or
   times 1 when it matches only the folded twin (marks dropped, đ→d).  So
   `Lịch sử` ranks records spelled "Lịch sử" above "Lich su", while `lich su`
   scores both alike on the folded fields and lets the rest decide.
   Every other text (notes, series, call numbers, classification, place,
   edition) is searched folded in `all_folded` with weight `ALL_FOLDED_WEIGHT`
   (0.5): it finds, it barely ranks.
2. Title bonuses for the words of the query's positive AND chain (bare words
   and phrases, not fielded, not inside OR/NOT): the words as an adjacent
   phrase in the title: `TITLE_PHRASE_BOOST` (folded) plus the same again when
   the marks match; the words at the very start of the title:
   `TITLE_START_BOOST` (when the query has marks, only where the title has
   them too: "Vi mô" starts no title for `vĩ mô`); every word somewhere in
   the title, in any order: `TITLE_ALL_BOOST`; the words as an adjacent phrase in the authors (one
   author's name, "Nguyễn Du"): `AUTHOR_PHRASE_BOOST`, again doubled when the
   marks match.  So "Truyện Kiều" outranks "The tale of Kieu … Truyện Kiều",
   which outranks a book with the words scattered over title, authors and
   subjects, and `Nguyễn Du` finds his books before a title that merely holds
   "Du" and "Nguyễn".  The marks compared are those of the same words, whatever
   else the query holds (`-sách` does not switch the exact bonus off).
3. An ISBN match weighs `ISBN_BOOST` (20): it is an identifier, it wins.
4. Holdings: Tantivy multiplies the score by log2(2 + rank_weight); the
   stored weight makes that factor 8 × (1 + log2(1 + libraries)/8), i.e.
   ×1.125 for one library, ×1.5 for fifteen (see `index.schema.rank_weight`):
   a gentle tie-breaker, never stronger than an exact spelling.

Filters (facets) are constant-score and do not change the ranking.  With no
hit at all, `SearchIndex.search` looks for typos: a positive word of three
letters or more, letters only, that no record holds in its fields
(`typo_candidates`) may then match with one typo (two from eight letters) in
the folded fields, and the answer says `fuzzy: true` with that word spelled as
the hits spell it.  Words the index holds are never typos: no hit because of a
filter, a `-word` or a field is the answer, not a misspelling, and numbers
(years, call numbers) are never read as other numbers.
tests/test_search_relevance.py pins this ranking with real queries on the fixtures.

(This module is a little over 500 lines because this docstring is the reference for
the query language and the scoring; the parser and the query builder share `Clause`.)
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import tantivy

from config.errors import QueryError
from index.document import clean_isbn, isbn13_from_isbn10
from index.schema import MATCH_FIELD, TITLE_START_FIELD, TITLE_START_TOKEN, YEAR_FIELD, exact_words, folded_words

EXACT_BOOST = 3.0
FIELD_WEIGHTS: dict[str, float] = {"title": 4.0, "authors": 2.5, "subjects": 1.5, "publisher": 1.0}
ALL_FOLDED_WEIGHT = 0.5
ISBN_BOOST = 20.0
TITLE_PHRASE_BOOST = 6.0
TITLE_START_BOOST = 6.0
TITLE_ALL_BOOST = 4.0
AUTHOR_PHRASE_BOOST = 6.0
# field prefix a user may type → exact fields it searches
FIELD_PREFIXES: dict[str, tuple[str, ...]] = {
    "title": ("title",), "author": ("authors",), "authors": ("authors",),
    "subject": ("subjects",), "subjects": ("subjects",), "publisher": ("publisher",),
}
DEFAULT_FIELDS: tuple[str, ...] = tuple(FIELD_WEIGHTS)
OPERATORS = ("AND", "OR", "NOT")
MAX_QUERY_WORDS = 64
MAX_DEPTH = 20
FUZZY_MIN_CHARS = 3
_ISBN_LIKE = re.compile(r"^(97[89]\d{10}|\d{9}[\dX])$")
_ISSN_LIKE = re.compile(r"^\d{7}[\dX]$")
# "ISBN 978-604-…" as printed in books (and "ISBN978-…", "ISSN 0866-7500"): the label of the number.
_ID_LABEL = re.compile(r"^(?:isbn|issn)(?=[\d:-]|$)", re.IGNORECASE)
# Between words typed without a space: "Kiều/Nguyễn", "1:100.000".  Other joiners (. ' - _)
# hold one word's pieces, searched adjacent: "959.7", "O'Brien", "Việt-Nam".
_WORD_SEPARATORS = re.compile(r"[/:;,+&|=]+")
# Hyphen, en dash (Vietnamese typography, and the decade facet's labels), em dash.
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*(?:\.\.|-|\u2013|\u2014)\s*(\d{1,4})?$")
_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<minus>-)(?=[^\s)])'
                    r'|(?P<field>[A-Za-z]+):|(?P<word>[^\s()"]+))')


@dataclass
class Clause:
    """A leaf of the query tree: a word, a phrase, an ISBN or a year range."""

    kind: str  # "text" | "isbn" | "year"
    fields: tuple[str, ...] = DEFAULT_FIELDS
    text: str = ""
    phrase: bool = False
    negate: bool = False
    years: tuple[int | None, int | None] = (None, None)
    isbns: list[str] = field(default_factory=list)


@dataclass
class Not:
    child: Node


@dataclass
class And:
    children: list[Node]


@dataclass
class Or:
    children: list[Node]


Node = Clause | Not | And | Or


def parse_year_range(value: str, query: str) -> tuple[int | None, int | None]:
    """`2019` → (2019, 2019); `2010..2020` or `2010-2020` → (2010, 2020); open ends allowed."""
    value = value.strip()
    if value.isascii() and value.isdigit() and len(value) <= 4:  # "²".isdigit() too, and int() refuses it
        return int(value), int(value)
    match = _YEAR_RANGE.match(value)
    if not match or not (match.group(1) or match.group(2)):
        raise QueryError(query, f"năm không hợp lệ {value!r}: dùng 2019 hoặc 2010-2020 (invalid year)")
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(2)) if match.group(2) else None
    if low is not None and high is not None and low > high:
        raise QueryError(query, f"khoảng năm ngược {value!r} (year range reversed)")
    return low, high


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: lp, rp, phrase, minus, field, op, word."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        match = _TOKEN.match(query, pos)
        if match is None or match.end() == pos:  # only trailing whitespace is left
            break
        pos = match.end()
        kind = match.lastgroup
        if kind == "quote":
            end = query.find('"', pos)
            if end < 0:
                raise QueryError(query, 'thiếu dấu " đóng cụm từ (unbalanced quotes)')
            out.append(("phrase", query[pos:end]))
            pos = end + 1
        elif kind == "field":
            name = match.group("field").lower()
            if name in FIELD_PREFIXES or name in ("isbn", "year"):
                out.append(("field", name))
            else:  # "http://…" or "foo:bar": plain words
                rest = re.match(r'[^\s()"]*', query[pos:]).group(0)
                out.append(("word", f"{match.group('field')}:{rest}"))
                pos += len(rest)
        elif kind == "word" and match.group("word") in OPERATORS:
            out.append(("op", match.group("word")))
        else:
            out.append((kind, match.group(kind)))
    return out


def _without_id_labels(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tokens without the label of a number: "ISBN 978-604-…" as printed in books is the ISBN,
    and `-ISBN 978-…` excludes it."""
    return [token for n, token in enumerate(tokens)
            if not (token[0] == "word" and token[1].lower() in ("isbn", "issn") and n + 1 < len(tokens)
                    and tokens[n + 1][0] == "word" and _identifier(tokens[n + 1][1])
                    and (n == 0 or tokens[n - 1][0] != "field"))]


class _Parser:
    """Recursive descent over `_tokens`: or_expr := and_expr (OR and_expr)*; and_expr := unary ([AND] unary)*;
    unary := (NOT | -) unary | primary; primary := ( or_expr ) | field:value | "phrase" | word."""

    def __init__(self, query: str):
        self.query = query
        self.tokens = _without_id_labels(_tokens(query))
        self.pos = 0
        self.depth = 0

    def error(self, message: str) -> QueryError:
        return QueryError(self.query, message)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr(DEFAULT_FIELDS)
        if self.peek() is not None:
            raise self.error("thừa dấu ) (unbalanced parentheses)")
        return node

    def or_expr(self, fields: tuple[str, ...]) -> Node | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"lồng ngoặc quá {MAX_DEPTH} tầng (nested too deep)")
        children = [self.and_expr(fields)]
        while self.peek() == ("op", "OR"):
            self.take()
            children.append(self.and_expr(fields))
        self.depth -= 1
        if len(children) > 1 and any(c is None for c in children):
            raise self.error("OR cần một vế ở mỗi bên (OR needs two operands)")
        return children[0] if len(children) == 1 else Or(children)  # type: ignore[arg-type]

    def and_expr(self, fields: tuple[str, ...]) -> Node | None:
        children: list[Node] = []
        explicit = False
        while True:
            token = self.peek()
            if token is None or token[0] == "rp" or token == ("op", "OR"):
                break
            if token == ("op", "AND"):
                self.take()
                following = self.peek()
                if not children or following is None or following[0] == "rp" or following[0] == "op" and \
                        following[1] in ("AND", "OR"):
                    raise self.error("AND cần một vế ở mỗi bên (AND needs two operands)")
                explicit = True
                continue
            node = self.unary(fields)
            if node is not None:
                children.append(node)
        if explicit and not children:
            raise self.error("AND cần một vế ở mỗi bên (AND needs two operands)")
        if not children:
            return None
        return children[0] if len(children) == 1 else And(children)

    def unary(self, fields: tuple[str, ...]) -> Node | None:
        # A loop, not recursion, and each NOT counts towards the nesting depth: nine
        # hundred "-" in a row would overflow Python's stack, and Tantivy's before it.
        negations = 0
        while (token := self.peek()) is not None and (token == ("op", "NOT") or token[0] == "minus"):
            self.take()
            if self.peek() is None or self.peek()[0] == "rp" or self.peek() in (("op", "OR"), ("op", "AND")):
                raise self.error(f"sau {token[1]} cần một từ (NOT needs an operand)")
            negations += 1
            if self.depth + negations > MAX_DEPTH:
                raise self.error(f"lồng NOT/- và ngoặc quá {MAX_DEPTH} tầng (nested too deep)")
        self.depth += negations
        node = self.primary(fields)
        self.depth -= negations
        for _ in range(negations):
            node = Not(node) if node is not None else None
        return node

    def primary(self, fields: tuple[str, ...]) -> Node | None:
        kind, text = self.take()
        if kind == "lp":
            node = self.or_expr(fields)
            if self.peek() is None or self.take()[0] != "rp":
                raise self.error("thiếu dấu ) (unbalanced parentheses)")
            return node
        if kind == "rp":
            raise self.error("thừa dấu ) (unbalanced parentheses)")
        if kind == "field":
            return self.fielded(text)
        if kind == "phrase":
            return _text_leaf(text, fields, phrase=True)
        if kind == "op":  # "AND" where an operand was expected: a stray operator
            raise self.error(f"{text} đặt sai chỗ ({text} needs operands)")
        return self.word(text, fields)

    def fielded(self, name: str) -> Node | None:
        token = self.peek()
        following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if name == "year" and token is not None and token[0] == "minus" and following and following[0] == "word":
            self.pos += 2  # `year:-2000`: the open start, as `year:2000-` is the open end
            return Clause("year", years=parse_year_range("-" + following[1], self.query))
        if token is None or token[0] not in ("word", "phrase", "lp"):
            raise self.error(f"sau {name}: cần một từ để tìm ({name}: needs a word)")
        if name in ("isbn", "year"):
            if token[0] != "word":
                raise self.error(f"sau {name}: cần một giá trị (e.g. {name}:2019)")
            value = self.take()[1]
            if name == "year":
                return Clause("year", years=parse_year_range(value, self.query))
            return Clause("isbn", isbns=_isbn_forms(value, self.query))
        fields = FIELD_PREFIXES[name]
        if token[0] == "lp":
            return self.primary(fields)
        kind, value = self.take()
        node = _text_leaf(value, fields, phrase=kind == "phrase") if kind == "phrase" else self.word(value, fields)
        if node is None:
            raise self.error(f"sau {name}: cần một từ để tìm ({name}: needs a word)")
        return node

    def word(self, text: str, fields: tuple[str, ...]) -> Node | None:
        if fields == DEFAULT_FIELDS and (label := _ID_LABEL.match(text)) and _identifier(text[label.end():]):
            text = text[label.end():]  # "ISBN978-604-…", "ISSN:0866-7500"
        if fields == DEFAULT_FIELDS and _ISBN_LIKE.match(clean_isbn(text)):
            return Clause("isbn", text=text, isbns=_isbn_forms(text, self.query))
        # One leaf per part: the pieces of a part are adjacent (a phrase), "959.7" is not
        # "959" and "7" anywhere in the record.
        leaves = [leaf for part in _WORD_SEPARATORS.split(text) if (leaf := _text_leaf(part, fields, phrase=True))]
        if not leaves:
            return None  # "*", "-", "\\": nothing to search; ignored
        return leaves[0] if len(leaves) == 1 else And(leaves)  # type: ignore[arg-type]


def _identifier(text: str) -> bool:
    """An ISBN or an ISSN, hyphens and all."""
    value = clean_isbn(text)
    return bool(_ISBN_LIKE.match(value) or _ISSN_LIKE.match(value))


def _text_leaf(text: str, fields: tuple[str, ...], phrase: bool) -> Clause | None:
    words = exact_words(text)
    if not words:
        return None
    return Clause("text", fields, text, phrase=phrase and len(words) > 1)


def parse_query(query: str) -> Node:
    """The query tree of user text; raises QueryError when it is malformed or has nothing searchable."""
    node = _Parser(query).parse()
    if node is None:
        raise QueryError(query, "không có từ nào để tìm (no searchable word)")
    if sum(len(exact_words(c.text)) or 1 for c in leaves(node)) > MAX_QUERY_WORDS:
        raise QueryError(query, f"quá nhiều từ, tối đa {MAX_QUERY_WORDS} (too many words)")
    return node


def leaves(node: Node, negated: bool = False) -> list[Clause]:
    """Every leaf, with `negate` set on those under an odd number of NOTs."""
    if isinstance(node, Clause):
        node.negate = negated
        return [node]
    if isinstance(node, Not):
        return leaves(node.child, not negated)
    return [leaf for child in node.children for leaf in leaves(child, negated)]


def positive_words(node: Node) -> list[str]:
    """Folded words of the positive text leaves (for highlighting and suggestions)."""
    return [w for c in leaves(node) if c.kind == "text" and not c.negate for w in folded_words(c.text)]


def typo_candidates(node: Node) -> list[tuple[str, tuple[str, ...]]]:
    """(folded word, folded fields searched for it) of each positive one-word leaf that could be a typo:
    FUZZY_MIN_CHARS letters or more, no digit (a year or a call number is never another one misspelt).

    `SearchIndex.search` allows typos only in those of them no record holds in those fields."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for clause in leaves(node):
        if clause.kind != "text" or clause.negate:
            continue
        folded = folded_words(clause.text)
        if len(folded) != 1:
            continue  # a phrase: its words match as typed
        word = folded[0]
        if len(word) >= FUZZY_MIN_CHARS and word.isalpha():
            fields = (MATCH_FIELD,) if clause.fields == DEFAULT_FIELDS else tuple(f"{f}_folded" for f in clause.fields)
            out.append((word, fields))
    return out


def _bonus_clauses(node: Node) -> list[Clause]:
    """The top-level AND chain of bare words and phrases (see "Scoring" above)."""
    chain = node.children if isinstance(node, And) else [node]
    clauses: list[Clause] = []
    for child in chain:
        if isinstance(child, And):
            clauses += _bonus_clauses(child)
        elif isinstance(child, Clause) and child.kind == "text" and child.fields == DEFAULT_FIELDS:
            clauses.append(child)
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


def match_query(schema: tantivy.Schema, node: Node) -> tantivy.Query:
    """The records `build_query` finds, found the cheap way: for counting facets, which ignore scores.

    A plain word is one posting list of MATCH_FIELD (every word its fields hold, folded)
    instead of the union of its nine scoring fields, most of a search's cost.
    """
    return _node_query(schema, node, frozenset(), scoring=False)


def build_query(schema: tantivy.Schema, node: Node, fuzzy: AbstractSet[str] = frozenset()) -> tantivy.Query:
    """The Tantivy query of a parsed tree with the title bonuses; `fuzzy`: folded words that may match with a typo."""
    main = _node_query(schema, node, fuzzy)
    clauses = _bonus_clauses(node)
    words = [w for c in clauses for w in folded_words(c.text)]
    if not words or fuzzy:
        return main
    bonus: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, main)]
    # The same words with their marks: a `-word`, a fielded term or an OR elsewhere in the
    # query must not switch off the bonus for spelling these right.
    exact = [w for c in clauses for w in exact_words(c.text)]
    start = tantivy.Query.phrase_query(schema, TITLE_START_FIELD, [TITLE_START_TOKEN, *words])
    if len(exact) == len(words) and exact != words:
        # Typed with marks, the start counts only where the title has them: "Vi mô" (micro)
        # must not start a title for `vĩ mô` (macro), or enough holdings lift it above the real one.
        spelled = (tantivy.Query.phrase_query(schema, "title", exact) if len(exact) > 1
                   else tantivy.Query.term_query(schema, "title", exact[0]))
        start = tantivy.Query.boolean_query([(tantivy.Occur.Must, start), (tantivy.Occur.Must, spelled)])
    bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(start, TITLE_START_BOOST)))
    if len(words) > 1:
        every = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(schema, "title_folded", w)) for w in words])
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(every, TITLE_ALL_BOOST)))
        phrase = tantivy.Query.phrase_query(schema, "title_folded", words)
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, TITLE_PHRASE_BOOST)))
        # The words as one author's name ("Nguyễn Du"): his books above titles that merely
        # hold both words somewhere.
        phrase = tantivy.Query.phrase_query(schema, "authors_folded", words)
        bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, AUTHOR_PHRASE_BOOST)))
        if len(exact) == len(words):
            phrase = tantivy.Query.phrase_query(schema, "title", exact)
            bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, TITLE_PHRASE_BOOST)))
            phrase = tantivy.Query.phrase_query(schema, "authors", exact)
            bonus.append((tantivy.Occur.Should, tantivy.Query.boost_query(phrase, AUTHOR_PHRASE_BOOST)))
    return tantivy.Query.boolean_query(bonus)


def _node_query(schema: tantivy.Schema, node: Node, fuzzy: AbstractSet[str], scoring: bool = True) -> tantivy.Query:
    if isinstance(node, Clause):
        return _clause_query(schema, node, fuzzy, scoring)
    if isinstance(node, Not):
        excluded = _node_query(schema, node.child, frozenset(), scoring)
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                            (tantivy.Occur.MustNot, excluded)])
    if isinstance(node, Or):
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _node_query(schema, child, fuzzy, scoring)) for child in node.children])
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for child in node.children:
        if isinstance(child, Not):
            parts.append((tantivy.Occur.MustNot, _node_query(schema, child.child, frozenset(), scoring)))
        else:
            parts.append((tantivy.Occur.Must, _node_query(schema, child, fuzzy, scoring)))
    if all(occur == tantivy.Occur.MustNot for occur, _ in parts):
        parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(parts)


def _clause_query(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str], scoring: bool) -> tantivy.Query:
    if clause.kind == "year":
        low, high = clause.years
        return year_query(schema, low, high)
    if clause.kind == "isbn":
        isbn = tantivy.Query.boost_query(tantivy.Query.term_set_query(schema, "isbn", clause.isbns), ISBN_BOOST)
        if not clause.text:
            return isbn
        words = Clause("text", DEFAULT_FIELDS, clause.text, phrase=True)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, isbn),
                                            (tantivy.Occur.Should, _text_query(schema, words, frozenset(), scoring))])
    return _text_query(schema, clause, fuzzy, scoring)


def _text_query(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str],
                scoring: bool = True) -> tantivy.Query:
    """A text clause scored in its fields, or (not `scoring`) one plain word found in MATCH_FIELD."""
    if not scoring and not fuzzy and clause.fields == DEFAULT_FIELDS:
        folded = folded_words(clause.text)
        if len(folded) == 1 and len(exact_words(clause.text)) == 1:
            return tantivy.Query.term_query(schema, MATCH_FIELD, folded[0])
    return field_scores(schema, clause, fuzzy)


def field_scores(schema: tantivy.Schema, clause: Clause, fuzzy: AbstractSet[str]) -> tantivy.Query:
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
        elif name.endswith("_folded") and words[0] in fuzzy:
            distance = 2 if len(words[0]) >= 8 else 1
            query = tantivy.Query.fuzzy_term_query(schema, name, words[0], distance=distance)
        else:
            query = tantivy.Query.term_query(schema, name, words[0])
        should.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, boost)))
    return tantivy.Query.boolean_query(should)


def year_query(schema: tantivy.Schema, low: int | None, high: int | None) -> tantivy.Query:
    """Records published in [low, high]; an open end is unbounded."""
    return tantivy.Query.range_query(schema, YEAR_FIELD, tantivy.FieldType.Integer, low, high)
