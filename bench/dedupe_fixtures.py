"""Dedupe quality on the demo fixtures' ground truth (fixtures/data/truth.jsonl).

    python bench/dedupe_fixtures.py [--config PATH]

Run after `unioncat demo --no-serve` (or `update`): compares the store's
clusters with the editions the fixture generator wrote down, and prints
pairwise and B-cubed precision, recall and F1 plus the misses and wrong merges.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

# This script's folder is sys.path[0], where bench/dedupe.py would shadow the dedupe package; the
# checkout it lives in comes first, or an editable install's checkout (and its catalog) would be read.
REPO = Path(__file__).resolve().parent.parent
sys.path[:] = [str(REPO)] + [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]

from config import load_settings
from config.settings import DEMO_CONFIG_PATH, REPO_ROOT
from dedupe.evaluate import report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", type=Path, default=DEMO_CONFIG_PATH)
    args = parser.parse_args()
    settings = load_settings(args.config)
    truth: dict[str, str] = {}
    for line in (REPO_ROOT / "fixtures" / "data" / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        truth[f"{item['library']}:{item['local_id']}"] = item["edition"]
    predicted: dict[str, str] = {}
    with sqlite3.connect(settings.db_path) as conn:
        for record_id, cluster_id in conn.execute("SELECT record_id, cluster_id FROM cluster_members"):
            library, _, local_id = record_id.partition(":")
            # OAI identifiers are oai:{repository}:{001}; the truth file speaks of 001.
            predicted[f"{library}:{local_id.rsplit(':', 1)[-1]}"] = cluster_id
    truth = {key: edition for key, edition in truth.items() if key in predicted}
    scores = report(predicted, truth)
    print(f"records {len(predicted)}, editions {len(set(truth.values()))}, clusters {len(set(predicted.values()))}")
    for name, value in scores.items():
        print(f"{name:<20} {value:.4f}")
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for key, cluster in predicted.items():
        by_cluster[cluster].append(key)
    wrong = [keys for keys in by_cluster.values() if len({truth[k] for k in keys}) > 1]
    by_edition: dict[str, list[str]] = defaultdict(list)
    for key, edition in truth.items():
        by_edition[edition].append(key)
    split = [keys for keys in by_edition.values() if len({predicted[k] for k in keys}) > 1]
    print(f"wrong merges (clusters mixing editions): {len(wrong)}; editions split over clusters: {len(split)}")


if __name__ == "__main__":
    main()
