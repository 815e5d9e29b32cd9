"""Quality on the labeled data set, and the scores the benchmark reports."""

from __future__ import annotations

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from dedupe.evaluate import bcubed, labels_of, pairwise, report
from dedupe.labeled import generate


@pytest.fixture(scope="module")
def labeled():
    return generate(3000, seed=7)


def test_labeled_set_is_deterministic_for_a_seed():
    first, second = generate(300, seed=11), generate(300, seed=11)
    assert [r.to_json_line() for r in first.records] == [r.to_json_line() for r in second.records]
    assert first.truth == second.truth
    assert generate(300, seed=12).truth != first.truth


def test_labeled_set_has_the_hard_cases_it_promises(labeled):
    records = labeled.records
    assert sum(not r.isbn for r in records) > len(records) // 3
    assert sum(not r.authors for r in records) > len(records) // 10
    assert any(r.part or "Tập" in r.title or "T." in r.title for r in records)
    assert any(r.edition for r in records)
    assert len(set(labeled.truth.values())) < len(records) / 2  # most editions have several copies


def test_pairwise_f1_at_least_097_and_precision_at_least_099(labeled):
    clustering = cluster_records(labeled.records, DedupeSettings())
    scores = pairwise(labels_of(clustering.clusters), labeled.truth)
    assert scores.precision >= 0.99, scores
    assert scores.f1 >= 0.97, scores
    cube = bcubed(labels_of(clustering.clusters), labeled.truth)
    assert cube.precision >= 0.99 and cube.f1 >= 0.97, cube


def test_pairwise_and_bcubed_scores_on_a_hand_made_case():
    truth = {"a": "1", "b": "1", "c": "1", "d": "2"}
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y"}
    pair = pairwise(predicted, truth)
    assert (pair.precision, pair.recall) == (0.5, pytest.approx(1 / 3))
    cube = bcubed(predicted, truth)
    assert cube.precision == pytest.approx((1 + 1 + 0.5 + 0.5) / 4)
    assert cube.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    assert report(truth, truth)["pairwise_f1"] == 1.0


def test_scores_refuse_different_id_sets():
    with pytest.raises(ValueError, match="missing"):
        pairwise({"a": "1"}, {"a": "1", "b": "1"})
