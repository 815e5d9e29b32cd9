"""Turn a union record into the display dict and the Tantivy document that index it.

The display dict is the record enriched with what the registry knows about each
holding library (name, type, district, OPAC link).  The record's JSON is stored
in the index as the store wrote it, so a hit renders without touching SQLite, and
is enriched as it is read; the API enriches record pages the same way.  The
library type and district facets are indexed from the registry, so a registry
change needs a rebuild, which `build_index` detects.

Both work on the record's JSON form (a dict): a rebuild reads a million of them
from the store, and validating each into a `UnionRecord` again cost more than
Tantivy's own indexing (cProfile of bench/search.py).
"""

from __future__ import annotations

import operator
import re
import unicodedata
from base64 import b64encode
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson

from config.settings import LIBRARY_TYPE_LABELS_VI, LibraryConfig, Settings
from index.arrivals import arrival_terms
from index.headings import heading_terms
from index.labels import LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI
from store.names import direct_order
from index.numerals import numbered
from index.record_ids import record_id_terms
from index.schema import (ADDED_FIELD, ARRIVAL_FIELD, CLASS_NUMBER_FIELD, MATCH_FIELD, RANK_WEIGHT_FIELD,
                          RECORD_ID_FIELD, SUBJECT_KEY_FIELD, TITLE_SORT_FIELD, TITLE_START_FIELD, TITLE_START_TOKEN,
                          exact_text, exact_words, rank_weight)
from index.volumes import spelled_part, spelled_volumes, volume_order
from store.classes import class_parts
from store.collate import sort_key
from store.models import UnionRecord, split_record_id
from store.text import final_i_spelling, fold, visible_nfc


class _FoldTable(dict):
    """str.translate table: each character → its folded form without case change, computed once.

    `fold` decomposes and filters every character of every string, the largest Python
    cost of indexing (cProfile); per character the result never changes, so
    `_folded` maps characters through this table and lower-cases the whole string,
    which gives what `folded_text` gives (tests/test_index_fold.py checks it): NFKC then
    NFD is NFKD, a decomposition character by character whose reordering moves only the
    marks folding drops.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = fold(unicodedata.normalize("NFKC", char))  # `folded_text` but its final_i_spelling
        # Keep upper case so the final .lower() sees the whole word; not Σ, whose final
        # form ς `fold` writes as σ.
        value = folded.upper() if char.isupper() and folded.upper().lower() == folded and folded != "σ" else folded
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def _folded(text: str) -> str:
    """`folded_text(text)`, by table lookup per character (see `_FoldTable`); ASCII only lower-cases."""
    return final_i_spelling(text.lower() if text.isascii() else text.translate(_FOLD_TABLE).lower())


# A combining mark left over after NFC (no precomposed letter holds it) can split a word in
# the exact field that folding joins again ("x\u0301y" is "x", "y" exact, "xy" folded).
# Such text also gives MATCH_FIELD its exact words folded one by one, so every word the
# exact field can match is in MATCH_FIELD too.
_LOOSE_MARK_RE = re.compile("[" + "".join(
    chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M")) + "]")


def folded_exact_words(exact: str) -> str:
    """The words of an exact field, each folded on its own, joined by spaces."""
    return " ".join(_folded(word) for word in exact_words(exact))


# Authors, subjects and publishers repeat from record to record (titles seldom do):
# their exact and folded forms are looked up, not computed again.
_folded_heading = lru_cache(maxsize=65536)(_folded)


@lru_cache(maxsize=65536)
def _exact_heading(value: str) -> str:
    return exact_text(value)
# Authors repeat from record to record.
_direct_order = lru_cache(maxsize=65536)(direct_order)
# A province has a few dozen library names: each hit's holdings sort by them.
_name_key = lru_cache(maxsize=1024)(sort_key)


_ISBN10_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def isbn10_from_isbn13(isbn13: str) -> str | None:
    """The ISBN-10 form of a 978-prefixed ISBN-13 (979 ones have none)."""
    if len(isbn13) != 13 or not _ascii_digits(isbn13) or not isbn13.startswith("978"):
        return None
    body = isbn13[3:12]
    total = sum(map(operator.mul, _ISBN10_WEIGHTS, map(int, body)))
    check = (11 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def isbn13_from_isbn10(isbn10: str) -> str | None:
    """The ISBN-13 of an ISBN-10 (978 prefix), or None when it is no valid ISBN-10.

    The check digit must be right: the ISBN-13 has a check digit of its own, so a mistyped
    "6046921370" would otherwise become the ISBN-13 of 6046921376 and find that book."""
    if len(isbn10) != 10 or not _ascii_digits(isbn10[:9]) or not (_ascii_digits(isbn10[9]) or isbn10[9] == "X"):
        return None
    body = "978" + isbn10[:9]
    thirteen = body + _isbn13_check_digit(body)
    return thirteen if isbn10_from_isbn13(thirteen) == isbn10 else None


def _isbn13_check_digit(body: str) -> str:
    total = sum((1 if i % 2 == 0 else 3) * int(d) for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


def is_valid_isbn(value: str) -> bool:
    """A clean ISBN-13 (978/979) or ISBN-10 whose check digit is right."""
    if len(value) == 13 and _ascii_digits(value) and value[:3] in ("978", "979"):
        return _isbn13_check_digit(value[:12]) == value[12]
    return len(value) == 10 and isbn13_from_isbn10(value) is not None


def _ascii_digits(text: str) -> bool:
    """0-9 only: "²" and "①" pass str.isdigit() and then fail int()."""
    return text.isascii() and text.isdigit()


def clean_isbn(text: str) -> str:
    """An ISBN as indexed: no hyphens or spaces, upper-case X, other scripts' digits ("９７８") as 0-9."""
    if text.isascii() and text.isalnum():  # what normalize stores: a rebuild cleans a million of them
        return text.upper()
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text if ch.isalnum()).upper()


