"""Harvest benchmarks: throughput and where the time goes, a parallel night, and peak memory.

    python bench/harvest.py                  # all three, default sizes
    python bench/harvest.py --only throughput --records 20000
    python bench/harvest.py --only memory --memory-sizes 200000,400000,1000000

(a) throughput: records/s harvesting from the loopback provider (oaipmh's
    BatchingServer, in a separate process) and from a fast synthetic server,
    with the share of time in HTTP, parsing and storing (StageTimes).
(b) night: 20 libraries on 20 loopback addresses, each answering every page
    after 200 ms; wall time in parallel versus one after another.
(c) memory: peak RSS of a process harvesting N synthetic records (the server
    runs in another process); flat means it does not grow with N.
Servers run in subprocesses so their CPU and memory are not counted as ours.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
MARC_NS = "http://www.loc.gov/MARC21/slim"

_RECORD = (
    '<record><header><identifier>oai:bench:{n}</identifier><datestamp>2024-03-15T10:30:00Z</datestamp>'
    '<setSpec>sach</setSpec></header><metadata><record xmlns="' + MARC_NS + '">'
    "<leader>01234nam a2200289 a 4500</leader>"
    '<controlfield tag="001">{n}</controlfield><controlfield tag="005">20240315103000.0</controlfield>'
    '<controlfield tag="008">240315s2019    vm a          000 0 vie d</controlfield>'
    '<datafield tag="020" ind1=" " ind2=" "><subfield code="a">978604{n:07d}</subfield>'
    '<subfield code="c">85000đ</subfield></datafield>'
    '<datafield tag="040" ind1=" " ind2=" "><subfield code="a">TVHG</subfield><subfield code="b">vie</subfield></datafield>'
    '<datafield tag="082" ind1="0" ind2="4"><subfield code="a">959.7</subfield><subfield code="b">L302S</subfield></datafield>'
    '<datafield tag="100" ind1="1" ind2=" "><subfield code="a">Trần Trọng Kim</subfield></datafield>'
    '<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Lịch sử Việt Nam tập {n} :</subfield>'
    '<subfield code="b">từ nguồn gốc đến thế kỷ XIX /</subfield><subfield code="c">Trần Trọng Kim</subfield></datafield>'
    '<datafield tag="250" ind1=" " ind2=" "><subfield code="a">Tái bản lần thứ 3</subfield></datafield>'
    '<datafield tag="260" ind1=" " ind2=" "><subfield code="a">Hà Nội :</subfield>'
    '<subfield code="b">Nxb. Văn học,</subfield><subfield code="c">2019.</subfield></datafield>'
    '<datafield tag="300" ind1=" " ind2=" "><subfield code="a">583 tr. ;</subfield><subfield code="c">24 cm</subfield></datafield>'
    '<datafield tag="650" ind1=" " ind2="7"><subfield code="a">Lịch sử</subfield><subfield code="z">Việt Nam</subfield></datafield>'
    '<datafield tag="650" ind1=" " ind2="7"><subfield code="a">Văn hóa</subfield></datafield>'
    '<datafield tag="700" ind1="1" ind2=" "><subfield code="a">Nguyễn Văn Tố</subfield></datafield>'
    '<datafield tag="852" ind1=" " ind2=" "><subfield code="a">TVHG</subfield><subfield code="b">Kho mở</subfield>'
    '<subfield code="j">959.7 L302S</subfield></datafield>'
    "</record></metadata></record>"
)


def synthetic_page(start: int, count: int, total: int) -> bytes:
    """One ListRecords page of `count` records from `start`; the token is the next offset."""
    end = min(start + count, total)
    records = "".join(_RECORD.format(n=n) for n in range(start + 1, end + 1))
    token = f"<resumptionToken>{end}</resumptionToken>" if end < total else "<resumptionToken/>"
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}"><responseDate>2024-05-01T10:00:00Z'
            f'</responseDate><request verb="ListRecords">http://bench/oai</request><ListRecords>{records}{token}'
            f"</ListRecords></OAI-PMH>").encode("utf-8")


IDENTIFY = (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI_NS}"><responseDate>2024-05-01T10:00:00Z'
            f'</responseDate><request verb="Identify">http://bench/oai</request><Identify><repositoryName>bench'
            f"</repositoryName><baseURL>http://bench/oai</baseURL><protocolVersion>2.0</protocolVersion>"
            f"<adminEmail>a@example.org</adminEmail><earliestDatestamp>2000-01-01T00:00:00Z</earliestDatestamp>"
            f"<deletedRecord>no</deletedRecord><granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>"
            f"</OAI-PMH>").encode("utf-8")


def serve_synthetic(host: str, total: int, page_size: int, latency_s: float) -> ThreadingHTTPServer:
    """A synthetic OAI-PMH server generating `total` MARCXML records on the fly."""
    from harvester.provider import QuietKeepAliveHandler

    class Handler(QuietKeepAliveHandler):

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if latency_s:
                time.sleep(latency_s)
            if query.get("verb") == "Identify":
                body = IDENTIFY
            else:
                body = synthetic_page(int(query.get("resumptionToken", "0")), page_size, total)
            self.send_response(200)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer((host, 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# ---- subprocess roles -------------------------------------------------------------------


def _role_serve_synthetic(args: argparse.Namespace) -> None:
    servers = [serve_synthetic(f"127.0.0.{10 + i}" if args.hosts > 1 else "127.0.0.1", args.records,
                               args.page_size, args.latency_s) for i in range(args.hosts)]
    print(" ".join(f"http://{s.server_address[0]}:{s.server_address[1]}/oai" for s in servers), flush=True)
    sys.stdin.read()  # until the parent closes our stdin


def _role_serve_provider(args: argparse.Namespace) -> None:
    from harvester.provider import serve_fixtures
    from tests.test_harvest_support import write_marc_collection

    folder = Path(tempfile.mkdtemp(prefix="bench-provider-", dir=args.tmp))
    source = write_marc_collection(folder / "bench.xml", args.records)
    provider = serve_fixtures({"bench": source}, batch_size=args.page_size)
    print(provider.url("bench"), flush=True)
    sys.stdin.read()


def _role_harvest_memory(args: argparse.Namespace) -> None:
    from harvester.oai import OaiHarvester
    from harvester.transport import make_client
    from store import CatalogStore
    from tests.test_harvest_support import fast_settings, oai_library

    settings = fast_settings(timeout_s=60)
    started = time.perf_counter()
    with CatalogStore(Path(args.db)) as store, make_client(settings) as client:
        run = OaiHarvester(client, store, settings).harvest(oai_library(args.url, "bench"))
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{run.added} {elapsed:.1f} {peak_kib}", flush=True)


class _Server:
    """A server subprocess; `urls` are what it printed."""

    def __init__(self, *role_args: str):
        self.proc = subprocess.Popen([sys.executable, __file__, *role_args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.urls = self.proc.stdout.readline().split()

    def __enter__(self) -> _Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


# ---- the benchmarks ---------------------------------------------------------------------


def bench_throughput(records: int, page_size: int, tmp: str) -> None:
    from harvester.metrics import StageTimes
    from harvester.oai import OaiHarvester
    from harvester.transport import make_client
    from store import CatalogStore
    from tests.test_harvest_support import fast_settings, oai_library

    print(f"(a) throughput: {records} MARCXML records, pages of {page_size}")
    for label, role in (("loopback provider (oaipmh)", "serve-provider"), ("synthetic server", "serve-synthetic")):
        with _Server(role, "--records", str(records), "--page-size", str(page_size), "--tmp", tmp) as server:
            times = StageTimes()
            settings = fast_settings(timeout_s=120)
            db = Path(tempfile.mkdtemp(dir=tmp)) / "catalog.sqlite3"
            started = time.perf_counter()
            with CatalogStore(db) as store, make_client(settings) as client:
                run = OaiHarvester(client, store, settings, times=times).harvest(oai_library(server.urls[0], "bench"))
            wall = time.perf_counter() - started
        own = times.parse_s + times.store_s
        other = wall - times.http_s - own
        print(f"    {label}: {run.added} records in {wall:.2f}s = {run.added / wall:,.0f} records/s end to end")
        print(f"      http {times.http_s:.2f}s ({times.http_s / wall:.0%}), parse {times.parse_s:.2f}s "
              f"({times.parse_s / wall:.0%}), store {times.store_s:.2f}s ({times.store_s / wall:.0%}), "
              f"other (loop, freeing pages) {other:.2f}s ({other / wall:.0%})")
        print(f"      parse + store: {run.added / own:,.0f} records/s (goal >= 8,000); "
              f"parse alone {run.added / times.parse_s:,.0f}/s, store alone {run.added / times.store_s:,.0f}/s; "
              f"all but HTTP {run.added / (wall - times.http_s):,.0f}/s")


def bench_night(libraries: int, pages: int, latency_s: float, tmp: str) -> None:
    from harvester.run import harvest_libraries
    from store import CatalogStore
    from tests.conftest import make_settings
    from tests.test_harvest_support import FAST

    page_size = 50
    print(f"(b) night: {libraries} libraries on {libraries} loopback hosts, {pages} pages of {page_size} each, "
          f"{latency_s * 1000:.0f} ms latency per request (Identify included)")
    with _Server("serve-synthetic", "--records", str(pages * page_size), "--page-size", str(page_size),
                 "--latency-s", str(latency_s), "--hosts", str(libraries)) as server:
        entries = [{"id": f"lib-{i:02d}", "name": f"lib {i}", "type": "school", "district": "Vị Thanh",
                    "protocol": "oai-pmh", "url": url, "metadata_prefix": "marc21"}
                   for i, url in enumerate(server.urls)]
        results = {}
        for label, parallel in (("parallel", libraries), ("default (4 at a time)", 4), ("one after another", 1)):
            data_dir = Path(tempfile.mkdtemp(dir=tmp))
            settings = make_settings(data_dir, entries, harvest={**FAST, "timeout_s": 30,
                                                                 "max_parallel_libraries": parallel})
            started = time.perf_counter()
            with CatalogStore(settings.db_path) as store:
                runs = harvest_libraries(settings, store)
            results[label] = time.perf_counter() - started
            assert all(r.status == "ok" for r in runs), [r.errors for r in runs if r.status != "ok"]
    slowest = (pages + 1) * latency_s
    print(f"    parallel (max_parallel_libraries={libraries}): {results['parallel']:.2f}s; "
          f"4 at a time (the default): {results['default (4 at a time)']:.2f}s; "
          f"one after another: {results['one after another']:.2f}s; slowest library alone >= {slowest:.2f}s; "
          f"speed-up x{results['one after another'] / results['parallel']:.1f}")


def bench_memory(sizes: list[int], page_size: int, tmp: str) -> None:
    print(f"(c) peak memory of the harvesting process (synthetic server in another process, pages of {page_size})")
    for size in sizes:
        with _Server("serve-synthetic", "--records", str(size), "--page-size", str(page_size)) as server:
            db = Path(tempfile.mkdtemp(dir=tmp)) / "catalog.sqlite3"
            out = subprocess.run([sys.executable, __file__, "harvest-memory", "--url", server.urls[0], "--db", str(db)],
                                 cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                                 text=True, check=True).stdout.split()
            added, elapsed, peak_kib = int(out[0]), float(out[1]), int(out[2])
            db_mb = db.stat().st_size / 1e6
        print(f"    {added:>9,} records in {elapsed:6.1f}s ({added / elapsed:,.0f}/s): peak RSS {peak_kib / 1024:6.1f} MiB"
              f" (database {db_mb:,.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("role", nargs="?", default="bench",
                        choices=["bench", "serve-synthetic", "serve-provider", "harvest-memory"])
    parser.add_argument("--only", choices=["throughput", "night", "memory"])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--latency-s", type=float, default=0.0)
    parser.add_argument("--hosts", type=int, default=1)
    parser.add_argument("--memory-sizes", default="200000,400000")
    parser.add_argument("--url")
    parser.add_argument("--db")
    parser.add_argument("--tmp", default=None)
    args = parser.parse_args()
    if args.role == "serve-synthetic":
        return _role_serve_synthetic(args)
    if args.role == "serve-provider":
        return _role_serve_provider(args)
    if args.role == "harvest-memory":
        return _role_harvest_memory(args)
    with tempfile.TemporaryDirectory(prefix="unioncat-bench-") as tmp:
        if args.only in (None, "throughput"):
            bench_throughput(args.records, args.page_size, tmp)
        if args.only in (None, "night"):
            bench_night(20, 3, 0.2, tmp)
        if args.only in (None, "memory"):
            bench_memory([int(s) for s in args.memory_sizes.split(",")], args.page_size, tmp)


if __name__ == "__main__":
    main()
