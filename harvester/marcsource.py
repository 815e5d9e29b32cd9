"""Where a MARC file comes from, and whether it needs reading: a path or an http(s) URL.

Apart from the readers so that the checks made before any record is read sit in one
place: what is plainly no MARC file (empty, only a byte-order mark, an HTML page) is
refused by its first bytes, and the validator (content hash, ETag, Last-Modified) lets a
file unchanged since the last one accepted whole go unread.  `MarcRead`, what one read
of the file found, lives here because the sniff and the harvest (harvester/marcfile.py)
and the MARCXML reader (harvester/marcxmlread.py) both fill it in, and the reader must
not import the harvest that calls it.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx

from config.errors import HarvestError
from config.settings import HarvestSettings
from harvester.iso2709file import UTF8_BOM
from harvester.oaixml import starts_like_html
from harvester.transport import fetch, status_hint
from store.models import RawRecord, Rejected

_HASH_CHUNK_BYTES = 1 << 20


@dataclass
class MarcRead:
    """An opened MARC file: its records (lazily), its validator, or `unchanged`."""

    items: Iterator[RawRecord | Rejected]
    validator: str | None
    unchanged: bool = False
    # XML-forbidden characters (TCVN3 capitals) kept as U+24xx; known once `items` is read.
    repaired_characters: int = 0
    # Bytes that were not UTF-8, kept for normalize, by the 001 of the record holding them (harvester/strayutf8.py).
    stray_bytes: dict[str, int] = field(default_factory=dict)
    # Ids that held control characters (kept as U+24xx), with where each was read.
    control_ids: dict[str, str] = field(default_factory=dict)
    # Leaders holding control characters or bytes that are not ASCII: where, and which positions, by id.
    odd_leaders: dict[str, str] = field(default_factory=dict)
    # ISO 2709 records whose leader/00-04 is not their length, kept: where, and both lengths, by id.
    wrong_lengths: dict[str, str] = field(default_factory=dict)
    # Records without a 001, whose id is the SHA-1 of their content: where each was read, by id.
    hashed_ids: dict[str, str] = field(default_factory=dict)
    # `&` that started no reference, read as `&amp;` (harvester/xmlrepair.py).
    bare_ampersands: int = 0
    # Records rejected as broken (MARCXML not well-formed; ISO 2709 whose structure does not hold), the
    # file read on; and whether the file ends inside one.
    broken_records: int = 0
    cut_short: bool = False
    # The Latin encoding a MARCXML file declared over UTF-8 bytes, which were read as UTF-8 (harvester/misdeclared.py).
    declared_over_utf8: str | None = None


def _sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _validator_fields(validator: str | None) -> dict[str, str]:
    if not validator:
        return {}
    try:
        value = json.loads(validator)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# Enough of a file's start to tell an HTML page, an empty export or a lone byte-order mark from MARC.
_HEAD_BYTES = 512


def _refuse_what_is_no_marc_file(head: bytes, library: str, location: str) -> None:
    """Raise HarvestError, naming what the file is instead, for an empty export, one holding only a byte-order
    mark or blank space, or an HTML page (a sign-in or share page saved or served in the export's place); all
    said "the file gave no readable records (0 rejected)", the page only when fetched over HTTP (review)."""
    if not head:
        raise HarvestError(library, location, "the MARC file is empty (0 bytes): the export wrote nothing; "
                                              "export the catalogue again")
    if not head.lstrip(UTF8_BOM + b" \t\r\n"):
        raise HarvestError(library, location, "the MARC file holds only a byte-order mark or blank space, no "
                                              "records: export the catalogue again")
    if starts_like_html(head):
        where = "the URL answered with" if location.startswith(("http://", "https://")) else "the file is"
        raise HarvestError(library, location, f"{where} an HTML page, not a MARC file (a sign-in or share page?); "
                                              "give the file's direct download URL, or save the export itself")


def open_marc_source(location: str, library: str, client: httpx.Client | None, settings: HarvestSettings,
                     previous_validator: str | None) -> tuple[BinaryIO | None, str]:
    """(stream or None when unchanged, new validator) for a path or an http(s) URL."""
    previous = _validator_fields(previous_validator)
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if path.is_dir():
            raise HarvestError(library, location, "is a directory, not a MARC file; point the library's url in the "
                                                  "registry at the export file in it")
        if not path.is_file():
            raise HarvestError(library, location, "MARC file not found; put the export there or correct the "
                                                  "library's url in the registry (relative to the config file)")
        with path.open("rb") as handle:
            _refuse_what_is_no_marc_file(handle.read(_HEAD_BYTES), library, location)
        sha1 = _sha1_of_file(path)
        validator = json.dumps({"sha1": sha1})
        return (None if previous.get("sha1") == sha1 else path.open("rb")), validator
    if client is None:
        raise HarvestError(library, location, "an http(s) MARC file needs an HTTP client")
    headers = {}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    response = fetch(client, location, None, settings, library, headers=headers)
    if response.status_code == 304:
        return None, previous_validator or "{}"
    if response.status_code != 200:
        hint = status_hint(response, settings.user_agent)
        raise HarvestError(library, location, f"HTTP {response.status_code} fetching the MARC file"
                                              + (f"; {hint}" if hint else ""))
    # By the body, not the Content-Type: some servers send any file as text/html.
    _refuse_what_is_no_marc_file(response.content[:_HEAD_BYTES], library, location)
    sha1 = hashlib.sha1(response.content).hexdigest()
    fields = {"sha1": sha1}
    for name, header in (("etag", "etag"), ("last_modified", "last-modified")):
        if response.headers.get(header):
            fields[name] = response.headers[header]
    validator = json.dumps(fields, sort_keys=True)
    # A server without validators still lets us skip an identical file by its hash.
    return (None if previous.get("sha1") == sha1 else io.BytesIO(response.content)), validator
