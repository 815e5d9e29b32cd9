"""Blocking: which records are compared at all.

Only records that share a key are compared, so a million records cost a few
million comparisons instead of 10^12.  Keys follow RecordManager (ISBN-13, other
ids, title key + first author word) and add what Vietnamese school data needs:
title + year and title + publisher for records without ISBN or author, the title
alone for records missing author or year, and keys
on each half of the title (the first half with author and year both) and on its
consonants, so one typo cannot hide a record from all its keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations

from dedupe.features import Features
from dedupe.overrides import OVERRIDE_KEY
from dedupe.spelling import spelled_in
from store.models import Record

# Groups up to this size (a block, or the same-title records of a block over max_block_size)
# compare all pairs; larger ones compare each record with this many neighbours in a sort
# by title, volume, year, edition and pages (sorted neighbourhood).  Copies of one edition sort together, and clustering joins them
# transitively, so 300 schools holding one textbook cost 300 x 12 pairs, not 45,000.
ALL_PAIRS_MAX = 12


def blocking_keys(features: Features) -> list[str]:
    """Every key of one record; a key's prefix names its kind in `found_by`."""
    keys = [f"isbn:{isbn}" for isbn in sorted(features.isbns)]
    keys += [f"issn:{issn}" for issn in sorted(features.issns)]
    keys += [f"id:{value}" for value in sorted(features.other_ids)]
    qualifiers = [f"a={word}" for word in features.author_key_words]
    if features.year is not None:
        qualifiers.append(f"y={features.year}")
    keys += [f"title:{features.key_title}|{qualifier}" for qualifier in qualifiers]
    if features.key_title and (not features.authors or features.year is None):
        # Author or year missing (school copies): the title alone too, so a bare copy meets the copies of its title
        # that name an author only in 245 $c or give no year, and an explanation names the nearest and why it
        # was refused, not only "no matching record".
        keys.append(f"title:{features.key_title}")
    if features.publisher and (not features.authors or features.year is None):
        # Title + publisher only where author or year is missing: elsewhere it adds
        # big blocks ("toan 5|p=giao") and no matches the other keys miss.
        keys.append(f"title:{features.key_title}|p={features.publisher.split()[0]}")
    head = features.key_title_head
    if head and head != features.key_title and features.year is not None:
        # The first half of a title is what many titles share ("giao trinh kinh", "lich su"): qualified
        # by an author word or by the year, its blocks gave two fifths of the pairs scanned (300,000
        # labeled records: 4.6 of 11.1 million) for 0.24% of the true pairs, those no other key proposed.
        # Qualified by both, the run scans 7.1 million pairs, and blocking recall is 0.9760, not 0.9763.
        keys += [f"part:{head}|a={word}|y={features.year}" for word in features.author_key_words]
    for variant in dict.fromkeys((features.key_title_tail, features.key_skeleton)):
        if variant and variant != features.key_title:
            keys += [f"part:{variant}|{qualifier}" for qualifier in qualifiers]
    return keys


# How a librarian reads each kind of key and qualifier (`key_text`); "part:" is part of a title, not a volume.
_KEY_KINDS = {"isbn": "ISBN {}", "issn": "ISSN {}", "id": "identifier {}", "title": "title '{}'",
              "part": "shortened title '{}'"}
_QUALIFIERS = {"a": "author word '{}'", "y": "year {}", "p": "publisher word '{}'"}


def key_text(key: str, record: Record | None = None) -> str:
    """A blocking key (`found_by`) as a librarian reads it: "part:tn 1|y=2020" → "shortened title 'tn 1', year 2020".

    Given the `record` that carries it, its words are printed as the record spells them ("title 'Truyện
    Kiều', author word 'Nguyễn'", "title spelled with the same consonants as 'Truyện Kiều' (…)"), not folded.
    `found_by` keeps the key itself (GET /api/records/{id}/why); only what is printed for people reads this way.
    """
    if key == OVERRIDE_KEY:
        return "a librarian's [[same]] entry (overrides file)"
    kind, _, rest = key.partition(":")
    if kind not in _KEY_KINDS or not rest:
        return key
    value, *qualifiers = rest.split("|")
    parts = [_KEY_KINDS[kind].format(value) if record is None or kind not in ("title", "part")
             else _title_key_text(kind, value, record)]
    for qualifier in qualifiers:
        name, _, word = qualifier.partition("=")
        if record is not None and name in _SPELLED_IN:
            word = spelled_in(word, *_SPELLED_IN[name](record)) or word
        parts.append(_QUALIFIERS[name].format(word) if name in _QUALIFIERS and word else qualifier)
    return ", ".join(parts)


# Where a record spells a qualifier's folded word: an author word in its authors, a publisher word in its publisher.
_SPELLED_IN = {"a": lambda record: record.authors, "p": lambda record: (record.publisher,)}
_VOWELS = frozenset("aeiouy")


def _title_key_text(kind: str, value: str, record: Record) -> str:
    """A title key's value as `record` spells it: its title, some of its words, or its consonants."""
    if kind == "title":
        return f"title {record.title!r}"
    if _VOWELS.isdisjoint(value):  # features.skeleton: no vowel left
        return (f"title spelled with the same consonants as {record.title!r} "
                "(catches a typo in a vowel or a doubled letter)")
    words = spelled_in(value, record.title, record.subtitle)
    return f"the words {words!r} of the title" if words else f"part of the title {record.title!r}"


