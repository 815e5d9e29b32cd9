"""Reading a MARCXML file on past a broken record, in constant memory.

A parser stops at the first break (a broken tag, an unclosed element, the file's
end), which used to cost every record after it.  `ResyncReader` stands between
the file and lxml's iterparse: it notes where each `<record` starts in the bytes
it hands out and keeps those from the start of the first record not yet ended
(the caller says when one ends).  When the parser stops inside a record,
`resume()` names that record, skips to the next `<record` start and hands a fresh
parser the file's prologue (declaration and root start tag, so the namespaces
and the encoding hold) followed by the rest of the file.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from config.errors import HarvestError
from store.models import Rejected

# A namespace prefix, or none, before a tag's name (`marc:`, `oai:`), for the byte patterns here.
PREFIX_PATTERN = rb"(?:[A-Za-z_][\w.-]*:)?"
# A record's start tag, with or without a prefix (`<record>`, `<marc:record id="..">`).
_RECORD_START_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"record[\s>/]")
# Found faster (a third of the time on a large file) by its name first, then the `<` and prefix before it.
_RECORD_NAME_RE = re.compile(rb"record[\s>/]")
_BEFORE_RECORD_NAME_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"\Z")
_RECORD_END_RE = re.compile(rb"</" + PREFIX_PATTERN + rb"record\s*>")
_CONTROL_001_RE = re.compile(rb"<" + PREFIX_PATTERN + rb"controlfield\s[^>]*tag\s*=\s*[\"']001[\"'][^>]*>([^<]*)<")
# A start tag cut by a read's end is found with the next read: the longest we look for, prefix included.
_LOOKBEHIND_BYTES = 64
# The prologue is replayed before each resumed part; one longer than this (a file with no records?) is not kept.
MAX_PROLOGUE_BYTES = 1 << 16
# What of a broken record is kept to find its 001 while skipping to the next record.
_MAX_BROKEN_RECORD_BYTES = 1 << 20
# What is handed out is forgotten in runs of at least this much: each drop moves what is kept.
_DROP_BYTES = 1 << 18
# libxml2 ends its message with the line in what this parse read: after a resumed parse, not the file's.
_LINE_IN_MESSAGE_RE = re.compile(r", line \d+, column \d+$")


class _Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


@dataclass
class Break:
    """What a parse error broke, as `ResyncReader.resume()` found it."""

    local_id: str | None  # the broken record's 001, when it could be read
    in_record: bool  # False: the file ended after a whole record, its root element unclosed
    cut_short: bool  # the file ends inside the record (or before its root element closes)
    resumed: bool  # a fresh parse goes on at the next record
    unclosed_line: int | None = None  # where the record starts when it is one never closed


class ResyncReader:
    """A binary stream for iterparse that can start it again at the next record after a break.

    `split` is False for what the byte patterns cannot read (UTF-16): then `resume()`
    never resumes.  `line_offset` added to a parser's line gives the line in the file.
    Offsets below count from the start of what the current parse was handed.
    """

    def __init__(self, source: _Readable, split: bool = True):
        self.source = source
        self.split = split
        self.line_offset = 0
        self._prologue: bytes | None = None
        self._prologue_too_long = False
        self._replay = b""
        self._source_ended = False
        self._restart()

    def _restart(self) -> None:
        self._kept = bytearray()  # handed out to this parse, from (at most) the first record not yet ended
        self._kept_at = 0  # where `_kept` starts
        self._kept_lines = 0  # line ends before `_kept`
        self._kept_column = 0  # bytes of its line before `_kept`
        self._starts: deque[int] = deque()  # where the records not yet ended start
        self._scanned = 0  # record starts before this were noted
        self._unclosed: list[tuple[str | None, int]] = []  # records never closed (001, file line), outermost first

    def read(self, size: int = -1) -> bytes:
        if self._replay:
            out, self._replay = (self._replay, b"") if size < 0 else (self._replay[:size], self._replay[size:])
        else:
            out = self.source.read(size)
            self._source_ended = self._source_ended or not out
        if self.split and out:
            self._note(out)
        return out

    def _note(self, data: bytes) -> None:
        self._kept += data
        for start in _record_starts(self._kept, self._scanned - self._kept_at):
            self._starts.append(self._kept_at + start)
            self._scanned = self._starts[-1] + 1
        end = self._kept_at + len(self._kept)
        self._scanned = max(self._scanned, end - _LOOKBEHIND_BYTES)
        if self._prologue is None and not self._prologue_too_long:
            if self._starts:
                self._prologue = bytes(self._kept[:self._starts[0]])
            elif len(self._kept) > MAX_PROLOGUE_BYTES:
                self._prologue_too_long = True
        if not self._starts and (self._prologue is not None or self._prologue_too_long):
            # Between records (or in a file without any): nothing here can be a broken record's start.
            self._drop(self._scanned)

    def _drop(self, upto: int) -> None:
        """Forget what was handed out before offset `upto`; lazily, as each drop moves what is kept."""
        count = upto - self._kept_at
        if count < _DROP_BYTES:
            return
        last_line_end = self._kept.rfind(b"\n", 0, count)
        self._kept_column = self._kept_column + count if last_line_end < 0 else count - last_line_end - 1
        self._kept_lines += self._kept.count(b"\n", 0, count)
        del self._kept[:count]
        self._kept_at = upto

    def record_ended(self, depth: int = 0) -> None:
        """The parser gave a record's end, `depth` records deep: its bytes are no longer needed.

        A record inside another is one after a `<record>` never closed: the parser reads the
        rest of the file into it and stops only at the root's end.  Its 001 is noted then, for
        that error, and its bytes are not kept (they would be the rest of the file)."""
        for _outer in range(depth - len(self._unclosed)):
            if len(self._starts) < 2:
                break
            outer = self._starts.popleft() - self._kept_at
            line = self.line_offset + self._kept_lines + self._kept.count(b"\n", 0, outer) + 1
            self._unclosed.append((_control_001(bytes(self._kept[outer:self._starts[0] - self._kept_at])), line))
        if self._starts:
            self._starts.popleft()
            self._drop(self._starts[0] if self._starts else self._scanned)

    def resume(self, error_line: int, error_column: int) -> Break | None:
        """After a parse error at (`error_line`, `error_column`) as the parser counts: the broken record, and
        whether reading goes on at the next record.  None when the break is in no record
        (the prologue, between two records) or cannot be resynchronised."""
        if not self.split or self._prologue is None:
            return None  # no record began (or one began past a prologue too long to keep)
        root_end = _root_end_re(self._prologue)
        if not self._starts:
            ended = self._source_ended and not self.source.read(1 << 16) and not root_end.search(self._kept)
            if self._unclosed:  # a record never closed: the parser stopped at the root's end
                local_id, line = self._unclosed[0]
                return Break(local_id, in_record=True, cut_short=ended, resumed=False, unclosed_line=line)
            # The last record ended and then the file did: the root element was never closed.
            return Break(None, in_record=False, cut_short=True, resumed=False) if ended else None
        start = self._starts[0] - self._kept_at
        skipped_lines = self._kept_lines + self._kept.count(b"\n", 0, start)
        line_end = self._kept.rfind(b"\n", 0, start)
        start_column = start - line_end if line_end >= 0 else self._kept_column + start + 1  # 1-based, as libxml2
        if (error_line, error_column) < (skipped_lines + 1, start_column):
            return None  # before the record began: a break in the prologue or between records
        broken = bytearray(self._kept[start:])
        following = self._starts[1] - self._starts[0] if len(self._starts) > 1 else None
        while following is None and not self._source_ended:
            block = self.source.read(1 << 16)
            if not block:
                self._source_ended = True
                break
            searched_from = max(1, len(broken) - _LOOKBEHIND_BYTES)
            broken += block
            if found := _RECORD_START_RE.search(broken, searched_from):
                following = found.start()
            elif len(broken) > _MAX_BROKEN_RECORD_BYTES:
                # Keep its beginning (the 001) and what a start tag cut by the block's end needs.
                skipped_lines += broken.count(b"\n", _MAX_BROKEN_RECORD_BYTES // 2, len(broken) - _LOOKBEHIND_BYTES)
                del broken[_MAX_BROKEN_RECORD_BYTES // 2:len(broken) - _LOOKBEHIND_BYTES]
        local_id = _control_001(bytes(broken[:following]))
        if following is None:
            # Cut short: the file ends without its root element's end tag.
            cut_short = self._source_ended and not root_end.search(broken)
            return Break(local_id, in_record=True, cut_short=cut_short, resumed=False)
        skipped_lines += broken.count(b"\n", 0, following)
        # The fresh parse reads the prologue, then the file from the next record on.
        self.line_offset += skipped_lines - self._prologue.count(b"\n")
        self._replay = self._prologue + bytes(broken[following:])
        self._restart()
        return Break(local_id, in_record=True, cut_short=False, resumed=True)


def broken_record(exc: etree.XMLSyntaxError, source: ResyncReader, location: str, library: str,
                  position: int) -> tuple[Rejected, Break]:
    """The Rejected for record `position`, which `exc` broke, and where reading goes on;
    HarvestError when the break is in no record (the prologue, between two records)."""
    parse_line, column = exc.position if exc.position else (0, 0)
    line = parse_line + source.line_offset if parse_line else "?"
    problem = parse_problem(exc, line, column)
    found = source.resume(parse_line, column)
    if found is None:
        outside = ", outside any record" if source.split else ""  # UTF-16 is not resynchronised
        raise HarvestError(library, location, f"MARCXML is not well-formed at line {line} after {position - 1} "
                                              f"records{outside}: {problem}; correct the file (or export it "
                                              "again) and read it again") from exc
    if not found.in_record:
        reason = (f"the file ends after record {position - 1} without closing its root element ({problem}): "
                  "was it cut short while being exported, uploaded or copied? Export or copy it again")
    elif found.unclosed_line is not None:
        reason = (f"its <record> at line {found.unclosed_line} is never closed ({problem}): the records after it "
                  "were read as if inside it, this one is skipped. Correct it in the library's system and export again")
    elif found.cut_short:
        reason = (f"the file ends inside this record ({problem}): was it cut short while being "
                  "exported, uploaded or copied? Export or copy it again")
    else:
        reason = (f"not well-formed XML: {problem}; this record was skipped, the records after it read. "
                  "Correct it in the library's system and export again")
    where = f"{location} record {position} (line {line})" + ("; read on at the next record" if found.resumed else "")
    return Rejected(library=library, local_id=found.local_id or f"#{position}", stage="harvest", reason=reason,
                    source=where), found


def _record_starts(data: bytearray, begin: int) -> Iterator[int]:
    """Where record start tags begin in `data`, from `begin` on (`_RECORD_START_RE`'s matches)."""
    for name in _RECORD_NAME_RE.finditer(data, begin + 1):
        at = name.start()
        tag = data.rfind(b"<", max(begin, at - _LOOKBEHIND_BYTES), at)
        if tag >= 0 and (tag == at - 1 or _BEFORE_RECORD_NAME_RE.match(data, tag, at)):
            yield tag


def _root_end_re(prologue: bytes) -> re.Pattern[bytes]:
    """The end tag of the root element that `prologue` (everything before the first record) opens."""
    tags = re.findall(rb"<([A-Za-z_][\w.:-]*)", prologue)
    # No start tag before the first record: the record is the root.
    return re.compile(rb"</" + re.escape(tags[-1]) + rb"\s*>") if tags else _RECORD_END_RE


def parse_problem(exc: etree.XMLSyntaxError, line: int | str, column: int) -> str:
    """The parser's reason with the line and column in the whole file or page: libxml2 ends its
    message with the line in what that parse read, which after a resumed or partial parse is wrong."""
    return f"{_LINE_IN_MESSAGE_RE.sub('', str(exc.msg))} (line {line}, column {column})"


def text_of_broken_bytes(raw: bytes) -> str | None:
    """The stripped text of an element's content cut from a broken record (entities read), or None
    when it does not read as XML text or is empty: an id in a report must not be a guess."""
    try:
        text = etree.fromstring(b"<x>" + raw + b"</x>").text
    except etree.XMLSyntaxError:
        return None
    return (text or "").strip() or None


def _control_001(record: bytes) -> str | None:
    """The 001 of a broken record's bytes, when its text reads as XML; else None."""
    found = _CONTROL_001_RE.search(record)
    return text_of_broken_bytes(found.group(1)) if found else None
