"""Batches of records through worker processes, results back in order.

Normalize and dedupe both spend most of a large run on work that depends on one
record alone (parsing, mapping, match features).  `map_in_workers` spreads such
batches over one process per core while the caller goes on with what it does in
order (storing, sorting).  Small runs never start a process.  It lives in `store`
because stages may share only `store` and `config` (tests/test_architecture.py).

Workers start from a forkserver, so a script that calls a stage must guard its
main module (`if __name__ == "__main__":`), as for any multiprocessing program;
the `unioncat` command and the benchmarks do.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from config.errors import UnioncatError

MAX_WORKERS = 2  # the province's server has two cores; more workers only contend

Job = TypeVar("Job")
Result = TypeVar("Result")
Context = TypeVar("Context")

_context: Any = None  # a worker's: what `map_in_workers` was given, set once as the worker starts


class WorkerDiedError(UnioncatError):
    """Raised when a worker process ends without its result (killed, or out of memory)."""


def batches(items: Iterable[Job], size: int) -> Iterator[list[Job]]:
    """`items` in lists of `size` (the last may be shorter): the jobs of `map_in_workers`."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def default_workers() -> int:
    """One worker per core this process may use, up to MAX_WORKERS."""
    return max(1, min(MAX_WORKERS, usable_cores()))


def usable_cores() -> int:
    """Cores this process may run on: the machine's, fewer under a CPU affinity (`taskset -c 0
    unioncat update`, a container's cpuset) or a cgroup CPU quota (`docker run --cpus 1`).

    `os.cpu_count()` counts the machine's cores: on a server whose other work is kept to one
    core, two workers and their parent contended for it, and a rebuild lost a sixth of its time
    (index/prepare.py).  Confining the command is how an operator gives it fewer cores.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    quota = cgroup_quota_cores()
    return max(1, min(cores, quota) if quota else cores)


def cgroup_quota_cores(cgroup_root: Path = Path("/sys/fs/cgroup"),
                       membership: Path = Path("/proc/self/cgroup")) -> int | None:
    """Whole cores the CPU quota of this process's cgroup or an ancestor's allows (the
    smallest, rounded up), or None without a quota (or off Linux).

    cgroup v2 writes the quota as "max 100000" (none) or "150000 100000" in `cpu.max`;
    cgroup v1 in the `cpu` hierarchy's `cpu.cfs_quota_us` (-1: none) and `cpu.cfs_period_us`.
    """
    try:
        lines = membership.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    limits: list[int] = []
    for line in lines:
        _, controllers, path = line.split(":", 2) if line.count(":") >= 2 else ("", "", "")
        if controllers == "":  # v2: one unified hierarchy
            limits += _quota_limits(cgroup_root, path, _read_v2_quota)
        elif "cpu" in controllers.split(","):
            limits += _quota_limits(cgroup_root / controllers, path, _read_v1_quota)
    return min(limits) if limits else None


def _quota_limits(root: Path, path: str, read: Callable[[Path], int | None]) -> list[int]:
    """The quota (in whole cores) of cgroup `path` under `root` and of each of its ancestors that has one."""
    directory = root / path.strip("/")
    found = []
    while True:
        cores = read(directory)
        if cores:
            found.append(cores)
        if directory == root or root not in directory.parents:
            return found
        directory = directory.parent


def _read_v2_quota(directory: Path) -> int | None:
    try:
        quota, period = (directory / "cpu.max").read_text(encoding="ascii").split()
        return None if quota == "max" else -(-int(quota) // int(period))
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _read_v1_quota(directory: Path) -> int | None:
    try:
        quota = int((directory / "cpu.cfs_quota_us").read_text(encoding="ascii"))
        period = int((directory / "cpu.cfs_period_us").read_text(encoding="ascii"))
        return None if quota <= 0 else -(-quota // period)
    except (OSError, ValueError, ZeroDivisionError):
        return None


def _ignore_interrupt() -> None:
    """Part of each worker's start (`_start_worker`).

    Ctrl+C on a terminal reaches the whole process group; the parent stops the run and
    shuts the pool down, and a worker that took it too only printed a traceback.  A parent
    that dies without shutting the pool down (SIGKILL, the out-of-memory killer) would
    leave its workers, and the forkserver behind them, running for good, holding the
    terminal's or a pipe's end open: each worker ends itself when its parent is gone.
    Workers build no reference cycles, so the cyclic collector only costs them time.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(parent_sentinel: int) -> None:
    multiprocessing.connection.wait([parent_sentinel])
    os._exit(1)


def process_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """forkserver where it exists: workers start from a clean process, not a fork of a
    parent that may run threads (the API server, harvest threads), and start fast.

    The server is started here, so its imports (`preload`, modules the workers need;
    only the first caller's count, as the server lives as long as this process) run
    while the caller works on.
    """
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        multiprocessing.forkserver.ensure_running()
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(context: Any) -> None:
    global _context
    _context = context
    _ignore_interrupt()


def _in_worker(work: Callable[[Job, Any], Result], job: Job) -> Result:
    return work(job, _context)


def map_in_workers(work: Callable[[Job, Context], Result], jobs: Iterable[Job], workers: int,
                   context: Context, preload: Sequence[str] = ()) -> Iterator[tuple[Job, Result]]:
    """(job, `work(job, context)`) for each job, in the order of `jobs`.

    `work` is a module-level function (processes find it by name); `context` (settings,
    the registry…) goes to each worker once, as it starts, not with every job.  With one
    job, or `workers` = 1, every job is done here and no process starts (the nightly
    increment of a quiet day).  Otherwise this process does the first job itself while
    the workers start, two jobs per worker in flight: the workers never wait for the
    caller, and memory stays bounded whatever the number of jobs.  A worker that dies is
    a `WorkerDiedError`.
    """
    jobs = iter(jobs)
    first = next(jobs, None)
    if first is None:
        return
    second = next(jobs, None)
    if second is None or workers <= 1:
        for job in chain((first,), () if second is None else (second,), jobs):
            yield job, work(job, context)
        return
    in_flight: deque[tuple[Job, Future[Result]]] = deque()
    processes = process_context(preload)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=processes, initializer=_start_worker,
                                 initargs=(context,)) as pool:
            in_flight.append((second, pool.submit(_in_worker, work, second)))
            yield first, work(first, context)
            for job in jobs:
                while len(in_flight) >= 2 * workers:
                    done, future = in_flight.popleft()
                    yield done, future.result()
                in_flight.append((job, pool.submit(_in_worker, work, job)))
            while in_flight:
                done, future = in_flight.popleft()
                yield done, future.result()
    except BrokenProcessPool as exc:
        raise WorkerDiedError("a worker process ended without its result (killed, or out of memory: see the "
                              "system log); run the command again") from exc
