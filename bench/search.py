"""Search benchmark: index build, incremental update, and search latency over HTTP against SQLite FTS5.

    python bench/search.py [--records 1000000] [--changed 10000] [--clients 1,8,32] [--requests 400]

1. Fills a fresh store with N synthetic union records shaped like the demo data
   (Vietnamese titles with marks, authors surname first, subjects, 1–6 holding
   libraries of the demo registry, years 1960–2025), and each member's harvested
   record (a MARCXML payload of a real record's size), which the build reads for
   when each library's copy arrived (`store.catalog._ARRIVALS`).  Not timed as indexing.
2. Times `build_index(rebuild=True)`: the store into a fresh index.
3. Changes `--changed` union records in the store and times the incremental `build_index`.
4. Serves the API with uvicorn in a separate process and measures p50/p99 latency and
   throughput of GET /api/search (with facets, as the page asks) for 1, 8 and 32
   concurrent clients on a fixed query mix: once with the answer cache off
   (`api.cached_searches = 0`: every request searches and counts facets) and once
   with it on (the mix repeats, so answers come from memory after the warm-up).
   The same queries run against an SQLite FTS5 index of the same records (folded
   text, bm25, a LIMIT 20 page, a COUNT and one GROUP BY facet) in-process, with
   the same client counts.
Results are printed and written to bench/out/search.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from config.settings import settings_from_dict  # noqa: E402
from index import build_index  # noqa: E402
from store import CatalogStore, Holding, RawRecord, UnionRecord  # noqa: E402
from store.text import fold  # noqa: E402

LIBRARIES = [
    ("tv-tinh", "Thư viện tỉnh Hậu Giang", "provincial", "Vị Thanh"),
    ("tv-long-my", "Thư viện thị xã Long Mỹ", "district", "Long Mỹ"),
    ("dh-vo-truong-toan", "Trường Đại học Võ Trường Toản", "college", "Châu Thành A"),
    ("tv-vi-thuy", "Thư viện huyện Vị Thủy", "district", "Vị Thủy"),
    ("thpt-chuyen-vi-thanh", "Trường THPT chuyên Vị Thanh", "school", "Vị Thanh"),
    ("ca-tinh", "Thư viện Công an tỉnh Hậu Giang", "armed_forces", "Vị Thanh"),
]
TITLE_WORDS = ("lịch sử việt nam hậu giang giáo trình kinh tế vĩ mô vi mô truyện kiều tiểu thuyết toán ngữ văn "
               "địa chí đồng bằng sông cửu long kỹ thuật trồng lúa nuôi cá nông nghiệp văn hóa nam bộ khẩn hoang "
               "miền tây tuổi thơ đất rừng phương nam hoa vàng cỏ xanh luật giáo dục pháp luật sức khỏe y học "
               "cơ sở tin học lập trình quản trị kinh doanh tiếng anh từ điển thơ tuyển tập hồi ký chiến tranh "
               "cách mạng khoa học tự nhiên vật lý hóa học sinh học môi trường du lịch ẩm thực").split()
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc Kim Nhật".split()
GIVEN = "An Bình Cường Dũng Hà Hải Hùng Khoa Lan Long Mai Nam Phong Quân Sơn Tâm Thảo Trung Tú Vy Du Ánh".split()
SUBJECTS = ["Lịch sử", "Văn học Việt Nam", "Kinh tế học", "Nông nghiệp", "Giáo dục", "Địa lý", "Tin học",
            "Y học", "Pháp luật", "Tiểu thuyết", "Sách giáo khoa", "Văn hóa", "Khoa học tự nhiên", "Du lịch"]
PUBLISHERS = ["Nxb. Giáo dục Việt Nam", "Nxb. Trẻ", "Nxb. Kim Đồng", "Nxb. Văn học", "Nxb. Chính trị quốc gia",
              "Nxb. Tổng hợp TP. Hồ Chí Minh", "Nxb. Nông nghiệp", "Nxb. Đại học Cần Thơ"]
QUERY_MIX = [
    "lich su viet nam", "Lịch sử Việt Nam", "truyen kieu", "Truyện Kiều", "Nguyễn Du", "giáo trình kinh tế vĩ mô",
    "toan ngu van", "ky thuat trong lua", "hau giang", "luật giáo dục", 'title:"đồng bằng sông cửu long"',
    'author:"Nguyễn Văn An"', "year:2015..2020 giao trinh", "dat rung phuong nam", "nuoi ca", "tin hoc co so",
]


def make_record(n: int, rng: random.Random, generation: int = 0) -> UnionRecord:
    title = " ".join(rng.choice(TITLE_WORDS) for _ in range(rng.randint(2, 7))).capitalize()
    if generation:
        title += f" (bản {generation})"
    authors = [f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}" for _ in range(rng.randint(0, 2))]
    libraries = rng.sample(LIBRARIES, k=min(len(LIBRARIES), 1 + int(rng.expovariate(0.9))))
    uid = f"b{n:07d}"
    holdings = [Holding(library=lib[0], call_number=f"{rng.randint(0, 999)}.{rng.randint(0, 9)} {uid[-4:].upper()}",
                        record_id=f"{lib[0]}:{uid}") for lib in libraries]
    isbn = [f"978604{rng.randint(0, 9_999_999):07d}"] if rng.random() < 0.6 else []
    return UnionRecord(id=uid, title=title, authors=authors, year=rng.randint(1960, 2025),
                       publisher=rng.choice(PUBLISHERS), language="vie" if rng.random() < 0.9 else "eng",
                       subjects=rng.sample(SUBJECTS, k=rng.randint(0, 2)), isbn=isbn, holdings=holdings,
                       members=[h.record_id for h in holdings], work_key=fold(title)[:35])


def settings_for(data_dir: Path, cached_searches: int = 500):
    libraries = [{"id": i, "name": name, "type": t, "district": d, "protocol": "marc-file", "url": f"{i}.mrc"}
                 for i, name, t, d in LIBRARIES]
    return settings_from_dict({"data_dir": str(data_dir), "libraries": libraries,
                               "api": {"max_page_size": 100, "cached_searches": cached_searches}},
                              data_dir / "unioncat.toml")


# A harvested MARCXML record of a book is 1-2 KB: the build's arrival subquery probes these rows.
MEMBER_PAYLOAD_BYTES = 1500


def member_record(union: UnionRecord, holding: Holding) -> RawRecord:
    """The harvested record behind one of a synthetic union record's holdings."""
    library, local_id = holding.record_id.split(":", 1)
    payload = f"<record><title>{union.title}</title><call>{holding.call_number}</call></record>".encode()
    return RawRecord(library=library, local_id=local_id, format="marcxml",
                     payload=payload.ljust(MEMBER_PAYLOAD_BYTES, b" "))


