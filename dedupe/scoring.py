"""Score candidate pairs: each compared once, accepted matches kept, each record's nearest refusal noted.

A full run takes its pairs from the blocks (`BlockScan`); an incremental run
passes the pairs of its region.  Either way `score_pairs` sends them to worker
processes in jobs of `COMPARE_JOB_PAIRS`, each with the features of the records
its pairs name, and keeps what comes back: the accepted pairs with their verdicts,
and each record's nearest refusal.  Scoring in the parent alone was two fifths of
a million-record run on one core while the other idled.  The workers get the
features of each job's records, not all features: a forked worker that read the
parent's features copied every page of them (CPython's reference counts), 1.2 GB
at a million records, over the 4 GB goal (issue 5).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.features import Features, feature_values
from dedupe.keys import authored_flags, block_groups, block_pairs, build_blocks, is_title_year_key, sort_ranks
from dedupe.match import Verdict, compare
from store.workers import default_workers, map_in_workers

# What a worker imports before its first job.
_PRELOAD = ["dedupe.scoring"]


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


def note_nearest(nearest: dict[int, tuple[float, Features]], index: int, other: Features, score: float) -> None:
    """Keep the best-scoring refused candidate (ties: smaller id), whatever order pairs come in."""
    known = nearest.get(index)
    if known is None or score > known[0] or (score == known[0] and other.id < known[1].id):
        nearest[index] = (score, other)


# Pairs a compare job scores: a million records make a few dozen jobs.
COMPARE_JOB_PAIRS = 150_000
# A pair travels as one number, first * len(features) + second (`BlockScan`, `score_pairs`).
Chunk = tuple[str, array]  # (key, codes of the pairs it found first)


@dataclass
class CompareJob:
    """Pairs to score, by the key that found them, and the features of every record they name."""

    size: int  # len(all features): decodes a pair's number
    chunks: list[Chunk]
    rows: list[tuple]  # `Features` field values, in slot order


@dataclass
class CompareResult:
    """A job's accepted pairs (number, key, verdict) and each record's nearest refusal: index → (score, other)."""

    accepted: list[tuple[int, str, Verdict]]
    nearest: dict[int, tuple[float, int]]


def score_pairs(chunks: Iterable[Chunk], all_features: list[Features], settings: DedupeSettings) -> Scored:
    """Compare every pair of `chunks` (each pair once) in worker processes; keep what `Scored` holds."""
    scored = Scored()
    verdicts, found_by, best = scored.verdicts, scored.found_by, {}
    size = len(all_features)
    # The records' own index objects, not new ints decoded from pair numbers: accepted pairs keep
    # them (at a million records, a new int per kept index was 240 MB).
    indices = [features.index for features in all_features]
    for job, result in map_in_workers(compare_job, _compare_jobs(chunks, all_features), default_workers(),
                                      settings, _PRELOAD):
        scored.compared += sum(len(codes) for _, codes in job.chunks)
        for code, key, verdict in result.accepted:
            first, second = divmod(code, size)
            pair = (indices[first], indices[second])
            verdicts[pair] = verdict
            found_by[pair] = key
        for index, (score, other) in result.nearest.items():
            known = best.get(index)
            if known is None or score > known[0] or (
                    score == known[0] and all_features[other].id < all_features[known[1]].id):
                best[index] = (score, other)
    scored.nearest = {index: (score, all_features[other]) for index, (score, other) in best.items()}
    return scored


def _compare_jobs(chunks: Iterable[Chunk], all_features: list[Features]) -> Iterator[CompareJob]:
    size = len(all_features)
    job: list[Chunk] = []
    pairs = 0
    for chunk in chunks:
        job.append(chunk)
        pairs += len(chunk[1])
        if pairs >= COMPARE_JOB_PAIRS:
            yield _compare_job(job, all_features, size)
            job, pairs = [], 0
    if job:
        yield _compare_job(job, all_features, size)


def _compare_job(chunks: list[Chunk], all_features: list[Features], size: int) -> CompareJob:
    named: set[int] = set()
    first_of, second_of = size.__rfloordiv__, size.__rmod__  # code → first, code → second, looped in C
    for _, codes in chunks:
        named.update(map(first_of, codes))
        named.update(map(second_of, codes))
    return CompareJob(size, chunks, [feature_values(all_features[index]) for index in named])


def compare_job(job: CompareJob, settings: DedupeSettings) -> CompareResult:
    """Score one job's pairs: the accepted ones, and for each record its best-scoring refusal (ties: smaller id)."""
    features = {row[0]: Features(*row) for row in job.rows}  # slot 0 is `index`
    size = job.size
    accepted: list[tuple[int, str, Verdict]] = []
    nearest: dict[int, tuple[float, int]] = {}
    for key, codes in job.chunks:
        for code in codes:
            first, second = divmod(code, size)
            one, other = features[first], features[second]
            verdict = compare(one, other, settings)
            if verdict.accept:
                accepted.append((code, key, verdict))
                continue
            score = verdict.score
            for index, partner in ((first, other), (second, one)):
                known = nearest.get(index)
                if known is None or score > known[0] or (score == known[0] and partner.id < features[known[1]].id):
                    nearest[index] = (score, partner.index)
    return CompareResult(accepted, nearest)


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
                   year=[f.year for f in all_features], pages=[f.pages for f in all_features],
                   edition=[f.edition for f in all_features], ranks=sort_ranks(all_features),
                   authored=authored_flags(all_features),
                   year_tolerance=settings.year_tolerance, pages_tolerance=settings.pages_tolerance,
                   skip=frozenset(skip))


