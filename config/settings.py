"""Settings: one typed, documented table per stage, and the source registry.

Loaded once (TOML file, then flags) and passed down; nothing below `config`
reads the environment.  Every field has a default and a description, and
tests/test_docs.py checks that each one is documented in the README.
"""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import timedelta, timezone
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit

import idna
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from config.errors import ConfigError
from config.oaiurl import pasted_request_problem

# The local id of a record without a 001: its SHA-1 (harvester/iso2709file.py, harvester/marcxmlread.py; DESIGN.md
# "Identity").  No OPAC knows it, so such a record has no OPAC link.
HASHED_ID_PREFIX = "sha1:"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG_PATH = Path(__file__).resolve().parent / "demo.toml"
DEFAULT_CONFIG_NAME = "unioncat.toml"

# Vietnam keeps UTC+7 all year (no summer time since 1975): the pages and the API give days and
# times in the province's own calendar; the store keeps UTC.
VIETNAM_TIME = timezone(timedelta(hours=7))

LibraryType = Literal["provincial", "district", "school", "college", "armed_forces"]
LIBRARY_TYPE_LABELS_VI: dict[str, str] = {
    "provincial": "Thư viện tỉnh",
    "district": "Thư viện huyện/thị xã/thành phố",
    "school": "Thư viện trường phổ thông",
    "college": "Thư viện cao đẳng/đại học",
    "armed_forces": "Thư viện công an/quân đội",
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# A library id: lowercase letters, digits and hyphens; it starts every record id (`tv-tinh:123`).
LIBRARY_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"


class LibraryConfig(_Frozen):
    """One library of the source registry."""

    id: str = Field(pattern=LIBRARY_ID_PATTERN, description="Short stable id, e.g. `tv-tinh`.")
    name: str = Field(min_length=1, description="Vietnamese name shown to users.")
    type: LibraryType = Field(description="provincial, district, school, college or armed_forces.")
    district: str = Field(min_length=1, description="District, town or city of the library.")
    protocol: Literal["oai-pmh", "marc-file"] = Field(description="How records are collected.")
    url: str = Field(min_length=1, description="OAI-PMH base URL, or a path / http(s) URL of a MARC file.")
    metadata_prefix: Literal["marc21", "marcxml", "marc", "oai_dc"] | None = Field(
        default=None, description="OAI-PMH metadata prefix (OAI-PMH only): marc21 or marcxml (Koha, VuFind), "
                                  "marc (DSpace's MARCXML), oai_dc."
    )
    set: str | None = Field(default=None, description="OAI-PMH set to harvest (optional).")
    opac_url: str | None = Field(default=None, description=(
        "Link template to the library's own OPAC, with `{id}` (the record's 001) or `{oai_id}` (Koha's "
        "biblionumber, as in `opac-detail.pl?biblionumber={oai_id}`: the last part of the OAI identifier, or in "
        "a MARC file 999 $c, else the 001)."))
    holdings_tags: tuple[str, ...] = Field(
        default=("852", "952"), description="MARC tags that carry this library's holdings."
    )
    timeout_s: float | None = Field(default=None, gt=0, description="Per-library HTTP timeout; default from [harvest].")
    sweep_interval_days: int | None = Field(
        default=None, ge=1, description="Days between identifiers sweeps (ListIdentifiers) that mark records "
                                        "missing at the source deleted; unset: never (OAI-PMH only).",
    )

    @field_validator("name", "district")
    @classmethod
    def _composed(cls, value: str) -> str:
        # NFC, as every text the index holds: a district typed decomposed (Unikey's "Unicode tổ
        # hợp", macOS) was a facet value that, passed back as a filter (NFC), matched nothing.
        # Trimmed too: search filters are (index.params.filter_value), so "Long Mỹ " never matched.
        value = unicodedata.normalize("NFC", value).strip()
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str, info: ValidationInfo) -> str:
        scheme, separator, rest = value.partition("://")
        if separator and scheme.lower() in ("http", "https"):
            value = scheme.lower() + separator + rest  # schemes are case-insensitive (RFC 3986 3.1)
        if "://" in value and not value.startswith(("http://", "https://")):
            raise ValueError(f"only http(s) URLs or file paths are supported, got {value!r}")
        if value.startswith(("http://", "https://")):
            # `http://` alone or a space in the host failed only at harvest time, as an "unexpected" error.
            try:
                host = urlsplit(value).hostname
                urlsplit(value).port  # noqa: B018 - raises on a port that is not a number
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a usable URL: {exc}") from None
            if not host or any(c.isspace() for c in value):
                raise ValueError(f"{value!r} is not a usable URL: write scheme, host and path, as in "
                                 "https://opac.example.vn/cgi-bin/koha/oai.pl")
            # A pasted Identify link (or one cut to "?verb="): the harvester adds its own arguments, and the
            # server refused two.  `protocol` is validated before `url` (field order); a MARC file's download
            # URL may have a `set` or `from` of its own.
            if problem := pasted_request_problem(value, only_verb=info.data.get("protocol") != "oai-pmh"):
                raise ValueError(problem)
        return value

    @field_validator("holdings_tags")
    @classmethod
    def _holdings_tags(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [tag for tag in value if not (len(tag) == 3 and tag.isascii() and tag.isalnum())]
        if bad:
            # A typo here silently drops every copy of the library's records.
            raise ValueError(f"holdings_tags must be MARC tags of three letters or digits (852, 952), got {bad}")
        return value

    @field_validator("opac_url")
    @classmethod
    def _opac_template(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if "{id}" not in value and "{oai_id}" not in value:
            raise ValueError("opac_url must contain the placeholder {id} (the record's 001) or {oai_id} (the last "
                             "part of its OAI identifier, Koha's biblionumber)")
        if not value.lower().startswith(("http://", "https://")):
            # It becomes a link on every record page: never javascript: or data:.
            raise ValueError(f"opac_url must be an http(s) URL, got {value!r}")
        try:
            value.format(id="1", oai_id="1")  # what opac_link does for every record of the library
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"opac_url {value!r} can only use the placeholders {{id}} and {{oai_id}} (write a "
                             f"literal brace as {{{{ or }}}}): {type(exc).__name__} {exc}") from None
        return value

    @model_validator(mode="after")
    def _protocol_fields(self) -> LibraryConfig:
        if self.protocol == "oai-pmh":
            if not self.url.startswith(("http://", "https://")):
                raise ValueError("an oai-pmh library needs an http(s) url")
            if self.metadata_prefix is None:
                raise ValueError("an oai-pmh library needs metadata_prefix (marc21, marcxml, marc or oai_dc)")
        return self

    @property
    def opac_by_oai_identifier(self) -> bool:
        """Whether the OPAC knows a record by its OAI identifier's last part (`{oai_id}`: Koha's biblionumber;
        its 001 is often the control number of the library the record was copied from), not by its 001."""
        return bool(self.opac_url) and "{oai_id}" in self.opac_url and self.protocol == "oai-pmh"

    @property
    def opac_by_koha_biblionumber(self) -> bool:
        """Whether `{oai_id}` names the biblionumber a MARC file export holds in 999 $c (Koha's): a file has
        no OAI identifier, and its 001 may be another library's control number, as over OAI-PMH."""
        return bool(self.opac_url) and "{oai_id}" in self.opac_url and self.protocol == "marc-file"

    def opac_link(self, local_id: str | bytes) -> str | None:
        """The record's page in the library's own OPAC, when a template is configured, for the id the OPAC knows
        it by (normalize.holdings.opac_id); as bytes when it holds bytes that are not UTF-8 (store/straybytes.py)."""
        if not self.opac_url or (isinstance(local_id, str) and local_id.startswith(HASHED_ID_PREFIX)):
            return None
        # Encoded: a local id such as "HG/2019/001" or "A 12#3" stays one value in the URL.
        encoded = quote(local_id, safe="")
        return self.opac_url.format(id=encoded, oai_id=encoded)


class HarvestSettings(_Frozen):
    timeout_s: float = Field(default=30.0, gt=0, description="HTTP connect/read timeout per request.")
    request_total_s: float = Field(default=600.0, gt=0, description=(
        "Longest one response may take to arrive in all, however slowly it trickles; then it is retried."))
    max_retries: int = Field(default=5, ge=0, description=(
        "Retries of one request on timeouts, dropped connections, 5xx and answers that are no readable OAI-PMH "
        "(an HTML page, XML cut short or broken); a page still broken inside some records is then read without them."))
    backoff_base_s: float = Field(default=1.0, ge=0, description="First retry delay; doubles each retry.")
    backoff_max_s: float = Field(default=120.0, ge=0,
                                 description="Longest wait between retries, including Retry-After.")
    max_parallel_libraries: int = Field(default=4, ge=1, description="Libraries harvested at the same time.")
    request_delay_s: float = Field(default=0.0, ge=0, description="Pause between two requests to the same host.")
    user_agent: str = Field(
        default="unioncat/0.1 (Hau Giang union catalog; +https://thuvien.haugiang.gov.vn)",
        description="User-Agent sent to every server.",
    )
    max_response_bytes: int = Field(default=200_000_000, gt=0, description="Largest response body accepted.")
    overlap_s: int = Field(
        default=86_400, ge=0,
        description="Seconds subtracted from the next `from`: records stamped before the last harvest but "
                    "published to OAI-PMH after it (DSpace indexes its OAI by a nightly cron; Koha tokens "
                    "shift while records are edited) are fetched again, not lost.  Unchanged records "
                    "fetched again change nothing downstream.")
    sweep_min_ratio: float = Field(
        default=0.5, ge=0, le=1,
        description="An identifiers sweep, or a MARC file, listing fewer than this share of the live records held "
                    "deletes nothing.",
    )
    expected_interval_hours: float = Field(
        default=26.0, gt=0, description="A library whose last successful harvest is older than this is overdue.",
    )
    max_empty_pages: int = Field(
        default=100, ge=1,
        description="Pages in a row without records, each with a new resumption token, after which an OAI-PMH list "
                    "is taken to be endless: the harvest stops, keeps the records read and fails, and `from` is not "
                    "advanced (a sweep deletes nothing).  Raise it for a provider that hides long runs of deleted "
                    "records.")


class DedupeSettings(_Frozen):
    title_similarity_min: float = Field(default=88.0, ge=0, le=100,
                                        description="Folded-title score (0-100) to accept a match.")
    author_similarity_min: float = Field(default=80.0, ge=0, le=100,
                                         description="Author word-set score to accept a match.")
    year_tolerance: int = Field(default=0, ge=0,
                                description="Largest year difference between two copies of one edition.")
    pages_tolerance: int = Field(default=10, ge=0, description="Largest page-count difference between copies.")
    max_block_size: int = Field(
        default=500, ge=2, description="Blocks larger than this compare only records with the same full title; any "
                                       "group of more than 12 compares each record with its 12 sorted neighbours.")
    isbn_ignore: tuple[str, ...] = Field(
        default=(), description="ISBNs that publishers reuse (10 or 13 digits, hyphens allowed); never used to match.")
    library_preference: tuple[str, ...] = Field(
        default=(), description="Libraries whose cataloguing wins when merging.")
    overrides_path: Path | None = Field(
        default=None, description="TOML file of librarians' `[[same]]` / `[[different]]` record pairs (relative "
                                  "to the config file)."
    )


class IndexSettings(_Frozen):
    writer_heap_bytes: int = Field(
        default=512_000_000, ge=15_000_000,
        description="Tantivy writer memory budget, shared by its indexing threads (one per core) and filled only "
                    "as documents come: a rebuild of a million records on two cores makes four segments and no "
                    "merge (47 s); 128 MB made eleven segments and merged them (77 s, one thread).")


class ApiSettings(_Frozen):
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    port: int = Field(default=8000, ge=0, le=65535, description="Port the HTTP server binds.")
    cors_origins: tuple[str, ...] = Field(
        default=(), description="Origins allowed to call the API from a browser: `https://school.example` "
                                "(scheme, host and port; a trailing slash is dropped; a Unicode domain is read as "
                                "its punycode, as browsers send it), or `*`.")
    default_page_size: int = Field(
        default=20, ge=1, description="Hits per page when `size` is not given; at most `max_page_size`.")
    max_page_size: int = Field(default=100, ge=1, description="Largest `size` accepted.")
    max_query_chars: int = Field(default=1000, ge=1, description="Longest query accepted.")
    cached_searches: int = Field(
        default=500, ge=0, description="Search answers (and their JSON bodies) kept in memory until the index "
                                       "changes, fewer when they pass `cached_searches_mb`; 0 keeps none.")
    cached_searches_mb: int = Field(
        default=64, ge=1, le=65536,
        description="Memory the cached search answers may hold, in MB (their hits, facet counts and JSON bodies, "
                    "counted as Python holds them); the least recently used are dropped beyond it or beyond "
                    "`cached_searches`. An answer of 100 hits holds about 1 MB, one of 20 about 0.25 MB: 64 "
                    "keeps some 250 answers of the default size, and anyone sending distinct searches "
                    "cannot make the server hold more.")
    oai_namespace: str = Field(
        default="unioncat", pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$",
        description="The middle of the OAI-PMH feed's identifiers, oai:<namespace>:<union id>: the catalogue's "
                    "domain name (thuvien.haugiang.gov.vn), as the oai-identifier guidelines ask. Set it before "
                    "anyone harvests /oai: changing it later gives every record a new identifier.")
    admin_emails: tuple[str, ...] = Field(
        default=(), description="Contact addresses the OAI-PMH feed (/oai) gives harvesters in Identify; "
                                "OAI-PMH requires one: set the catalogue's operator.")
    public_url: str | None = Field(
        default=None, description="The catalogue's address as readers reach it (https://thuvien.haugiang.gov.vn): "
                                  "the absolute links of /opensearch.xml, the Atom feed and /oai start with it; its "
                                  "path, where a reverse proxy serves the catalogue at one (…/mucluc), starts every "
                                  "link of the page and every redirect, and /docs loads the OpenAPI schema, which "
                                  "names it as its server, under it. "
                                  "Unset: the address the server listens on; never the request's Host header.")

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"public_url {value!r} must be an http(s) URL without query, as in "
                             "https://thuvien.haugiang.gov.vn")
        return value.strip().rstrip("/")

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_origin(origin) for origin in value)

    @model_validator(mode="after")
    def _default_page_fits(self) -> ApiSettings:
        # Accepted, it made every search without `size=` (the page, the Atom feed, the widget) a 400 (review r4).
        if self.default_page_size > self.max_page_size:
            raise ValueError(f"default_page_size {self.default_page_size} is larger than max_page_size "
                             f"{self.max_page_size}, so every search without size= would be refused; "
                             "lower default_page_size or raise max_page_size")
        return self


DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(value: str) -> str:
    """An origin as browsers send it in `Origin:` (CORS compares strings): `https://school.example/`
    and `HTTPS://School.example:443` become `https://school.example`, a Unicode domain its punycode;
    a path or query is refused."""
    if value == "*":
        return value
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname or parts.username
            or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ValueError(f"{value!r} is not an origin: write scheme and host (and port), as in "
                         "https://school.example or http://127.0.0.1:8080")
    scheme = parts.scheme.lower()
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"  # an IPv6 address
    if not host.isascii():
        # Browsers send a non-ASCII domain's IDNA (punycode) form: https://thưviện.vn is https://xn--thvin-grb5423c.vn.
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise ValueError(f"{value!r} is not an origin: {host!r} is no domain name ({exc})") from exc
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else "")


class Settings(_Frozen):
    data_dir: Path = Field(description="Where the SQLite file and the index live.")
    region: str = Field(default="Hậu Giang", description="Region served, shown in the page title.")
    libraries: tuple[LibraryConfig, ...] = Field(default=(), description="The source registry.")
    harvest: HarvestSettings = HarvestSettings()
    dedupe: DedupeSettings = DedupeSettings()
    index: IndexSettings = IndexSettings()
    api: ApiSettings = ApiSettings()
    config_path: Path | None = Field(default=None, description="The file these settings came from.")

    @model_validator(mode="after")
    def _unique_ids(self) -> Settings:
        seen: set[str] = set()
        for library in self.libraries:
            if library.id in seen:
                raise ValueError(f"library id {library.id!r} appears twice")
            seen.add(library.id)
        return self

    @property
    def db_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    def library(self, library_id: str) -> LibraryConfig:
        for library in self.libraries:
            if library.id == library_id:
                return library
        known = ", ".join(lib.id for lib in self.libraries) or "none"
        raise ConfigError(str(self.config_path or "<settings>"), f"no library {library_id!r} (known: {known})")

    def library_map(self) -> dict[str, LibraryConfig]:
        return {library.id: library for library in self.libraries}


