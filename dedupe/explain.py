"""The hard guards behind an accepted match, for `unioncat dedupe explain` and GET /api/records/{id}/why.

A dedupe run keeps, for each member, the key, the score and one line of decision
("matches X: title 100, authors 100").  A refused match names the guard that
refused it; an accepted one did not say which guards it passed, nor which facts
could not be checked because one record left them out.  Both are derived here,
when a librarian asks, from the two records: a million members do not each carry
them through the nightly run.

A language or material type is printed as the search page shows it, its label, with the code in
brackets ("material Sách (book)"): `CodeLabel` is passed in by the CLI and the API, whose labels
(index/labels.py) a stage below them may not import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal

from config.settings import DedupeSettings
from dedupe.features import IGNORED_LANGUAGES, Features, record_features
from dedupe.match import hard_guard
from dedupe.spelling import named_ids, readable, readable_decision, shown_values
from store.models import Record

# How `cluster._explain_match` writes a match: "matches {record id}: {reason}".
_MATCHED = re.compile(r"matches (\S+?): ")
# How `match.hard_guard` writes a refusal on a code: "material serial vs book", "language vie vs eng".
_CODES_REFUSED = re.compile(r"(?<![\w'])(material|language) ([a-z]+) vs ([a-z]+)(?![\w'])")
_CODE_FIELDS: dict[str, Literal["language", "material_type"]] = {"material": "material_type", "language": "language"}

# (Record field, code) → the label the search page shows ("language", "vie" → "Tiếng Việt"); the code
# itself when it has none.
CodeLabel = Callable[[Literal["language", "material_type"], str], str]


def matched_record_id(decision: str) -> str | None:
    """The id of the record a member's decision says it matches, or None (alone, forced, ...)."""
    found = _MATCHED.match(decision)
    return found.group(1) if found else None


def guards_note(member: Record, matched: Record, settings: DedupeSettings, label: CodeLabel) -> str:
    """What the hard guards compared between `member` and the record it matches, and what they could not."""
    first, second = record_features(0, member, settings), record_features(1, matched, settings)
    refused = hard_guard(first, second, settings)
    if refused:  # only a librarian's [[same]] joins such a pair
        refused = labelled_codes(readable(refused, (member, first), (matched, second)), label)
        return f"hard guards not applied (forced together by a librarian); they refuse: {refused}"
    checked, unknown = guards_checked(first, second, settings,
                                      (shown_values(member, first), shown_values(matched, second)), label)
    note = "guards passed: " + "; ".join(checked)
    return note + (f"; not checked (left out by one or both): {', '.join(unknown)}" if unknown else "")


def guards_checked(a: Features, b: Features, settings: DedupeSettings,
                   shown: tuple[dict[str, str], dict[str, str]], label: CodeLabel) -> tuple[list[str], list[str]]:
    """(each guard with the two values it compared, the guards one record gave no value for).

    `shown` holds each record's values as it spells them (`spelling.shown_values`): they are printed.
    """
    shown_a, shown_b = shown

    def spelled(label: str) -> str:  # each record's spelling, the second only where it differs
        first, second = shown_a[label], shown_b[label]
        return f"{label} {first!r}" + (f" / {second!r}" if second != first else "")

    checked = [f"material {_coded(label, 'material_type', a.material)}"]
    unknown: list[str] = []

    def both(name: str, first: object, second: object, shown: str) -> None:
        if first and second:
            checked.append(shown)
        elif first or second or name in _ALWAYS:
            unknown.append(name)

    both("volume", a.volumes or a.volume, b.volumes or b.volume, f"volume {a.volumes or a.volume}")
    both("part", a.part, b.part, spelled("part"))
    both("textbook series", a.series, b.series, f"textbook series {shown_a['textbook series']}")
    both("series number", a.series_numbers, b.series_numbers,
         f"series number {_listed(a.series_numbers)} / {_listed(b.series_numbers)}")
    both("year", a.year, b.year, _within("year", a.year, b.year, settings.year_tolerance))
    both("edition", a.edition, b.edition, spelled("edition"))
    both("pages", a.pages, b.pages, _within("pages", a.pages, b.pages, settings.pages_tolerance))
    languages = [language if language not in IGNORED_LANGUAGES else "" for language in (a.language, b.language)]
    both("language", *languages, f"language {_coded(label, 'language', a.language)}")
    both("translators", a.translators, b.translators, "translators alike")
    both("ISSN", a.issns, b.issns, f"ISSN {_listed(a.issns & b.issns)}")
    both("host", a.host, b.host, spelled("host"))  # an article's journal and issue (773)
    # Not guards but what a librarian checks next: two houses named alike, a subtitle one record left out.
    both("publisher", a.publisher, b.publisher, spelled("publisher"))
    both("subtitle", a.has_subtitle, b.has_subtitle, "subtitles compared")
    if a.companion or b.companion:
        checked.append(f"companion book {shown_a['companion book'] or 'none'}")
    if a.title_numbers:
        checked.append(f"numbers in the title {_listed(a.title_numbers)}")
    return checked, unknown


# Facts a librarian expects to see named even when both records leave them out.
_ALWAYS = frozenset({"year", "pages", "language"})


def _coded(label: CodeLabel, field: Literal["language", "material_type"], code: str) -> str:
    """A code as its label with the code in brackets, or the code alone when it has no label."""
    shown = label(field, code)
    return code if shown == code else f"{shown} ({code})"


def labelled_codes(text: str, label: CodeLabel) -> str:
    """`text` (a decision, a refusal) with the codes `match.hard_guard` refused on as `_coded` shows them."""
    return _CODES_REFUSED.sub(lambda m: f"{m[1]} {_coded(label, _CODE_FIELDS[m[1]], m[2])} vs "
                                        f"{_coded(label, _CODE_FIELDS[m[1]], m[3])}", text)


def _within(name: str, first: int | None, second: int | None, tolerance: int) -> str:
    return f"{name} {first}" if first == second else f"{name} {first} / {second} (at most {tolerance} apart)"


def _listed(values) -> str:
    return ", ".join(str(value) for value in sorted(values))


def members_guards(decisions: dict[str, str], records: dict[str, Record], settings: DedupeSettings,
                   label: CodeLabel) -> dict[str, str]:
    """Record id → `guards_note` for each member (id → decision) whose match is among `records` (the
    union record's members: a member is explained by a match inside its own union record)."""
    notes = {}
    for record_id, decision in decisions.items():
        matched = matched_record_id(decision)
        if record_id in records and matched in records:
            notes[record_id] = guards_note(records[record_id], records[matched], settings, label)
    return notes


def readable_decisions(decisions: dict[str, str], read_records: Callable[[Iterable[str]], list[Record]],
                       settings: DedupeSettings, label: CodeLabel) -> dict[str, str]:
    """Record id → its decision (id → as the run stored it) with the values it printed folded spelled as the
    records it names spell them, and its codes labelled; `read_records` reads those records (the store's
    `get_records`)."""
    wanted = {rid for record_id, decision in decisions.items() for rid in (record_id, *named_ids(decision))}
    records = {record.id: (record, record_features(0, record, settings)) for record in read_records(sorted(wanted))}
    return {record_id: labelled_codes(readable_decision(decision, record_id, records), label)
            for record_id, decision in decisions.items()}