def build_blocks(all_features: Iterable[Features]) -> dict[str, list[int]]:
    """Key → indices of the records that carry it (in index order), for keys two records or more share.

    Most keys belong to one record and propose no pair; dropping them before the
    pairs are scanned takes about a third off a million-record run's peak memory.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for features in all_features:
        for key in blocking_keys(features):
            blocks[key].append(features.index)
    return {key: members for key, members in blocks.items() if len(members) > 1}


def candidate_pairs(
    blocks: dict[str, list[int]], all_features: list[Features], max_block_size: int
) -> tuple[dict[tuple[int, int], str], int]:
    """(pair → smallest key that proposed it, number of blocks over `max_block_size`).

    A block over `max_block_size` ("giao trinh|y=2019": a title key cut at 35
    characters) says little as a whole: only records with the same full title are
    compared within it.  1,200 schools' copies of one textbook share a full title;
    they are still compared, each with its sorted neighbours.
    """
    pairs: dict[tuple[int, int], str] = {}
    oversized = 0
    ranks = sort_ranks(all_features)
    authored = authored_flags(all_features)
    for key, groups, split in block_groups(blocks, all_features, max_block_size):
        oversized += split
        for group in groups:
            for pair in block_pairs(key, group, ranks, authored):
                # The smallest key names the pair, so `found_by` never depends on the order
                # blocks were built in (an incremental run builds fewer of them).
                known = pairs.get(pair)
                if known is None or key < known:
                    pairs[pair] = key
    return pairs, oversized


def block_groups(blocks: dict[str, list[int]], all_features: list[Features],
                 max_block_size: int) -> Iterator[tuple[str, list[list[int]], bool]]:
    """(key, groups compared within it, whether it was over `max_block_size`), keys in sorted order.

    Sorted keys let a caller that meets a pair first keep that key: the smallest.
    `blocks` is consumed: each block (and its key) is let go once yielded, so the
    memory of the blocks shrinks while the caller's record of pairs seen grows.
    """
    keys = sorted((key for key, members in blocks.items() if len(members) > 1), reverse=True)
    while keys:
        key = keys.pop()
        members = blocks.pop(key)
        if len(members) > max_block_size:
            yield key, _by_full_title(members, all_features), True
        else:
            yield key, [members], False


def _by_full_title(members: list[int], all_features: list[Features]) -> list[list[int]]:
    by_title: dict[str, list[int]] = defaultdict(list)
    for index in members:
        by_title[all_features[index].full].append(index)
    return [group for group in by_title.values() if len(group) > 1]


def sort_ranks(all_features: list[Features]) -> list[int]:
    """Index → position in the sort by title, volume, year, edition and pages that large groups use.

    Sorting everything once and each large group by rank beats building a sort key
    per member per group: a record sits in several large groups.
    """
    # Main title before subtitle: copies that dropped the subtitle still sort beside their edition.
    order = sorted(all_features, key=lambda f: (f.main, f.volume or 0, f.year or 0, f.edition or 0,
                                                f.full, f.pages or 0, f.index))
    ranks = [0] * len(all_features)
    for position, features in enumerate(order):
        ranks[features.index] = position
    return ranks


def authored_flags(all_features: list[Features]) -> bytes:
    """Index → 1 when the record has an author key word (see `block_pairs`)."""
    return bytes(bool(features.author_key_words) for features in all_features)


def block_pairs(key: str, group: list[int], ranks: list[int], authored: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Pairs compared within one group of block `key`: `pairs_of`, less those a title + year key need not propose.

    A title + year block ("title:toan 5|y=2019") is for records without an author: two
    records that both have one are proposed by their title + author key when they share
    an author word, and when they share none they are two authors' books of one title
    (300,000 labeled records: 99,634 such pairs, a twelfth of all scored, not one a
    true pair).
    """
    pairs = pairs_of(group, ranks)
    if not is_title_year_key(key):
        return pairs
    return ((first, second) for first, second in pairs if not (authored[first] and authored[second]))


def is_title_year_key(key: str) -> bool:
    """A title + year key: `block_pairs` leaves out its pairs of two records with authors."""
    return key.startswith("title:") and key.rpartition("|")[2].startswith("y=")


def pairs_of(group: list[int], ranks: list[int]) -> Iterator[tuple[int, int]]:
    """Pairs compared within one group: all of a small one, sorted neighbours (`sort_ranks`) in a large one.

    Groups list their members in index order, so every pair comes out (smaller, larger).
    """
    if len(group) <= ALL_PAIRS_MAX:
        return combinations(group, 2)  # in C: a million records propose tens of millions of pairs
    return _sorted_neighbours(group, ranks)


def _sorted_neighbours(group: list[int], ranks: list[int]) -> Iterator[tuple[int, int]]:
    ordered = sorted(group, key=ranks.__getitem__)
    for position, first in enumerate(ordered):
        for second in ordered[position + 1: position + 1 + ALL_PAIRS_MAX]:
            yield (first, second) if first < second else (second, first)
