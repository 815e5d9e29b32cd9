"""Small builders shared by the dedupe tests."""

from __future__ import annotations

from store.models import Holding, Record


def rec(record_id: str, title: str, **fields) -> Record:
    """A Record whose library is the id's prefix, with one holding in that library."""
    library, _, local_id = record_id.partition(":")
    fields.setdefault("holdings", [Holding(library=library, call_number=f"895.92 {local_id}", record_id=record_id)])
    return Record(id=record_id, library=library, local_id=local_id, title=title, **fields)


def together(clustering, *ids: str) -> bool:
    """True when all ids are in one cluster."""
    cluster_of = clustering.cluster_of()
    return len({cluster_of[rid] for rid in ids}) == 1


def apart(clustering, first: str, second: str) -> bool:
    cluster_of = clustering.cluster_of()
    return cluster_of[first] != cluster_of[second]