def isbn_terms(isbns: Iterable[str]) -> list[str]:
    """Every ISBN-13 and, for 978 ones, its ISBN-10, so either form finds the record."""
    terms: list[str] = []
    for raw in isbns:
        isbn = clean_isbn(raw)
        if not isbn:
            continue
        terms.append(isbn)
        ten = isbn10_from_isbn13(isbn)
        if ten:
            terms.append(ten)
    return list(dict.fromkeys(terms))


def enrich_record(record: UnionRecord, settings: Settings,
                  registry: dict[str, LibraryConfig] | None = None) -> dict[str, Any]:
    """The record as JSON-ready dict, each holding with library name, type, district and OPAC link."""
    return enrich(record.model_dump(mode="json"), registry if registry is not None else settings.library_map())


def registry_view(registry: dict[str, LibraryConfig]) -> dict[str, str]:
    """Per library, what of its registry entry `enrich` writes into the records that the OAI-PMH feed
    sends (852 $a, $u): its name and OPAC link.  A change to it is a change to those records, which
    the store dates again (CatalogStore.restamp_holders); type and district only sort and filter."""
    return {library.id: f"{library.name}\n{library.opac_url or ''}" for library in registry.values()}


def enrich(data: dict[str, Any], registry: dict[str, LibraryConfig]) -> dict[str, Any]:
    """`enrich_record` on a record's JSON form, as the store keeps it (the index build reads that)."""
    holdings = []
    for holding in data["holdings"]:
        library = registry.get(holding["library"])
        record_id = holding.get("record_id")
        local_id = split_record_id(record_id)[1] if record_id else None
        opac_url = holding.get("opac_url") or (library.opac_link(local_id) if library and local_id else None)
        holdings.append({
            **holding,
            "library_name": library.name if library else holding["library"],
            "library_type": library.type if library else None,
            "library_type_label": LIBRARY_TYPE_LABELS_VI.get(library.type) if library else None,
            "district": library.district if library else None,
            "opac_url": opac_url,
        })
    # Vietnamese dictionary order (store.collate): "Trường Dược…" before "Trường Đại học…", which folding reversed
    holdings.sort(key=lambda h: (_name_key(h["library_name"]), h.get("call_number") or ""))
    language, material_type = data.get("language"), data.get("material_type") or "book"
    return {**data, "holdings": holdings,
            "language_label": LANGUAGE_LABELS_VI.get(language or "", language),
            "material_type_label": MATERIAL_TYPE_LABELS_VI.get(material_type, material_type)}


