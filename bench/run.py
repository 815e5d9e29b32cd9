"""End-to-end benchmark: the demo data scaled up, every stage timed, search latency over HTTP.

    python bench/run.py [--records 100000] [--clients 1,8,32] [--queries 400]

Each stage runs as its own `unioncat` process (as cron would run it), so its
wall time and peak memory (the child's max RSS from wait4) are its own.  The
OAI-PMH provider runs in a separate process on 127.0.0.1, like a library's
server would.  The search server runs with its answer cache off, so every timed
search runs the query and the facets (bench/search.py measures both ways).
Results are printed and written to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "fixtures"))

import make_fixtures  # noqa: E402  (the fixture generator, scaled)

BASE_RECORDS = 2200  # roughly what scale=1 writes
QUERY_MIX = [
    "lich su viet nam", "Lịch sử Việt Nam", "truyen kieu", "Truyện Kiều", "Nguyễn Du", "nguyen nhat anh",
    "giáo trình kinh tế vĩ mô", "toan 12", "ky thuat trong lua", "Sơn Nam", "hau giang", "luật giáo dục",
    "title:\"số đỏ\"", "author:\"Tô Hoài\"", "year:2015..2020 giao trinh", "dat rung phuong nam",
]


def run_stage(name: str, args: list[str], env: dict[str, str]) -> dict:
    """Run one `unioncat` command; return wall seconds and the child's peak RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "harvester.cli", *args], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode("utf-8", "replace")
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 3):
        print(output)
        raise SystemExit(f"bench: stage {name} failed with exit code {code}")
    return {"stage": name, "wall_s": round(wall, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "output": output.strip().splitlines()[-3:]}


def start_provider(oai_dir: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    code = (
        "import sys, time, pathlib\n"
        "from harvester.provider import serve_fixtures\n"
        "d = pathlib.Path(sys.argv[1])\n"
        "h = serve_fixtures({p.stem: p for p in sorted(d.glob('*.xml'))}, batch_size=500)\n"
        "print(h.base_url, flush=True)\n"
        "time.sleep(10**6)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(oai_dir)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    base_url = proc.stdout.readline().strip()
    if not base_url.startswith("http"):
        raise SystemExit("bench: the OAI-PMH provider did not start")
    return proc, base_url


def write_config(work: Path, data: Path, provider_url: str) -> Path:
    demo = (REPO / "config" / "demo.toml").read_text(encoding="utf-8")
    demo = demo.replace('data_dir = "../.demo-data"', f'data_dir = "{work / "catalog"}"')
    demo = demo.replace("http://127.0.0.1:0", provider_url.rstrip("/"))
    demo = demo.replace('"../fixtures/data/', f'"{data}/')
    # Every timed search runs Tantivy: the answer cache would serve the repeated mix from memory.
    demo = demo.replace("[api]\n", "[api]\ncached_searches = 0\n", 1)
    path = work / "unioncat.toml"
    path.write_text(demo, encoding="utf-8")
    return path


def count_records(config: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "harvester.cli", "status", "--format", "json", "--config", str(config)],
                         env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["totals"]


def latency_run(base_url: str, queries: list[str], clients: int, total: int) -> dict:
    """`total` searches spread over `clients` threads, each with its own connection."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = max(1, total // clients)

    def worker(offset: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=base_url, timeout=30) as client:
            for i in range(per_client):
                q = queries[(offset + i) % len(queries)]
                started = time.perf_counter()
                response = client.get("/api/search", params={"q": q, "size": 20})
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        errors += 1

    threads = [threading.Thread(target=worker, args=(c * 7,)) for c in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients, "requests": len(latencies), "errors": errors,
        "p50_ms": round(1000 * statistics.median(latencies), 1),
        "p99_ms": round(1000 * latencies[min(len(latencies) - 1, math.ceil(0.99 * len(latencies)) - 1)], 1),
        "throughput_rps": round(len(latencies) / wall, 1),
    }


def serve_and_measure(config: Path, env: dict[str, str], clients: list[int], queries: int) -> tuple[list[dict], float]:
    port = 18000 + os.getpid() % 1000
    proc = subprocess.Popen([sys.executable, "-m", "harvester.cli", "serve", "--config", str(config),
                             "--port", str(port)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit("bench: the API server did not start")
        latency_run(base_url, QUERY_MIX, 2, 40)  # warm-up
        results = [latency_run(base_url, QUERY_MIX, n, queries) for n in clients]
        rss_mb = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    return results, rss_mb


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="source records to generate (approx.)")
    parser.add_argument("--clients", default="1,8,32", help="concurrent search clients to measure")
    parser.add_argument("--queries", type=int, default=400, help="searches per client setting")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    work = Path(tempfile.mkdtemp(prefix="unioncat-bench-"))
    results: dict = {"cores": os.cpu_count(), "python": sys.version.split()[0]}
    try:
        scale = max(1, math.ceil(args.records / BASE_RECORDS))
        started = time.perf_counter()
        written = make_fixtures.generate(work / "fixtures", scale=scale)
        results["generated"] = {"records": sum(written.values()), "scale": scale,
                                "seconds": round(time.perf_counter() - started, 1)}
        data = work / "fixtures" / "data" if (work / "fixtures" / "data").exists() else work / "fixtures"
        provider, provider_url = start_provider(data / "oai", env)
        try:
            config = write_config(work, data, provider_url)
            stages = [run_stage("harvest", ["harvest", "--config", str(config)], env)]
        finally:
            provider.terminate()
        totals = count_records(config, env)
        stages.append(run_stage("normalize", ["normalize", "--config", str(config)], env))
        totals = count_records(config, env)
        stages.append(run_stage("dedupe", ["dedupe", "--config", str(config)], env))
        totals = count_records(config, env)
        stages.append(run_stage("index", ["index", "--config", str(config)], env))
        per_stage_input = {"harvest": totals["raw_records"], "normalize": totals["raw_records"],
                           "dedupe": totals["records"], "index": totals["union_records"]}
        for stage in stages:
            stage["records"] = per_stage_input[stage["stage"]]
            stage["records_per_s"] = round(stage["records"] / stage["wall_s"], 1)
        results["stages"] = stages
        results["totals"] = totals
        clients = [int(c) for c in args.clients.split(",")]
        results["search"], results["server_peak_rss_mb"] = serve_and_measure(config, env, clients, args.queries)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    _report(results)


def _report(results: dict) -> None:
    out_dir = REPO / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"machine: {results['cores']} cores, Python {results['python']}")
    print(f"generated {results['generated']['records']} source records in {results['generated']['seconds']} s")
    print(f"{'stage':<10} {'records':>9} {'wall s':>8} {'records/s':>10} {'peak MB':>8}")
    for s in results["stages"]:
        print(f"{s['stage']:<10} {s['records']:>9} {s['wall_s']:>8} {s['records_per_s']:>10} {s['peak_rss_mb']:>8}")
    print(f"union records: {results['totals']['union_records']}; server peak RSS {results['server_peak_rss_mb']} MB")
    print(f"{'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7}")
    for r in results["search"]:
        print(f"{r['clients']:>7} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>7} {r['p99_ms']:>7} "
              f"{r['throughput_rps']:>7}")


if __name__ == "__main__":
    main()