# One scan job: (key, groups of members compared within it) in sorted key order.
ScanJob = list[tuple[str, list[list[int]]]]


@dataclass
class ScanResult:
    """What one scan job proposes: its keys, how many pairs each found, their pair numbers (first *
    len(features) + second) one key after another, and each record's smallest guard-refused partner,
    flattened (index, partner, index, partner…): arrays, compact to send and to hold."""

    keys: list[str]
    counts: array
    codes: array
    guarded: array


class BlockScan:
    """Candidate pairs straight from the blocks, each once, in sorted key order (its first key is its smallest).

    A pair that a hard guard (material, volume, numbers in the title, year, pages,
    edition) rules out is not scored or kept: `compare` would only say "conflict,
    score 0".  Only the smallest such partner of each record is kept (`guarded`), so a
    record left alone can still name it.  At 300,000 records this skips about two
    thirds of the pairs.  A group with the very members of one scanned before
    (copies sharing their title, author and year share every key built from them)
    proposes the same pairs again, so it is passed over.

    The scan itself (`scan_job`) runs in worker processes, a run of blocks at a time;
    this process keeps, of each job's pairs, those no earlier job proposed (about half
    of them: a pair shares its title key, its title + year key and its author key).
    The workers read only `GuardColumns`; a run of one job (a small catalogue) starts
    no process.
    """

    def __init__(self, all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]]):
        self.all_features = all_features
        self.settings = settings
        self.skip = skip
        self.oversized = 0
        self.guarded = [len(all_features)] * len(all_features)

    def unique_pairs(self) -> list[Chunk]:
        """(key, numbers of the pairs it found first) in sorted key order, each pair once."""
        guarded = self.guarded
        columns = GuardColumns.of(self.all_features, self.settings, self.skip)
        seen: set[int] = set()
        chunks: list[Chunk] = []
        for _, found in map_in_workers(scan_job, self._jobs(), default_workers(), columns, _PRELOAD):
            refused = iter(found.guarded)
            for index, partner in zip(refused, refused):
                if partner < guarded[index]:
                    guarded[index] = partner
            # Set operations in C: a Python loop over every pair was a quarter of a million-record run.
            repeated = seen.intersection(found.codes)
            seen.update(found.codes)
            start = 0
            for key, count in zip(found.keys, found.counts):
                codes = found.codes[start:start + count]
                start += count
                if repeated and not repeated.isdisjoint(codes):
                    codes = array("q", [code for code in codes if code not in repeated])
                if codes:
                    chunks.append((key, codes))
        return chunks

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
    keys: list[str] = []
    counts = array("q")
    codes = array("q")
    seen: set[int] = set()
    scanned: set[tuple[bool | int, ...]] = set()
    for key, groups in job:
        found = len(codes)
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
                codes.append(code)
        if len(codes) > found:
            keys.append(key)
            counts.append(len(codes) - found)
    return ScanResult(keys, counts, codes, array("q", (number for item in guarded.items() for number in item)))


def score_blocks(all_features: list[Features], settings: DedupeSettings, skip: set[tuple[int, int]]) -> Scored:
    """Score every candidate pair the blocks propose, except those in `skip` (librarians' overrides)."""
    scan = BlockScan(all_features, settings, skip)
    scored = score_pairs(scan.unique_pairs(), all_features, settings)
    scored.oversized, scored.guarded = scan.oversized, scan.guarded
    return scored
