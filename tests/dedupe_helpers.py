"""Small builders shared by the dedupe tests."""

from __future__ import annotations

from pymarc import Field

from normalize import normalize_raw
from store.models import Holding, RawRecord, Record
from tests.test_normalize_support import marc_record, marcxml


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


def catalogued(record_id: str, *fields: Field, leader_type: str = "am") -> Record:
    """The Record `unioncat normalize --library` makes of a MARC record with these data fields
    (tests.test_normalize_support.data_field), the library the id's prefix."""
    library, _, local_id = record_id.partition(":")
    payload = marcxml(marc_record(*fields, leader_type=leader_type, control_001=local_id))
    record = normalize_raw(RawRecord(library=library, local_id=local_id, format="marcxml", payload=payload))
    assert isinstance(record, Record), record
    return record
