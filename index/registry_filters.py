"""Filters whose values are known before any search: a value outside them is refused, not searched.

`library=tv-tihn` in a partner's embed code answered 0 hits, and the partner's page showed an
empty list as if the library held nothing.  A library id, a library type and a district are
known from the registry (the config), a language and a material type from the code tables
(index/code_filters.py: `code_values`), so a value outside them is a mistake worth naming,
with the closest accepted value.  Free-form filters (year, subject...) are not checked: a
subject nothing has is an honest 0.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import get_args

from config.errors import FilterError
from config.settings import LibraryConfig, LibraryType, Settings
from store.text import fold, visible_nfc

REGISTRY_FILTERS: tuple[str, ...] = ("library", "library_type", "district")
# What a refused value is not, in Vietnamese and in English.
_WHAT = {"library": ("thư viện", "not in the registry"), "library_type": ("loại thư viện", "not in the registry"),
         "district": ("huyện/thị", "not in the registry"), "language": ("mã ngôn ngữ", "no such language code"),
         "material_type": ("loại tài liệu", "no such material type")}
MAX_LISTED_VALUES = 20  # a registry of hundreds of libraries is listed at /api/libraries, not in a message
CLOSE_MATCH_MIN = 0.6  # difflib's ratio of the folded forms: "tv-tihn" is tv-tinh, "museum" is nothing


def registry_values(settings: Settings) -> dict[str, tuple[str, ...]]:
    """The values each registry filter accepts, as the index holds them.

    Every library type unioncat knows is accepted, also one no library of this registry has:
    it is a type, and `library_type=college` on a partner site fills once a college joins."""
    libraries = settings.libraries
    return {"library": tuple(lib.id.lower() for lib in libraries),
            "library_type": tuple(get_args(LibraryType)),
            "district": tuple(dict.fromkeys(lib.district for lib in libraries))}


def registry_spelling(accepted: Mapping[str, tuple[str, ...]], name: str, value: str) -> str:
    """A district as the registry spells it when `value` is it in other capitals (`district=vị thanh` is
    "Vị Thanh", as `library=TV-TINH` is tv-tinh); any other value as it is.  Marks still count: "Vi Thanh"
    is no spelling of "Vị Thanh" but a mistake `check_registry_filters` names."""
    if name != "district":
        return value
    key = visible_nfc(value).casefold()
    return next((known for known in accepted.get(name, ()) if visible_nfc(known).casefold() == key), value)


def check_registry_filters(q: str, filters: Mapping[str, tuple[str, ...]], accepted: Mapping[str, tuple[str, ...]],
                           held: Callable[[str, str], bool]) -> None:
    """Raise FilterError for the first value of a filter of `accepted` neither accepted nor `held` by the
    index (a library dropped from the config whose records are still indexed is still a facet value)."""
    for name, known in accepted.items():
        for value in filters.get(name, ()):
            if value not in known and not held(name, value):
                raise FilterError(q, name, value, _message(name, value, known))


def _message(name: str, value: str, known: tuple[str, ...]) -> str:
    what, english = _WHAT[name]
    message = f"{name}={value!r}: không có {what} này trong danh sách ({english})"
    by_fold = {fold(v): v for v in known}
    close = [by_fold[v] for v in difflib.get_close_matches(fold(value), by_fold, n=1, cutoff=CLOSE_MATCH_MIN)]
    if close:
        message += f"; có phải {close[0]!r}?"
    if not known:
        return message + "; chưa có giá trị nào (none configured)"
    if len(known) > MAX_LISTED_VALUES:
        return message + "; xem /api/libraries (see /api/libraries)"
    return message + f"; hợp lệ (accepted): {', '.join(known)}"


# A record matches the holding filters together when one holding does: `library_type=school&district=Long Mỹ`
# asks for a school library in Long Mỹ, not for a record one school holds and, elsewhere, a library in
# Long Mỹ (140 such records were shown, and no school library is in Long Mỹ: review).
HOLDING_FILTERS: tuple[str, ...] = REGISTRY_FILTERS
# A library id no registry holds: the term of a filter no library satisfies.
NO_LIBRARY = "\x00"


def holding_libraries(settings: Settings, filters: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The library ids one holding must have to satisfy every holding filter set, when two or more are
    (None when fewer: the filter alone is the same on the record and on a holding)."""
    chosen = {name: frozenset(filters[name]) for name in HOLDING_FILTERS if filters.get(name)}
    if len(chosen) < 2:
        return None
    return tuple(sorted(lib.id.lower() for lib in settings.libraries if _holding_matches(lib, chosen))) or (NO_LIBRARY,)


def holding_facet_libraries(settings: Settings, name: str, value: str,
                            filters: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The libraries whose holdings count for the value `value` of the holding facet `name` under the
    other holding filters of `filters`."""
    chosen = {other: frozenset(filters[other]) for other in HOLDING_FILTERS if other != name and filters.get(other)}
    chosen[name] = frozenset({value})
    return tuple(sorted(lib.id.lower() for lib in settings.libraries if _holding_matches(lib, chosen)))


def _holding_matches(library: LibraryConfig, chosen: Mapping[str, frozenset[str]]) -> bool:
    values = {"library": library.id.lower(), "library_type": library.type, "district": library.district}
    return all(values[name] in accepted for name, accepted in chosen.items())
