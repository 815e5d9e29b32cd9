"""The `unioncat` command: parses options, calls the stages, reports.

This is the only module that knows every stage.  Work happens below it; a
`UnioncatError` becomes a one-line message and exit code 1.

Exit codes: 0 everything requested succeeded; 1 an error stopped the command
(bad configuration, unreadable input, another run holds the lock, a stage failed);
2 bad usage (also a library or union record id that names nothing); 3 the command finished
but some libraries failed (see `unioncat status`); 130 / 143 the run was stopped by Ctrl+C /
SIGTERM; 141 the reader of `--output -` went away.

Why this module is longer than our usual ~400 lines: it is the command table,
one short function per command plus the run discipline they share (the run
lock, stage records, signals); spread over files, a reader would lose the one
place that says what `unioncat` does.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import Annotated, BinaryIO, TextIO

import typer
from typer.core import TyperGroup

from config import Settings, UnioncatError, load_settings
from config.errors import ConfigError, NoCatalogueError
from config.settings import DEFAULT_CONFIG_NAME, LIBRARY_ID_PATTERN
from store import CatalogStore, Record
from store.runlock import KILLED, with_killed_runs

log = logging.getLogger("unioncat")

EXIT_ERROR = 1
# Bad usage, as click reports an unknown option: also an argument naming no library or union record.
EXIT_USAGE = 2
EXIT_SOME_FAILED = 3
# A run stopped by a signal exits 128 + its number, as a shell reports it: 130 Ctrl+C, 143 SIGTERM.
EXIT_SIGNAL_BASE = 128

# click's UsageError (an unknown option, a missing argument, a bad value: exit 2). Typer ≥ 0.26 carries its own
# copy of click and exports only this subclass of it; before 0.26 it is click's own, as is the base.
_UsageError: type[Exception] = typer.BadParameter.__mro__[1]


def _usage_message(exc: Exception, group_ctx: typer.Context) -> str:
    """click's message with its close match asked, and where the right spelling is listed."""
    possibilities = getattr(exc, "possibilities", None)  # NoSuchOption: the options spelled closest
    if possibilities:
        message = f"{exc.message} (did you mean {' or '.join(possibilities)}?)."  # type: ignore[attr-defined]
    else:
        message = exc.format_message()  # type: ignore[attr-defined]
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        command_path = ctx.command_path
    else:  # the parser's own errors carry none (`update --full=3`: "does not take a value")
        command_path = " ".join(filter(None, [group_ctx.command_path, group_ctx.invoked_subcommand]))
    message += ("" if message.endswith((".", "?")) else ".") + f" See `{command_path} --help`."
    return message[:1].lower() + message[1:]


def _log_format_asked(args: list[str]) -> str:
    """The --log-format of a command line click could not parse, read as click would (the last one given)."""
    asked = "text"
    for position, arg in enumerate(args):
        if arg == "--":  # what follows is arguments, not options
            break
        if arg == "--log-format" and position + 1 < len(args):
            asked = args[position + 1]
        elif arg.startswith("--log-format="):
            asked = arg.partition("=")[2]
    return asked


@contextmanager
def _one_line_usage_errors(ctx: typer.Context) -> Iterator[None]:
    """A usage error as one line: JSON when the command line asks `--log-format json`, else plain.

    It is raised before the command runs `_check_log_format`, so the words typed are all there is to go by;
    a cron job feeding stderr to a log collector must get one JSON object per line even for a typo."""
    try:
        yield
    except _UsageError as exc:
        if _log_format_asked(ctx.meta.get(_ARGS_KEY, [])) == "json":
            _check_log_format("json")
        else:
            _invocation["log_format"] = "text"  # not an earlier invocation's (tests run many in one process)
        raise _fail(_usage_message(exc, ctx), EXIT_USAGE) from None


# The whole command line, kept by the group for a usage error raised while a command's options are parsed.
_ARGS_KEY = "unioncat.args"