def default_config_path(cwd: Path | None = None) -> Path:
    """`./unioncat.toml` when present, else the bundled demo configuration."""
    candidate = (cwd or Path.cwd()) / DEFAULT_CONFIG_NAME
    return candidate if candidate.exists() else DEMO_CONFIG_PATH


def load_settings(path: Path | None = None) -> Settings:
    """Read and validate a TOML configuration; relative paths are relative to the file."""
    path = Path(path) if path is not None else default_config_path()
    try:
        # utf-8-sig: Notepad on Windows starts a UTF-8 file with a byte order mark TOML does not allow.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(str(path), "file not found; pass --config or create unioncat.toml") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from exc
    return settings_from_dict(raw, path)


def settings_from_dict(raw: dict, path: Path) -> Settings:
    """Validate a parsed configuration; errors name the file, the library and the field."""
    raw = dict(raw)
    if "data_dir" not in raw:
        raise ConfigError(str(path), "missing top-level data_dir", field="data_dir")
    if not isinstance(raw["data_dir"], str) or not raw["data_dir"].strip():
        # `data_dir = 5` would otherwise become a folder named "5" beside the config file.
        raise ConfigError(str(path), f"must be a directory path in quotes, got {raw['data_dir']!r}", field="data_dir")
    raw["data_dir"] = _local_path(raw["data_dir"], path, "data_dir")
    if raw["data_dir"].exists() and not raw["data_dir"].is_dir():
        # Every command failed later with only "<path>: File exists".
        raise ConfigError(str(path), f"{raw['data_dir']} is a file, not a directory; data_dir is the directory "
                          "that holds catalog.sqlite3 and index/", field="data_dir")
    raw["config_path"] = path
    libraries = raw.get("libraries") or []
    if not isinstance(libraries, list):
        # `[libraries]` (one pair of brackets) makes one table, not a list of them.
        raise ConfigError(str(path), "each library is a [[libraries]] table, with two pairs of brackets; "
                          f"got {type(libraries).__name__} {str(libraries)[:60]!r}", field="libraries")
    raw["libraries"] = [_resolve_file_url(entry, path) for entry in libraries]
    dedupe = raw.get("dedupe")
    if isinstance(dedupe, dict) and isinstance(dedupe.get("overrides_path"), str):
        raw["dedupe"] = {**dedupe,
                         "overrides_path": _local_path(dedupe["overrides_path"], path, "dedupe.overrides_path")}
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        library = None
        if len(loc) >= 2 and loc[0] == "libraries" and isinstance(loc[1], int):
            entries = raw.get("libraries") or []
            entry = entries[loc[1]] if loc[1] < len(entries) else {}
            library = str(entry.get("id", f"#{loc[1] + 1}")) if isinstance(entry, dict) else f"#{loc[1] + 1}"
            loc = loc[2:]
        field = ".".join(str(part) for part in loc) or None
        more = f" (and {len(exc.errors()) - 1} more problems)" if len(exc.errors()) > 1 else ""
        message = first["msg"].removeprefix("Value error, ")  # pydantic's wording for our own validators
        raise ConfigError(str(path), message + more, library=library, field=field) from exc