# Text searched only through `all_folded`: what no field of its own indexes (see index/query.py).
_OTHER_TEXT_SINGLE = ("uniform_title", "responsibility", "place", "edition", "host")
# A mistyped ISBN printed in the book is searched as text: the isbn field holds only valid ones.
_OTHER_TEXT_LISTS = ("series", "notes", "isbn", "invalid_isbn", "issn", "invalid_issn", "other_ids")
# An ISSN as printed, "0727-5366": found typed without its hyphen too ("07275366", review).
_PRINTED_ISSN_RE = re.compile(r"^\d{4}-\d{3}[\dXx]$")


def _other_text(data: dict[str, Any]) -> list[str]:
    texts = [data.get(key) for key in _OTHER_TEXT_SINGLE]
    for key in _OTHER_TEXT_LISTS:
        texts += data.get(key) or ()
    texts += [issn.replace("-", "") for key in ("issn", "invalid_issn") for issn in data.get(key) or ()
              if _PRINTED_ISSN_RE.match(issn)]
    if data.get("year") is not None:
        texts.append(str(data["year"]))  # so "lịch sử 2019" finds the 2019 edition
    return [t for t in texts if t]


def class_numbers(data: dict[str, Any]) -> list[str]:
    """The class numbers (without their scheme) and call numbers of a record, folded: CLASS_NUMBER_FIELD
    splits them at spaces only, so "807.12" is one token, not a "12" that a grade search matches."""
    numbers = [_folded(class_parts(value)[1]) for value in data.get("classification") or ()]
    numbers += [_folded(call) for h in data["holdings"] if (call := h.get("call_number"))]
    return list(dict.fromkeys(number for number in numbers if number))


def _author_texts(data: dict[str, Any]) -> list[str]:
    """The authors, an inverted name in direct order too ("Hugo, Victor" and "Victor Hugo",
    store/names.py), and their names in their own script (880), so "Лев Толстой" finds Tolstoy."""
    authors = data.get("authors") or ()
    return [*authors, *(direct for author in authors if (direct := _direct_order(author))),
            *(name["vernacular"] for name in data.get("names") or () if name.get("vernacular"))]


def _numbered_titles(titles: list[str], language: str | None) -> dict[str, str]:
    """Each title holding a Roman numeral → its folded form with the number (index/numerals.py)."""
    vietnamese = language in (None, "vie")
    return {title: _folded(spelt) for title in titles if (spelt := numbered(title, vietnamese))}


def _volume_sort_suffix(part: str | None) -> str:
    """What files the volumes of one title in order after it (`volume_order`): with the part only in
    245 $n, "Kính vạn hoa" T.2, Tập 3 and T.1 had one sort key and came in index order (review)."""
    if not part:
        return ""
    _, number, spelled = volume_order(part)
    return f"\x01{number:06d} {spelled}"


