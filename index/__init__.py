"""The index stage: union records from the store into a Tantivy index, and searching it.

Imports config and store only; search_api builds on `SearchIndex`.
"""

from index.build import IndexSummary, build_index, current_version
from index.document import enrich_record
from index.labels import FACET_TITLES_VI, facet_label
from index.params import SORTS, SearchParams, params_from_mapping
from index.search import FILTERS, SearchIndex, SearchResult

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
