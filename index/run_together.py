"""Read a word typed as two Vietnamese syllables run together ("vietnam") as the phrase of both ("viet nam").

`vietnam` found the 2 records that hold that word, `viet nam` 505.  A positive plain word of
ASCII letters is split where both halves are words the index holds, and the first split whose
phrase more records hold than the word itself is searched as well (an OR), so "vietnam" still
finds "Vietnam" and an English word ("another") that few records hold as "an other" stays as
typed.  An excluded word is split by the same rule, so it excludes what it finds when positive:
`vanhoc -vanhoc` kept the 310 records holding "văn học" (review).  Bounded: `MAX_WORDS` distinct
words of `MIN_CHARS` to `MAX_CHARS` letters, one count of a phrase per split whose halves both exist.
"""

from __future__ import annotations

import tantivy

from index.query_language import And, Clause, Node, Not, Or
from index.schema import MATCH_FIELD, TEXT_FIELDS, folded_words

MIN_CHARS = 5
MAX_CHARS = 12
MAX_WORDS = 3
MIN_SYLLABLE_CHARS = 2


def with_split_words(searcher: tantivy.Searcher, schema: tantivy.Schema, node: Node) -> Node:
    """`node` with each run-together word (see the module docstring) OR-ed with its phrase, excluded or not."""
    # One answer per word and fields, whether it is found or excluded: `X -X` is empty whatever the budget.
    phrases: dict[tuple[str, tuple[str, ...]], str | None] = {}

    def walk(current: Node) -> Node:
        if isinstance(current, Not):
            return Not(walk(current.child))
        if isinstance(current, (And, Or)):
            children = [walk(child) for child in current.children]
            return And(children) if isinstance(current, And) else Or(children)
        if current.kind != "text" or current.phrase:
            return current
        words = folded_words(current.text)
        if len(words) != 1 or not (words[0].isascii() and words[0].isalpha()
                                   and MIN_CHARS <= len(words[0]) <= MAX_CHARS):
            return current
        key = (words[0], current.fields)
        if key not in phrases:
            if len(phrases) >= MAX_WORDS:
                return current
            phrases[key] = _known_phrase(searcher, schema, words[0], current.fields)
        phrase = phrases[key]
        return current if phrase is None else Or([current, Clause("text", current.fields, phrase, phrase=True)])

    return walk(node)


def _known_phrase(searcher: tantivy.Searcher, schema: tantivy.Schema, word: str,
                  fields: tuple[str, ...]) -> str | None:
    """The first two-word split of `word` that more records hold as a phrase than hold `word`, or None."""
    folded = [TEXT_FIELDS[field] for field in fields]
    held = searcher.doc_freq(MATCH_FIELD, word)
    for cut in range(MIN_SYLLABLE_CHARS, len(word) - MIN_SYLLABLE_CHARS + 1):
        halves = [word[:cut], word[cut:]]
        # No more records can hold the phrase than hold its rarer half: most splits ("ngu yen" of a
        # common "nguyen") are settled by two lookups, without a search.
        if min(searcher.doc_freq(MATCH_FIELD, half) for half in halves) <= held:
            continue
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.phrase_query(schema, field, halves))
                                             for field in folded])
        if searcher.search(query, limit=1, count=True).count > held:
            return " ".join(halves)
    return None
