"""Records that fit two union records about equally and lack what tells them apart are left alone.

`cluster._merge_edges` places every record by its best matches; this module then takes
out those whose placement the evidence cannot decide (see `ambiguous_records`): a
singleton is better than a wrong union record, or one chosen by the order of record ids.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import takewhile

from config.settings import DedupeSettings
from dedupe.author_similarity import author_score
from dedupe.features import Features
from dedupe.match import PUBLISHER_AGREE_MIN, publisher_score

# A record lacking what tells two editions apart whose best match in another cluster scores
# within this of its best match in its own cluster is ambiguous (see `ambiguous_records`).
AMBIGUITY_MARGIN = 3.0


def ambiguous_records(all_features: list[Features], edges: list[tuple[float, int, int]], find: Callable[[int], int],
                      could_join: Callable[[int, int], bool], settings: DedupeSettings) -> dict[int, tuple[int, int, str]]:
    """Records that match two editions about equally and lack what tells them apart:
    index → (its best match in the other union record, its best match in its own, what it lacks).

    A reprint's copy with its year left out; a "Toán 1" without its series beside the
    "Toán 1" of two textbook series; a copy without authors beside two authors' "Giáo
    trình kinh tế vi mô" of one house and year, or without a publisher beside two houses'; a
    "Những người khốn khổ" naming no translator beside two translations; a copy without an edition
    statement or page count beside two printings that differ in it.
    Such a record cannot be placed; a singleton is better than a wrong union record, or one
    chosen by the order of record ids.  Records that state what tells the two apart are not
    taken out: labeled data says the evidence they give (pages, a translator) places them
    better than the margin does.  A union record holding a member in conflict with the record
    (`could_join` false) is no rival: the record could never join it (review: t1, a "Toán 1 : Cánh
    diều" left alone for a series-less copy inside the Kết nối tri thức record).
    """
    inside: dict[int, tuple[float, int]] = {}
    outside: dict[int, list[tuple[float, int]]] = {}  # index → its matches in other union records, best first
    # A copy lacking a series, translator, edition or page count matters only where its title is
    # printed with two of them (few titles): most copies lack an edition statement and a translator.
    told = {name: _titles_with_two(all_features, name) for name in _TELLING}
    unplaced = [features.year is None or not features.authors or not features.publisher
                or any(not getattr(features, name) and features.key_title in told[name] for name in _TELLING)
                for features in all_features]
    for negative_score, first, second in edges:  # best first: the first score seen on each side is its best
        if not (unplaced[first] or unplaced[second]):
            continue  # most edges: no union lookup for them
        same = find(first) == find(second)
        for index, other in ((first, second), (second, first)):
            if not unplaced[index]:
                continue
            if same:
                inside.setdefault(index, (-negative_score, other))
            else:
                outside.setdefault(index, []).append((-negative_score, other))
    ambiguous = {}
    for index, matches in outside.items():
        if index not in inside:
            continue
        floor = inside[index][0] - AMBIGUITY_MARGIN
        # Only the few records matching another union record within the margin pay for the conflict check.
        other = next((other for score, other in takewhile(lambda match: match[0] >= floor, matches)
                      if could_join(index, other)), None)
        if other is None:
            continue
        own = inside[index][1]
        missing = _missing_difference(all_features[index], all_features[other], all_features[own], settings)
        if missing:
            ambiguous[index] = (other, own, missing)
    return ambiguous


# Features a copy may leave out that tell two editions of one title apart, besides year, authors, publisher.
_TELLING = ("series", "translators", "edition", "pages")


def _titles_with_two(all_features: list[Features], name: str) -> set[str]:
    """Folded title keys printed with two different values of feature `name`."""
    first: dict[str, object] = {}
    found = set()
    for features in all_features:
        value = getattr(features, name)
        if value and first.setdefault(features.key_title, value) != value:
            found.add(features.key_title)
    return found


def _missing_difference(features: Features, one: Features, other: Features, settings: DedupeSettings) -> str:
    """What `features` leaves out that tells `one`'s edition from `other`'s, or ""."""
    if features.year is None:
        return "a year"
    if not features.series and one.series and other.series and one.series != other.series:
        return "a textbook series"
    if not features.authors and one.authors and other.authors and \
            author_score(one.authors, other.authors) < settings.author_similarity_min:
        return "authors"
    if not features.publisher and one.publisher and other.publisher and \
            publisher_score(one.publisher, other.publisher) < PUBLISHER_AGREE_MIN:
        return "a publisher"
    if not features.translators and one.translators and other.translators and \
            author_score(one.translators, other.translators) < settings.author_similarity_min:
        return "a translator"
    if features.edition is None and one.edition is not None and other.edition is not None and \
            one.edition != other.edition:
        return "an edition statement"
    if features.pages is None and one.pages is not None and other.pages is not None and \
            abs(one.pages - other.pages) > settings.pages_tolerance:
        return "a page count"
    return ""
