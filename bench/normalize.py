"""Normalize benchmark: raw MARCXML in a real CatalogStore → stored Records, via run_normalize.

    python bench/normalize.py [--sizes 20000,60000] [--workers 1,2]

The MARCXML `<record>`s of the fixture generator's OAI-PMH files (scale 10,
9,590 records, about a fifth of them in TCVN3/VNI legacy fonts) are copied, with
fresh local ids and numbered titles after the first round, into a SQLite
CatalogStore until each size is reached; then `run_normalize(rebuild=True)` runs
once per worker count, each in its own child process, so its peak memory is its
own: the parent's max RSS, and the largest pool worker's VmHWM sampled from /proc.
Peak memory should stay flat as the size grows: run_normalize streams raw
records in batches.  The load average is printed first: other processes on the
machine share its cores, and the figures move with them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path, and this module would
# shadow the `normalize` package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO / "fixtures"))
sys.path.insert(0, str(REPO))

from bench.memory import DescendantPeak  # noqa: E402

MARC_NS = "http://www.loc.gov/MARC21/slim"
FIXTURE_SCALE = 10


def fixture_payloads(cache: Path) -> list[bytes]:
    """Every MARCXML <record> of the scaled fixtures' OAI-PMH files, as harvested bytes."""
    import make_fixtures

    if not (cache / "data" / "oai").exists():
        make_fixtures.generate(cache, scale=FIXTURE_SCALE)
    payloads: list[bytes] = []
    for path in sorted((cache / "data" / "oai").glob("*.xml")):
        for _, element in etree.iterparse(str(path), tag=f"{{{MARC_NS}}}record"):
            payloads.append(etree.tostring(element, encoding="utf-8", with_tail=False))
            element.clear()
    return payloads


def _copy(payloads: list[bytes], n: int) -> bytes:
    """The n-th record: a fixture record, its title numbered after the first round, so that
    no per-value cache sees a repeated title and the figure is not flattered."""
    payload = payloads[n % len(payloads)]
    round_ = n // len(payloads)
    if round_:
        at = payload.find(b'<subfield code="a">', payload.find(b'tag="245"'))
        if at > 0:
            at += len(b'<subfield code="a">')
            payload = payload[:at] + f"{round_} ".encode() + payload[at:]
    return payload


def build_store(db: Path, payloads: list[bytes], size: int) -> None:
    from store import CatalogStore, RawRecord

    with CatalogStore(db) as store:
        for start in range(0, size, 5000):
            page = [RawRecord(library="bench", local_id=f"B{n:08d}", format="marcxml",
                              payload=_copy(payloads, n), source=f"bench#{n}")
                    for n in range(start, min(size, start + 5000))]
            store.save_harvest_page(page)


def child(db: Path, workers: int) -> None:
    """Run once and print {"records", "seconds"} as JSON (the parent adds memory)."""
    from config import LibraryConfig
    from store import CatalogStore

    from normalize import run_normalize

    library = LibraryConfig(id="bench", name="Bench", type="provincial", district="Vị Thanh",
                            protocol="marc-file", url="/dev/null", opac_url="https://opac.example.vn/{id}")
    watcher = DescendantPeak()
    watcher.start()
    with CatalogStore(db) as store:
        started = time.perf_counter()
        cpu_started = time.process_time()
        summary = run_normalize(store, {"bench": library}, rebuild=True, workers=workers)
        seconds = time.perf_counter() - started
        parent_cpu_s = time.process_time() - cpu_started
    watcher.stop()
    print(json.dumps({"records": summary.normalized + summary.rejected, "rejected": summary.rejected,
                      "seconds": seconds, "parent_cpu_s": parent_cpu_s,
                      "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "worker_rss_mb": watcher.peak_kb / 1024}))


def measure(db: Path, workers: int) -> dict:
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(db), "--workers", str(workers)],
                            stdout=subprocess.PIPE, cwd=REPO)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"benchmark child failed with exit code {proc.returncode}")
    result = json.loads(out)
    result["rate"] = result["records"] / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,60000")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "unioncat-bench-fixtures")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, int(args.workers))
        return
    payloads = fixture_payloads(args.cache)
    print(f"{len(payloads)} distinct MARCXML records from the scale-{FIXTURE_SCALE} fixtures; "
          f"{os.cpu_count()} CPUs")
    print(f"load average before: {os.getloadavg()[0]:.2f} (other processes share these CPUs)")
    print(f"{'records':>8} {'workers':>7} {'records/s':>10} {'seconds':>8} {'parent CPU s':>12} "
          f"{'peak RSS MB parent / largest worker':>36}")
    with tempfile.TemporaryDirectory(prefix="unioncat-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            db = Path(tmp) / f"catalog-{size}.sqlite3"
            build_store(db, payloads, size)
            for workers in (int(w) for w in args.workers.split(",")):
                r = measure(db, workers)
                worker = f"{r['worker_rss_mb']:.0f}" if workers > 1 else "-"
                print(f"{r['records']:>8} {workers:>7} {r['rate']:>10.0f} {r['seconds']:>8.2f} "
                      f"{r['parent_cpu_s']:>12.2f} {r['parent_rss_mb']:>28.0f} / {worker}")


if __name__ == "__main__":
    main()
