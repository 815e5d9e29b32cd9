"""The dedupe stage: group records of one edition into union records with stable ids.

    features.py  a Record reduced once to folded match features
    reading.py   file-mode lines and the store's records reduced to features in worker processes
    parts.py     volume, edition and publisher read out of free text
    publishers.py  Vietnam's licensed publishing houses, known by name in their spellings
    keys.py      blocking keys and candidate pairs
    match.py     compare two records: guards, ISBN, title and authors
    scoring.py   each candidate pair compared once: accepted matches, nearest refusals
    cluster.py   merge accepted pairs without chaining
    ambiguity.py  copies that fit two union records equally, left alone
    overrides.py librarians' [[same]] / [[different]] pairs
    ids.py       stable cluster ids, aliases on merges
    returning.py  a retired id back only for its own book, not a reused record number's
    succession.py  ids kept through a library's re-export under new record ids
    merge.py     one union record per cluster
    engine.py    cluster_records, the pure code path
    incremental.py  the nightly run: re-cluster only the region changes touch
    run.py       run_dedupe over the store, dedupe_file for file mode
    errors.py    DedupeError and the errors that name a record or a file line
    explain.py   the hard guards behind a match, derived when a librarian asks (explain, /why)
    evaluate.py  pairwise and B-cubed precision/recall against a truth
    labeled.py   a seeded labeled data set of realistic duplicates and hard negatives
    labeled_data.py  its word lists (titles, names, publishers)
"""

from dedupe.cluster import MemberExplanation
from dedupe.engine import Clustering, cluster_records
from dedupe.errors import DedupeError, DedupeInputError, DuplicateRecordIdError
from dedupe.merge import merge_cluster
from dedupe.run import DedupeSummary, dedupe_file, run_dedupe

__all__ = [
    "Clustering",
    "DedupeError",
    "DedupeInputError",
    "DedupeSummary",
    "DuplicateRecordIdError",
    "MemberExplanation",
    "cluster_records",
    "dedupe_file",
    "merge_cluster",
    "run_dedupe",
]
