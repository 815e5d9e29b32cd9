"""Values as the records spell them, for explanations: match features hold them folded.

A run writes each decision from features ("part ha vs thuong", "publisher 'van hoc'"):
a million records do not carry their spellings through it.  When a librarian asks
(`unioncat dedupe explain`, GET /api/records/{id}/why), the records a decision names
are read again and their values put back as they typed them.
"""

from __future__ import annotations

import re

from dedupe.features import Features
from dedupe.folding import fast_fold
from dedupe.parts import EDITION_WORDS, edition_number
from store.models import Record

# A record id in a decision ("tv-tinh:HG1", "tv-vt:oai:vt:42"), without the ":" or "'s" after it.
_RECORD_ID_RE = re.compile(r"(?<![\w:-])[a-z0-9][a-z0-9-]{0,63}:\S+?(?=:?\s|:?$|'s\b|[,;)])")


def spelled_in(folded: str, *texts: str | None) -> str | None:
    """The words of the first of `texts` that fold to `folded` ("thuong" in "Quyển thượng" → "thượng"), or None."""
    if not folded:
        return None
    for text in texts:
        if not text:
            continue
        starts: list[int] = []  # position in `text` of each character of its folded form
        for position, char in enumerate(text):
            starts += [position] * len(fast_fold(char))
        found = re.search(rf"(?<!\w){re.escape(folded)}(?!\w)", fast_fold(text))
        if found:
            return text[starts[found.start()]:starts[found.end() - 1] + 1]
    return None


def shown_values(record: Record, features: Features) -> dict[str, str]:
    """Label → the value explanations print under it, as `record` spells it (folded when no field holds it)."""
    return {
        "part": spelled_in(features.part, record.part, record.title) or features.part,
        "textbook series": spelled_in(features.series, *record.series, record.subtitle, record.title)
        or features.series,
        "companion book": spelled_in(features.companion, record.title, record.subtitle, record.part)
        or features.companion,
        "publisher": record.publisher or features.publisher,
        "edition": stated_edition(record, features),
        "host": record.host or features.host,
    }


# An edition statement in a title or a note ("… (Tái bản lần thứ 2)", "Tb. lần 3"), folded, to its end.
_EDITION_PHRASE_RE = re.compile(r"(?<!\w)" + EDITION_WORDS + r"[^()\[\]:;,/]*")


def stated_edition(record: Record, features: Features) -> str:
    """The edition statement behind `features.edition` as `record` words it ("Tái bản lần thứ 3"), "" when none:
    that number counts printings ("Tái bản lần thứ 3" is 4), which no record prints."""
    if features.edition is None:
        return ""
    if record.edition and edition_number(fast_fold(record.edition)) is not None:  # 250, as features reads it first
        return record.edition
    for text in (record.title, record.subtitle, *record.notes):
        found = _EDITION_PHRASE_RE.search(fast_fold(text or ""))
        if found and (spelled := spelled_in(found.group().rstrip(" ."), text)):
            return spelled
    return f"printing {features.edition}"


_FOLDED_FIELDS = (("part", "part"), ("textbook series", "series"), ("companion book", "companion"),
                  ("edition", "edition"), ("host", "host"))


def readable(text: str, pair: tuple[Record, Features], other: tuple[Record, Features]) -> str:
    """`text` with the values of two records it prints folded (as `match.hard_guard` and `compare`
    write them, either record first) in their spelling."""
    for (first, a), (second, b) in ((pair, other), (other, pair)):
        shown_a, shown_b = shown_values(first, a), shown_values(second, b)
        for label, name in _FOLDED_FIELDS:
            folded = f"{label} {getattr(a, name) or 'none'} vs {getattr(b, name) or 'none'}"
            if folded in text:
                text = text.replace(folded, f"{label} {_quoted(shown_a[label])} vs {_quoted(shown_b[label])}")
        if a.publisher and b.publisher:
            text = text.replace(f"publisher {a.publisher!r} vs {b.publisher!r}",
                                f"publisher {shown_a['publisher']!r} vs {shown_b['publisher']!r}")
    return text


def _quoted(value: str) -> str:
    return repr(value) if value else "none"


def named_ids(decision: str) -> list[str]:
    """The record ids a decision names, in order, each once."""
    return list(dict.fromkeys(_RECORD_ID_RE.findall(decision)))


def readable_decision(decision: str, record_id: str, records: dict[str, tuple[Record, Features]]) -> str:
    """A stored decision of `record_id` with the folded values of each pair of records it names spelled
    (`records`: id → the record and its features, for the member and the records its decision names)."""
    ids = [rid for rid in dict.fromkeys([record_id, *named_ids(decision)]) if rid in records]
    for position, first in enumerate(ids):
        for second in ids[position + 1:]:
            decision = readable(decision, records[first], records[second])
    return decision