class _UnioncatGroup(TyperGroup):
    """Usage errors ("No such option: --rebuld") as one line `unioncat: ...` and exit 2, as every other
    unioncat error, not typer's boxed panel. A command's options are parsed inside the group's invoke."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if not args:  # `unioncat` alone: typer prints the help (no_args_is_help)
            return super().parse_args(ctx, args)
        ctx.meta[_ARGS_KEY] = list(args)
        with _one_line_usage_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: typer.Context) -> object:
        with _one_line_usage_errors(ctx):
            return super().invoke(ctx)


app = typer.Typer(
    cls=_UnioncatGroup,
    help="unioncat: mục lục liên hợp (union catalog) of the libraries of Hau Giang province.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Configuration file (default ./unioncat.toml, else the bundled demo)."),
]
HostOption = Annotated[str | None, typer.Option("--host", help="Address to bind (default: api.host).")]
PortOption = Annotated[int | None, typer.Option("--port", help="Port to bind (default: api.port).")]
LogFormatOption = Annotated[str, typer.Option(
    "--log-format", help="text, or json: one JSON object per event on stderr (for cron and log shippers).")]


# This invocation's --log-format (reset for every command: tests run many in one process).
_invocation = {"log_format": "text"}


@app.callback()
def _each_command() -> None:
    _invocation["log_format"] = "text"


def _check_log_format(log_format: str) -> None:
    from harvester.reporting import LOG_FORMATS, configure_logging

    if log_format not in LOG_FORMATS:
        raise _fail(f"--log-format must be text or json, not {log_format!r}", EXIT_USAGE)
    configure_logging(log_format)
    _invocation["log_format"] = log_format


def _check_port(port: int | None) -> None:
    """--port as [api] port allows it (uvicorn's OverflowError on 70000 escaped as tracebacks)."""
    if port is not None and not 0 <= port <= 65535:
        raise _fail(f"--port must be from 0 to 65535 (0: any free port), not {port}", EXIT_USAGE)


# File mode's `-`: standard input or output, as Unix tools read it.  The options are text, not
# Path: Path("./-") is Path("-"), and `./-` must stay the way to name a file called "-".
STDIO = "-"


def _shown(path: str, stdio_name: str) -> str:
    return stdio_name if path == STDIO else path


@contextmanager
def _input_bytes(path: str) -> Iterator[BinaryIO]:
    """--input, or with `-` standard input; opened before --output is created, so an input that is
    missing or a directory fails with no empty output file left behind."""
    if path == STDIO:
        yield sys.stdin.buffer
        return
    try:
        stream = Path(path).open("rb")
    except OSError as exc:
        raise _fail(f"{Path(path)}: cannot read: {exc.strerror or exc}") from exc
    with stream:
        yield stream


@contextmanager
def _output_lines(path: str, input_path: str) -> Iterator[TextIO]:
    """--output as a text file, or with `-` standard output, in UTF-8 whatever the locale says.

    Every message of file mode goes to stderr, so stdout holds nothing but the JSON lines.
    An --output that is the --input file is refused: opening it to write empties it first.
    """
    if path != STDIO and input_path != STDIO and Path(path).exists() and Path(path).samefile(input_path):
        raise _fail(f"--output {path} is the --input file: writing it would empty it before it is read; "
                    "give another output file", EXIT_USAGE)
    if path != STDIO:
        with Path(path).open("w", encoding="utf-8") as out:
            yield out
        return
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        yield out
    finally:
        out.detach()  # flushes; stdout itself stays open for what follows


def _fail(message: str, code: int = EXIT_ERROR) -> typer.Exit:
    from harvester.reporting import emit

    if _invocation["log_format"] == "json":
        # `--log-format json` promises one JSON object per line on stderr: the line saying why
        # the run ended is the one a log shipper must not drop.
        emit("unioncat_failed", logging.ERROR, error=message, exit_code=code)
    else:
        typer.secho(f"unioncat: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _some_failed(runs) -> typer.Exit:
    """Exit code 3, with a last line naming the libraries that failed and what to do."""
    failed = [run.library for run in runs if run.status != "ok"]
    others = "; the others were updated" if len(failed) < len(runs) else ""
    return _fail(f"{len(failed)} of {len(runs)} libraries failed ({', '.join(failed)}){others}. "
                 "`unioncat status` shows why; the next run tries them again", EXIT_SOME_FAILED)


# What a run stopped by a signal leaves: the store's stages save as they go.
_STORE_KEEPS = "what was finished is saved, and the next run continues from there (`unioncat status` shows each library)"


def _file_left_incomplete(output: str) -> str:
    """What a file-mode run stopped by a signal leaves (`_reported_errors`)."""
    return f"{_shown(output, 'standard output')} is incomplete: run the command again"


@contextmanager
def _reported_errors(stopped: str = _STORE_KEEPS):
    """Turn any UnioncatError, or a file that cannot be opened, into a one-line message and exit code 1;
    a stop by a signal into one that says what is left (`stopped`) and exit code 128 + its number."""
    try:
        yield
    except UnioncatError as exc:
        raise _fail(str(exc)) from exc
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        raise _fail(f"stopped by {signal.Signals(signum).name}; {stopped}", EXIT_SIGNAL_BASE + signum) from None
    except BrokenPipeError:
        # `--output - | head`: the reader went away.  Stop quietly, as `cat` does, with the exit
        # status a shell gives a process SIGPIPE ends; stdout goes to /dev/null so that Python's own
        # flush at exit does not print a second error.
        with suppress(OSError, ValueError):  # no real stdout (a test runner's)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_SIGNAL_BASE + signal.SIGPIPE) from None
    except OSError as exc:  # file mode's --input or --output: missing, a directory, not writable
        where = f"{exc.filename}: " if exc.filename else ""
        raise _fail(f"{where}{exc.strerror or exc}") from exc


def _settings(config: Path | None) -> Settings:
    """The settings of --config, else ./unioncat.toml, else the bundled demo, said on stderr: cron
    started in another directory, or without --config, otherwise ran the demo's registry unnoticed
    (its OAI-PMH libraries point at the demo's provider, which `demo`, `update` and `harvest` start)."""
    from config.settings import DEMO_CONFIG_PATH, default_config_path

    if config is None and default_config_path() == DEMO_CONFIG_PATH:
        notice = (f"no --config, and no {DEFAULT_CONFIG_NAME} in {Path.cwd()}: using the bundled demo "
                  f"configuration {DEMO_CONFIG_PATH}")
        if _invocation["log_format"] == "json":  # stderr: one JSON object per line
            from harvester.reporting import emit

            emit("demo_configuration_used", logging.WARNING, notice=notice)
        else:
            typer.echo(f"unioncat: {notice}", err=True)
    return load_settings(config)


def _catalogue_to_read(settings: Settings, so: str) -> CatalogStore:
    """The catalogue as it is, for a command that only reads: never created, never upgraded (a
    mistyped --config left an empty catalogue behind; a look upgraded one nobody had backed up).
    `so` says what its absence means for this command."""
    try:
        return CatalogStore(settings.db_path, read_only=True)
    except NoCatalogueError as exc:
        raise UnioncatError(f"{exc}, so {so}; the first `unioncat update` creates it (or is --config, or its "
                            "data_dir, mistyped?)") from None


@contextmanager
def _locked_store(config: Path | None) -> Iterator[tuple[Settings, CatalogStore]]:
    """Settings and the store, under the run lock `update` and `purge` take: a stage run by hand
    never works beside cron's `update` on the same state.  `status` and `serve` only read."""
    settings = _settings(config)
    with _store_under_lock(settings) as store:
        yield settings, store


@contextmanager
def _store_under_lock(settings: Settings) -> Iterator[CatalogStore]:
    """The store, opened once this process holds the run lock of `settings.data_dir`."""
    from harvester.lock import run_lock

    with run_lock(settings.data_dir), _stop_on_signals(), CatalogStore(settings.db_path) as store:
        # Holding the lock, no other run is alive: a library still marked running was killed.
        store.close_killed_runs()
        yield store


@contextmanager
def _stage(store: CatalogStore, name: str) -> Iterator[dict]:
    """One run of a stage after the harvest: its JSON event, and its outcome kept for `unioncat status`
    (an index that failed for a week is otherwise seen nowhere but in cron's mail), with the event's
    `warnings` (a run that succeeded but needs a person: a mistyped override)."""
    from harvester.reporting import stage_event

    store.stage_started(name)
    started = time.monotonic()
    try:
        with stage_event(name) as event:
            yield event
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            reason = f"stopped by {exc or 'Ctrl+C'}"
        else:
            reason = str(exc) or type(exc).__name__
        try:
            store.stage_finished(name, reason, round(time.monotonic() - started, 3))
        except (UnioncatError, sqlite3.Error):
            pass  # the database itself is what failed: the error above says so
        raise
    store.stage_finished(name, None, round(time.monotonic() - started, 3), event.get("warnings", ()))


class _Interrupted(KeyboardInterrupt):
    """Ctrl+C or SIGTERM while a run holds the lock; `signum` says which."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM (`kill`, systemd stopping the unit, a shutdown) handled as Ctrl+C: the run stops
    soon and says so, instead of dying at once with its libraries still marked running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from harvester import stopping

    def stop(signum: int, frame: object) -> None:
        stopping.request_stop(f"stopped by {signal.Signals(signum).name}")
        raise _Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def _demo_provider(settings: Settings) -> Iterator[Settings]:
    """`settings` pointed at the demo's OAI-PMH provider, started for this command when its
    libraries name the placeholder address (the bundled demo, every command's default)."""
    from harvester.demo import demo_provider_for
    from harvester.reporting import emit

    with demo_provider_for(settings) as (settings, provider_url):
        if provider_url is not None and _invocation["log_format"] == "json":  # stderr: one JSON object per line
            emit("demo_provider_started", url=provider_url, data_dir=str(settings.data_dir))
        elif provider_url is not None:
            typer.echo(f"demo: OAI-PMH provider at {provider_url}; data in {settings.data_dir}", err=True)
        yield settings


# ---- pipeline stages ---------------------------------------------------------------


@app.command()
def harvest(
    libraries: Annotated[list[str] | None, typer.Argument(help="Library ids (default: all).")] = None,
    config: ConfigOption = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore incremental state; harvest everything.")] = False,
    log_format: LogFormatOption = "text",
) -> None:
    """Collect records from the libraries' OAI-PMH servers and MARC files."""
    from harvester.reporting import HarvestReporter
    from harvester.run import harvest_libraries

    _check_log_format(log_format)
    libraries = list(dict.fromkeys(libraries or []))  # `harvest tv-y tv-y`: one run of tv-y, not two at once
    with _reported_errors():
        settings = _settings(config)
        try:
            for library_id in libraries:
                settings.library(library_id)
        except ConfigError as exc:
            # Bad usage, as `purge` of an unknown library is; said before the lock or the catalogue is touched.
            raise _fail(str(exc), EXIT_USAGE) from None
        ids = libraries or [library.id for library in settings.libraries]
        with (_store_under_lock(settings) as store, _demo_provider(settings) as settings,
              HarvestReporter(ids, log_format) as reporter):
            runs = harvest_libraries(settings, store, libraries or None, full=full, progress=reporter)
    _print_runs(runs)
    if any(run.status != "ok" for run in runs):
        raise _some_failed(runs)


def _print_runs(runs) -> None:
    for run in runs:
        mark = "ok  " if run.status == "ok" else "FAIL"
        typer.echo(
            f"{mark} {run.library:<24} +{run.added} ~{run.changed} -{run.deleted} ={run.unchanged}"
            f" rejected {run.rejected}"
        )
        for error in run.errors:
            typer.echo(f"       {error}")


@app.command()
def normalize(
    config: ConfigOption = None,
    input: Annotated[str | None, typer.Option(
        "--input", metavar="FILE",
        help="File mode: ISO 2709, MARCXML, an oai_dc collection or an OAI-PMH response (- is stdin).")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", metavar="FILE",
        help="File mode: write Records as JSON lines here (- writes standard output).")] = None,
    library: Annotated[str | None, typer.Option(
        "--library", metavar="ID",
        help="File mode: the library the file is from; record ids become ID:<001> (default: file). "
             "Give each library's file its own, so files numbered alike can be deduplicated together.")] = None,
    all_records: Annotated[bool, typer.Option("--all", help="Re-normalize every stored raw record.")] = False,
) -> None:
    """Turn raw records into typed Records (or convert a file with --input/--output)."""
    if input is not None or output is not None or library is not None:
        if input is None or output is None:
            raise _fail("file mode needs both --input and --output", EXIT_USAGE)
        if library is not None and not re.fullmatch(LIBRARY_ID_PATTERN, library):
            raise _fail(f"--library {library!r}: a library id is lowercase letters, digits and hyphens, "
                        "starting with a letter or digit, as in the registry (e.g. thpt-long-my)", EXIT_USAGE)
        with _reported_errors(_file_left_incomplete(output)), _stop_on_signals():
            _normalize_file(input, output, library or "file")
        return
    from normalize import run_normalize

    with _reported_errors(), _locked_store(config) as (settings, store), _stage(store, "normalize") as event:
        summary = run_normalize(store, settings.library_map(), rebuild=all_records)
        event["warnings"] = list(summary.problems)
    for problem in summary.problems:
        typer.echo(f"warning: {problem}", err=True)
    typer.echo(
        f"normalized {summary.normalized}, deleted {summary.deleted}, rejected {summary.rejected},"
        f" legacy text converted {summary.converted_legacy}"
    )


def _normalize_file(input_path: str, output_path: str, library: str) -> None:
    """File mode: the same reader and normalizer as the pipeline, without a store; records are `library`'s."""
    from harvester.files import read_records_stream
    from harvester.iso2709file import HASHED_ID_PREFIX
    from harvester.marcids import hashed_ids_report, is_repeated_id
    from normalize import normalize_raw
    from normalize.limits import SHORTEN, cut_notes
    from store import Rejected

    source = _shown(input_path, "<stdin>")
    failed = 0
    repeated = 0
    written = 0
    deletions = 0
    hashed_ids: dict[str, str] = {}
    with _input_bytes(input_path) as stream, _output_lines(output_path, input_path) as out:
        for position, item in enumerate(read_records_stream(stream, source, library), start=1):
            if not isinstance(item, Rejected) and item.deleted:
                # <header status="deleted"> or Leader/05 "d": nothing to write, and nothing went wrong.
                deletions += 1
                continue
            result = item if isinstance(item, Rejected) else normalize_raw(item)
            if isinstance(result, Rejected):
                failed += 1
                repeated += is_repeated_id(result)
                typer.echo(f"{source}: record {position} ({result.local_id}): {result.reason}", err=True)
                continue
            out.write(result.to_json_line() + "\n")
            written += 1
            for note in cut_notes(result):
                typer.echo(f"{source}: warning: record {position} ({result.local_id}): {note}; {SHORTEN}", err=True)
            if item.local_id.startswith(HASHED_ID_PREFIX):
                hashed_ids.setdefault(item.local_id, f"record {position}")
    if not (written or failed or deletions):
        # An empty export, or XML with no MARC <record> in it: not a success with nothing to say.
        typer.echo(f"{source}: no records found; give an ISO 2709 (.mrc) file, a MARCXML "
                   "collection, a <collection> of <record id> elements each holding an <oai_dc:dc>, "
                   "or a saved OAI-PMH response", err=True)
        raise typer.Exit(EXIT_ERROR)
    if hashed_ids:
        typer.echo(f"{source}: warning: {hashed_ids_report(hashed_ids)}", err=True)
    skipped = f"; {deletions} deletions skipped" if deletions else ""
    advice = "; fix them at the source (each is named above with its reason) and convert again" \
        if failed > repeated else ""
    if repeated:
        # Two libraries' exports joined into one input, each numbered from 1: not a fault at either source.
        advice += (f"; {repeated} have an id that came earlier: if the input joins several libraries' exports, "
                   "convert each library's file on its own with --library ID; else give each record its own 001 "
                   "at the source")
    typer.echo(f"wrote {written} records to {_shown(output_path, '<stdout>')}{skipped}; "
               f"{failed} could not be normalized{advice}", err=True)
    if failed and not written:
        raise typer.Exit(EXIT_ERROR)


@app.command()
def dedupe(
    config: ConfigOption = None,
    input: Annotated[str | None, typer.Option(
        "--input", metavar="FILE", help="File mode: Records as JSON lines (- reads standard input).")] = None,
    output: Annotated[str | None, typer.Option(
        "--output", metavar="FILE", help="File mode: clusters as JSON lines (- writes standard output).")] = None,
    action: Annotated[list[str] | None, typer.Argument(
        help="`explain ID`: show why a union record's members match (ID: a union record's, or a member's).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-cluster every record, not only what changed.")] = False,
) -> None:
    """Group records of the same edition into union records with stable ids."""
    explain = None
    if action:
        if len(action) != 2 or action[0] != "explain":
            raise _fail("usage: unioncat dedupe [explain UNION_ID|RECORD_ID]", EXIT_USAGE)
        explain = action[1]
    if input is not None or output is not None:
        if input is None or output is None:
            raise _fail("file mode needs both --input and --output", EXIT_USAGE)
        from dedupe import dedupe_file

        from dedupe.overrides import load_overrides

        bad_lines: list[str] = []

        def skip(bad: Exception) -> None:
            bad_lines.append(str(bad))
            typer.echo(f"{bad}; line skipped", err=True)

        with _reported_errors(_file_left_incomplete(output)), _stop_on_signals():
            settings = load_settings(config)  # file mode: only [dedupe] matters
            with _input_bytes(input) as source, _output_lines(output, input) as out:
                count = dedupe_file(source, out, settings.dedupe, on_bad_line=skip)
            contradictions = load_overrides(settings.dedupe.overrides_path).contradictions
        for problem in _dedupe_problems(settings, contradictions):
            typer.echo(f"warning: {problem}", err=True)
        skipped = (f"; {len(bad_lines)} lines could not be read (above): each line must be one JSON Record with "
                   "string \"id\" and \"title\", as `unioncat normalize --output` writes them; fix those lines "
                   "and run again, or leave them out" if bad_lines else "")
        typer.echo(f"wrote {count} clusters to {_shown(output, '<stdout>')}{skipped}", err=True)
        if bad_lines and not count:
            raise typer.Exit(EXIT_ERROR)
        return
    if explain is not None:  # reads only: no need to wait for a run
        with _reported_errors():
            settings = _settings(config)
            with _catalogue_to_read(settings, f"no union record {explain!r}") as store:
                _explain(store, explain, settings)
        return
    from dedupe import run_dedupe

    with _reported_errors(), _locked_store(config) as (settings, store), _stage(store, "dedupe") as event:
        summary = run_dedupe(store, settings, rebuild=rebuild)
        event["warnings"] = list(summary.problems)
    for problem in event["warnings"]:
        typer.echo(f"warning: {problem}", err=True)
    scope = f"re-examined {summary.examined}" if summary.incremental else f"full run: {summary.full_because}"
    typer.echo(
        f"{summary.records} records in {summary.clusters} union records"
        f" ({summary.multi_library} held by several libraries); {summary.changed} changed ({scope})"
        + _carried_over(summary.carried_over)
    )


def _carried_over(count: int) -> str:
    return f"; {count} kept their ids (or lead to their books) through a library's re-export under new ids" if count else ""


def _dedupe_problems(settings: Settings, reported: tuple[str, ...]) -> list[str]:
    """What file mode warns about: contradicting override entries, and an overrides file that is not there
    (read as "no overrides", so a mistyped path drops them all; a store run keeps the last applied and
    says so in its own problems, dedupe/kept_overrides.py)."""
    problems = list(reported)
    path = settings.dedupe.overrides_path
    if path is not None and not path.exists():
        problems.insert(0, f"{path}: overrides file not found, so no librarians' overrides were applied; "
                           "check [dedupe] overrides_path (relative to the config file)")
    return problems


def _full_title(record: Record) -> str:
    """Title, subtitle and part as a librarian reads them: what tells two members apart is often there."""
    return "".join((record.title, f" : {record.subtitle}" if record.subtitle else "",
                    f". {record.part}" if record.part else "", f" ({record.year})" if record.year else ""))


def _explain(store: CatalogStore, union_id: str, settings: Settings) -> None:
    record, redirect = store.get_union_record(union_id)
    if record is None and redirect:
        typer.echo(f"{union_id} was merged into {redirect}")
        union_id = redirect
    members = store.cluster_members(union_id)
    if not members and (holder := store.union_id_of(union_id)) is not None:
        typer.echo(f"{union_id} is a source record; it is in union record {holder}:")
        union_id, members = holder, store.cluster_members(holder)
    if not members:
        raise _fail(f"no union record or source record {union_id!r}; give a union record's id, as GET /api/search "
                    "shows it for each hit, or a source record's id (library:local id), as explain prints it",
                    EXIT_USAGE)
    from dedupe.explain import members_guards, readable_decisions
    from dedupe.keys import key_text
    from dedupe.match import MATCH_SCORE_MEANING
    from index.labels import facet_label

    records = {record.id: record for record in store.get_records(row[0] for row in members)}
    decisions = {row[0]: row[3] for row in members}
    label = partial(facet_label, settings)  # the page's words for a language and a material type
    guards = members_guards(decisions, records, settings.dedupe, label)
    readable = readable_decisions(decisions, store.get_records, settings.dedupe, label)
    for record_id, found_by, score, _ in members:
        score_text = "" if score is None else f", match score {score:.1f}/100"
        found = f"found by {key_text(found_by, records.get(record_id))}{score_text}; " if found_by else ""
        typer.echo(f"{record_id}: {found}{readable[record_id]}")
        if record_id in records:
            typer.echo(f"    title: {_full_title(records[record_id])}")
        if record_id in guards:
            typer.echo(f"    {guards[record_id]}")
    if any(score is not None for _, _, score, _ in members):
        typer.echo(MATCH_SCORE_MEANING)


@app.command()
def index(
    config: ConfigOption = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Build a fresh index and swap it in.")] = False,
) -> None:
    """Write changed union records into the Tantivy search index."""
    from index import build_index

    with _reported_errors(), _locked_store(config) as (settings, store), _stage(store, "index"):
        summary = build_index(store, settings, rebuild=rebuild)
    typer.echo(f"indexed {summary.indexed} union records, removed {summary.deleted}; {summary.documents} in the index")


@app.command()
def serve(config: ConfigOption = None, host: HostOption = None, port: PortOption = None) -> None:
    """Serve the search API and the librarians' page."""
    _check_port(port)
    with _reported_errors():
        settings = _settings(config)
        _serve(settings, _catalogue_to_read(settings, "nothing to serve"), host, port)


def _serve(settings: Settings, store: CatalogStore, host: str | None, port: int | None, sock=None) -> None:
    from harvester.reporting import configure_logging
    from index import SearchIndex
    from search_api.server import bind, url_of
    from search_api.server import serve as serve_http

    configure_logging("text")  # the server's own warnings and errors (a configuration not reloaded) as ours
    search_index = SearchIndex(settings)
    sock = sock or bind(settings, host, port)
    # Once bound: the address that answers (--port 0's real port), not one that may yet fail.
    typer.echo(f"unioncat: serving {url_of(sock)} (Ctrl+C to stop)", err=True)
    if not settings.api.admin_emails:
        typer.echo("unioncat: warning: [api] admin_emails is not set: the OAI-PMH feed (/oai) gives harvesters "
                   "admin@localhost as its contact; set the catalogue operator's address", err=True)
    if not settings.api.public_url:
        typer.echo(f"unioncat: warning: [api] public_url is not set: the links of /opensearch.xml, /oai and the Atom "
                   f"feed name {url_of(sock)}; behind a proxy, set the address readers use", err=True)
    serve_http(settings, store, search_index, sock=sock)


# ---- whole pipeline ----------------------------------------------------------------


@app.command()
def update(
    config: ConfigOption = None,
    full: Annotated[bool, typer.Option("--full", help="Harvest everything, not only changes.")] = False,
    log_format: LogFormatOption = "text",
) -> None:
    """The nightly job: harvest, normalize, dedupe, index (one run at a time)."""
    _check_log_format(log_format)
    with _reported_errors(), _demo_provider(_settings(config)) as settings:
        runs = _update(settings, full=full, log_format=log_format)
    if any(run.status != "ok" for run in runs):
        raise _some_failed(runs)


def _update(settings: Settings, full: bool = False, log_format: str = "text") -> list:
    """Every stage in turn under the run lock; returns the harvest's runs, one per library."""
    from dedupe import run_dedupe
    from harvester.reporting import HarvestReporter
    from harvester.run import harvest_libraries
    from index import build_index
    from normalize import run_normalize

    with _store_under_lock(settings) as store:
        with HarvestReporter([library.id for library in settings.libraries], log_format) as reporter:
            runs = harvest_libraries(settings, store, None, full=full, progress=reporter)
        _print_runs(runs)
        with _stage(store, "normalize") as event:
            normalized = run_normalize(store, settings.library_map())
            event.update(records=normalized.normalized, rejected=normalized.rejected, deleted=normalized.deleted,
                         warnings=list(normalized.problems))
        for problem in normalized.problems:
            log.warning("normalize: %s", problem)  # a field cut for its size: the library should fix the record
        typer.echo(f"normalize: {normalized.normalized} records, {normalized.rejected} rejected")
        with _stage(store, "dedupe") as event:
            deduped = run_dedupe(store, settings)
            event.update(union_records=deduped.clusters, changed=deduped.changed, incremental=deduped.incremental,
                         full_because=deduped.full_because or None, carried_over=deduped.carried_over,
                         warnings=list(deduped.problems))
        for problem in event["warnings"]:
            # The nightly log is where a librarian's mistyped override must show (`dedupe` said it; this did not).
            log.warning("dedupe: %s", problem)
        typer.echo(f"dedupe: {deduped.clusters} union records, {deduped.changed} changed"
                   + _carried_over(deduped.carried_over))
        with _stage(store, "index") as event:
            indexed = build_index(store, settings)
            event.update(union_records=indexed.documents, added=indexed.indexed, deleted=indexed.deleted)
        typer.echo(f"index: {indexed.documents} union records searchable")
    return runs


@app.command()
def purge(
    library: Annotated[str, typer.Argument(help="Id of a library no longer in the registry.")],
    config: ConfigOption = None,
) -> None:
    """Withdraw a library that left the union catalogue: its records leave union records and the index.

    Removing a library from the registry alone withdraws nothing, so that a mistyped
    registry never empties the catalogue; this is the explicit step.  Its harvest state
    goes too: registered again, the library is harvested in full.
    """
    from dedupe import run_dedupe
    from index import build_index
    from normalize import run_normalize

    with _reported_errors():
        settings = _settings(config)
        if library in {known.id for known in settings.libraries}:
            raise _fail(f"library {library!r} is still in the registry; remove it there first", EXIT_USAGE)
        if not settings.db_path.exists():  # a mistyped --config must not leave an empty catalogue behind
            raise UnioncatError(f"no catalogue at {settings.db_path}, so nothing of library {library!r} to purge; "
                                "check --config and its data_dir")
        with _store_under_lock(settings) as store:
            known = store.library_status(library)
            if not known.records and not known.deleted:
                # A typo (`purge tv-gnoe`) reported "0 records withdrawn" and exit code 0.  A library
                # already withdrawn may be purged again (to finish a purge that was interrupted).
                registered = {lib.id for lib in settings.libraries}
                others = ", ".join(sorted(lib for lib in store.libraries_held() if lib not in registered))
                raise _fail(f"the catalogue has no records of library {library!r}; libraries held but not in "
                            f"the registry: {others or 'none'}", EXIT_USAGE)
            withdrawn = store.withdraw_library(library)
            with _stage(store, "normalize") as event:
                event["warnings"] = list(run_normalize(store, settings.library_map()).problems)
            with _stage(store, "dedupe") as event:
                deduped = run_dedupe(store, settings)
                event["warnings"] = list(deduped.problems)
            with _stage(store, "index"):
                build_index(store, settings)
    # Run again (an interrupted purge finished), it withdraws nothing new and says so: exit 0, as for `rm -f`.
    done = f"{withdrawn} records of {library} withdrawn" if withdrawn else f"{library} was already withdrawn, nothing left"
    typer.echo(f"purge: {done}; {deduped.clusters} union records remain")


@app.command()
def demo(
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo catalog and exit.")] = False,
    host: HostOption = None,
    port: PortOption = None,
    config: ConfigOption = None,
) -> None:
    """Build a catalog of six libraries from fixtures/ (three over real OAI-PMH) and serve it."""
    from harvester.demo import demo_provider_for
    from search_api.server import bind

    _check_port(port)
    with _reported_errors():
        base = load_settings(config)  # ./unioncat.toml when there is one, else the bundled demo
        # The address first: a taken port is said in a second, not after the whole build.
        sock = None if no_serve else bind(base, host, port)
        with demo_provider_for(base) as (settings, provider_url):
            typer.echo(f"demo: OAI-PMH provider at {provider_url or 'none (no library here uses it)'}; "
                       f"data in {settings.data_dir}", err=True)
            runs = _update(settings)
        if any(run.status != "ok" for run in runs):
            if sock is not None:
                sock.close()
            raise _some_failed(runs)
        if no_serve:
            return
        with CatalogStore(settings.db_path) as store:
            _serve(settings, store, host, port, sock)


# ---- reporting ---------------------------------------------------------------------

MAX_STATUS_REJECTS = 3  # reject reasons printed per library by `unioncat status`


@app.command()
def status(
    config: ConfigOption = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Show each library's state: records held, last success, errors."""
    if format not in ("text", "json"):
        raise _fail(f"--format must be text or json, not {format!r}", EXIT_USAGE)
    with _reported_errors():
        settings = _settings(config)
        try:
            store = CatalogStore(settings.db_path, read_only=True)  # a look upgrades nothing
        except NoCatalogueError as exc:
            # Reading must not create the catalogue: run as root before the first nightly run, or
            # with a mistyped data_dir, it left a root-owned database the cron user cannot write.
            typer.echo(f"unioncat: {exc}; the first `unioncat update` creates it", err=True)
            store = CatalogStore(Path(":memory:"))
        with store:
            hours = settings.harvest.expected_interval_hours
            statuses = [store.library_status(library.id, hours) for library in settings.libraries]
            counts = store.counts()
            registered = {library.id for library in settings.libraries}
            # Libraries that left the registry but whose records are still in the catalogue.
            unregistered = {lib: n for lib, n in store.libraries_held().items() if lib not in registered}
            # The first reasons, so a librarian sees what to fix without opening the database.
            first_rejects = {s.id: store.rejects(s.id, limit=MAX_STATUS_REJECTS) for s in statuses if s.rejected}
            stages = store.stage_statuses()
        # After the read: a run marked running whose process is gone was killed (see store.runlock).
        statuses, stages = with_killed_runs(settings.data_dir, statuses, stages)
    if format == "json":
        names = {library.id: library.name for library in settings.libraries}
        payload = {"libraries": [{**s.model_dump(), "name": names[s.id]} for s in statuses],  # as GET /api/status
                   "stages": [s.model_dump() for s in stages],
                   "totals": counts,
                   "unregistered": [{"id": lib, "records": n} for lib, n in sorted(unregistered.items())]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for library_id, held in sorted(unregistered.items()):
        typer.echo(f"{library_id:<24} not in the registry: {held} records still in the catalogue; "
                   f"`unioncat purge {library_id}` withdraws them")
    for s in statuses:
        state = s.last_status or "never harvested"
        typer.echo(f"{s.id:<24} {state:<8} records {s.records:>7} deleted {s.deleted:>5} "
                   f"rejected {s.rejected:>4} last success {s.last_success or '-'}"
                   + ("  OVERDUE" if s.overdue else ""))
        if s.last_attempt and s.duration_s is None:  # running, or killed: its counts are written when it ends
            typer.echo(f"    last attempt {s.last_attempt}: not ended, so not counted; `records` holds what it saved")
        elif s.last_attempt:
            typer.echo(f"    last attempt {s.last_attempt} ({s.duration_s:.1f}s): +{s.added} ~{s.changed} -{s.removed}")
        if s.nothing_usable:
            typer.echo(f"    none of its {s.records} records could be used (each rejected, or not normalized yet): "
                       "none can be found in the catalogue")
        for error in s.errors:
            typer.echo(f"    {error}")
        shown = first_rejects.get(s.id, [])
        for reject in shown:
            typer.echo(f"    rejected {reject.local_id} ({reject.stage}): {reject.reason}")
        if s.rejected > len(shown):
            typer.echo(f"    ... and {s.rejected - len(shown)} more rejected records")
    for stage in stages:
        if stage.last_status is None:
            continue  # never run (a catalogue only harvested so far)
        state = stage.last_status.upper() if stage.last_status in ("failed", KILLED) else stage.last_status
        typer.echo(f"{'stage ' + stage.stage:<24} {state:<8} last attempt {stage.last_attempt or '-'} "
                   f"last success {stage.last_success or '-'}")
        if stage.error:
            typer.echo(f"    {stage.error}")
        for warning in stage.warnings:
            typer.echo(f"    warning: {warning}")
    typer.echo(f"total: {counts['records']} records, {counts['union_records']} union records")


if __name__ == "__main__":  # pragma: no cover
    app()
