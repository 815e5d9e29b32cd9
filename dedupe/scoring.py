"""Score candidate pairs: each compared once, accepted matches kept, each record's nearest refusal noted.

A full run takes its pairs straight from the blocks (`BlockScan`); an incremental
run passes the pairs of its region.

One process does it.  Sharing the pairs with a forked second process took 10-15%
off a million records (185-196 s against 209 s) but added 1.2 GB: CPython's
reference counts copy every page of features the child reads, and the run went
from 3.3 GB to 4.5 GB, over the 4 GB goal (issue 5).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.features import Features
from dedupe.keys import block_groups, build_blocks, pairs_of, sort_ranks
from dedupe.match import Verdict, compare


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
    that a hard guard (material, volume, numbers in the title, year, pages, edition)
    rules out is not scored or kept: `compare` would only say "conflict, score 0".
    Only the smallest such partner of each record is kept (`guarded`), so a record
    left alone can still name it.  At 300,000 records this skips about two thirds of
    the pairs and the dictionary of every pair.  A group with the very members of one
    scanned before (copies sharing their title, author and year share every key
    built from them) proposes the same pairs again, so it is passed over.
    """

    def __init__(self, all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]],
                 ranks: list[int]):
        self.all_features = all_features
        self.ranks = ranks
        self.settings = settings
        self.skip = skip
        self.compared = 0
        self.oversized = 0
        self.guarded = [len(all_features)] * len(all_features)

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        all_features, size, guarded, ranks = self.all_features, len(self.all_features), self.guarded, self.ranks
        classes: dict[tuple, int] = {}
        kind = [classes.setdefault((f.material, f.volume, f.title_numbers), len(classes)) for f in all_features]
        year = [f.year for f in all_features]
        pages = [f.pages for f in all_features]
        edition = [f.edition for f in all_features]
        tolerance, pages_tolerance = self.settings.year_tolerance, self.settings.pages_tolerance
        skip = self.skip
        seen: set[int] = set()
        scanned: set[tuple[int, ...]] = set()
        blocks = build_blocks(all_features)
        for key, groups, oversized in block_groups(blocks, all_features, self.settings.max_block_size):
            self.oversized += oversized
            for group in groups:
                members = tuple(group)
                if members in scanned:
                    continue
                scanned.add(members)
                for first, second in pairs_of(group, ranks):
                    if skip and (first, second) in skip:
                        continue
                    year_a, year_b = year[first], year[second]
                    if kind[first] != kind[second] or (
                            year_a is not None and year_b is not None and abs(year_a - year_b) > tolerance) or (
                            (pages_a := pages[first]) is not None and (pages_b := pages[second]) is not None
                            and abs(pages_a - pages_b) > pages_tolerance) or (
                            (edition_a := edition[first]) is not None and (edition_b := edition[second]) is not None
                            and edition_a != edition_b):
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
    scan = BlockScan(all_features, settings, skip, sort_ranks(all_features))
    scored = Scored()
    scored.score(scan, all_features, settings)
    scored.compared, scored.oversized, scored.guarded = scan.compared, scan.oversized, scan.guarded
    return scored
