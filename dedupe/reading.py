"""Dedupe's input: JSON-lines Records (file mode) or the store's, reduced to match features.

Reading, checking and reducing a record is two fifths of a large run, and each
record's features depend on that record alone: `read_features` and
`stored_features` do it in worker processes (`store.workers`), a batch of lines
at a time, and hand the features back in input order.  Bad lines are still
reported in file order, each with its file and line.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from pydantic import ValidationError

from config.settings import DedupeSettings
from dedupe.errors import DedupeInputError
from dedupe.features import FEATURE_FIELDS, Features, feature_values, record_features
from store.models import Record, split_record_id
from store.workers import batches, default_workers, map_in_workers

# Records a worker reduces per batch: large enough that a batch's round trip is noise,
# small enough that a few thousand records never start a process (`map_in_workers`
# does a lone batch here).
BATCH_RECORDS = 5000
_ID = FEATURE_FIELDS.index("id")
# Fields whose equal values become one object again in this process: copies of an edition
# share their title keys and authors, as they do when one process reduces them all (its
# caches return one object), which unpickled batches lose: at 300,000 records the title
# strings and author tuples were four fifths of what sharing every field saves (a fifth
# of the features' memory), for a third of its time.
_PRELOAD = ["dedupe.reading"]  # what a worker imports before its first batch
_SHARED = [FEATURE_FIELDS.index(name) for name in ("main", "full", "typed_title", "key_title", "key_title_head",
                                            "key_title_tail", "key_skeleton", "authors", "author_key_words")]

OnBadLine = Callable[[DedupeInputError], None]


def read_records(source: Path | BinaryIO, on_bad_line: OnBadLine | None = None) -> Iterator[Record]:
    """Records of a JSON-lines file (or an open binary stream, named by its `name`), one at a time;
    blank lines are allowed, anything else must parse (else `DedupeInputError`, raised or given to
    `on_bad_line` and the line skipped).

    A UTF-8 byte order mark (Notepad, PowerShell) is skipped.  Lines are decoded one by one, so a
    line saved in another encoding is one bad line, not the end of the run.
    """
    with _numbered_lines(source) as (path, lines):
        first_line = _FirstLines(path, on_bad_line)
        for number, raw in lines:
            try:
                record = _parse_line(path, number, raw)
            except DedupeInputError as bad:
                first_line.bad(bad)
                continue
            if first_line.is_new(record.id, number):
                yield record


def read_features(source: Path | BinaryIO, settings: DedupeSettings,
                  on_bad_line: OnBadLine | None = None) -> Iterator[Features]:
    """The features of `read_records(source, on_bad_line)`, in file order, reduced in worker processes."""
    with _numbered_lines(source) as (path, lines):
        first_line = _FirstLines(path, on_bad_line)
        jobs = ((str(path), batch) for batch in batches(lines, BATCH_RECORDS))
        shared: dict[Any, Any] = {}
        for _, reduced in map_in_workers(_features_of_lines, jobs, default_workers(), settings, _PRELOAD):
            for number, found in reduced:
                if isinstance(found, str):
                    first_line.bad(DedupeInputError(path, number, found))
                elif first_line.is_new(found[_ID], number):
                    yield _features(found, shared)


def stored_features(payloads: Iterable[str | bytes], settings: DedupeSettings) -> Iterator[Features]:
    """The features of the store's Records (their JSON, as `CatalogStore.iter_record_payloads` gives
    them), in that order, reduced in worker processes."""
    shared: dict[Any, Any] = {}
    for _, reduced in map_in_workers(_features_of_payloads, batches(payloads, BATCH_RECORDS), default_workers(),
                                     settings, _PRELOAD):
        for found in reduced:
            yield _features(found, shared)


def _features(found: tuple[Any, ...], shared: dict[Any, Any]) -> Features:
    """The Features of a worker's tuple, equal values of `_SHARED` fields one object (`shared`)."""
    values = list(found)
    for position in _SHARED:
        value = values[position]
        values[position] = shared.setdefault(value, value)
    return Features(*values)


