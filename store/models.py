"""The shapes that travel between stages: raw record, Record, union record, runs.

Stages never import each other; they read and write these through the store.
`Record` is the contract between normalize and dedupe/index: typed, versioned,
one JSON line each.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from config.masking import masked_secrets

# 2: invalid_issn added (a version-1 record dropped invalid ISSNs; it reads with invalid_issn=[]).
RECORD_SCHEMA_VERSION = 2

RawFormat = Literal["marcxml", "iso2709", "oai_dc"]

# Text that may quote a library's URL (a record's source, a run's errors): its credentials masked
# when it is made and when an older row is read back (config.masking).
Masked = Annotated[str, AfterValidator(masked_secrets)]


def content_hash(payload: bytes) -> str:
    """Stable hash of a raw payload: an unchanged re-harvest changes nothing."""
    return hashlib.sha256(payload).hexdigest()[:32]


def record_id(library: str, local_id: str) -> str:
    """A source record's key, `(library id, local id)`, as one string."""
    return f"{library}:{local_id}"


def split_record_id(value: str) -> tuple[str, str]:
    library, _, local_id = value.partition(":")
    return library, local_id


class RawRecord(BaseModel):
    """A record as harvested, kept byte for byte so normalize can re-run without re-harvesting."""

    model_config = ConfigDict(frozen=True)

    library: str
    local_id: str
    format: RawFormat
    payload: bytes = b""
    datestamp: str | None = None
    deleted: bool = False
    source: Masked = Field(default="", description="Endpoint or file and position it came from, for reports.")

    @property
    def content_hash(self) -> str:
        return content_hash(b"deleted" if self.deleted else self.payload)

    @property
    def id(self) -> str:
        return record_id(self.library, self.local_id)


class RawRow(NamedTuple):
    """A stored raw record as read back for normalizing: the columns, no model (see `raw_rows_since`)."""

    seq: int
    library: str
    local_id: str
    format: str
    payload: bytes
    datestamp: str | None
    deleted: int
    source: str


class Holding(BaseModel):
    """One copy or shelf location of a title in one library."""

    library: str
    call_number: str | None = None
    location: str | None = None
    barcode: str | None = None
    record_id: str | None = Field(default=None, description="The source record this holding came from.")
    opac_url: str | None = None


class Name(BaseModel):
    """One name heading of a record (100/110/111 and 700/710/711), with what `authors` leaves out."""

    name: str = Field(description="Display form, as in `authors` (no dates, no relator).")
    kind: Literal["personal", "corporate", "meeting"] = "personal"
    role: Literal["main", "added"] = "main"
    dates: str | None = Field(default=None, description="$d of a personal name, e.g. '1911-2010'.")
    relators: list[str] = Field(default=[], description="$e terms and $4 codes, e.g. ['chủ biên', 'edt'].")
    vernacular: str | None = Field(default=None, description="The same name in its own script (linked 880).")


class Link(BaseModel):
    """Where a resource is online (MARC 856): an e-book's or a thesis's full text."""

    url: str = Field(description="An http(s) URL (856 $u).")
    label: str | None = Field(default=None, description="Its link text (856 $y, else $3), when given.")


class HostItem(BaseModel):
    """The journal or book a component part was printed in (MARC 773), in the subfields a member gave:
    kept apart so that the feed can write 773 back whole, where `host` joins them into one line."""

    main_entry: str | None = Field(default=None, description="773 $a, the host's main entry heading.")
    title: str | None = Field(default=None, description="773 $t, the journal's or book's title.")
    imprint: str | None = Field(default=None, description="773 $d, place, publisher and date of publication.")
    related_parts: list[str] = Field(default=[], description="773 $g: volume, issue, pages ('Số 5 (2019), tr. 12-18').")
    issn: str | None = Field(default=None, description="773 $x, the journal's ISSN as typed.")
    isbn: list[str] = Field(default=[], description="773 $z, the book's ISBNs as typed.")
    control_numbers: list[str] = Field(default=[], description="773 $w, the host record's control numbers.")
    in_book: bool = Field(default=False, description="The host is a book, not a serial: the part's leader/07 is a "
                                                     "(a chapter), not b (an article).")


