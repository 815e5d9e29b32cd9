"""The records a search finds under its filters, and its facets counted each under the other filters.

Split from index/search.py, which runs a search and follows the live index: this is what one
search's query and facet counts are, given a searcher.  `full_query` runs several times per
request (the search, each facet, each typo reading), so it only assembles Tantivy queries.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import tantivy

from config.settings import Settings
from index.facets import FILTERS, YEAR_FILTERS, facet_counts
from index.headings import filter_terms
from index.params import SearchParams
from index.query import build_query, match_query, year_query
from index.query_language import Node, parse_year_range
from index.registry_filters import HOLDING_FILTERS, holding_facet_libraries, holding_libraries
from index.schema import SUBJECT_KEY_FIELD


def full_query(settings: Settings, schema: tantivy.Schema, tree: Node | tantivy.Query | None, params: SearchParams,
               fuzzy: frozenset[str], scoring: bool = True) -> tantivy.Query:
    """The query with its filters; not `scoring`: the same records found the cheap way (`match_query`).
    `tree` may be a query already built (a query that is a record's id, index/record_ids.py)."""
    parts: list[tuple[tantivy.Occur, tantivy.Query]] = []
    if isinstance(tree, tantivy.Query):
        parts.append((tantivy.Occur.Must, tree))
    elif tree is not None:
        found = build_query(schema, tree, fuzzy) if scoring or fuzzy else match_query(schema, tree)
        parts.append((tantivy.Occur.Must, found))
    filters = params.filters()
    held_by = holding_libraries(settings, filters)
    if held_by is not None:  # several holding filters: one holding satisfies them all
        filters = {name: values for name, values in filters.items() if name not in HOLDING_FILTERS}
        filters["library"] = held_by
    for name, values in filters.items():
        if name in YEAR_FILTERS:
            ranges = [year_query(schema, *parse_year_range(v, params.q)) for v in values]
            parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, r) for r in ranges])))
        else:
            field, terms = ((SUBJECT_KEY_FIELD, [t for v in values for t in filter_terms(v)]) if name == "subject"
                            else (name, list(values)))
            parts.append((tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(schema, field, terms), 0.0)))
    if tree is None:
        parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(parts)


def search_facets(searcher: tantivy.Searcher, settings: Settings, schema: tantivy.Schema,
                  tree: Node | tantivy.Query | None,
                  params: SearchParams, fuzzy: frozenset[str]) -> dict[str, list[dict[str, Any]]]:
    """The facets of a search; a facet whose own filter is set is counted without it.

    Values of one facet are alternatives (`library=a&library=b`: either), so with
    library a chosen, library b's count is how many of b's records the other filters
    leave, not how many b shares with a: that overlap said 339 where ticking b
    showed 756, and b's own records were 250.
    """
    filters = params.filters()
    subjects = filters.get("subject", ())
    counted = full_query(settings, schema, tree, params, fuzzy, scoring=False)
    facets = facet_counts(searcher, settings, counted, subjects,
                          names=tuple(name for name in FILTERS if name not in filters))
    for name in filters:
        without = full_query(settings, schema, tree, replace(params, **{name: ()}), fuzzy, scoring=False)
        facets.update(facet_counts(searcher, settings, without, subjects, names=(name,)))
    for name in HOLDING_FILTERS:
        facets[name] = _holding_facet(searcher, settings, schema, tree, params, fuzzy, name, facets[name])
    return {name: facets[name] for name in FILTERS}


def _holding_facet(searcher: tantivy.Searcher, settings: Settings, schema: tantivy.Schema,
                   tree: Node | tantivy.Query | None,
                   params: SearchParams, fuzzy: frozenset[str], name: str,
                   values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A holding facet (library, type, district) under the other holding filters, counted on holdings:
    with `library=tv-long-my`, the type facet offers that library's type, not the types of the other
    libraries that hold the same records (a district library's search offered "school 140")."""
    filters = params.filters()
    if not any(filters.get(other) for other in HOLDING_FILTERS if other != name):
        return values  # no other holding filter: records and holdings count alike
    kept = []
    for value in values:
        libraries = holding_facet_libraries(settings, name, value["value"], filters)
        if not libraries:
            continue
        if name != "library":  # a library's own count is right as it is; several libraries may overlap
            query = full_query(settings, schema, tree, replace(params, library=libraries, library_type=(),
                                                                 district=()), fuzzy, scoring=False)
            value = {**value, "count": searcher.search(query, limit=1, count=True).count}
        if value["count"]:
            kept.append(value)
    return sorted(kept, key=lambda value: -value["count"])  # stable: ties keep the facet's label order