def document_json(payload: bytes, registry: dict[str, LibraryConfig], added: int = 0,
                  arrivals: str | None = None) -> str:
    """The Tantivy document of one union record as the store keeps it, JSON, as the index writer's `add_json`
    takes it (see index/schema.py for the fields); `added`: Unix time the union record was created;
    `arrivals`: lines "library<TAB>first harvested" (`CatalogStore.union_json_changed_since`).

    It works on the dict the JSON decodes to, not on a `UnionRecord`: re-validating
    what the store wrote was the largest cost of a rebuild.  The JSON is stored as
    it came and enriched when a hit is read (`enrich`), which keeps a seventh of the
    work off a rebuild and shows library names as the registry has them now.  The
    document is JSON, not a `tantivy.Document`, so that worker processes can build
    it (index/prepare.py): a pickled Document costs 400 µs to send and 270 µs to
    receive, a JSON string 8 µs both ways.
    """
    data = orjson.loads(payload)
    doc: dict[str, list[Any]] = {"id": [data["id"]]}
    # Searched with its volumes written out ("T.2" as "tập 2", index/volumes.py); shown as written.
    title = spelled_volumes(data["title"])
    folded_title = _folded(title)
    titles = [t for t in (title, data.get("subtitle") and spelled_volumes(data["subtitle"]),
                          data.get("part") and spelled_part(data["part"]), *(data.get("alternate_titles") or ()),
                          *(data.get("other_titles") or ())) if t]
    match: list[str] = []  # MATCH_FIELD: every folded word, see index/schema.py
    for field, folded_field, values in (("title", "title_folded", titles),
                                        ("authors", "authors_folded", _author_texts(data)),
                                        ("subjects", "subjects_folded", data.get("subjects") or ()),
                                        ("publisher", "publisher_folded", (data.get("publisher"),))):
        exacts: list[str] = []
        foldeds: list[str] = []
        for value in values:
            if value:
                if field == "title":
                    exact = exact_text(value)
                    folded = folded_title if value is title else _folded(value)
                else:
                    exact, folded = _exact_heading(value), _folded_heading(value)
                exacts.append(exact)
                foldeds.append(folded)
                match.append(folded)
                if _LOOSE_MARK_RE.search(exact):
                    match.append(folded_exact_words(exact))
        if exacts:
            doc[field], doc[folded_field] = exacts, foldeds
    starts = [folded_title]
    if numbered_titles := _numbered_titles(titles, data.get("language")):  # "thế kỷ X" as "thế kỷ 10" too
        doc["title_folded"] += numbered_titles.values()
        match += numbered_titles.values()
        starts += [numbered_titles[title]] if title in numbered_titles else []
    doc[TITLE_START_FIELD] = [f"{TITLE_START_TOKEN} {start}" for start in starts]
    subject_terms = heading_terms([visible_nfc(s).strip() for s in data.get("subjects") or ()])
    if subject_terms:
        doc["subject"] = list(subject_terms)
        doc[SUBJECT_KEY_FIELD] = [term for terms in subject_terms.values() for term in terms]
    other = [_folded(value) for value in _other_text(data)]
    if other:
        doc["all_folded"] = other
        match += other
    doc[MATCH_FIELD] = [" ".join(match)]
    if numbers := class_numbers(data):
        doc[CLASS_NUMBER_FIELD] = numbers
    isbns = isbn_terms(data.get("isbn") or ())
    if isbns:
        doc["isbn"] = isbns
    if record_ids := record_id_terms(data["holdings"]):
        doc[RECORD_ID_FIELD] = record_ids
    libraries = sorted({h["library"] for h in data["holdings"]})
    if libraries:
        doc["library"] = libraries
    known = [registry[lib] for lib in libraries if lib in registry]
    if known:
        doc["library_type"] = sorted({lib.type for lib in known})
        doc["district"] = sorted({lib.district for lib in known})
    if data.get("language"):
        doc["language"] = [data["language"]]
    doc["material_type"] = [data.get("material_type") or "book"]
    if data.get("work_key"):
        doc["work_key"] = [data["work_key"]]
    doc[TITLE_SORT_FIELD] = [sort_key(data.get("sort_title") or title) + _volume_sort_suffix(data.get("part"))]
    if data.get("year") is not None:
        doc["year"] = [data["year"]]
    doc[RANK_WEIGHT_FIELD] = [rank_weight(len(libraries))]
    doc[ADDED_FIELD] = [added]
    if arrived := arrival_terms(arrivals, libraries):
        doc[ARRIVAL_FIELD] = arrived
    doc["doc"] = [b64encode(payload).decode("ascii")]  # a bytes field's value in Tantivy's JSON form
    return orjson.dumps(doc).decode()
