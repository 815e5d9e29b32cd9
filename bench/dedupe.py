"""Dedupe benchmark: quality on labeled data and the demo fixtures, speed at province scale.

    python bench/dedupe.py [--sizes 100000,300000,1000000] [--quality-records 20000]

Quality: pairwise and B-cubed precision/recall/F1 on `dedupe.labeled` (seeded,
truth known) and, when the demo catalog exists (`unioncat demo --no-serve`), on
the fixtures' truth (bench/dedupe_fixtures.py).  Speed: for each size one process
writes the labeled records to a JSON-lines file, a second runs what file mode
(`unioncat dedupe --input`) runs, the file's lines reduced to features in
worker processes and clustered (timed; the peak RSS of this process and of the
largest worker: the reading workers exit before clustering begins, the block-scan
workers hold a few integers per record; the time includes reading
and validating every line, which one process alone takes `of_which_reading_s`
for), and
a third scores the clusters and the blocking recall (share of true pairs that
blocking proposes directly).  Candidate pairs are those scored: pairs a hard
guard rules out are skipped, see `scoring.BlockScan`.  Goal: F1 >= 0.97 with
precision >= 0.99; 1,000,000 records in <= 2 minutes and <= 4 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from config import DedupeSettings  # noqa: E402
from dedupe import cluster_records  # noqa: E402
from dedupe.evaluate import labels_of, report  # noqa: E402
from dedupe.features import record_features  # noqa: E402
from dedupe.keys import build_blocks, candidate_pairs  # noqa: E402
from dedupe.labeled import generate  # noqa: E402
from dedupe.reading import read_features, read_records  # noqa: E402
from bench.memory import DescendantPeak  # noqa: E402


def quality(n_records: int, seed: int) -> dict:
    labeled = generate(n_records, seed=seed)
    clustering = cluster_records(labeled.records, DedupeSettings())
    return {"records": len(labeled.records), **report(labels_of(clustering.clusters), labeled.truth)}


def generate_input(n_records: int, seed: int, work: Path) -> None:
    """Write the labeled set as a JSON-lines Record file plus its truth (a child process of its own)."""
    labeled = generate(n_records, seed=seed)
    with (work / "records.jsonl").open("w", encoding="utf-8") as out:
        for record in labeled.records:
            out.write(record.model_dump_json() + "\n")
    (work / "truth.json").write_text(json.dumps(labeled.truth), encoding="utf-8")


def cluster_input(work: Path) -> dict:
    """The timed step, as file mode runs it: Records streamed from the file into `cluster_records`."""
    settings = DedupeSettings()
    started = time.perf_counter()
    read = sum(1 for _ in read_records(work / "records.jsonl"))
    read_s = time.perf_counter() - started
    watcher = DescendantPeak()
    watcher.start()
    started = time.perf_counter()
    clustering = cluster_records(read_features(work / "records.jsonl", settings), settings)
    cluster_s = time.perf_counter() - started
    watcher.stop()
    (work / "clusters.json").write_text(json.dumps(clustering.clusters), encoding="utf-8")
    return {"records": read, "cluster_s": round(cluster_s, 1), "of_which_reading_s": round(read_s, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "worker_peak_rss_mb": round(watcher.peak_kb / 1024),
            "candidate_pairs": clustering.candidate_pairs, "accepted_pairs": clustering.accepted_pairs,
            "oversized_blocks": clustering.skipped_blocks}


def score_input(work: Path) -> dict:
    """Quality of the timed run against the truth, and blocking recall (blocks rebuilt, untimed)."""
    truth = json.loads((work / "truth.json").read_text(encoding="utf-8"))
    scores = report(labels_of(json.loads((work / "clusters.json").read_text(encoding="utf-8"))), truth)
    settings = DedupeSettings()
    ordered = sorted(read_records(work / "records.jsonl"), key=lambda record: record.id)
    features = [record_features(index, record, settings) for index, record in enumerate(ordered)]
    pairs, _ = candidate_pairs(build_blocks(features), features, settings.max_block_size)
    labels = [truth[record.id] for record in ordered]
    proposed_true = sum(1 for first, second in pairs if labels[first] == labels[second])
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(labels).values())
    return {"true_pairs": true_pairs, "blocking_recall": round(proposed_true / true_pairs, 4) if true_pairs else 1.0,
            "pairwise_precision": round(scores["pairwise_precision"], 4),
            "pairwise_f1": round(scores["pairwise_f1"], 4)}


def speed(size: int, seed: int) -> dict:
    """One size: generate, cluster (timed, peak RSS measured) and score, each in its own process."""
    with tempfile.TemporaryDirectory(prefix="unioncat-bench-dedupe-") as tmp:
        row: dict = {}
        for step in ("generate", "cluster", "score"):
            started = time.perf_counter()
            child = subprocess.run([sys.executable, __file__, "--step", step, "--size", str(size),
                                    "--seed", str(seed), "--work", tmp], capture_output=True, text=True)
            if child.returncode:
                raise SystemExit(f"bench: the {step} step failed:\n{child.stderr[-2000:]}")
            if step == "generate":
                row["generate_s"] = round(time.perf_counter() - started, 1)
            else:
                row.update(json.loads(child.stdout.strip().splitlines()[-1]))
        return row


def fixture_quality() -> str:
    """bench/dedupe_fixtures.py's report, when the demo catalog has been built."""
    result = subprocess.run([sys.executable, str(REPO / "bench" / "dedupe_fixtures.py")],
                            capture_output=True, text=True, cwd=REPO)
    if result.returncode != 0:
        return "demo catalog not built (run `unioncat demo --no-serve` first): " + result.stderr.strip()[-200:]
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--quality-records", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=3)
    # A speed run's child processes:
    parser.add_argument("--step", choices=("generate", "cluster", "score"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "generate":
        generate_input(args.size, args.seed, args.work)
        return
    if args.step:
        print(json.dumps((cluster_input if args.step == "cluster" else score_input)(args.work)))
        return
    results: dict = {"quality_labeled": quality(args.quality_records, args.seed)}
    print("labeled quality:", json.dumps({k: round(v, 4) for k, v in results["quality_labeled"].items()}), flush=True)
    print("fixture quality:\n" + fixture_quality(), flush=True)
    results["speed"] = []
    for size in (int(value) for value in args.sizes.split(",") if value):
        row = speed(size, args.seed)
        results["speed"].append(row)
        print("speed:", json.dumps(row), flush=True)
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "dedupe.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
