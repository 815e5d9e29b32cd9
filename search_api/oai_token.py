"""A resumption token of /oai (search_api/oai.py) read back: one this repository did not give is
badResumptionToken (OAI-PMH 2.0 §3.6), never a 500 (a number SQLite cannot hold) nor a list.

The token is not signed. The feed is open data: a forged token can only ask for public records
from some position, which any harvester may list anyway, and an HMAC would need a key kept across
restarts (a harvest pauses for a night and resumes) and shared by every server process. What a
forged or corrupted token must not do is crash the server or be answered as a list, so its parts
are checked as written (whole numbers in SQLite's range), and its position against the store: a
page can only have ended at a record that exists and has not moved back (store/feed.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from oaipmh import error
from oaipmh.server import decodeResumptionToken

from store.catalog import CatalogStore
from store.feed import position_given

SQLITE_INTEGER_MAX = 2 ** 63 - 1
# A whole number as str(int) writes a non-negative one: no sign, no leading zero, at most 19 digits.
_NUMBER = r"(0|[1-9][0-9]{0,18})"
_POSITION_RE = re.compile(rf"{_NUMBER}\.{_NUMBER}")
# What oai.py writes into a token besides the cursor (oaipmh's decoding takes it out).
_KEYS = {"metadataPrefix", "after", "from_", "until"}


def read_token(token: str, store: CatalogStore, prefixes: tuple[str, ...]
               ) -> tuple[str, datetime | None, datetime | None, tuple[int, int]]:
    """(metadataPrefix, from, until, position) of a token this repository gave over `store`."""
    bad = error.BadResumptionTokenError(f"The resumption token {token!r} is not one this repository gave; "
                                        "start the list again without it")
    if not token.isascii():  # ours are quoted ASCII; one sent as bytes that are not UTF-8 holds U+FFFD here
        raise error.BadResumptionTokenError(
            f"The resumption token {token!r} is not one this repository gave (its tokens are ASCII; \ufffd "
            "stands for bytes that were not UTF-8); start the list again without it")
    try:
        kw, cursor = decodeResumptionToken(token)
    except (error.BadResumptionTokenError, error.DatestampError, ValueError):
        raise bad from None
    position = _POSITION_RE.fullmatch(kw.get("after") or "")
    if position is None or not set(kw) <= _KEYS or kw.get("metadataPrefix") not in prefixes:
        raise bad
    seq, rowid = (int(part) for part in position.groups())
    if not (0 <= cursor <= SQLITE_INTEGER_MAX and seq <= SQLITE_INTEGER_MAX and 0 < rowid <= SQLITE_INTEGER_MAX):
        raise bad
    if not position_given(store, (seq, rowid)):
        raise bad
    return kw["metadataPrefix"], kw.get("from_"), kw.get("until"), (seq, rowid)
