"""The one error tree of unioncat.

    UnioncatError
    ├── ConfigError          a configuration file is unreadable or invalid
    ├── StoreError           the catalog database cannot be opened, migrated or written
    ├── HarvestError         a library could not be harvested (transport or protocol)
    │   └── OaiProtocolError an OAI-PMH <error> answer; one subclass per error code
    ├── SearchIndexError     the search index cannot be built or opened
    └── QueryError           a search query cannot be understood (HTTP 400)
        ├── FilterError      a filter value the registry does not hold (library, type, district), or
        │                    written in no accepted form (language, material type, decade)
        └── ParameterError   a page, size or sort out of range (answered `InvalidParameter`)

Every error says where it happened (file, library, endpoint, record, query) and,
where it can, what to do.  Stage-specific subclasses live with their stage and
derive from these or from UnioncatError itself: normalize's RecordError,
dedupe's DedupeError, the CLI's RunLockedError (harvester/lock.py).
"""

from __future__ import annotations

from config.masking import masked_secrets


class UnioncatError(Exception):
    """Base of every error unioncat raises on purpose; the CLI prints it on one line."""


class ConfigError(UnioncatError):
    """Raised when a configuration file cannot be read or does not validate.

    Names the file and, when known, the library and the field.
    """

    def __init__(self, path: str, message: str, library: str | None = None, field: str | None = None):
        self.path = path
        self.library = library
        self.field = field
        where = path
        if library:
            where += f", library {library!r}"
        if field:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class StoreError(UnioncatError):
    """Raised when the catalog database cannot be opened, migrated or written."""


class NoCatalogueError(StoreError):
    """Raised when a command that only reads finds no catalogue yet: no file, or one the first
    run has only begun to create (its schema is written in one transaction, so it has no table)."""


class HarvestError(UnioncatError):
    """Raised when a library cannot be harvested; names the library and the endpoint or file.

    The message masks the URL's credentials (config.masking): it is logged, stored and shown."""

    def __init__(self, library: str, source: str, message: str):
        self.library = library
        self.source = source
        super().__init__(masked_secrets(f"library {library!r} ({source}): {message}"))


class SearchIndexError(UnioncatError):
    """Raised when the search index is missing, unreadable, or cannot be written."""


class QueryError(UnioncatError):
    """Raised when a search query cannot be parsed; the API answers 400 with this message."""

    def __init__(self, query: str, message: str):
        self.query = query
        self.reason = message  # without the query: the page shows it under the query the user sees
        super().__init__(f"query {query[:80]!r}: {message}")


class FilterError(QueryError):
    """Raised when a filter whose values come from the registry (library, library type, district)
    is given a value the registry does not hold; names the filter, the value and what is accepted."""

    def __init__(self, query: str, name: str, value: str, message: str):
        self.name = name
        self.value = value
        super().__init__(query, message)


class ParameterError(QueryError):
    """Raised when a search's page, size or sort is outside what is accepted; names the parameter, what
    it accepts and the value.  Answered 400 `InvalidParameter`, as FastAPI's own parameter checks are."""

    def __init__(self, query: str, name: str, message: str):
        self.name = name
        super().__init__(query, f"{name}: {message}")
        self.args = (f"tham số không hợp lệ ({name}: {message})",)  # a parameter's fault: the query is not quoted
