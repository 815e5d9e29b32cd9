"""The ids of one file's records: each id once, and what records without a 001 cost.

A catalogue holds one record per id; both the marc-file harvest (harvester/marcfile.py)
and the file mode (harvester/files.py, harvester/cli.py) reject a repeated one, by
the same rule and with the same reason, so they sit here rather than in either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from store.models import RawRecord, Rejected

# How the reason of a record rejected for an id an earlier record of its file has starts.
DUPLICATE_ID = "duplicate"


def is_repeated_id(item: RawRecord | Rejected) -> bool:
    """Whether `item` is first_of_each_id's reject of a record whose id came before."""
    return isinstance(item, Rejected) and item.reason.startswith(f"{DUPLICATE_ID} ")


def first_of_each_id(items: Iterable[RawRecord | Rejected], library: str, id_name: str = "001",
                     seen: dict[str, str] | None = None) -> Iterator[RawRecord | Rejected]:
    """The items of one file, each record whose id came before (as a record or a reject) rejected as a duplicate.

    A catalogue holds one record per id (DESIGN.md "Identity": a MARC record's is its 001): stored,
    the second would replace the first without a word; written by `normalize --input`, it is the line
    `dedupe --input` skips.  Each duplicate is its own reject, named by its position in the file.
    `seen`, when given, is filled with each id read and where it was first.
    """
    seen = {} if seen is None else seen
    for position, item in enumerate(items, start=1):
        if isinstance(item, Rejected):
            if not item.local_id.startswith("#"):  # "#5": a record too broken to have an id
                seen.setdefault(item.local_id, item.source)
        elif item.local_id in seen:
            # Keyed by its place in the file: under one key ("VN (duplicate)") each duplicate replaced the
            # one before, and a file exporting one 001 for all its records showed a single reject.
            item = Rejected(library=library, local_id=f"{item.local_id} (duplicate: record {position})",
                            stage="harvest", source=item.source,
                            reason=f"{DUPLICATE_ID} {id_name} {item.local_id!r}; first at {seen[item.local_id]}")
        else:
            seen[item.local_id] = item.source
        yield item


def duplicates_report(rejects: list[Rejected]) -> str | None:
    """"N records repeat the 001 of an earlier record (first: where)", or None when none does."""
    duplicates = [reject for reject in rejects if reject.reason.startswith(DUPLICATE_ID)]
    if not duplicates:
        return None
    return f"{len(duplicates)} records repeat the 001 of an earlier record (first: {duplicates[0].source})"


def hashed_ids_report(hashed: dict[str, str]) -> str:
    """What records without a 001 cost, said once per file: their ids follow their content."""
    first = next(iter(hashed.values()))
    return (f"{len(hashed)} records have no 001, so each one's id is a hash of its content (first: {first}): "
            "a record edited at the source will come as a new record and its old version be withdrawn, and "
            "a union record it alone holds gets a new id. Give every record a 001 (its control number) at the source")
