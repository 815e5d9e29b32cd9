"""Did you mean: the typos of a query that found nothing, and the query spelled as the fuzzy hits spell it."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import tantivy
from rapidfuzz.distance import OSA

from index.query_words import typo_distance
from index.schema import WORD_RE
from store.text import fold, nfc


def unknown_words(searcher: tantivy.Searcher, candidates: list[tuple[str, tuple[str, ...]]]) -> frozenset[str]:
    """The (folded word, fields) `candidates` (`index.query_words.typo_candidates`, `word_leaves`) that no
    record holds in the fields searched for them."""
    return frozenset(word for word, names in candidates if not any(searcher.doc_freq(name, word) for name in names))


# The fuzzy hits whose words may replace a typo: the first page's best few.
SUGGEST_FROM_HITS = 5


def suggest(query: str, hits: list[dict[str, Any]], typos: frozenset[str]) -> str | None:
    """The query with each typo (folded words of `typos`) replaced by the closest word of the fuzzy hits
    (by folded edit distance).

    Only those words are replaced; operators, fields, quotes, excluded words and words the
    catalogue holds stay as typed.  None when nothing changed.
    """
    candidates: dict[str, str] = {}
    hits_with: Counter[str] = Counter()  # folded word → how many of the hits hold it
    for hit in hits[:SUGGEST_FROM_HITS]:
        for word in hit.get("_suggest", []):
            candidates.setdefault(fold(word), word)
        hits_with.update({fold(word) for word in hit.get("_suggest", [])})

    def closest(match: re.Match[str]) -> str:
        word = match.group(0)
        folded = fold(word)
        if folded not in typos or folded in candidates or word in ("AND", "OR", "NOT"):
            return word  # only the typos: numbers, excluded words and words the catalogue holds stay
        if query.startswith(":", match.end()):
            return word  # a field name: `title:kieuu` must not become `little:Kieu`
        # Equally near, the word more hits hold: the hits of "lich suu" all hold "sử", one "Cửu".
        best = min(candidates, key=lambda c: (OSA.distance(folded, c), -hits_with[c], -len(c)), default=None)
        if best is None or OSA.distance(folded, best) > typo_distance(folded) + 1:
            return word
        spelled = _in_case_of(word, candidates[best])
        return _unmarked(spelled) if unmarked else spelled

    # NFC first: a decomposed word (Unikey's "Unicode tổ hợp", macOS) would split at each mark.
    query = nfc(query)
    # A reader who typed no marks reads a suggestion without them: "nguyen nhat anhh" suggested
    # "nguyen nhat ánh", one word marked among unmarked ones.  The search folds marks, so it finds alike.
    unmarked = _unmarked(query) == query
    suggestion = WORD_RE.sub(closest, query)
    return suggestion if suggestion != query else None


def corrected_words(typos: frozenset[str], words: list[str]) -> list[str]:
    """The folded `words` (a hit's own) that a typo of `typos` stands for, as the fuzzy query
    matched them: highlighted in its place ("kieuu" marks "Kiều")."""
    out = []
    for word in words:
        folded = fold(word)
        if folded not in out and any(OSA.distance(folded, typo, score_cutoff=typo_distance(typo)) <= typo_distance(typo)
                                     for typo in typos):
            out.append(folded)
    return out


def _unmarked(text: str) -> str:
    """`text` without its marks, its case kept: "Kiều" → "Kieu", "Đà Lạt" → "Da Lat"."""
    out = []
    for char in text:
        bare = fold(char)  # lower-cased: "Đ" → "d"
        out.append(bare.upper() if char.isupper() else bare)
    return "".join(out)


def _in_case_of(typed: str, found: str) -> str:
    """`found` (a hit's spelling: "Giang" from a title) in the case the reader typed: "lich su hau giangg"
    suggests "lich su hau giang", not "lich su hau Giang"; "KIỀUU" suggests "KIỀU"."""
    if typed.islower():
        return found.lower()
    if typed.isupper() and len(typed) > 1:
        return found.upper()
    if typed[:1].isupper():
        return found[:1].upper() + found[1:].lower()
    return found
