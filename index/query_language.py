"""The query language librarians type, parsed into a tree, without ever handing user text to a parser.

The query language
------------------
- Plain words: every word must match (an implicit AND).  Marks are optional:
  `truyen kieu` finds "Truyện Kiều".  A word the index splits (`959.7`,
  `O'Brien`, `Việt-Nam`) is its pieces adjacent, as a phrase; `/ : ; , + & | =`
  separate words (`Kiều/Nguyễn` is two).
- `"quoted phrases"`: the words, adjacent and in order; a quote left open is closed at the end.
  A phrase written with marks (on half its words or more: `index.query.written_with_marks`) is
  found as typed, marks and all, in every field it searches: `"kinh tế vi mô"` (micro) does not find
  "kinh tế vĩ mô" (macro), and a quoted word with marks neither: `"tù"` is not "từ".
- `AND`, `OR`, `NOT` (upper case only, so the English word "and" in a title is
  a word) and `-word` / `-"phrase"` / `-title:x` to exclude.  Precedence, from
  tightest: `NOT`/`-`, then `AND` (also implicit), then `OR`; parentheses group:
  `(kieu OR "luc van tien") AND NOT -tiếng`.  An excluded word written with marks excludes
  only that spelling in the title, authors, subjects and publisher (`-đảng` keeps Trần Bạch
  Đằng and Đặng Kim Khoa); without marks (`-dang`) it excludes every spelling, anywhere.
- Fields: `title:`, `author:`, `subject:`, `publisher:` (with a word, a
  "phrase" or a parenthesised group: `title:(kieu OR tien)`), `isbn:` (hyphens
  allowed, ISBN-10 finds the ISBN-13 record), `year:2019`, `year:2010..2020`
  (also `2010-2020` or `2010–2020`, open ends `..2000`, `-2000`, `2000..`).  A field takes a word, not an
  exclusion: `-title:kieu`, not `title:-kieu` (a `QueryError` says so).  Their Vietnamese names, followed
  directly by the value, are the fields (`tác giả:`/`tacgia:`, `nhan đề:`, `chủ đề:`, `nxb:`, `năm:2019`), and
  a name a letter or two from one (`tittle:kieu`) is a `QueryError` naming them (index/field_names.py); with
  a space after the colon ("Toán: tập 1") it is a word.
- `author:"Hugo, Victor"` finds "Victor Hugo" too, and the reverse (store/names.py); a
  Vietnamese name is surname first either way ("Nguyễn, Du" is Nguyễn Du).  Another quoted author of
  two or three words without a comma is also searched with its surname at the other end:
  `author:"Gosho Aoyama"` finds "Aoyama Gosho", `author:"Kim Jong Un"` "Jong Un Kim".
- A query that is one id (`uqeue33obul`, `tv-tinh:HG1`, `CVT000018`, or `id:` and one) finds the record
  it numbers before it is read as words (index/record_ids.py, applied by `SearchIndex.search`).
- Truncation: `truy*` finds the words that start so, marks ignored (Truyện, Truyền, truy cập), with
  at least `PREFIX_MIN_CHARS` (3) letters or digits before the star, else a `QueryError`; `895.92*`
  finds the class and call numbers that start so ("895.922 NG…"); the hits mark the words that start so.
  A truncated word is not looked
  for with typos, and does not take part in the title bonuses.
- Two syllables run together (`vietnam`) are searched as their phrase too ("Việt Nam") when more
  records hold it than the word, and excluded so (`-vietnam`) (index/run_together.py, applied by
  `SearchIndex.search`).
- A volume written short is the volume written out: `T.2` is `tập 2`, and either finds
  records whose volume says "T.2", "Tập 2" or (at the start of the part) "T2" (index/volumes.py).
- A bare ISBN (with hyphens, spaces or neither, 10 or 13 digits) is searched as an ISBN,
  also after the label printed in books: `ISBN 978-604-…` (and `ISSN 0866-7500`
  is the ISSN's text, found with its hyphen or without).  One with a wrong check digit, as a record
  prints it (`invalid_isbn`), finds that record however it is typed, `isbn:` too, and no valid ISBN
  (with spaces: alone in the query, in the groups ISBNs are printed in, 5 for 13 digits and 4 for 10).

A query with nothing searchable (`*`, `"`), unbalanced parentheses, an
operator without an operand, a field without a value, or more than
`MAX_QUERY_WORDS` words is a `QueryError` (HTTP 400 with a message).

`index.query` turns the tree into a Tantivy query and documents the scoring.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from config.errors import QueryError
from index.document import clean_isbn, is_valid_isbn, isbn13_from_isbn10
from index.field_names import LISTED, MAX_NAME_WORDS, alias_field, misspelt_field
from store.names import direct_order
from index.schema import exact_words, folded_words
from index.volumes import spelled_volumes

# The fields a plain word searches, with their weights in `index.query`.
DEFAULT_FIELDS: tuple[str, ...] = ("title", "authors", "subjects", "publisher")
# field prefix a user may type → exact fields it searches
FIELD_PREFIXES: dict[str, tuple[str, ...]] = {
    "title": ("title",), "author": ("authors",), "authors": ("authors",),
    "subject": ("subjects",), "subjects": ("subjects",), "publisher": ("publisher",),
}
# Every field name a user may type (`title:`); Vietnamese names and slips: index/field_names.py.
FIELD_NAMES: tuple[str, ...] = (*FIELD_PREFIXES, "isbn", "year")
OPERATORS = ("AND", "OR", "NOT")
MAX_QUERY_WORDS = 64
MAX_DEPTH = 20
# Letters or digits a truncated word (`truy*`) needs before its star: "ng*" would read half the index.
PREFIX_MIN_CHARS = 3
_ISBN_LIKE = re.compile(r"^(97[89]\d{10}|\d{9}[\dX])$")
_ISSN_LIKE = re.compile(r"^\d{7}[\dX]$")
# A group of an ISBN printed with spaces (ISO 2108 allows them): "978 604 2 30535 8".
_ISBN_GROUP = re.compile(r"^[0-9-]+[Xx]?$")
MAX_ISBN_GROUPS = 6
# "ISBN 978-604-…" as printed in books (and "ISBN978-…", "ISSN 0866-7500"): the label of the number.
_ID_LABEL = re.compile(r"^(?:isbn|issn)(?=[\d:-]|$)", re.IGNORECASE)
# Between words typed without a space: "Kiều/Nguyễn", "1:100.000".  Other joiners (. ' - _)
# hold one word's pieces, searched adjacent: "959.7", "O'Brien", "Việt-Nam".
_WORD_SEPARATORS = re.compile(r"[/:;,+&|=]+")
# Hyphen, en dash (Vietnamese typography, and the decade facet's labels), em dash.
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*(?:\.\.|-|\u2013|\u2014)\s*(\d{1,4})?$")
_TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<minus>-)(?=[^\s)])'
                    r'|(?P<field>[^\W\d_]+):|(?P<word>[^\s()"]+))')


@dataclass
class Clause:
    """A leaf of the query tree: a word, a phrase, an ISBN or a year range."""

    kind: str  # "text" | "prefix" (`truy*`: `text` is the words before the star) | "isbn" | "year"
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


def year_text(value: str) -> str:
    """A year or range as typed, in ASCII where it can be: fullwidth digits (`２０１５`, from an East Asian
    input method) were refused while an ISBN took them (index/document.py: clean_isbn). Decimal digits
    of any script as 0-9, other characters by NFKC (`－` is `-`); a digit that is no decimal one
    ("²", "①") stays, and is refused."""
    if value.isascii():
        return value
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch if ch.isdigit()
                   else unicodedata.normalize("NFKC", ch) for ch in value)


def parse_year_range(value: str, query: str) -> tuple[int | None, int | None]:
    """`2019` → (2019, 2019); `2010..2020` or `2010-2020` → (2010, 2020); open ends allowed."""
    value = year_text(value).strip()
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
            if end < 0:  # a quote left open ("truyện kiều) closes at the end, as Google and Solr's edismax read it
                end = len(query)
            out.append(("phrase", query[pos:end]))
            pos = end + 1
        elif kind == "field":
            name, after = match.group("field").lower(), query[pos:pos + 1]
            if name in FIELD_NAMES:
                out.append(("field", name))
            elif (alias := _aliased(out, name, after)) is not None:
                out.append(("field", alias))
            elif after and not after.isspace() and (meant := misspelt_field(name, FIELD_NAMES)):
                raise QueryError(query, f"{name}: không phải tên trường; có phải {meant}:? Các trường: {LISTED} "
                                        f"(unknown field {name}:, did you mean {meant}:?)")
            else:  # "http://…" or "foo:bar": plain words
                rest = re.match(r'[^\s()"]*', query[pos:]).group(0)
                out.append(("word", f"{match.group('field')}:{rest}"))
                pos += len(rest)
        elif kind == "word" and match.group("word") in OPERATORS:
            out.append(("op", match.group("word")))
        else:
            out.append((kind, match.group(kind)))
    return out


def _aliased(tokens: list[tuple[str, str]], name: str, after: str) -> str | None:
    """The field a Vietnamese name ending in `name` stands for (`index.field_names`), its words before
    `name` taken off `tokens` ("tác giả:" was the word "tác" and then "giả:"); None for no such name."""
    for count in range(MAX_NAME_WORDS - 1, -1, -1):
        before = tokens[len(tokens) - count:] if count else []
        if len(before) == count and all(kind == "word" for kind, _ in before) and \
                (field := alias_field([*(word for _, word in before), name], after)) is not None:
            del tokens[len(tokens) - count:]
            return field
    return None


def _without_id_labels(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tokens without the label of a number: "ISBN 978-604-…" as printed in books is the ISBN,
    and `-ISBN 978-…` excludes it."""
    return [token for n, token in enumerate(tokens)
            if not (token[0] == "word" and token[1].lower() in ("isbn", "issn") and n + 1 < len(tokens)
                    and tokens[n + 1][0] == "word" and _identifier(tokens[n + 1][1])
                    and (n == 0 or tokens[n - 1][0] != "field"))]


