"""Facet counts of a search: terms aggregations on the fast fields, within the filtered result set.

The facets are the filters: each filter parameter of a search has a facet of the same name.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import tantivy

from config.settings import Settings
from index.headings import subject_facet
from index.labels import facet_label
from index.schema import FACET_FIELDS, YEAR_FIELD
from store.collate import sort_key

FILTERS: tuple[str, ...] = ("library", "library_type", "district", "year", "decade", "language", "material_type",
                            "subject")
# Filters whose values are year ranges ("2019", "2010-2019") rather than terms.
YEAR_FILTERS: tuple[str, ...] = ("year", "decade")
FACET_SEGMENT_TERMS = 1 << 20  # terms each index segment reports per facet (see `facet_counts`)
FACET_SIZES: dict[str, int] = {"library": 500, "library_type": 10, "district": 100, "year": 200,
                               "language": 50, "material_type": 30, "subject": 30}
# Spellings of subject headings aggregated per heading shown: several make one (index.headings).
SUBJECT_SPELLINGS_PER_VALUE = 3
# Facet labels (library names, districts, subjects) repeat from search to search.
_label_key = lru_cache(maxsize=65536)(sort_key)


def facet_counts(searcher: tantivy.Searcher, settings: Settings, query: tantivy.Query,
                 subjects: tuple[str, ...] = (), names: tuple[str, ...] = FILTERS) -> dict[str, list[dict[str, Any]]]:
    """Each facet of `names` with its values, their counts and Vietnamese labels, for the records
    `query` finds (`subjects`: the subject filter's values, shown as chosen)."""
    # segment_size: by default a segment passes on only its top 10 x size terms, and a
    # value rare in one segment lost that segment's count (a facet said 50 where the
    # filter found 51).  Counting is per term ordinal anyway; passing all is exact.
    aggs: dict[str, Any] = {name: {"terms": {"field": name, "size": FACET_SIZES[name],
                                             "segment_size": FACET_SEGMENT_TERMS}}
                            for name in FACET_FIELDS if name in names}
    if "subject" in aggs:
        aggs["subject"]["terms"]["size"] *= SUBJECT_SPELLINGS_PER_VALUE
    if set(YEAR_FILTERS) & set(names):
        # Every year, newest first: the year facet shows the newest FACET_SIZES["year"], and the decades
        # are summed from all of them (a histogram aggregation was a second pass over the same column).
        aggs["year"] = {"terms": {"field": YEAR_FIELD, "size": FACET_SEGMENT_TERMS, "order": {"_key": "desc"},
                                  "segment_size": FACET_SEGMENT_TERMS}}
    raw = searcher.aggregate(query, aggs) if aggs else {}  # every facet's own filter set: all counted apart
    facets: dict[str, list[dict[str, Any]]] = {}
    for name in names:
        if name == "decade":
            facets[name] = _decades(raw.get("year", {}).get("buckets", []))
            continue
        buckets = raw.get(name, {}).get("buckets", [])
        counted = (subject_facet(buckets, subjects) if name == "subject"
                   else [{"value": str(_key(b["key"])), "count": int(b["doc_count"])} for b in buckets])
        values = [{"value": v["value"], "label": v.get("label") or facet_label(settings, name, v["value"]),
                   "count": v["count"]} for v in counted]
        # Tantivy breaks a tie in count by code point ("Đ", "Ă" after "Z"); years stay newest first.
        if name != "year":
            values.sort(key=lambda v: (-v["count"], _label_key(v["label"])))
        facets[name] = values[:FACET_SIZES[name]]
    return facets


def _decades(year_buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The decade facet, newest first, from the year buckets (newest first): "2010-2019" counts 2010 to 2019."""
    counts: dict[int, int] = {}
    for bucket in year_buckets:
        decade = int(bucket["key"]) // 10 * 10
        counts[decade] = counts.get(decade, 0) + int(bucket["doc_count"])
    return [{"value": f"{decade}-{decade + 9}", "label": f"{decade}–{decade + 9}", "count": count}
            for decade, count in counts.items() if count]


def _key(value: Any) -> Any:
    """Aggregation keys of integer fields may come back as floats."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
