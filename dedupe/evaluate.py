"""Score a clustering against a ground truth: pairwise and B-cubed precision/recall/F1.

Pairwise scores count record pairs placed together; B-cubed averages per record,
so one giant wrong cluster cannot hide behind many right singletons.  Both take
`record id → label` maps (cluster id on one side, edition id on the other).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def labels_of(clusters: Mapping[str, list[str]]) -> dict[str, str]:
    """Cluster id → members, turned into record id → cluster id."""
    return {rid: cid for cid, members in clusters.items() for rid in members}


def _check_same_ids(predicted: Mapping[str, str], truth: Mapping[str, str]) -> None:
    if predicted.keys() != truth.keys():
        missing = sorted(truth.keys() - predicted.keys())[:5]
        extra = sorted(predicted.keys() - truth.keys())[:5]
        raise ValueError(f"predicted and true ids differ: missing {missing}, unexpected {extra}")


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def pairwise(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Precision and recall over record pairs (1.0 when there are no pairs to get wrong)."""
    _check_same_ids(predicted, truth)
    both = Counter((predicted[rid], truth[rid]) for rid in truth)
    together = sum(_pairs(n) for n in both.values())
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted.values()).values())
    true_pairs = sum(_pairs(n) for n in Counter(truth.values()).values())
    return Scores(together / predicted_pairs if predicted_pairs else 1.0,
                  together / true_pairs if true_pairs else 1.0)


def bcubed(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """B-cubed precision and recall, averaged over records."""
    _check_same_ids(predicted, truth)
    if not truth:
        return Scores(1.0, 1.0)
    both = Counter((predicted[rid], truth[rid]) for rid in truth)
    predicted_size = Counter(predicted.values())
    true_size = Counter(truth.values())
    precision = recall = 0.0
    for rid in truth:
        overlap = both[(predicted[rid], truth[rid])]
        precision += overlap / predicted_size[predicted[rid]]
        recall += overlap / true_size[truth[rid]]
    return Scores(precision / len(truth), recall / len(truth))


def report(predicted: Mapping[str, str], truth: Mapping[str, str]) -> dict[str, float]:
    """All scores in one flat dict, for the benchmark's JSON output."""
    pair, cube = pairwise(predicted, truth), bcubed(predicted, truth)
    return {
        "pairwise_precision": pair.precision, "pairwise_recall": pair.recall, "pairwise_f1": pair.f1,
        "bcubed_precision": cube.precision, "bcubed_recall": cube.recall, "bcubed_f1": cube.f1,
    }
