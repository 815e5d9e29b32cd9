"""File mode: the records of one file (ISO 2709, MARCXML or a saved OAI-PMH response).

`unioncat normalize --input FILE` reads through here, on the same readers as
the pipeline's harvest; `--input -` reads standard input.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from harvester.marcfile import iter_marc_stream
from harvester.marcids import first_of_each_id
from harvester.oaixml import split_oai_response
from store.models import RawRecord, Rejected

OAI_ROOT_MARK = b"http://www.openarchives.org/OAI/2.0/"
_SPOOL_IN_MEMORY_BYTES = 8 << 20


def read_records_file(path: Path, library: str = "file") -> Iterator[RawRecord | Rejected]:
    """Raw records (or harvest rejects) of a file, whatever of the three kinds it is."""
    path = Path(path)
    yield from read_records_stream(path.open("rb"), str(path), library)


def read_records_stream(stream: BinaryIO, name: str, library: str = "file") -> Iterator[RawRecord | Rejected]:
    """Raw records (or harvest rejects) of an open binary stream, named `name` in messages; closes it.

    The kind is sniffed from the first bytes and the readers rewind, so a stream that cannot
    seek (a pipe into `--input -`) is first copied to a temporary file: memory stays small
    whatever the size of the export.
    """
    if not stream.seekable():
        stream = _spooled(stream)
    with stream:
        head = stream.read(4096)
        stream.seek(0)
        if b"<OAI-PMH" in head and OAI_ROOT_MARK in head:
            records = split_oai_response(stream.read(), library, name)
        else:
            records = iter_marc_stream(stream, name, library)
        # As a marc-file harvest rejects them: `dedupe --input` would skip the second line.
        yield from first_of_each_id(records, library, id_name="id")


def _spooled(stream: BinaryIO) -> BinaryIO:
    """A seekable copy of `stream` (in memory up to 8 MB, then on disk); `stream` is read to its end and closed."""
    with stream:
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY_BYTES)
        shutil.copyfileobj(stream, spool)
    spool.seek(0)
    return spool
