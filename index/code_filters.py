"""Filter values written another way than the index holds them: read as meant, or refused with the form accepted.

`language=vi` (ISO 639-1, as HTML's `lang` writes it) and `material_type=Sách` (the label the page
shows) found nothing, silently, while `library=tv-tihn` is a helpful 400 (index/registry_filters.py):
they are read as their codes, and a language in no code's form is a 400.
Languages are ISO 639-2 codes in the index (normalize maps a record's 639-1 codes the same way).
A code neither in the tables of index/labels.py nor held by a record (`material_type=boook`) is
refused as a registry value is (`code_values`), not answered with a silent 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from config.errors import FilterError
from index.labels import LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI
from store.languages import LANGUAGE_ALIASES
from store.text import fold

# The page's label of a material type, folded, → its code; a label two codes shared would be no code.
_MATERIAL_BY_LABEL: dict[str, str] = {
    fold(label): code for code, label in MATERIAL_TYPE_LABELS_VI.items()
    if list(MATERIAL_TYPE_LABELS_VI.values()).count(label) == 1}


def decade_value(value: str) -> str:
    """A decade as the facet writes it: `decade=2010` is "the 2010s", 2010-2019, as a reader names it,
    not the year 2010 (it was, and the page's chip said "Thập niên: 2010" over 2010's books alone)."""
    if value.isascii() and value.isdigit() and len(value) == 4 and value.endswith("0"):
        return f"{value}-{int(value) + 9}"
    return value


def code_value(name: str, value: str) -> str:
    """A language or material type as the index holds it (`value` lower case): "vi" is "vie", "sách" book."""
    if name == "language":
        # ISO 639-1, read as normalize reads a record's; a name ("vietnamese") is no code.
        return LANGUAGE_ALIASES.get(value, value) if len(value) == 2 else value
    if name == "material_type" and value not in MATERIAL_TYPE_LABELS_VI:
        return _MATERIAL_BY_LABEL.get(fold(value), value)
    return value


def code_values() -> dict[str, tuple[str, ...]]:
    """The codes `language=` and `material_type=` accept besides those the index holds: the labelled ones."""
    return {"language": tuple(LANGUAGE_LABELS_VI), "material_type": tuple(MATERIAL_TYPE_LABELS_VI)}


def check_code_filters(q: str, filters: Mapping[str, tuple[str, ...]]) -> None:
    """Raise FilterError for a language that is no ISO 639-2 code ("vietnamese"): said so before the
    accepted codes are listed (index/registry_filters.py)."""
    for value in filters.get("language", ()):
        if not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise FilterError(q, "language", value, f"language={value!r}: cần mã ISO 639-2 ba chữ như vie, eng "
                                                    "(an ISO 639-2 code, e.g. vie)")