class Record(BaseModel):
    """One normalized source record (what normalize writes, dedupe and index read)."""

    schema_version: int = RECORD_SCHEMA_VERSION
    id: str
    library: str = ""
    local_id: str = ""
    title: str
    sort_title: str | None = Field(
        default=None, description="Title without the leading article 245 ind2 skips (e.g. 'Misérables'); sorting only."
    )
    subtitle: str | None = None
    part: str | None = Field(default=None, description="Volume/part number and name (245 $n $p).")
    responsibility: str | None = None
    uniform_title: str | None = None
    authors: list[str] = []
    year: int | None = None
    publisher: str | None = None
    place: str | None = None
    edition: str | None = None
    pages: int | None = None
    isbn: list[str] = Field(default=[], description="Valid ISBN-13s.")
    invalid_isbn: list[str] = Field(default=[], description="ISBNs that failed the check digit, or the digits of one a digit short or over; never matched on.")
    issn: list[str] = Field(default=[], description="Valid ISSNs as NNNN-NNNC.")
    invalid_issn: list[str] = Field(
        default=[], description="022 $a values that are not a valid ISSN (check digit, form), as typed; never matched on."
    )
    other_ids: list[str] = []
    language: str | None = None
    subjects: list[str] = []
    classification: list[str] = []
    material_type: str = "book"
    host: str | None = Field(
        default=None, description="The journal or book an article was printed in (773 $t $d $g $x), one line: "
                                  "'Tạp chí Giáo dục, Số 480, tr. 45-48 (ISSN 2354-0753)'.")
    host_item: HostItem | None = Field(default=None, description="The 773 behind `host`, subfield by subfield.")
    links: list[Link] = Field(default=[], description="Where the resource is online (856 $u, http(s) only).")
    series: list[str] = []
    notes: list[str] = []
    holdings: list[Holding] = []
    alternate_titles: list[str] = Field(
        default=[], description="The title in another script: 880 fields linked by $6 to 245/240/130/246."
    )
    other_titles: list[str] = Field(
        default=[], description="Varying forms of the title (246 $a $b): cover, spine, parallel titles; searchable.")
    names: list[Name] = Field(default=[], description="Every name heading with kind, role, dates, relators.")
    source_format: str | None = None
    encoding: str | None = Field(default=None, description="Character encoding actually used to read the record.")
    repairs: list[str] = Field(default=[], description="What normalize had to repair, for the report.")

    def to_json_line(self) -> str:
        return self.model_dump_json(exclude_defaults=False)


class Rejected(BaseModel):
    """A record a stage could not process: kept with the reason, counted in reports."""

    library: str = Field(description="The library id.")
    local_id: str = Field(description=(
        "The record's id at the library (OAI identifier, or 001); one without any, its place: "
        "\"#2 on page 1\" of the last harvest window, \"#2\" in a file."))
    stage: str = Field(description="Where it was rejected: harvest or normalize.")
    reason: str = Field(description="Why, and what the library can do about it.")
    source: Masked = Field(default="", description="Where it was read: the OAI-PMH page's address, or the file "
                                                "and record position.")


class UnionRecord(BaseModel):
    """A union record: one edition and every library that holds it."""

    id: str
    title: str
    sort_title: str | None = Field(
        default=None, description="The title without the leading article a member marked not to sort on; sorting only."
    )
    subtitle: str | None = None
    part: str | None = None
    uniform_title: str | None = None
    alternate_titles: list[str] = Field(
        default=[], description="The title in another script (MARC 880), as the members give it: searchable.")
    other_titles: list[str] = Field(
        default=[], description="Varying forms of the title (MARC 246), every member's: searchable.")
    responsibility: str | None = None
    authors: list[str] = []
    names: list[Name] = Field(
        default=[], description="The name heading behind each of `authors`, in its order, with kind, role, "
                                "dates, relators and its own-script form, where a member catalogued one.")
    year: int | None = None
    publisher: str | None = None
    place: str | None = None
    edition: str | None = None
    pages: int | None = None
    isbn: list[str] = []
    invalid_isbn: list[str] = Field(
        default=[], description="ISBNs as printed whose check digit is wrong, or a digit short or over: "
                                "shown and searchable, never matched on."
    )
    issn: list[str] = Field(default=[], description="Valid ISSNs as NNNN-NNNC.")
    invalid_issn: list[str] = Field(
        default=[], description="022 $a values that are not a valid ISSN (check digit, form), as typed; never matched on."
    )
    other_ids: list[str] = []
    language: str | None = None
    subjects: list[str] = []
    classification: list[str] = []
    material_type: str = "book"
    host: str | None = Field(default=None, description="The journal or book an article was printed in (773).")
    # Left out of the stored JSON when None: a new key in every union record would change every
    # content hash, and with it the datestamp of every record in the feed and the index.
    host_item: HostItem | None = Field(default=None, exclude_if=lambda item: item is None,
                                       description="The 773 behind `host`, subfield by subfield (the feed's 773).")
    links: list[Link] = Field(default=[], description="Where the resource is online (856), every member's.")
    series: list[str] = []
    notes: list[str] = []
    holdings: list[Holding] = []
    members: list[str] = []
    work_key: str = Field(
        default="", description="Folded title + the first author's first and last name words: other editions share it.")


# Why a MARC file was not accepted as a full snapshot; /status says each in Vietnamese.
SnapshotRefusal = Literal["cut_short", "broken_records", "too_few_records"]


