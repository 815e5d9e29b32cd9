"""Score candidate pairs: each compared once, accepted matches kept, each record's nearest refusal noted.

A full run takes its pairs straight from the blocks (`BlockScan`).  On a large
input the scan and the comparisons, two thirds of a million-record run, are
shared between two processes: a forked child takes the pairs whose smaller
index is odd, this process the even ones.  A pair lives in one share only, so it
is scored once, and each share meets the blocks in sorted key order, so a pair
still keeps its smallest key.  The shares' results merge into exactly what one
process finds (tests/test_dedupe_parallel.py checks it).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.errors import DedupeError
from dedupe.features import Features
from dedupe.keys import block_groups, build_blocks, pairs_of, sort_ranks
from dedupe.match import Verdict, compare

# Inputs this large share the scan with a second process when there is a second core:
# below it the fork and the transfer of results cost more than they save.
PARALLEL_MIN_RECORDS = 50_000


@dataclass
class Scored:
    """What scoring the candidate pairs found."""

    verdicts: dict[tuple[int, int], Verdict] = field(default_factory=dict)  # accepted pairs only
    found_by: dict[tuple[int, int], str] = field(default_factory=dict)  # accepted pair → its key
    # Index → (score, other record) of its best refusal; the reason is derived again only
    # for records left alone (keeping a million reason strings cost more than deriving a few).
    nearest: dict[int, tuple[float, Features]] = field(default_factory=dict)
    compared: int = 0
    oversized: int = 0
    # Index → the smallest partner a hard guard ruled out unscored (len(features) = none).
    guarded: list[int] = field(default_factory=list)

    def score(self, pairs: Iterable[tuple[int, int, str]], all_features: list[Features],
              settings: DedupeSettings) -> None:
        """Compare each (first, second, key); keep the accepted, note each side's nearest refusal."""
        verdicts, found_by, nearest = self.verdicts, self.found_by, self.nearest
        for first, second, key in pairs:
            verdict = compare(all_features[first], all_features[second], settings)
            if not verdict.accept:
                # note_nearest inlined for the common case: a million records give millions of refusals.
                score = verdict.score
                known = nearest.get(first)
                if known is None or score >= known[0]:
                    note_nearest(nearest, first, all_features[second], score)
                known = nearest.get(second)
                if known is None or score >= known[0]:
                    note_nearest(nearest, second, all_features[first], score)
                continue
            # Only accepted verdicts are kept (for explanations); conflicts are re-derived
            # per profile, so a million records do not hold ten million verdicts.  Both
            # dictionaries share one key tuple: 1.6 million accepted pairs at a million records.
            pair = (first, second)
            verdicts[pair] = verdict
            found_by[pair] = key


def note_nearest(nearest: dict[int, tuple[float, Features]], index: int, other: Features, score: float) -> None:
    """Keep the best-scoring refused candidate (ties: smaller id), whatever order pairs come in."""
    known = nearest.get(index)
    if known is None or score > known[0] or (score == known[0] and other.id < known[1].id):
        nearest[index] = (score, other)


