"""The catalog store (SQLite) and the shapes stages exchange through it."""

from store.catalog import CatalogStore, utc_now
from store.models import (
    RECORD_SCHEMA_VERSION,
    HarvestRun,
    HarvestState,
    Holding,
    LibraryStatus,
    PageCounts,
    RawRecord,
    RawRow,
    Record,
    Rejected,
    StageStatus,
    UnionRecord,
    record_id,
    split_record_id,
)

__all__ = [
    "RECORD_SCHEMA_VERSION",
    "CatalogStore",
    "HarvestRun",
    "HarvestState",
    "Holding",
    "LibraryStatus",
    "PageCounts",
    "RawRecord",
    "RawRow",
    "Record",
    "Rejected",
    "StageStatus",
    "UnionRecord",
    "record_id",
    "split_record_id",
    "utc_now",
]