def _features_of_lines(job: tuple[str, list[tuple[int, bytes]]],
                       settings: DedupeSettings) -> list[tuple[int, tuple | str]]:
    """(line number, the features as a tuple, or what is wrong with the line) for each line of a batch."""
    path, lines = job
    out: list[tuple[int, tuple | str]] = []
    for number, raw in lines:
        try:
            out.append((number, feature_values(record_features(0, _parse_line(path, number, raw), settings))))
        except DedupeInputError as bad:
            out.append((number, bad.reason))
    return out


def _features_of_payloads(payloads: list[str | bytes], settings: DedupeSettings) -> list[tuple]:
    return [feature_values(record_features(0, Record.model_validate_json(payload), settings)) for payload in payloads]


@contextmanager
def _numbered_lines(source: Path | BinaryIO) -> Iterator[tuple[Path | str, Iterator[tuple[int, bytes]]]]:
    """(name of the source, its non-blank lines with their numbers); `DedupeInputError` if it cannot be opened."""
    if isinstance(source, str | PathLike):
        path = Path(source)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise DedupeInputError(path, 0, f"cannot read: {exc.strerror or exc}") from exc
    else:
        path, handle = getattr(source, "name", "<stream>"), nullcontext(source)
    with handle as lines:
        yield path, ((number, raw) for number, raw in enumerate(lines, start=1) if raw.strip())


class _FirstLines:
    """Each id's first line; a later line with the same id is a bad line (it could land in two clusters)."""

    def __init__(self, path: Path | str, on_bad_line: OnBadLine | None):
        self.path, self.on_bad_line = path, on_bad_line
        self.seen: dict[str, int] = {}

    def is_new(self, record_id: str, number: int) -> bool:
        first = self.seen.setdefault(record_id, number)
        if first != number:
            # `normalize --input` without --library names every file's records `file:<001>`.
            hint = ("; records of several libraries' files? convert each file with `unioncat normalize "
                    "--library ID`" if record_id.startswith("file:") else "")
            self.bad(DedupeInputError(self.path, number, f"id {record_id!r} already on line {first}{hint}"))
        return first == number

    def bad(self, error: DedupeInputError) -> None:
        """Raise `error`, or pass it to `on_bad_line` (the line is skipped)."""
        if self.on_bad_line is None:
            raise error
        self.on_bad_line(error)


def _parse_line(path: Path | str, number: int, raw: bytes) -> Record:
    line = _utf8_line(path, number, raw)
    try:
        data = orjson.loads(line)  # a fifth of the time of json.loads on these lines
    except orjson.JSONDecodeError as exc:
        raise DedupeInputError(path, number, f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise DedupeInputError(path, number, "expected a JSON object")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise DedupeInputError(path, number, "missing string field 'id'")
    if not isinstance(data.get("title"), str):
        raise DedupeInputError(path, number, f"record {data['id']!r} has no string field 'title'")
    # File-mode records may come from anywhere: null means absent, as most JSON writers
    # mean it, and what the pipeline would have filled is filled.
    data = {name: value for name, value in data.items() if value is not None}
    library, local_id = split_record_id(data["id"]) if ":" in data["id"] else ("", data["id"])
    data.setdefault("library", library)
    data.setdefault("local_id", local_id)
    for name in ("authors", "isbn"):
        if isinstance(data.get(name), str):
            data[name] = [data[name]]
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise DedupeInputError(path, number, f"record {data['id']!r}, field {field!r}: {first['msg']}") from exc


def _utf8_line(path: Path | str, number: int, raw: bytes) -> str:
    """Line `number` of the file as text (a leading byte order mark dropped), or `DedupeInputError`."""
    try:
        return (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DedupeInputError(path, number, f"not UTF-8 (byte {exc.start}: {raw[exc.start:exc.start + 1]!r}); "
                                             "save the file as UTF-8") from exc
