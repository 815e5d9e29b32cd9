"""Scoring shared between two processes gives exactly what one process gives (dedupe/scoring.py)."""

from __future__ import annotations

import os

import pytest

from config import DedupeSettings
from dedupe import cluster_records
from dedupe import scoring
from dedupe.errors import DedupeError
from dedupe.labeled import generate
from dedupe.overrides import Overrides


def _run(records, overrides: Overrides = Overrides()):
    clustering = cluster_records(records, DedupeSettings(), overrides=overrides)
    return (clustering.clusters, clustering.explanations, clustering.aliases, clustering.components,
            clustering.candidate_pairs, clustering.accepted_pairs, clustering.skipped_blocks,
            clustering.refused_merges)


@pytest.fixture(scope="module")
def labeled():
    return generate(3000, seed=11)


def test_two_processes_give_the_clusters_explanations_and_counts_of_one(labeled, monkeypatch):
    alone = _run(labeled.records)
    monkeypatch.setattr(scoring, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(scoring.os, "cpu_count", lambda: 2)
    shared = _run(labeled.records)
    assert shared == alone
    clusters, explanations = shared[0], shared[1]
    assert any(len(members) > 1 for members in clusters.values())
    # Explanations of records left alone name their nearest candidate, which the child may have found.
    assert any("nearest candidate" in explanation.decision for explanation in explanations.values())


def test_overrides_apply_the_same_in_two_processes(labeled, monkeypatch):
    clusters = _run(labeled.records)[0]
    together = next(members for members in clusters.values() if len(members) > 1)
    alone_id = next(members[0] for members in clusters.values() if len(members) == 1)
    overrides = Overrides(same=(tuple(sorted((together[0], alone_id))),), different=((together[0], together[1]),))
    alone = _run(labeled.records, overrides)
    assert alone[0] != clusters
    monkeypatch.setattr(scoring, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(scoring.os, "cpu_count", lambda: 2)
    assert _run(labeled.records, overrides) == alone


def test_a_failure_in_the_child_is_a_dedupe_error_not_a_hang(labeled, monkeypatch):
    real = scoring._score_share

    def failing(all_features, settings, skip, ranks, share):
        if share == (1, 2):
            raise MemoryError("simulated")
        return real(all_features, settings, skip, ranks, share)

    monkeypatch.setattr(scoring, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(scoring.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(scoring, "_score_share", failing)
    with pytest.raises(DedupeError, match="MemoryError"):
        cluster_records(labeled.records[:500], DedupeSettings())


def test_a_child_killed_without_a_word_is_a_dedupe_error_with_its_exit_code(labeled, monkeypatch):
    real = scoring._score_share

    def killed(all_features, settings, skip, ranks, share):
        if share == (1, 2):
            os._exit(137)
        return real(all_features, settings, skip, ranks, share)

    monkeypatch.setattr(scoring, "PARALLEL_MIN_RECORDS", 0)
    monkeypatch.setattr(scoring.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(scoring, "_score_share", killed)
    with pytest.raises(DedupeError, match="exit code 137"):
        cluster_records(labeled.records[:500], DedupeSettings())
