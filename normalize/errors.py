"""Errors of the normalize stage.

A `RecordError` never escapes `normalize_raw`: it becomes a `Rejected` whose
reason is the error's message, so the message says what is wrong and what to do.
"""

from __future__ import annotations

from config.errors import UnioncatError


class RecordError(UnioncatError):
    """Raised inside normalize when one raw record cannot be read, has no title, or holds no copy
    (every item lost or withdrawn)."""
