"""How a run talks while it works: JSON log lines for cron, progress bars for a terminal.

`--log-format json` turns every log record and every stage event into one
JSON object per line on stderr (`ts`, `level`, `event`, `library`, counts,
`duration_s`, `error`), which log shippers and `jq` read without guessing.  A
rich progress display is shown only when stderr is a terminal; under cron
nothing but the one-screen summary (stdout) and warnings (stderr) is written.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TextIO

from config.masking import masked_secrets
from store.models import HarvestRun

LOG_FORMATS = ("text", "json")
EVENT_LOGGER = "unioncat.events"
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# Events are JSON log lines.  In text a failed stage printed a bare "index_failed" (Python's
# last-resort handler, in a stage run by hand) or "unioncat: ERROR index_failed" above the line
# that says what failed: the summary and that line say it all.
logging.getLogger(EVENT_LOGGER).addHandler(logging.NullHandler())


def _not_an_event(record: logging.LogRecord) -> bool:
    return not hasattr(record, "event")


class _MaskedFormatter(logging.Formatter):
    """Lines without a library url's credentials (config.masking): a retry's warning, an event's `extra=`
    fields and an exception's traceback may name the url as the registry writes it, and a log is pasted
    into tickets.  The whole line is masked, not only the message (final review)."""

    def format(self, record: logging.LogRecord) -> str:
        return masked_secrets(super().format(record))


class JsonLogFormatter(logging.Formatter):
    """One JSON object per record, credentials masked (see `_MaskedFormatter`); fields passed with `extra=`
    are kept as they are."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
        }
        fields = {k: v for k, v in record.__dict__.items() if k not in _RESERVED}
        if "event" not in fields:
            out["event"] = "log"
            out["logger"] = record.name
            out["message"] = record.getMessage()
        out.update(fields)
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return masked_secrets(json.dumps(out, ensure_ascii=False, default=str))


def configure_logging(log_format: str, stream: TextIO | None = None) -> None:
    """JSON lines (INFO and up) or plain warnings on stderr; replaces earlier handlers."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._unioncat = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_unioncat", False)]:
        root.removeHandler(old)
    if log_format == "json":
        handler.setFormatter(JsonLogFormatter())
        root.setLevel(logging.INFO)
        # httpx logs every request at INFO: thousands of lines a night that bury the events.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    else:
        handler.setFormatter(_MaskedFormatter("unioncat: %(levelname)s %(message)s"))
        handler.addFilter(_not_an_event)
        root.setLevel(logging.WARNING)
    root.addHandler(handler)


def emit(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """A structured event (`harvest_finished`, `normalize_finished`, ...), at INFO level unless `level`."""
    logging.getLogger(EVENT_LOGGER).log(level, event, extra={"event": event, **fields})


def run_fields(run: HarvestRun) -> dict[str, Any]:
    """The fields of a finished library run, as logged and reported."""
    duration = run.duration_s
    if duration is None and run.finished_at:
        started = datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
        duration = (datetime.fromisoformat(run.finished_at.replace("Z", "+00:00")) - started).total_seconds()
    failures = [e for e in run.errors if not e.startswith("warning:")]
    return {"library": run.library, "status": run.status, "added": run.added, "changed": run.changed,
            "deleted": run.deleted, "unchanged": run.unchanged, "rejected": run.rejected,
            "duration_s": duration, "error": failures[-1] if failures else None,
            "warnings": [e for e in run.errors if e.startswith("warning:")]}


@contextmanager
def stage_event(stage: str) -> Iterator[dict[str, Any]]:
    """Time a pipeline stage; the caller fills the yielded dict with counts, logged at the end."""
    fields: dict[str, Any] = {}
    started = time.monotonic()
    try:
        yield fields
    except Exception as exc:
        # ERROR, not INFO: a log shipper alerting on errors must see a stage that failed.
        emit(f"{stage}_failed", logging.ERROR, duration_s=round(time.monotonic() - started, 3), error=str(exc),
             **fields)
        raise
    emit(f"{stage}_finished", duration_s=round(time.monotonic() - started, 3), **fields)


class HarvestReporter:
    """The `progress` callback of `harvest_libraries`: JSON events, and a live display on a terminal."""

    def __init__(self, library_ids: list[str], log_format: str, stream: TextIO | None = None):
        self.log_format = log_format
        self.stream = stream or sys.stderr
        self._progress = None
        self._tasks: dict[str, Any] = {}
        if log_format == "text" and self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                      TextColumn("{task.fields[state]}"), TimeElapsedColumn(),
                                      console=Console(file=self.stream), transient=False)
            self._overall = self._progress.add_task("libraries", total=len(library_ids), state="")

    def __enter__(self) -> HarvestReporter:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, what: str, run: HarvestRun) -> None:
        if what == "started":
            if self.log_format == "json":
                emit("harvest_started", library=run.library)
            if self._progress is not None:
                self._tasks[run.library] = self._progress.add_task(run.library, total=1, state="harvesting")
            return
        if self.log_format == "json":
            fields = run_fields(run)
            # A library that failed is a warning (the run goes on), so alerts on level see it.
            emit("harvest_finished", logging.INFO if run.status == "ok" else logging.WARNING, **fields)
        if self._progress is not None:
            task = self._tasks.get(run.library)
            state = f"{run.status} +{run.added} ~{run.changed} -{run.deleted}"
            if task is not None:
                self._progress.update(task, completed=1, state=state)
            self._progress.advance(self._overall)
