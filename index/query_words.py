"""What a parsed query holds, read by the search: the words to highlight, those a typo search may read
otherwise, and the words an AND query requires.  `index.query_language` parses the query into the tree
these walk; `index.search` asks them after a search finds nothing, or to mark its hits."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from index.query_language import DEFAULT_FIELDS, And, Clause, Node, Not, Or, leaves
from index.schema import MATCH_FIELD, exact_words, folded_words

# Letters a word needs before it may be read as a typo of another.
FUZZY_MIN_CHARS = 3


def positive_words(node: Node, field: str | None = None) -> list[str]:
    """Folded words of the positive text and truncated leaves (for highlighting), or of those that search
    `field` (`author:nguyen` marks no title); a truncated word ends in "*" (`truy*`, index/highlight.py)."""
    return [w for c in leaves(node) if c.kind in ("text", "prefix") and not c.negate
            and (field is None or field in c.fields) for w in _highlight_words(c)]


def _highlight_words(clause: Clause) -> list[str]:
    words = folded_words(clause.text)
    return words if clause.kind == "text" else [*words[:-1], f"{words[-1]}*"]


def typo_distance(word: str) -> int:
    """Edits a typo may make in a folded word: one, two from eight letters (Tantivy counts a
    transposition as one)."""
    return 2 if len(word) >= 8 else 1


def word_leaves(node: Node, phrases: bool = True) -> list[tuple[str, tuple[str, ...]]]:
    """(folded word, folded fields searched for it) of each word of the positive text leaves, a phrase's
    words too unless not `phrases`: the words a search that found nothing may read otherwise
    (`"truyeenj kieeuf"` as Telex, `title:"truyen kieuu"` with its typo: `split_phrases`)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for clause in leaves(node):
        if clause.kind != "text" or clause.negate or clause.phrase and not phrases:
            continue
        fields = (MATCH_FIELD,) if clause.fields == DEFAULT_FIELDS else tuple(f"{f}_folded" for f in clause.fields)
        out += [(word, fields) for word in folded_words(clause.text)]
    return out


def split_phrases(node: Node, typos: AbstractSet[str]) -> Node:
    """`node` with each phrase holding a word of `typos` searched as its words, each in the phrase's fields.

    A word with a typo can be no part of a Tantivy phrase query, so a typo search keeps the words and
    drops their order; its suggestion (the phrase spelled right) ranks the hits that hold the phrase first.
    An excluded phrase stays whole: typos are allowed in positive words only."""
    if isinstance(node, Clause):
        if node.kind != "text" or not node.phrase or not typos & set(folded_words(node.text)):
            return node
        return And([Clause("text", node.fields, word) for word in exact_words(node.text)])
    if isinstance(node, Not):
        return node
    children = [split_phrases(child, typos) for child in node.children]
    return And(children) if isinstance(node, And) else Or(children)


def typo_candidates(node: Node, phrases: bool = True) -> list[tuple[str, tuple[str, ...]]]:
    """The `word_leaves` that could be a typo: FUZZY_MIN_CHARS letters or more, no digit (a year or a
    call number is never another one misspelt).

    `SearchIndex.search` allows typos in those of them no record holds in those fields, and in one held
    word (not a phrase's) when the words alone find nothing."""
    return [(word, fields) for word, fields in word_leaves(node, phrases)
            if len(word) >= FUZZY_MIN_CHARS and word.isalpha()]


def positive_chain(node: Node) -> Node | None:
    """The words and phrases an AND query requires (fielded or not), without its years, ISBNs and excluded
    words; None for a query with an OR (outside an exclusion), or with no such word.

    Searched alone (no filter either), they say whether a query that found nothing did so for its words
    or for what narrows them: only the words' fault is worth a typo search of every word."""
    if _holds_or(node):
        return None
    kept: list[Node] = [clause for clause in leaves(node) if clause.kind == "text" and not clause.negate]
    return None if not kept else kept[0] if len(kept) == 1 else And(kept)


def _holds_or(node: Node) -> bool:
    if isinstance(node, Or):
        return True
    return isinstance(node, And) and any(_holds_or(child) for child in node.children)
