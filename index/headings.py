"""One subject heading spelled several ways is one value of the subject facet and filter.

Catalogues write a heading in capitals or not, with or without its final full stop, and
school libraries often without marks ("Van hoc thieu nhi").  Dedupe keeps headings that
differ by their marks apart ("Kinh tế vi mô", micro; "Kinh tế vĩ mô", macro) and lets an
unmarked spelling give way to a marked one (tests/test_dedupe_merge.py); the facet and the
filter do the same across records:

- `heading_key`: the words as the exact search field holds them (lower case, marks kept):
  case and punctuation variants share it;
- a heading written without marks belongs to every marked heading it folds to: the filter
  "Văn học thiếu nhi" finds "Van hoc thieu nhi" too, and the facet counts it there; a filter
  value typed without marks finds every spelling, as a search does.

The SUBJECT_KEY_FIELD of a record holds, per heading, its key and its folded key behind
FOLDED_PREFIX (`heading_terms`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from index.schema import exact_words, folded_words

FOLDED_PREFIX = "~"


@lru_cache(maxsize=65536)
def heading_key(heading: str) -> str:
    """The heading's words, lower case, marks kept."""
    return " ".join(exact_words(heading))


@lru_cache(maxsize=65536)
def folded_key(heading: str) -> str:
    """The heading's words without marks."""
    return " ".join(folded_words(heading))


def heading_terms(headings: list[str]) -> dict[str, list[str]]:
    """Each distinct heading of one record (the first spelling of each key, not an unmarked one
    when the record also has it marked) → its terms in SUBJECT_KEY_FIELD."""
    marked = {folded_key(h) for h in headings if heading_key(h) != folded_key(h)}
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for heading in headings:
        key, folded = heading_key(heading), folded_key(heading)
        if key and key not in seen and (key != folded or folded not in marked):
            seen.add(key)
            out[heading] = [key, FOLDED_PREFIX + folded]
    return out


def filter_terms(value: str) -> list[str]:
    """The SUBJECT_KEY_FIELD terms a filter value matches: its key and its unmarked spelling;
    typed without marks, every spelling."""
    key, folded = heading_key(value), folded_key(value)
    return [FOLDED_PREFIX + folded] if key == folded else [key, folded]


def same_heading(value: str, label: str) -> bool:
    """Whether the filter value `value` selects the facet value `label`."""
    if folded_key(value) != folded_key(label):
        return False
    return heading_key(value) == folded_key(value) or heading_key(value) == heading_key(label)


def subject_facet(buckets: list[dict[str, Any]], chosen: tuple[str, ...]) -> list[dict[str, Any]]:
    """The subject facet (value, label, count) of the aggregated spellings (`buckets`: key, doc_count):
    one value per heading, labelled with the spelling most records use, counting its unmarked
    spelling; its value is as `chosen` spells it when it is selected (the filter in force), its
    label still the heading (`subject=van hoc viet nam` showed "van hoc viet nam").

    A record holds one spelling per heading (`heading_terms`), so the counts add up; a
    spelling beyond the aggregated ones is not counted."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for bucket in buckets:  # most records first: the first spelling of a key is its label
        label, count = str(bucket["key"]), int(bucket["doc_count"])
        key = heading_key(label)
        labels.setdefault(key, label)
        counts[key] = counts.get(key, 0) + count
    unmarked = {key: n for key, n in counts.items() if key == folded_key(key)}
    for key in counts:
        if key not in unmarked and folded_key(key) in unmarked:
            counts[key] += unmarked[folded_key(key)]
    merged = {folded_key(key) for key in counts if key not in unmarked}
    return [{"value": next((v for v in chosen if same_heading(v, labels[key])), labels[key]), "label": labels[key],
             "count": n} for key, n in counts.items() if key not in merged]
