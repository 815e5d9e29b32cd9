"""Score candidate pairs: each compared once, accepted matches kept, each record's nearest refusal noted.

A full run takes its pairs straight from the blocks (`BlockScan`); an incremental
run passes the pairs of its region.

One process scores them: worker processes only scan the blocks for pairs
(`BlockScan`), which needs a few integers per record.  Sharing the scoring itself
with a forked second process took 10-15% off a million records (185-196 s
against 209 s) but added 1.2 GB: CPython's reference counts copy every page of
features the child reads, and the run went from 3.3 GB to 4.5 GB, over the 4 GB
goal (issue 5).  Scoring in the scan's workers instead, each job sent with the
features of the records its pairs name (and the parent keeping each pair once with
set operations), gained nothing: a million records in 179.0 s against 179.6 s,
300,000 in 50.0 against 50.7 s, 50 MB more (stop 23).  While this process scores,
the scan workers already hold the other core; the features sent cost what the
parent saved.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.features import Features, is_serial
from dedupe.keys import authored_flags, block_groups, block_pairs, build_blocks, is_title_year_key, sort_ranks
from dedupe.match import Verdict, compare
from store.workers import default_workers, map_in_workers


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


# Block memberships per scan job: a million records make a few dozen jobs.
SCAN_JOB_MEMBERS = 200_000


@dataclass(frozen=True)
class GuardColumns:
    """What the scan reads of each record (index → value): its hard-guard facts and sort rank.

    A few integers per record: worker processes get them once, not the features.
    """

    kind: list[int]  # one number per (material, volume, numbers in the title)
    year: list[int | None]
    pages: list[int | None]
    edition: list[int | None]
    ranks: list[int]
    authored: bytes
    year_tolerance: int
    pages_tolerance: int
    skip: frozenset[tuple[int, int]]

    @classmethod
    def of(cls, all_features: list[Features], settings: DedupeSettings,
           skip: set[tuple[int, int]]) -> GuardColumns:
        classes: dict[tuple, int] = {}
        return cls(kind=[classes.setdefault((f.material, f.volume, f.title_numbers), len(classes))
                         for f in all_features],
                   # A serial's year is no guard against another record of it (match._one_serial).
                   year=[None if is_serial(f) else f.year for f in all_features],
                   pages=[f.pages for f in all_features],
                   edition=[f.edition for f in all_features], ranks=sort_ranks(all_features),
                   authored=authored_flags(all_features),
                   year_tolerance=settings.year_tolerance, pages_tolerance=settings.pages_tolerance,
                   skip=frozenset(skip))


# One scan job: (key, groups of members compared within it) in sorted key order.
ScanJob = list[tuple[str, list[list[int]]]]


@dataclass
class ScanResult:
    """What one scan job proposes: (key, its pairs flattened: first, second, first, second…), and
    each record's smallest guard-refused partner, flattened too (index, partner, index, partner…):
    arrays, compact to send and to hold while they wait to be read."""

    proposed: list[tuple[str, array]]
    guarded: array


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

    The scan itself (`scan_job`) runs in worker processes, a run of blocks at a time,
    while this process scores what they proposed: the scan loop was an eighth of a
    million-record run (py-spy), on one core while the other idled.  The workers read
    only `GuardColumns`; a run of one job (a small catalogue) starts no process.
    """

    def __init__(self, all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]]):
        self.all_features = all_features
        self.settings = settings
        self.skip = skip
        self.compared = 0
        self.oversized = 0
        self.guarded = [len(all_features)] * len(all_features)

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        all_features, size, guarded = self.all_features, len(self.all_features), self.guarded
        columns = GuardColumns.of(all_features, self.settings, self.skip)
        seen: set[int] = set()  # pairs proposed by two jobs are scored once, under the first (smaller) key
        # The records' own index objects, not new ints read from the arrays: accepted pairs and nearest
        # refusals keep them (at a million records, a new int per kept index was 240 MB).
        indices = [features.index for features in all_features]
        for _, found in map_in_workers(scan_job, self._jobs(), default_workers(), columns, ["dedupe.scoring"]):
            refused = iter(found.guarded)
            for index, partner in zip(refused, refused):
                if partner < guarded[index]:
                    guarded[index] = partner
            for key, flat in found.proposed:
                pairs = iter(flat)
                for first, second in zip(pairs, pairs):
                    code = first * size + second
                    if code in seen:
                        continue
                    seen.add(code)
                    yield indices[first], indices[second], key
        self.compared = len(seen)

    def _jobs(self) -> Iterator[ScanJob]:
        job: ScanJob = []
        members = 0
        blocks = build_blocks(self.all_features)
        for key, groups, oversized in block_groups(blocks, self.all_features, self.settings.max_block_size):
            self.oversized += oversized
            job.append((key, groups))
            members += sum(map(len, groups))
            if members >= SCAN_JOB_MEMBERS:
                yield job
                job, members = [], 0
        if job:
            yield job


def scan_job(job: ScanJob, columns: GuardColumns) -> ScanResult:
    """The pairs one run of blocks proposes that no hard guard rules out, each once (see `BlockScan`)."""
    kind, year, pages, edition, ranks = columns.kind, columns.year, columns.pages, columns.edition, columns.ranks
    authored = columns.authored
    tolerance, pages_tolerance, skip = columns.year_tolerance, columns.pages_tolerance, columns.skip
    size = len(kind)
    guarded: dict[int, int] = {}
    proposed: list[tuple[str, array]] = []
    seen: set[int] = set()
    scanned: set[tuple[bool | int, ...]] = set()
    for key, groups in job:
        flat = array("q")
        # A title + year group proposes fewer pairs than another key's group of the same members.
        fewer = is_title_year_key(key)
        for group in groups:
            members = (fewer, *group)
            if members in scanned:
                continue
            scanned.add(members)
            for first, second in block_pairs(key, group, ranks, authored):
                if skip and (first, second) in skip:
                    continue
                year_a, year_b = year[first], year[second]
                if kind[first] != kind[second] or (
                        year_a is not None and year_b is not None and abs(year_a - year_b) > tolerance) or (
                        (pages_a := pages[first]) is not None and (pages_b := pages[second]) is not None
                        and abs(pages_a - pages_b) > pages_tolerance) or (
                        (edition_a := edition[first]) is not None and (edition_b := edition[second]) is not None
                        and edition_a != edition_b):
                    if second < guarded.get(first, size):
                        guarded[first] = second
                    if first < guarded.get(second, size):
                        guarded[second] = first
                    continue
                code = first * size + second
                if code in seen:
                    continue
                seen.add(code)
                flat.append(first)
                flat.append(second)
        if flat:
            proposed.append((key, flat))
    return ScanResult(proposed, array("q", (number for item in guarded.items() for number in item)))



def score_blocks(all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]]) -> Scored:
    """Score every candidate pair the blocks propose, except those in `skip` (librarians' overrides)."""
    scan = BlockScan(all_features, settings, skip)
    scored = Scored()
    scored.score(scan, all_features, settings)
    scored.compared, scored.oversized, scored.guarded = scan.compared, scan.oversized, scan.guarded
    return scored
