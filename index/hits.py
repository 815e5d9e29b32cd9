"""One search hit from its stored document: the fields a hit gives, the day it came, its highlights.

Split from index/search.py: hits are rendered from the JSON stored in each document (enriched
with the registry's names), so SQLite is never touched while searching.
"""

from __future__ import annotations

from typing import Any

import orjson
import tantivy

from config.settings import LibraryConfig
from index.document import enrich
from index.highlight import highlight
from index.schema import ADDED_FIELD, WORD_RE
from index.suggest import corrected_words
from store.feed import vietnam_day

HIT_KEYS: tuple[str, ...] = ("id", "title", "subtitle", "part", "authors", "year", "publisher", "place", "edition",
                             "isbn", "language", "language_label", "material_type", "material_type_label",
                             "holdings", "work_key")
SUGGEST_FROM: tuple[str, ...] = ("title", "subtitle", "authors", "subjects", "publisher")


def render_hit(searcher: tantivy.Searcher, address: tantivy.DocAddress, registry: dict[str, LibraryConfig],
               score: float | None, words: tuple[list[str], list[str]] = ([], []),
               typos: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One hit, `words` highlighted (all, the title's); with `typos` (a fuzzy search), the words
    they stand for too."""
    stored = searcher.doc(address)
    data = enrich(orjson.loads(stored.get_first("doc")), registry)
    hit = {key: data.get(key) for key in HIT_KEYS}
    hit["added"] = _added_date(stored.get_first(ADDED_FIELD))
    own = [w for key in SUGGEST_FROM for v in _as_list(data.get(key)) for w in WORD_RE.findall(v)] if typos else []
    corrected = corrected_words(typos, own)
    hit["highlight"] = highlight(data, [*words[0], *corrected], [*words[1], *corrected])
    if typos:  # candidate spellings for `index.suggest.suggest`, removed before the hit leaves `search`
        hit["_suggest"] = own
    if score is not None:
        hit["score"] = round(score, 4)
    return hit


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []


def _added_date(seconds: int | None) -> str | None:
    """The day (in Vietnam: the 02:30 run is 19:30 UTC the day before) a union record came into the
    catalogue; None in an index from before `added`."""
    return vietnam_day(seconds) if seconds else None
