"""File mode: the records of one file (ISO 2709, MARCXML or a saved OAI-PMH response).

`unioncat normalize --input FILE` reads through here, on the same readers as
the pipeline's harvest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harvester.marcfile import iter_marc_stream
from harvester.oaixml import split_oai_response
from store.models import RawRecord, Rejected

OAI_ROOT_MARK = b"http://www.openarchives.org/OAI/2.0/"


def read_records_file(path: Path, library: str = "file") -> Iterator[RawRecord | Rejected]:
    """Raw records (or harvest rejects) of a file, whatever of the three kinds it is."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(4096)
    if b"<OAI-PMH" in head and OAI_ROOT_MARK in head:
        yield from split_oai_response(path.read_bytes(), library, str(path))
        return
    yield from iter_marc_stream(path.open("rb"), str(path), library)