class BlockScan:
    """Candidate pairs straight from the blocks, each once, in sorted key order (its first key is its smallest).

    Iterating gives (first, second, key) for the pairs `compare` must score.  A pair
    that a hard guard (material, volume, numbers in the title, year) rules out is
    not scored or kept: `compare` would only say "conflict, score 0".  Only the
    smallest such partner of each record is kept (`guarded`), so a record left
    alone can still name it.  At 300,000 records this skips about half the pairs
    and the dictionary of every pair.  `share` (w, n) yields only the pairs whose
    smaller index is w modulo n.
    """

    def __init__(self, all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]],
                 ranks: list[int], share: tuple[int, int] = (0, 1)):
        self.all_features = all_features
        self.ranks = ranks
        self.settings = settings
        self.skip = skip
        self.share = share
        self.compared = 0
        self.oversized = 0
        self.guarded = [len(all_features)] * len(all_features)

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        all_features, size, guarded, share = self.all_features, len(self.all_features), self.guarded, self.share
        ranks = self.ranks
        classes: dict[tuple, int] = {}
        kind = [classes.setdefault((f.material, f.volume, f.title_numbers), len(classes)) for f in all_features]
        year = [f.year for f in all_features]
        tolerance = self.settings.year_tolerance
        skip = self.skip
        seen: set[int] = set()
        blocks = build_blocks(all_features)
        for key, groups, oversized in block_groups(blocks, all_features, self.settings.max_block_size):
            self.oversized += oversized
            for group in groups:
                for first, second in pairs_of(group, ranks, share):
                    if skip and (first, second) in skip:
                        continue
                    year_a, year_b = year[first], year[second]
                    if kind[first] != kind[second] or (
                            year_a is not None and year_b is not None and abs(year_a - year_b) > tolerance):
                        if second < guarded[first]:
                            guarded[first] = second
                        if first < guarded[second]:
                            guarded[second] = first
                        continue
                    code = first * size + second
                    if code in seen:
                        continue
                    seen.add(code)
                    yield first, second, key
        self.compared = len(seen)


def score_blocks(all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]]) -> Scored:
    """Score every candidate pair the blocks propose, except those in `skip` (librarians' overrides)."""
    ranks = sort_ranks(all_features)
    if len(all_features) >= PARALLEL_MIN_RECORDS and (os.cpu_count() or 1) > 1:
        return _score_in_two(all_features, settings, skip, ranks)
    return _score_share(all_features, settings, skip, ranks, (0, 1))


def _score_share(all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]],
                 ranks: list[int], share: tuple[int, int]) -> Scored:
    scan = BlockScan(all_features, settings, skip, ranks, share)
    scored = Scored()
    scored.score(scan, all_features, settings)
    scored.compared, scored.oversized, scored.guarded = scan.compared, scan.oversized, scan.guarded
    return scored


def _score_in_two(all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]],
                  ranks: list[int]) -> Scored:
    """The odd share in a forked child, the even one here; then one merged result."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, all_features, settings, skip, ranks), daemon=True)
    child.start()
    sender.close()
    try:
        mine = _score_share(all_features, settings, skip, ranks, (0, 2))
        try:
            status, payload = receiver.recv()
        except EOFError:
            child.join()
            status, payload = "error", (f"the process scoring the other half ended without a result (exit code "
                                        f"{child.exitcode}; a negative code is the signal that killed it, "
                                        "-9 often the kernel out of memory)")
    except BaseException:
        child.terminate()  # interrupted here: do not wait for the child's half
        raise
    finally:
        receiver.close()
        child.join()
    if status == "error":
        raise DedupeError(f"dedupe could not score candidate pairs: {payload}")
    return _merged(mine, pickle.loads(payload), all_features)


def _child(sender, all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]],
           ranks: list[int]) -> None:
    try:
        scored = _score_share(all_features, settings, skip, ranks, (1, 2))
        # Features are sent back by index: the parent has them, and copies would double its memory.
        nearest = {index: (score, other.index) for index, (score, other) in scored.nearest.items()}
        payload = pickle.dumps((scored.verdicts, scored.found_by, nearest, scored.compared, scored.guarded),
                               protocol=pickle.HIGHEST_PROTOCOL)
        sender.send(("ok", payload))
    except BaseException:  # the parent reports it; a child must not unwind into the parent's code
        sender.send(("error", traceback.format_exc(limit=3)))
    finally:
        sender.close()


def _merged(mine: Scored, theirs: tuple, all_features: list[Features]) -> Scored:
    verdicts, found_by, nearest, compared, guarded = theirs
    mine.verdicts.update(verdicts)
    mine.found_by.update(found_by)
    for index, (score, other) in nearest.items():
        note_nearest(mine.nearest, index, all_features[other], score)
    mine.compared += compared  # the shares' pairs are disjoint; both met every oversized block
    mine.guarded = [min(a, b) for a, b in zip(mine.guarded, guarded)]
    return mine
