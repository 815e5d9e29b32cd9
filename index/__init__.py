"""The index stage: union records from the store into a Tantivy index, and searching it.

Imports config and store only; search_api builds on `SearchIndex`.
"""

from index.build import IndexSummary, build_index, current_version
from index.document import enrich_record
from index.labels import FACET_TITLES_VI, facet_label
from index.search import FILTERS, SORTS, SearchIndex, SearchParams, SearchResult, params_from_mapping

__all__ = [
    "FACET_TITLES_VI",
    "FILTERS",
    "SORTS",
    "IndexSummary",
    "SearchIndex",
    "SearchParams",
    "SearchResult",
    "build_index",
    "current_version",
    "enrich_record",
    "facet_label",
    "params_from_mapping",
]
