"""A field of absurd size is cut, at a word where it has one, before anything else reads it.

MARC 21 in ISO 2709 cannot hold a field over 9,999 bytes, but MARCXML and oai_dc
can (the harvester reads text nodes of any size: lxml's huge_tree), and a library
system may put a whole book in one note.  Every later step copies its text (NFC,
legacy repair, cleanup, the Record's JSON, dedupe, the index, the OAI feed), so
one 60 MB note made a normalize run hold well over a gigabyte.  A subfield past
`MAX_SUBFIELD_CHARS` keeps its beginning up to a word's end, and the record says
so in its repairs; the harvested record stays whole in the store.
"""

from __future__ import annotations

import unicodedata

from config.masking import masked_secrets
from store import Record

from normalize.marcrecord import Field, MarcRecord

# Ten times what ISO 2709 allows a whole field: no real note, contents or summary comes near it.
MAX_SUBFIELD_CHARS = 100_000
# Text with no space this close to the limit (one endless word) is cut at the limit itself.
_WORD_SEARCH_CHARS = 1_000
OMISSION = " ..."  # ISBD's mark of omission
_CUT_NOTE = "characters, cut"
SHORTEN = "shorten the field in the library system (a long text belongs in a file linked from 856 $u)"


def cut_text(text: str) -> str:
    """`text`, or its beginning up to the last word's end within `MAX_SUBFIELD_CHARS`, marked as cut."""
    if len(text) <= MAX_SUBFIELD_CHARS:
        return text
    limit = MAX_SUBFIELD_CHARS - len(OMISSION)
    start = limit - _WORD_SEARCH_CHARS
    end = max(text.rfind(" ", start, limit + 1), text.rfind("\n", start, limit + 1))
    if end < 0:
        end = limit
        while end and (_continues_a_character(text[end]) or text[end - 1] == _ZWJ):
            end -= 1  # keep a letter with its marks, an emoji with what joins it
    return text[:end].rstrip() + OMISSION


_ZWJ = "\u200d"


def _continues_a_character(char: str) -> bool:
    """Whether `char` belongs to the character before it: a mark (Mn, Mc, Me: a Vietnamese tone in NFD,
    a Khmer vowel sign, a keycap's enclosing square), a zero-width joiner, a variation selector, a skin
    tone or an emoji tag (what a cut between them would leave as a broken character)."""
    return (unicodedata.category(char) in ("Mn", "Mc", "Me") or char == _ZWJ or "\ufe00" <= char <= "\ufe0f"
            or "\U0001f3fb" <= char <= "\U0001f3ff" or "\U000e0020" <= char <= "\U000e007f")


def cut_note(where: str, before: int, after: int, at_word: bool) -> str:
    """The repair note of a cut: which field and subfields, how long they were, and whether at a word."""
    return (f"{where}: {before:,} {_CUT_NOTE}{' at a word' if at_word else ''} to {after:,} (MARC 21 holds at "
            "most 9,999 bytes a field)")


def cut_at_word(text: str, short: str) -> bool:
    """Whether `short` (`cut_text(text)`) ends where a word of `text` ended."""
    return text[len(short) - len(OMISSION)].isspace()


def cut_long_fields(marc: MarcRecord, raw_bytes: int) -> list[str]:
    """Cut every subfield (and control field) of `marc` longer than `MAX_SUBFIELD_CHARS`; one note per field.

    `raw_bytes` is the length of the record as harvested: every character took a byte at
    least, so a record no longer than the limit, nearly every record, is passed over at once.
    """
    if raw_bytes <= MAX_SUBFIELD_CHARS:
        return []
    fields: list[Field] = []
    notes: list[str] = []
    for field in marc.fields:
        subfields = tuple((code, cut_text(value)) for code, value in field.subfields)
        data = cut_text(field.data)
        cut = [(code, value, short) for (code, value), (_, short) in zip(field.subfields, subfields)
               if value is not short]
        if data is not field.data:
            cut.append(("", field.data, data))
        if cut:
            where = field.tag + "".join(f"${code}" for code, _, _ in cut if code)
            notes.append(cut_note(where, sum(len(value) for _, value, _ in cut), sum(len(short) for *_, short in cut),
                                  all(cut_at_word(value, short) for _, value, short in cut)))
            field = field._replace(subfields=subfields, data=data)
        fields.append(field)
    if notes:
        marc.replace_fields(fields)
    return notes


def cut_notes(record: Record) -> list[str]:
    """The repair notes of `record`'s fields cut for their size."""
    return [note for note in record.repairs if _CUT_NOTE in note]


def cut_warnings(record: Record, source: str) -> list[str]:
    """The run's warnings for `record`'s cut fields: where it came from, which field, and what to do."""
    return [f"{masked_secrets(source) or record.library}: record {record.id}: {note}; the harvested record keeps "
            f"the whole text; {SHORTEN}" for note in cut_notes(record)]