class HarvestRun(BaseModel):
    """What happened to one library in one harvest run."""

    library: str
    started_at: str
    finished_at: str | None = None
    status: Literal["running", "ok", "failed"] = "running"
    duration_s: float | None = Field(default=None, description="Wall time of the run, measured by the harvester.")
    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[Masked] = []
    snapshot_refused: SnapshotRefusal | None = Field(default=None, description=(
        "Why a MARC file was not taken as the library's catalogue (the run failed, its records kept, nothing "
        "deleted): cut_short, broken_records (not read whole) or too_few_records (under sweep_min_ratio)."))


class HarvestState(BaseModel):
    """Where a library's harvest stands; saved in the same transaction as each page."""

    library: str
    next_from: str | None = Field(default=None, description="`from` of the next incremental window.")
    window_from: str | None = Field(default=None, description="`from` of the window being harvested.")
    window_response_date: str | None = Field(
        default=None, description="responseDate of the window's first response: the next `from` once it completes."
    )
    resumption_token: str | None = Field(default=None, description="Token to continue the open window with.")
    file_validator: str | None = Field(default=None, description="ETag, Last-Modified or hash of the last MARC file read.")
    last_sweep: str | None = None
    harvested_for: Masked | None = Field(
        default=None, description="The url, metadataPrefix and set this state belongs to (as a URL, its credentials "
                                  "masked: a new password is no new scope); another means a full harvest.  None in "
                                  "states saved before it was kept: taken as current."
    )
    sweep_pending: bool = Field(
        default=False, description="`harvested_for` changed: once a harvest of the new scope completes, records "
                                   "the new scope does not list are deleted (an identifiers sweep).")
    scope_harvested: int = Field(
        default=0, description="With `sweep_pending`: records the new scope's harvests have given so far, over "
                               "every run (a harvest cut and resumed, a refused sweep tried again): the sweep's floor.")
    granularity: str | None = Field(
        default=None, description="The datestamp granularity Identify last declared: used, with a warning, on a "
                                  "night Identify fails, since the list itself may still answer.")
    sweep_asked_up_to: str | None = Field(
        default=None, description="The last record a sweep that deferred some asked GetRecord about: the next "
                                  "night's sweep asks from the one after it (harvester/sweepcheck.py).")
    lists_lost: int = Field(
        default=0, description="Windows in a row the server ended by answering a resumption token with "
                               "noRecordsMatch (the list lost): a warning at first, a failed run from "
                               "harvester.oai.MAX_LISTS_LOST; 0 once a window is listed to its end.")


class PageCounts(BaseModel):
    """What one saved page (or file batch) changed in the store."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0

    def __iadd__(self, other: PageCounts) -> PageCounts:
        self.added += other.added
        self.changed += other.changed
        self.deleted += other.deleted
        self.unchanged += other.unchanged
        return self


class LibraryStatus(BaseModel):
    """One library's state for `unioncat status` and GET /api/status."""

    id: str
    records: int = 0
    deleted: int = 0
    rejected: int = 0
    last_attempt: str | None = None
    last_success: str | None = None
    last_status: str | None = Field(default=None, description=(
        "running, ok or failed; killed: marked running while no unioncat run holds the run lock "
        "(the process died); None: never harvested."))
    duration_s: float | None = None
    added: int = 0
    changed: int = 0
    removed: int = 0
    errors: list[str] = []
    snapshot_refused: SnapshotRefusal | None = Field(default=None, description=(
        "The last run's MARC file was not taken whole: cut_short, broken_records or too_few_records."))
    overdue: bool = Field(default=False, description="No successful harvest within the expected interval.")
    nothing_usable: bool = Field(default=False, description=(
        "Records are held but none is normalized (each rejected, or normalize not run since): none can be found."))
    rejects: list[Rejected] = Field(default=[], description=(
        "The library's most recently rejected records (harvest or normalize), newest first, a few at most "
        "(store.catalog.STATUS_REJECTS_LISTED; `rejected` counts them all): identifier, stage, reason, source."))


class StageStatus(BaseModel):
    """The last run of a pipeline stage after the harvest (normalize, dedupe, index), for `unioncat
    status` and GET /api/status: a failed index means searches show the catalogue as of `last_success`."""

    stage: str
    last_attempt: str | None = None
    last_success: str | None = None
    last_status: str | None = Field(default=None, description=(
        "running, ok or failed; killed: marked running while no unioncat run holds the run lock; None: never run."))
    duration_s: float | None = None
    error: str | None = None
    warnings: list[str] = Field(default=[], description=(
        "What the last run that finished asks a person to look at, though it succeeded: an override naming "
        "a record that is not in the catalogue, a missing overrides file (dedupe)."))
