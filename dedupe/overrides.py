"""Librarians' overrides: records forced into one union record, or kept apart.

The file (DedupeSettings.overrides_path) is TOML:

    [[same]]
    records = ["tv-tinh:123", "th-01:77"]
    note = "one edition, the school copy lost its ISBN"

    [[different]]
    records = ["tv-tinh:5", "tv-tinh:6"]

A `[[same]]` entry joins its records even where a guard would refuse; a
`[[different]]` entry keeps every two of its records in different union
records.  Both apply in full and incremental runs.  An id that is not in the
catalog (yet) is reported in the run summary, never fatal: the entry applies
when the record arrives.  A union record's id (a page's address holds one) is
reported as such.  Any other table (`[[sames]]`) is an error: ignored, it would
undo nothing.  Spaces around an id and around its colon are dropped, as people
type them ("tv-tinh: A1" is "tv-tinh:A1"): neither library ids nor record numbers
hold them at either end.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

from dedupe.errors import DedupeError
from dedupe.ids import ID_HASH_CHARS, ID_PREFIX

# `found_by` of a pair a librarian forced together.
OVERRIDE_KEY = "override"
SECTIONS = ("same", "different")
# A union record's id, as GET /api/records/{id} and the page's address show it (dedupe/ids.py).
UNION_ID = re.compile(rf"{ID_PREFIX}[a-z2-7]{{{ID_HASH_CHARS}}}")


class OverridesError(DedupeError):
    """Raised when the overrides file exists but cannot be read or is not the expected shape."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Overrides:
    """Pairs of record ids (smaller id first) forced together (`same`) or apart (`different`)."""

    same: tuple[tuple[str, str], ...] = ()
    different: tuple[tuple[str, str], ...] = ()
    path: Path | None = None
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    # One message per pair `same` joins (directly or through other records) that `different` keeps apart.
    contradictions: tuple[str, ...] = ()
    # Records the file names that their library deleted, with no one record standing for them: said so
    # by dedupe.succession.follow_renumbered, not as ids mistyped or not harvested yet.
    deleted: tuple[str, ...] = ()

    def record_ids(self) -> set[str]:
        return {rid for pair in (*self.same, *self.different) for rid in pair}

    def missing(self, known: set[str] | frozenset[str]) -> list[str]:
        """One message per id the file names that is not a live record."""
        where = self.path or "overrides"
        return [f"{where}: {rid!r} is a union record id (as a page's address shows it), not a record id: "
                f"overrides list record ids, library:id, as `unioncat dedupe explain {rid}` prints its members'"
                if UNION_ID.fullmatch(rid) else
                f"{where}: record {rid!r} is not in the catalog (not harvested yet, or mistyped: record ids are "
                "library:id, as `unioncat dedupe explain UNION_ID` prints them)"
                for rid in sorted(self.record_ids() - set(known) - set(self.deleted))]

    def renamed(self, successors: dict[str, str]) -> Overrides:
        """These overrides with each record id in `successors` replaced by the id standing for it now."""
        def pair(first: str, second: str) -> tuple[str, str]:
            first, second = successors.get(first, first), successors.get(second, second)
            return (first, second) if first < second else (second, first)

        different = {pair(*p) for p in self.different}
        same = {pair(*p) for p in self.same} - different  # kept apart: the safe reading, as load_overrides
        notes = {pair(*p): note for p, note in self.notes.items()}
        return replace(self, same=tuple(sorted(p for p in same if p[0] != p[1])),
                       different=tuple(sorted(p for p in different if p[0] != p[1])), notes=notes)


NO_OVERRIDES = Overrides()


def load_overrides(path: Path | None) -> Overrides:
    """Read the overrides file; no path, or a file not there, means no overrides (file mode: the
    store run keeps the decisions it applied last, dedupe/kept_overrides.py)."""
    if path is None:
        return NO_OVERRIDES
    path = Path(path)
    try:
        text = read_overrides_text(path)
    except FileNotFoundError:
        return Overrides(path=path)
    return parse_overrides(text, path)


def read_overrides_text(path: Path) -> str:
    """The file's text; FileNotFoundError when it is not there, `OverridesError` when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise OverridesError(path, f"cannot read: {exc}") from exc


def parse_overrides(text: str, path: Path) -> Overrides:
    """The overrides an overrides file's `text` holds; `path` names it in every message."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OverridesError(path, f"not valid TOML: {exc}") from exc
    unknown = [name for name in raw if name not in SECTIONS]
    if unknown:
        shown = ", ".join(f"[[{name}]]" if isinstance(raw[name], list) else repr(name) for name in unknown)
        raise OverridesError(path, f"unknown table {shown}: the file holds only [[same]] and [[different]] "
                                   "entries (each with `records` and an optional `note`); rename or remove it")
    notes: dict[tuple[str, str], str] = {}
    same = _pairs(path, raw, "same", notes)
    different = _pairs(path, raw, "different", notes)
    # A pair in both lists is a contradiction; keeping it apart is the safe reading.
    contradictions = _contradictions(path, same, different)
    same = [pair for pair in same if pair not in set(different)]
    return Overrides(tuple(sorted(set(same))), tuple(sorted(set(different))), path, notes, contradictions)


def _contradictions(path: Path, same: list[tuple[str, str]], different: list[tuple[str, str]]) -> tuple[str, ...]:
    """Messages for the `different` pairs that `same` entries join, directly or through other records.

    Clustering keeps such a pair apart (a wrong merge hides a book), so one of the `same`
    entries is not honoured: the librarian must hear which, or nothing explains it.
    """
    parent: dict[str, str] = {}

    def find(rid: str) -> str:
        while parent.setdefault(rid, rid) != rid:
            rid = parent[rid]
        return rid

    for first, second in same:
        parent[find(first)] = find(second)
    return tuple(f"{path}: [[same]] entries join {first!r} and {second!r} but a [[different]] entry keeps them "
                 "apart; the entries contradict, so they are kept apart: remove one of the entries"
                 for first, second in sorted(set(different))
                 if first in parent and second in parent and find(first) == find(second))


def _pairs(path: Path, raw: dict, section: str, notes: dict) -> list[tuple[str, str]]:
    entries = raw.get(section, [])
    if not isinstance(entries, list):
        raise OverridesError(path, f"[[{section}]] must be an array of tables")
    out: list[tuple[str, str]] = []
    for number, entry in enumerate(entries, start=1):
        records = entry.get("records") if isinstance(entry, dict) else None
        if not isinstance(records, list) or len(records) < 2 or not all(isinstance(r, str) and r.strip() for r in records):
            raise OverridesError(path, f"[[{section}]] entry {number}: `records` must list two or more record ids")
        # Every two records of an entry: `same` stays joined over the records present
        # (a star from the first id fell apart while that record was absent), and
        # `different` keeps every two apart.
        pairs = list(combinations(sorted({_trimmed(rid) for rid in records}), 2))
        note = entry.get("note")
        for pair in pairs:
            out.append(pair)
            if isinstance(note, str) and note:
                notes[pair] = note
    return out


def _trimmed(rid: str) -> str:
    """The id without spaces around it or its colon ("tv-tinh: A1" → "tv-tinh:A1")."""
    library, colon, local_id = rid.partition(":")
    return f"{library.strip()}{colon}{local_id.strip()}"