def _local_path(value: str, config_path: Path, field: str, library: str | None = None) -> Path:
    """`~` and `~user` expanded; a relative path is relative to the config file."""
    try:
        expanded = Path(value).expanduser()
    except RuntimeError as exc:  # `~name/...` for a user this machine does not know
        raise ConfigError(str(config_path), f"cannot expand {value!r}: this machine has no user "
                          f"{value[1:].split('/')[0]!r}; write the full path", library=library, field=field) from exc
    return expanded if expanded.is_absolute() else (config_path.parent / expanded).resolve()


def _resolve_file_url(entry: object, config_path: Path) -> object:
    """A marc-file library's path: `~` expanded, relative to the config file like data_dir."""
    if not isinstance(entry, dict) or entry.get("protocol") != "marc-file":
        return entry
    url = entry.get("url")
    if not isinstance(url, str) or not url or "://" in url:
        return entry
    return {**entry, "url": str(_local_path(url, config_path, "url", library=str(entry.get("id", "?"))))}


def settings_documentation() -> list[tuple[str, str, object, str]]:
    """(section, name, default, help) for every setting, for the README and its test."""
    rows: list[tuple[str, str, object, str]] = []
    for section, model in (("harvest", HarvestSettings), ("dedupe", DedupeSettings),
                           ("index", IndexSettings), ("api", ApiSettings)):
        for name, field in model.model_fields.items():
            rows.append((section, name, field.default, field.description or ""))
    return rows
