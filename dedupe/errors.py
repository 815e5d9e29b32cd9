"""Dedupe's errors; each names the record, or the file and line, it is about."""

from __future__ import annotations

from pathlib import Path

from config.errors import UnioncatError


class DedupeError(UnioncatError):
    """Base of the errors the dedupe stage raises."""


class DuplicateRecordIdError(DedupeError):
    """Raised when one record id appears twice in one input: it could land in two clusters."""

    def __init__(self, record_id: str):
        self.record_id = record_id
        super().__init__(f"record id {record_id!r} appears more than once")


class DedupeInputError(DedupeError):
    """Raised when a line of a file-mode input is not a Record; names the file and line."""

    def __init__(self, path: Path | str, line_number: int, message: str):
        self.path = path
        self.line_number = line_number
        self.reason = message
        # Line 0: the file as a whole (it cannot be opened).
        super().__init__(f"{path}, line {line_number}: {message}" if line_number else f"{path}: {message}")
