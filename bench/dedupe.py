"""Dedupe benchmark: quality on labeled data and the demo fixtures, speed at province scale.

    python bench/dedupe.py [--sizes 100000,300000,1000000] [--quality-records 20000]

Quality: pairwise and B-cubed precision/recall/F1 on `dedupe.labeled` (seeded,
truth known) and, when the demo catalog exists (`unioncat demo --no-serve`), on
the fixtures' truth (bench/dedupe_fixtures.py).  Speed: each size runs in its
own process (so peak RSS is its own; it includes the generated input records),
timing `cluster_records` alone, and reports candidate pairs (those scored: pairs a
hard guard rules out are skipped, see `cluster._BlockScan`) and blocking recall
(share of true pairs that blocking proposes directly).  Goal: F1 >= 0.97 with
precision >= 0.99; 1,000,000 records in <= 2 minutes and <= 4 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
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


def quality(n_records: int, seed: int) -> dict:
    labeled = generate(n_records, seed=seed)
    clustering = cluster_records(labeled.records, DedupeSettings())
    return {"records": len(labeled.records), **report(labels_of(clustering.clusters), labeled.truth)}


def speed(n_records: int, seed: int) -> dict:
    """One size, in this process: generation, clustering time, pairs, blocking recall, peak RSS."""
    started = time.perf_counter()
    labeled = generate(n_records, seed=seed)
    generated_s = time.perf_counter() - started
    settings = DedupeSettings()
    started = time.perf_counter()
    clustering = cluster_records(labeled.records, settings)
    cluster_s = time.perf_counter() - started
    scores = report(labels_of(clustering.clusters), labeled.truth)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Blocking recall, measured apart from the timed run (it rebuilds the blocks).
    ordered = sorted(labeled.records, key=lambda record: record.id)
    features = [record_features(index, record, settings) for index, record in enumerate(ordered)]
    pairs, _ = candidate_pairs(build_blocks(features), features, settings.max_block_size)
    truth = [labeled.truth[record.id] for record in ordered]
    proposed_true = sum(1 for first, second in pairs if truth[first] == truth[second])
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth).values())
    return {
        "records": len(labeled.records), "generate_s": round(generated_s, 1), "cluster_s": round(cluster_s, 1),
        "peak_rss_mb": round(peak_mb), "candidate_pairs": clustering.candidate_pairs,
        "accepted_pairs": clustering.accepted_pairs, "oversized_blocks": clustering.skipped_blocks,
        "true_pairs": true_pairs, "blocking_recall": round(proposed_true / true_pairs, 4) if true_pairs else 1.0,
        "pairwise_precision": round(scores["pairwise_precision"], 4), "pairwise_f1": round(scores["pairwise_f1"], 4),
    }


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
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)  # the child process of a speed run
    args = parser.parse_args()
    if args.one_size:
        print(json.dumps(speed(args.one_size, args.seed)))
        return
    results: dict = {"quality_labeled": quality(args.quality_records, args.seed)}
    print("labeled quality:", json.dumps({k: round(v, 4) for k, v in results["quality_labeled"].items()}), flush=True)
    print("fixture quality:\n" + fixture_quality(), flush=True)
    results["speed"] = []
    for size in (int(value) for value in args.sizes.split(",") if value):
        child = subprocess.run([sys.executable, __file__, "--one-size", str(size), "--seed", str(args.seed)],
                               capture_output=True, text=True, check=True)
        row = json.loads(child.stdout.strip().splitlines()[-1])
        results["speed"].append(row)
        print("speed:", json.dumps(row), flush=True)
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "dedupe.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