def _joined_isbns(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tokens with each ISBN printed with spaces as one word: its groups were words of their own,
    all required in the record's text, so "ISBN 978 604 2 30535 8" found nothing."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(tokens):
        end = _isbn_run_end(tokens, pos)
        out.append(("word", "".join(value for _, value in tokens[pos:end])) if end > pos + 1 else tokens[pos])
        pos = max(end, pos + 1)
    return out


def _isbn_run_end(tokens: list[tuple[str, str]], start: int) -> int:
    """The end of the longest run of number groups from `start` that spells an ISBN (`_spells_isbn`),
    or `start`.  After `title:` and the like the field takes the first group only, as it takes one word."""
    if start and tokens[start - 1][0] == "field" and tokens[start - 1][1] != "isbn":
        return start
    end, text, groups = start, "", 0
    for pos in range(start, min(len(tokens), start + MAX_ISBN_GROUPS)):
        kind, value = tokens[pos]
        if kind != "word" or not _ISBN_GROUP.match(value):
            break
        text += value
        groups += sum(1 for group in value.split("-") if group)
        alone = _only_an_isbn(tokens, start, pos + 1)
        if pos > start and _spells_isbn(clean_isbn(text), groups, alone):
            end = pos + 1
    return end


def _only_an_isbn(tokens: list[tuple[str, str]], start: int, end: int) -> bool:
    """Whether tokens[start:end] are the whole query but for an `isbn:` or an "ISBN" label before them."""
    before = tokens[:start]
    return end == len(tokens) and (not before or (len(before) == 1 and before[0][1].lower() == "isbn"))


def _spells_isbn(isbn: str, groups: int, alone: bool) -> bool:
    """Whether `isbn`, typed in `groups` groups, is one: valid (check digit and all), or, `alone` in the
    query, with a wrong check digit in the groups ISO 2108 prints (5 for 13 digits, 4 for 10), as a record
    holds it in `invalid_isbn` and finds it typed plain or hyphenated.  Years and call numbers stay words:
    "Luật giáo dục 2019 2020 1 2" is no ISBN 2019202012 (review)."""
    if is_valid_isbn(isbn):
        return True
    return alone and _ISBN_LIKE.match(isbn) is not None and groups == (5 if len(isbn) == 13 else 4)


class _Parser:
    """Recursive descent over `_tokens`: or_expr := and_expr (OR and_expr)*; and_expr := unary ([AND] unary)*;
    unary := (NOT | -) unary | primary; primary := ( or_expr ) | field:value | "phrase" | word."""

    def __init__(self, query: str):
        self.query = query
        self.tokens = _without_id_labels(_joined_isbns(_tokens(query)))
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
            return _text_leaf(text, fields, phrase=True, quoted=True)
        if kind == "op":  # "AND" where an operand was expected: a stray operator
            raise self.error(f"{text} đặt sai chỗ ({text} needs operands)")
        return self.word(text, fields)

    def fielded(self, name: str) -> Node | None:
        token = self.peek()
        following = self.tokens[self.pos + 1] if self.pos + 1 < len(self.tokens) else None
        if name == "year" and token is not None and token[0] == "minus" and following and following[0] == "word":
            self.pos += 2  # `year:-2000`: the open start, as `year:2000-` is the open end
            return Clause("year", years=parse_year_range("-" + following[1], self.query))
        if token is not None and token[0] == "minus":
            value = following[1] if following and following[0] == "word" else "…"
            raise self.error(f"sau {name}: là một từ hoặc một \"cụm từ\", không phải từ loại trừ: viết -{name}:{value} "
                             f"({name}: takes a word or a quoted phrase, not an exclusion; write -{name}:{value})")
        if token is None or token[0] not in ("word", "phrase", "lp"):
            raise self.error(f"sau {name}: cần một từ để tìm ({name}: needs a word)")
        if name in ("isbn", "year"):
            if token[0] != "word":
                example = "isbn:978-604-1-23584-7" if name == "isbn" else "year:2019"
                raise self.error(f"sau {name}: cần một giá trị, không trong ngoặc (e.g. {example})")
            value = self.take()[1]
            if name == "year":
                return Clause("year", years=parse_year_range(value, self.query))
            return Clause("isbn", isbns=_isbn_forms(value, self.query))
        fields = FIELD_PREFIXES[name]
        if token[0] == "lp":
            return self.primary(fields)
        kind, value = self.take()
        node = _text_leaf(value, fields, phrase=True, quoted=True) if kind == "phrase" else self.word(value, fields)
        if node is None:
            raise self.error(f"sau {name}: cần một từ để tìm ({name}: needs a word)")
        if kind == "phrase" and fields == FIELD_PREFIXES["author"]:
            return _author_orders(node, value)
        return node

    def word(self, text: str, fields: tuple[str, ...]) -> Node | None:
        if fields == DEFAULT_FIELDS and (label := _ID_LABEL.match(text)) and _identifier(text[label.end():]):
            text = text[label.end():]  # "ISBN978-604-…", "ISSN:0866-7500"
        if fields == DEFAULT_FIELDS and _ISBN_LIKE.match(clean_isbn(text)):
            return Clause("isbn", text=text, isbns=_isbn_forms(text, self.query))
        # One leaf per part: the pieces of a part are adjacent (a phrase), "959.7" is not
        # "959" and "7" anywhere in the record.
        leaves = [leaf for part in _WORD_SEPARATORS.split(text)
                  if (leaf := self.prefix_leaf(part, fields) or _text_leaf(part, fields, phrase=True))]
        if not leaves:
            return None  # "*", "-", "\\": nothing to search; ignored
        return leaves[0] if len(leaves) == 1 else And(leaves)  # type: ignore[arg-type]


    def prefix_leaf(self, part: str, fields: tuple[str, ...]) -> Clause | None:
        """`truy*` as a prefix clause (Truyện…, Truyền…), None for a part not ending in a star after a word."""
        stem = part.rstrip("*")
        words = folded_words(stem)
        if stem == part or not words or "*" in stem:
            return None
        if len("".join(words)) < PREFIX_MIN_CHARS:
            raise self.error(f"{part}: cần ít nhất {PREFIX_MIN_CHARS} chữ trước dấu * "
                             f"(a truncated word needs {PREFIX_MIN_CHARS} letters or digits before the *)")
        return Clause("prefix", fields, stem)


def _author_orders(node: Clause, name: str) -> Node:
    """A quoted author as written and in the other order: "Hugo, Victor" is Victor Hugo (store/names.py), and
    a name of two or three words without a comma has its surname at the other end too, as East Asian names
    are written both ways: `author:"Gosho Aoyama"` missed the volume catalogued "Aoyama Gosho" (review).
    Not a Vietnamese name (`direct_order` says which): it is surname first either way, "Du Nguyễn" is no one."""
    words = name.split()
    others = [direct] if (direct := direct_order(name)) else []
    if 2 <= len(words) <= 3 and "," not in name and direct_order(f"{words[-1]}, {' '.join(words[:-1])}"):
        others += dict.fromkeys(" ".join([*words[n:], *words[:n]]) for n in range(1, len(words)))
    leaves = [leaf for other in others if (leaf := _text_leaf(other, node.fields, phrase=True))]
    return Or([node, *leaves]) if leaves else node


def _identifier(text: str) -> bool:
    """An ISBN or an ISSN, hyphens and all."""
    value = clean_isbn(text)
    return bool(_ISBN_LIKE.match(value) or _ISSN_LIKE.match(value))


def _text_leaf(text: str, fields: tuple[str, ...], phrase: bool, quoted: bool = False) -> Clause | None:
    """`text` as a leaf: its words adjacent if `phrase`; `quoted` with marks, a phrase of one word too, found as
    typed (index.query.field_scores): `"tù"` found "từ" and "tu" (review)."""
    text = spelled_volumes(text)  # "T.2" is searched as "tập 2", as the index holds it
    words = exact_words(text)
    if not words:
        return None
    return Clause("text", fields, text, phrase=phrase and len(words) > 1 or quoted and words != folded_words(text))


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


# "kieu or tien": the words between quotes aside, a lower-case or/and/not between two words.
_LOWER_OPERATOR_RE = re.compile(r"(?<=\S )(or|and|not)(?= \S)")


def with_operators(query: str) -> str | None:
    """`query` with a lower-case or/and/not written as the operator, when it has one outside quotes; None
    when it has none.  Offered (by the page and the API's `operators`) when a search found nothing because
    "or" was taken as a word to find; never searched instead, as "and" may be a title's English word."""
    parts = query.split('"')
    parts[::2] = [_LOWER_OPERATOR_RE.sub(lambda m: m.group(1).upper(), part) for part in parts[::2]]
    fixed = '"'.join(parts)
    return fixed if fixed != query else None


def _isbn_forms(value: str, query: str) -> list[str]:
    isbn = clean_isbn(value)
    if not isbn:
        raise QueryError(query, "sau isbn: cần một số ISBN (isbn: needs a number)")
    forms = [isbn]
    thirteen = isbn13_from_isbn10(isbn)
    if thirteen:
        forms.append(thirteen)
    return forms
