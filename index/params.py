"""What one search asks for: its words, page, size, sort and filters, and the limits they must keep.

The API, the page, the widget's JSON and the Atom feed all read a request into `SearchParams`
(`params_from_mapping`) and `validate` it before `index.search.SearchIndex` runs it: one
definition of every limit the OpenAPI schema states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from config.errors import FilterError, ParameterError, QueryError
from config.settings import Settings
from index.code_filters import code_value, decade_value
from index.facets import FILTERS, YEAR_FILTERS
from index.query_language import parse_year_range, year_text
from store.text import visible_nfc

SORTS: tuple[str, ...] = ("relevance", "year", "-year", "title", "new")
MAX_RESULT_WINDOW = 10_000  # deepest hit reachable by paging; deeper paging costs memory for nothing
# Filter values in one search, all filters together: a page links each chosen value's removal, so
# thousands of `library=` took the page a minute of CPU; a person ticks a few facet values.
MAX_FILTER_VALUES = 100


# Filters whose values are codes the index holds in lower case (library ids, library types,
# ISO 639-2 languages, material types): `language=VIE` is `vie`.  Districts and subjects are names.
CODE_FILTERS = frozenset({"library", "library_type", "language", "material_type"})


def filter_value(value: str, name: str = "") -> str:
    """A filter value as the index holds it: NFC, trimmed, a code in lower case, a decade as its years
    (fullwidth digits as ASCII ones, as the query's `year:` reads them)."""
    value = visible_nfc(value).strip()
    if name in YEAR_FILTERS:
        value = year_text(value)
    if name == "decade":
        return decade_value(value)
    return code_value(name, value.lower()) if name in CODE_FILTERS else value


@dataclass(frozen=True)
class SearchParams:
    """One search request; filters may repeat (values of one filter are OR-ed, filters AND-ed)."""

    q: str = ""
    page: int = 1
    size: int = 20
    sort: str = "relevance"
    library: tuple[str, ...] = ()
    library_type: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    decade: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    material_type: tuple[str, ...] = ()
    subject: tuple[str, ...] = ()

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Filter values as indexed (`filter_value`): a value typed in decomposed form still matches."""
        return {name: tuple(filter_value(value, name) for value in values)
                for name in FILTERS if (values := getattr(self, name))}

    def validate(self, settings: Settings) -> None:
        """Raise QueryError for anything the API must answer with 400."""
        api = settings.api
        if self.page < 1:
            raise ParameterError(self.q, "page", f"phải ≥ 1, nhận {self.page} (page must be ≥ 1)")
        if not 1 <= self.size <= api.max_page_size:
            raise ParameterError(self.q, "size", f"phải từ 1 đến {api.max_page_size}, nhận {self.size} "
                                                 f"(size must be 1 to {api.max_page_size})")
        if self.sort not in SORTS:
            raise ParameterError(self.q, "sort", f"phải là một trong {', '.join(SORTS)}, nhận {self.sort!r}")
        if len(self.q) > api.max_query_chars:
            raise QueryError(self.q, f"câu tìm dài quá {api.max_query_chars} ký tự (query too long)")
        counts = {name: len(getattr(self, name)) for name in FILTERS}
        if sum(counts.values()) > MAX_FILTER_VALUES:
            # The filters' fault, not the words': the page says "Bộ lọc không dùng được" and links the search
            # without the most repeated filter's last value, not "Không hiểu câu tìm" (review).
            name = max(counts, key=lambda filter_name: counts[filter_name])
            value = filter_value(getattr(self, name)[-1], name)
            raise FilterError(self.q, name, value, f"quá {MAX_FILTER_VALUES} giá trị lọc: {sum(counts.values())}, "
                                                   f"{counts[name]} của {name} (too many filter values: at most "
                                                   f"{MAX_FILTER_VALUES} in all)")
        filters = self.filters()
        for value in filters.get("year", ()):
            _filter_years(self.q, "year", value)
        for value in filters.get("decade", ()):
            _check_decade(self.q, value)


# A decade as its facet writes it; `decade_value` has read its first year alone ("2010") so.
_DECADE_RE = re.compile(r"([0-9]{3})0-([0-9]{3})9")


def _check_decade(q: str, value: str) -> None:
    """Refuse a `decade` that is not ten years YYY0-YYY9, naming the decade the value points to.

    Checked as a decade, not as a year range: "2010-2020" (eleven years) passed, and "2010s" was told
    a range's forms ("dùng 2019 hoặc 2010-2020"), of which decade=2019 is refused too."""
    match = _DECADE_RE.fullmatch(value)
    if match and match[1] == match[2]:
        return
    year = re.search(r"[0-9]{4}", value)
    first = int(year[0]) // 10 * 10 if year else 2010  # "2010s", "2015", "2011-2020": the decade meant
    raise FilterError(q, "decade", value, f"decade={value!r}: thập niên viết {first}-{first + 9} hoặc {first} "
                                          f"(a decade: {first}-{first + 9}, or {first} for it)")


def _filter_years(q: str, name: str, value: str) -> tuple[int | None, int | None]:
    """The years of a `year` or `decade` filter value; an error names the filter, not the query's words
    (`year=abc` was "query 'kieu': năm không hợp lệ", and the page said "Không hiểu câu tìm")."""
    try:
        return parse_year_range(value, q)
    except QueryError as exc:
        raise FilterError(q, name, value, f"{name}={value!r}: {exc.reason}") from exc


# A page number or a size: digits, ASCII or fullwidth (`page=２`, as `year=２０１５` is read); not `2.0`
# (no client means a page by it) nor Python's `1_0`.
_WHOLE_NUMBER_RE = re.compile(r"[+-]?[0-9０-９]+")


def whole_number(q: str, name: str, value: str) -> int | None:
    """`page` or `size` as a query string writes it; None when empty (the first page, the default size:
    OpenSearch's {startPage?}).  Its range is checked by `SearchParams.validate`.

    The one reading of the API, the Atom feed and the page: each had its own, and `page=２` was a page
    on one and a 400 on the others, `page=2.0` the other way round (review)."""
    text = value.strip()
    if not text:
        return None
    if not _WHOLE_NUMBER_RE.fullmatch(text):
        raise ParameterError(q, name, f"phải là số nguyên, nhận {value!r} ({name} must be a whole number)")
    return int(text)


def params_from_mapping(values: dict[str, Any]) -> SearchParams:
    """SearchParams from a dict of query-string values (lists for repeatable filters)."""
    kwargs: dict[str, Any] = {}
    for f in fields(SearchParams):
        if f.name in values and values[f.name] is not None:
            value = values[f.name]
            kwargs[f.name] = tuple(v for v in value if v) if f.name in FILTERS else value
    return SearchParams(**kwargs)
