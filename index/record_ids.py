"""Queries that are a record's id: the union id a record page shows, or a member's record id
("tv-tinh:HG1") or a library's own record number ("CVT000018") as its staff know it.

Such a query was read as words and found nothing ("uqeue33obul"), or "tv-tinh" and "HG1" apart.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import tantivy

from index.schema import RECORD_ID_FIELD

ID_PREFIX = "id:"
# A library's record number is often a plain number ("1984"), which is also a word of titles: the records
# it names come first, and the words still find theirs.
MEMBER_ID_BOOST = 1000.0
# A plain number this short is a grade, a year or a volume ("12", "1975") before it is a record number:
# many libraries number their records 1..N, and "Số đỏ", record 12, came before "Toán 12" (second diff
# review).  Such a number is read as an id only after `id:`.
MIN_BARE_NUMBER_ID_DIGITS = 6


def record_id_terms(holdings: Iterable[dict[str, Any]]) -> list[str]:
    """RECORD_ID_FIELD's terms of a union record: each member's record id and its local id alone,
    as `id_term` spells them."""
    terms: dict[str, None] = {}
    for holding in holdings:
        record_id = holding.get("record_id")
        if record_id:
            terms[id_term(record_id)] = None
            terms[id_term(record_id.partition(":")[2] or record_id)] = None
    return list(terms)


def id_term(text: str) -> str:
    """An id as typed or as stored, in one spelling: NFC (some systems send local ids in NFD), case folded."""
    return unicodedata.normalize("NFC", text.strip()).casefold()


def typed_id(q: str) -> str | None:
    """The id a query is: what follows `id:`, or the whole query when it is one run of non-spaces; None
    for words."""
    q = q.strip()
    if q[:len(ID_PREFIX)].lower() == ID_PREFIX:
        q = q[len(ID_PREFIX):].strip()
    return q if q and not any(c.isspace() for c in q) else None


def asks_for_an_id(q: str) -> bool:
    """Whether `q` says it is an id (`id:` and one): no record of that id is an answer of its own, not words."""
    return q.strip()[:len(ID_PREFIX)].lower() == ID_PREFIX and typed_id(q) is not None


def id_query(searcher: tantivy.Searcher, schema: tantivy.Schema, q: str) -> tuple[tantivy.Query, bool] | None:
    """(the records `q` names as an id, whether it is a union id: that record alone answers), or None when
    it names none."""
    typed = typed_id(q)
    if typed is None or (typed.isdigit() and len(typed) < MIN_BARE_NUMBER_ID_DIGITS and not asks_for_an_id(q)):
        return None
    for union_id in dict.fromkeys((typed, typed.lower())):  # ours are lower case; typed from a page, any case
        if searcher.doc_freq("id", union_id):
            return tantivy.Query.term_query(schema, "id", union_id), True
    term = id_term(typed)
    if searcher.doc_freq(RECORD_ID_FIELD, term):
        return tantivy.Query.boost_query(tantivy.Query.term_query(schema, RECORD_ID_FIELD, term), MEMBER_ID_BOOST), False
    return None