def fill_store(store: CatalogStore, records: int, batch: int = 50_000) -> float:
    started = time.monotonic()
    rng = random.Random(6)
    for start in range(0, records, batch):
        unions = [make_record(n, rng) for n in range(start, min(records, start + batch))]
        store.save_harvest_page(member_record(union, holding) for union in unions for holding in union.holdings)
        members = {record_id: (union.id, "bench", None, "synthetic") for union in unions for record_id in union.members}
        store.save_clusters(members, unions, replace_only=list(members))
        print(f"  stored {min(records, start + batch):,} union records", flush=True)
    return time.monotonic() - started


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def run_clients(connect, call, clients: int, requests: int) -> dict:
    """`requests` calls of `call(connection, query)` spread over `clients` threads; latency in ms.

    Each thread opens its connection (`connect()`) before the clock starts: an
    httpx.Client takes milliseconds to build, and counted in the first request of
    each thread it would be the p99 at 8 clients.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def worker(offset: int) -> None:
        connection = connect()
        call(connection, QUERY_MIX[offset % len(QUERY_MIX)])  # the connection is open and used once
        ready.wait()
        mine: list[float] = []
        for i in range(offset, requests, clients):
            query = QUERY_MIX[i % len(QUERY_MIX)]
            t0 = time.perf_counter()
            try:
                call(connection, query)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                errors.append(repr(exc))
            mine.append((time.perf_counter() - t0) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "errors": len(errors),
            "p50_ms": round(statistics.median(latencies), 2), "p99_ms": round(percentile(latencies, 99), 2),
            "throughput_rps": round(len(latencies) / wall, 1)}


def http_search(base_url: str, clients: int, requests: int) -> dict:
    def connect() -> httpx.Client:
        return httpx.Client(base_url=base_url, timeout=30)

    def call(client: httpx.Client, query: str) -> None:
        response = client.get("/api/search", params={"q": query})
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} {response.text[:100]}")

    with connect() as client:
        for query in QUERY_MIX:  # warm the page cache and the searcher
            call(client, query)
    return run_clients(connect, call, clients, requests)


def build_fts(store: CatalogStore, path: Path) -> float:
    started = time.monotonic()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, authors, subjects, other, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("CREATE TABLE facet (id TEXT, library TEXT)")
    rows, facets = [], []
    for uid, record in store.union_changed_since(0):
        if record is None:
            continue
        rows.append((uid, record.title, "; ".join(record.authors), "; ".join(record.subjects),
                     f"{record.publisher or ''} {record.year or ''} {' '.join(record.isbn)}"))
        facets += [(uid, h.library) for h in record.holdings]
        if len(rows) >= 50_000:
            db.executemany("INSERT INTO fts VALUES (?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO facet VALUES (?, ?)", facets)
            rows, facets = [], []
    db.executemany("INSERT INTO fts VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO facet VALUES (?, ?)", facets)
    db.execute("CREATE INDEX facet_id ON facet (id)")
    db.commit()
    db.close()
    return time.monotonic() - started


def fts_search(path: Path, clients: int, requests: int) -> dict:
    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, check_same_thread=False)

    def call(db: sqlite3.Connection, query: str) -> None:
        words = [w for w in fold(query).replace('"', " ").replace(":", " ").split()
                 if w not in ("title", "author", "year") and not w[0].isdigit()]
        match = " ".join(f'"{w}"' for w in words)
        db.execute("SELECT id, title FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 4, 2.5, 1.5, 0.5) LIMIT 20",
                   (match,)).fetchall()
        db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (match,)).fetchone()
        db.execute("SELECT library, count(*) FROM facet WHERE id IN (SELECT id FROM fts WHERE fts MATCH ?) "
                   "GROUP BY library", (match,)).fetchall()

    db = connect()
    for query in QUERY_MIX:
        call(db, query)
    db.close()
    return run_clients(connect, call, clients, requests)


def serve(data_dir: Path, cached_searches: int) -> tuple[subprocess.Popen, str]:
    from tests.e2e_helpers import free_port  # noqa: PLC0415 - bench imports the repository's helpers

    port = free_port()
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from bench.search import settings_for\nfrom pathlib import Path\n"
            "from store import CatalogStore\nfrom index import SearchIndex\nfrom search_api import serve\n"
            "s = settings_for(Path(%r), %d)\nserve(s, CatalogStore(s.db_path), SearchIndex(s), port=%d)\n"
            % (str(REPO), str(data_dir), cached_searches, port))
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO)})
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the API server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--requests", type=int, default=400, help="requests per client count")
    parser.add_argument("--work", type=Path, default=None, help="keep data here (default: a temp dir)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="unioncat-bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = settings_for(work)
    results: dict = {"records": args.records, "cpus": os.cpu_count()}
    with CatalogStore(settings.db_path) as store:
        if store.counts()["union_records"] < args.records:
            print(f"filling the store with {args.records:,} synthetic union records…", flush=True)
            results["store_fill_s"] = round(fill_store(store, args.records), 1)
        print("full build…", flush=True)
        summary = build_index(store, settings, rebuild=True)
        results["build"] = {"documents": summary.documents, "duration_s": summary.duration_s,
                            "docs_per_s": round(summary.documents / summary.duration_s)}
        print(f"  {results['build']}", flush=True)
        rng = random.Random(7)
        # A generation no earlier run used, so a store kept with --work really changes.
        generation = store.current_seq()
        changed = [make_record(n, rng, generation=generation) for n in rng.sample(range(args.records), args.changed)]
        store.save_clusters({}, changed, replace_only=[])  # memberships stay
        summary = build_index(store, settings)
        results["incremental"] = {"changed": summary.indexed, "duration_s": summary.duration_s}
        print(f"  incremental: {results['incremental']}", flush=True)
        print("SQLite FTS5 index…", flush=True)
        fts_path = work / "fts.sqlite3"
        fts_path.unlink(missing_ok=True)
        results["fts_build_s"] = round(build_fts(store, fts_path), 1)
    clients = [int(c) for c in args.clients.split(",")]
    results["fts5"] = [fts_search(fts_path, n, args.requests) for n in clients]
    # Without the answer cache every request runs the search and the facets; with it the
    # fixed mix repeats, so after the warm-up the answers come from memory.
    for label, cached in (("http_uncached", 0), ("http_cached", 500)):
        proc, url = serve(work, cached)
        try:
            results[label] = [http_search(url, n, args.requests) for n in clients]
        finally:
            proc.terminate()
            proc.wait(10)
    for n, fts, cold, warm in zip(clients, results["fts5"], results["http_uncached"], results["http_cached"]):
        print(f"  {n:>2} clients: unioncat uncached {cold}\n             unioncat cached   {warm}\n"
              f"             fts5              {fts}", flush=True)
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "search.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
