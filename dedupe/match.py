"""Compare two records: hard guards first, then a shared ISBN, then title and authors.

A verdict has two separate answers.  `accept`: these two are copies of one
edition.  `conflict`: these two can never be in one union record (different
volume, year, edition, authors, title...).  Clustering joins on `accept` and
refuses any merge that would put a `conflict` pair together, which is what
stops A≈B≈C chains from pulling in a C far from A.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from config.settings import DedupeSettings
from dedupe.author_similarity import author_score, authors_or_statement_score, name_similarity, vietnamese_shaped
from dedupe.features import IGNORED_LANGUAGES, TITLE_STOPWORDS, Features, different_hosts, is_serial
from dedupe.names import given_name_marked_otherwise
from dedupe.publishers import houses_named, only_houses
from dedupe.registrants import other_registrants
from dedupe.title_marks import word_typed_bare
from dedupe.typos import Spelled, is_typo

# Publishers this different are different houses ("Văn học" vs "Hội Nhà văn").
PUBLISHER_CONFLICT_BELOW = 70.0
# Publishers this close count as agreeing evidence when authors are missing.
PUBLISHER_AGREE_MIN = 85.0
# With a shared ISBN the titles need only be recognisably the same book.
ISBN_TITLE_MIN = 60.0
# A title score under this (or a character ratio this far under the minimum) keeps two
# records out of one cluster; nearer misses only fail to match.
FAR_TITLE_BELOW = 50.0
FAR_TITLE_MARGIN = 8.0
# Two different valid ISBNs usually mean two products; accept only near-identical records.
DIFFERENT_ISBN_TITLE_MIN = 95.0
# Main titles that name a genre, not a book, folded: the subtitle says which ("Giáo trình : Triết học
# Mác - Lênin"), so a copy without one is not known to be that book, and the year alone never says
# which of a year's reports or theses two copies are (review: "Báo cáo tổng kết" 2019 of two schools).
GENERIC_MAIN_TITLES = frozenset({
    "giao trinh", "bai giang", "de cuong bai giang", "tai lieu", "tai lieu hoc tap", "tai lieu tap huan",
    "tai lieu boi duong", "tai lieu boi duong thuong xuyen", "ki yeu", "ki yeu hoi thao", "ki yeu hoi nghi",
    "ki yeu hoi thao khoa hoc", "ki yeu hoi nghi khoa hoc", "bao cao", "bao cao tong ket", "bao cao khoa hoc",
    "bao cao thuc tap", "luan van", "luan van tot nghiep", "luan van thac si", "luan an", "luan an tien si",
    "khoa luan", "khoa luan tot nghiep", "do an tot nghiep", "van kien", "tuyen tap", "tong tap", "toan tap",
    "tac pham", "tho", "truyen ngan",
    # A serial's generic name: each office's bulletin ("Bản tin" 2021 of two libraries were one, review).
    "ban tin", "tap chi", "tap san", "dac san", "nguyet san", "thong tin", "bao"})
# Folded part names less alike than this name two parts ("dai so" and "hinh hoc").
PART_NAME_MIN_RATIO = 85.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of comparing two records, with the reason shown by `dedupe explain`."""

    accept: bool
    conflict: bool
    score: float
    reason: str


def compare(a: Features, b: Features, settings: DedupeSettings) -> Verdict:
    """Decide whether two records describe one edition (see the module docstring)."""
    guard = hard_guard(a, b, settings)
    if guard:
        return Verdict(False, True, 0.0, guard)
    shared = a.isbns & b.isbns
    if shared and _two_vietnamese_authors(a, b, settings):
        # Publishers reuse ISBNs: "Truyện ngắn chọn lọc" of Nam Cao and of Thạch Lam under one (review).
        return Verdict(False, True, 0.0, f"shared ISBN {min(shared)} but authors differ")
    if shared and a.full and a.full == b.full:
        # Copies of one edition usually agree to the letter: no need to measure how far apart they are.
        return Verdict(True, False, _combined(a, b, 100.0, 100.0, True), f"shared ISBN {min(shared)}, title 100")
    if shared:
        score = fuzz.token_set_ratio(a.full, b.full)
        words_a, words_b, stopwords = a.title_words, b.title_words, _stopwords(a, b)
        spelled = Spelled(a, b, words_a, words_b, omissions_are_slips=True)
        if _words_covered(words_a, words_b, stopwords, spelled):
            score = max(score, 95.0)
        if score >= ISBN_TITLE_MIN and not _substituted_word(words_a, words_b, stopwords, spelled):
            return Verdict(True, False, _combined(a, b, score, 100.0, bool(shared)),
                           f"shared ISBN {min(shared)}, title {score:.0f}")
        return Verdict(False, True, score, f"shared ISBN {min(shared)} but titles differ ({score:.0f})")
    if _one_serial(a, b):
        return _serial(a, b, settings)
    if not _same_publisher_house(a, b):
        return Verdict(False, True, 0.0, f"publisher {a.publisher!r} vs {b.publisher!r}")
    title = title_score(a, b)
    unmarked = word_typed_bare(a, b) if title >= settings.title_similarity_min else ""
    if unmarked:
        return Verdict(False, True, title, unmarked)
    if title < settings.title_similarity_min:
        # Two copies with different typos ("Snih học" / "Sihn học") fail the word test
        # against each other but not against the clean copy: only a far title is a conflict.
        far = title < FAR_TITLE_BELOW or _raw_title_ratio(a, b) < settings.title_similarity_min - FAR_TITLE_MARGIN
        return Verdict(False, far, title, f"title {title:.0f}")
    if a.isbns and b.isbns and (title < DIFFERENT_ISBN_TITLE_MIN or a.year is None or a.year != b.year
                                or not (a.authors and b.authors)):
        # Without authors on both sides, title and year are all that is left, and a common
        # title ("Kỹ thuật nuôi cá lóc", 2017) is printed by several houses in one year.
        return Verdict(False, True, title, "different ISBNs")
    if a.isbns and b.isbns and other_registrants(a.isbns, b.isbns):
        return Verdict(False, True, title, f"ISBNs {min(a.isbns)} and {min(b.isbns)} of two publishers or countries")
    if a.authors and b.authors:
        authors = authors_or_statement_score(a.authors, a.responsible, b.authors, b.responsible,
                                             settings.author_similarity_min)
        if authors < settings.author_similarity_min:
            return Verdict(False, True, title, f"title {title:.0f}, authors {authors:.0f}")
        marked = _names_marked_otherwise(a, b, settings)
        if marked:
            return Verdict(False, True, title, marked)
        return Verdict(True, False, _combined(a, b, title, authors, False), f"title {title:.0f}, authors {authors:.0f}")
    return _without_authors(a, b, title)


def _one_serial(a: Features, b: Features) -> bool:
    """Whether two records share the ISSN of their serial (`features.is_serial`)."""
    return bool(a.issns) and not a.issns.isdisjoint(b.issns) and is_serial(a) and is_serial(b)


def _serial(a: Features, b: Features, settings: DedupeSettings) -> Verdict:
    """Two records of one serial by its ISSN: one when the titles agree, whatever years, publishers and
    authors each gives ("Tạp chí Cộng sản" 1930-, 2021 and undated were three union records, review)."""
    title = title_score(a, b)
    issn = min(a.issns & b.issns)
    if title < settings.title_similarity_min:
        return Verdict(False, title < FAR_TITLE_BELOW, title, f"shared ISSN {issn} but title {title:.0f}")
    authors = author_score(a.authors, b.authors) if a.authors and b.authors else 0.8 * title
    return Verdict(True, False, _combined(a, b, title, authors, False), f"shared ISSN {issn}, title {title:.0f}")


def _two_vietnamese_authors(a: Features, b: Features, settings: DedupeSettings) -> bool:
    """Whether the first authors are Vietnamese names and no author of one is an author of the other.

    Vietnamese names are never transliterated: Nam Cao and Thạch Lam are two writers.  A foreign
    author is written many ways ("Lev Tolstoy", "Lép Tônxtôi"), so there a shared ISBN decides.
    """
    return bool(a.authors and b.authors and vietnamese_shaped(a.authors[0]) and vietnamese_shaped(b.authors[0])
                and authors_or_statement_score(a.authors, a.responsible, b.authors, b.responsible,
                                               settings.author_similarity_min) < settings.author_similarity_min)


def _names_marked_otherwise(a: Features, b: Features, settings: DedupeSettings) -> str:
    """Why the names that make two records' authors alike are other people by their marks, or ""
    (`names.given_name_marked_otherwise`): one pair of names alike in marks too is the same author."""
    if not (a.typed_authors and b.typed_authors) or a.typed_authors == b.typed_authors:
        return ""  # most copies type their authors alike
    found = ""
    for name, typed in zip(a.authors[:3], a.typed_authors):
        for other, other_typed in zip(b.authors[:3], b.typed_authors):
            if name_similarity(name, other) < settings.author_similarity_min:
                continue
            if not given_name_marked_otherwise(name, typed, other, other_typed):
                return ""
            found = found or f"authors {typed!r} and {other_typed!r} differ in the given name's marks"
    return found


# What `_combined` adds up, said beside each match score explanations print (next to "title 100").
MATCH_SCORE_MEANING = ("match score: 0-100, 0.4 × title similarity + 0.4 × authors similarity (with a shared ISBN "
                       "the authors count 100; with no author on one side, 0.8 × the title's), + 10 for a shared "
                       "ISBN, + 5 for the same year, + 3 when both name a publisher, + 2 when both give pages")


def _combined(a: Features, b: Features, title: float, authors: float, shared_isbn: bool) -> float:
    """0-100: title and authors weigh 80, and each agreeing identifier or fact adds to it.

    Clustering takes the strongest matches first and uses the score to see whether
    a record without a year fits one edition clearly better than another.
    """
    score = 0.4 * title + 0.4 * authors
    if shared_isbn:
        score += 10.0
    if a.year is not None and a.year == b.year:
        score += 5.0
    if a.publisher and b.publisher:
        score += 3.0
    if a.pages is not None and b.pages is not None:
        score += 2.0
    return round(score, 1)


def hard_guard(a: Features, b: Features, settings: DedupeSettings) -> str:
    """The first hard reason two records cannot be one edition, or ""."""
    if a.material != b.material:
        return f"material {a.material} vs {b.material}"
    if a.volume != b.volume:
        # A volume stated on one side only: "none", as for a part, never Python's None (review).
        return f"volume {'none' if a.volume is None else a.volume} vs {'none' if b.volume is None else b.volume}"
    if a.volumes and b.volumes and a.volumes != b.volumes:
        return f"volume {a.volumes} vs {b.volumes}"
    # Parts named, not numbered ("Đại số" and "Hình học" of one textbook; "Quyển thượng"
    # and "Quyển hạ"); a typo in a name is not another part.
    if a.part and b.part and a.part != b.part and fuzz.ratio(a.part, b.part) < PART_NAME_MIN_RATIO:
        return f"part {a.part} vs {b.part}"
    if bool(a.part) != bool(b.part) and a.volume is None and not (a.companion or b.companion) \
            and not a.isbns & b.isbns and not _part_in_title(a, b):
        # As a numbered volume is never the whole work: "Tam quốc diễn nghĩa" is not its "Quyển thượng".
        # Numbered ("Tập 1. Đại số" and "Tập 1", volumes alike by now), the number says which part; a
        # companion's part is often its label ("SGV"), and the companion guard below compares those.
        return f"part {a.part or 'none'} vs {b.part or 'none'}"
    if a.companion != b.companion:
        # The teacher's book or a workbook is another book than the pupils' book of its title.
        return f"companion book {a.companion or 'none'} vs {b.companion or 'none'}"
    if a.series and b.series and a.series != b.series:
        return f"textbook series {a.series} vs {b.series}"
    if a.series_numbers and b.series_numbers and a.series_numbers.isdisjoint(b.series_numbers):
        # Numbered books of one series share a title and differ only in 490 $v.
        return f"series number {min(a.series_numbers)} vs {min(b.series_numbers)}"
    if a.issns and b.issns and a.issns.isdisjoint(b.issns):
        # An ISSN names one serial: "Tạp chí Khoa học" of two universities are two journals (review).
        return f"ISSN {min(a.issns)} vs {min(b.issns)}"
    if a.host and b.host and different_hosts(a.host, b.host):
        return f"host {a.host} vs {b.host}"  # one title, two journals or issues: two articles
    if a.title_numbers != b.title_numbers:
        return "numbers in title differ"
    if a.has_subtitle and b.has_subtitle and a.subtitle_numbers != b.subtitle_numbers:
        return "numbers in subtitle differ"
    if a.year is not None and b.year is not None and abs(a.year - b.year) > settings.year_tolerance \
            and not _one_serial(a, b):
        return f"year {a.year} vs {b.year}"
    if a.edition is not None and b.edition is not None and a.edition != b.edition:
        return f"edition {a.edition} vs {b.edition}"
    if a.pages is not None and b.pages is not None and abs(a.pages - b.pages) > settings.pages_tolerance:
        return f"pages {a.pages} vs {b.pages}"
    if a.language not in IGNORED_LANGUAGES and b.language not in IGNORED_LANGUAGES and a.language != b.language:
        return f"language {a.language} vs {b.language}"
    if a.translators and b.translators and author_score(a.translators, b.translators) < settings.author_similarity_min:
        return "translators differ"
    return ""


def _part_in_title(a: Features, b: Features) -> bool:
    """Whether the record without a part names the other's in its title or subtitle ("Tam quốc diễn
    nghĩa. Quyển thượng", "Toán 10 : Đại số"): one edition, catalogued two ways."""
    named, other = (a, b) if a.part else (b, a)
    return f" {named.part} " in f" {other.full} "


def _same_publisher_house(a: Features, b: Features) -> bool:
    if not a.publisher or not b.publisher:
        return True
    return publisher_score(a.publisher, b.publisher) >= PUBLISHER_CONFLICT_BELOW


@lru_cache(maxsize=1 << 16)  # a province has a few hundred publishers: most pairs come back
def publisher_score(first: str, second: str) -> float:
    """0-100 on `publisher_words` strings; "Giáo dục" is "Giáo dục Việt Nam" and "Harper" is "HarperCollins".

    Two of Vietnam's licensed houses are one or two by name (dedupe/publishers.py), not by how
    alike the names look: "Lao động" lies inside "Lao động - Xã hội", another house.
    """
    houses, other_houses = houses_named(first), houses_named(second)
    if houses and other_houses:
        if not houses & other_houses:
            return 0.0
        if only_houses(first) or only_houses(second):
            return 100.0  # "Sự thật" is "CTQG"; two departments' names with "Giáo dục" in them are compared as text
    score = fuzz.token_set_ratio(first, second)
    if score < 100.0 and min(len(first), len(second)) >= 5:
        score = max(score, fuzz.partial_ratio(first, second))
    return score


def _without_authors(a: Features, b: Features, title: float) -> Verdict:
    """No author on one side (school data): the year must agree, or publisher and page count.

    A generic title ("Báo cáo tổng kết", GENERIC_MAIN_TITLES) with the year needs both subtitles
    too (compared whole by `title_score`): every school reports each year under that title.
    """
    year = a.year is not None and a.year == b.year
    publisher = bool(a.publisher and b.publisher and publisher_score(a.publisher, b.publisher) >= PUBLISHER_AGREE_MIN)
    pages = a.pages is not None and b.pages is not None
    if year and not (a.has_subtitle and b.has_subtitle) and not (publisher and pages) and (
            a.main in GENERIC_MAIN_TITLES or b.main in GENERIC_MAIN_TITLES):
        return Verdict(False, False, title, f"title {title:.0f}, generic, no author, only the year agrees")
    if not (year or (publisher and pages)):
        return Verdict(False, False, title, f"title {title:.0f}, no author, year unknown")
    evidence = [name for name, agrees in (("year", year), ("publisher", publisher), ("pages", pages)) if agrees]
    return Verdict(True, False, _combined(a, b, title, 0.8 * title, False),
                   f"title {title:.0f}, no author, {', '.join(evidence)} agree")


def title_score(a: Features, b: Features) -> float:
    """Folded-title similarity 0-100, subtitle counted only when both records have one
    or the main title is generic ("Giáo trình", "Kỷ yếu hội thảo").

    A word that differs on both sides and is not a typo of the other ("cá tra" vs
    "cá rô") makes it a different title even when the characters are close.
    A main title with no words (empty, punctuation only) matches nothing: two such
    records would otherwise score 100 and merge on the author alone.
    """
    if not a.main or not b.main:
        return 0.0
    if a.full == b.full:
        return 100.0  # what the ratios below give for equal titles, without computing them
    generic = a.main == b.main and a.main in GENERIC_MAIN_TITLES
    whole = (a.has_subtitle and b.has_subtitle) or generic
    if a.main == b.main and not whole:
        return 100.0
    if whole:
        score = fuzz.ratio(a.full, b.full)
    else:
        score = max(fuzz.ratio(a.main, b.main), fuzz.ratio(a.full, b.full))
    if score == 100.0:
        return score
    if whole:
        # Both subtitles count: "Giáo trình : Triết học" and "Giáo trình : Kinh tế chính trị" differ;
        # so does one subtitle after a generic main title ("Giáo trình" alone is no book).
        words_a, words_b = frozenset(a.full.split()), frozenset(b.full.split())
    else:
        words_a, words_b = a.title_words, b.title_words
    if words_a == words_b and _reordered(a.full if whole else a.main, b.full if whole else b.main):
        # The same words in another order: "Từ điển Anh - Việt" is not "Từ điển Việt - Anh" (review).
        return min(score, 50.0)
    stopwords, spelled = _stopwords(a, b), Spelled(a, b, words_a, words_b)
    if _substituted_word(words_a, words_b, stopwords, spelled) or _lettered(words_a, words_b, stopwords):
        return min(score, 50.0)
    if score < 95.0 and len(words_a) == len(words_b) and _words_covered(words_a, words_b, stopwords, spelled):
        # Every word has its twin up to a typo: "Toán 1" / "Taon 1" is one title despite a low ratio.
        return 95.0
    return score


def _lettered(first: frozenset[str], second: frozenset[str], stopwords: frozenset[str]) -> bool:
    """Whether one title is the other and the letter A: "Châu Thành A" is another district than
    "Châu Thành" (review).  Only where a capital A was typed after a word (`Features.not_stopwords`):
    elsewhere "a" is the article, or "à", and a title that drops it is the same title."""
    return "a" not in stopwords and first ^ second == {"a"}


def _reordered(first: str, second: str) -> bool:
    """Whether two titles differ only by two neighbouring words swapped ("anh viet", "viet anh"):
    a direction.  Halves swapped ("Nguyễn Du Truyện Kiều") are one title written two ways."""
    words_a, words_b = first.split(), second.split()
    if len(words_a) != len(words_b) or words_a == words_b:
        return False
    differ = [i for i, (x, y) in enumerate(zip(words_a, words_b)) if x != y]
    return (len(differ) == 2 and differ[1] == differ[0] + 1
            and words_a[differ[0]] == words_b[differ[1]] and words_a[differ[1]] == words_b[differ[0]])


def _raw_title_ratio(a: Features, b: Features) -> float:
    if a.has_subtitle and b.has_subtitle:
        return fuzz.ratio(a.full, b.full)
    return max(fuzz.ratio(a.main, b.main), fuzz.ratio(a.full, b.full))


def _stopwords(a: Features, b: Features) -> frozenset[str]:
    """TITLE_STOPWORDS but those either title typed as other words ("dê", goat, folds to "de")."""
    if not (a.not_stopwords or b.not_stopwords):
        return TITLE_STOPWORDS
    return TITLE_STOPWORDS - a.not_stopwords - b.not_stopwords


def _words_covered(first: frozenset[str], second: frozenset[str], stopwords: frozenset[str],
                   spelled: Spelled) -> bool:
    """Every word of the shorter title is in the other, exactly or up to a typo."""
    shorter, longer = (first, second) if len(first) <= len(second) else (second, first)
    missing = [word for word in shorter - longer if word not in stopwords]
    spare = longer - shorter
    return bool(shorter) and all(any(is_typo(word, other, spelled) for other in spare) for word in missing)


def _substituted_word(first: frozenset[str], second: frozenset[str], stopwords: frozenset[str],
                      spelled: Spelled) -> bool:
    only_first = [w for w in first - second if w not in stopwords]
    only_second = [w for w in second - first if w not in stopwords]
    if not only_first and not only_second:
        return False
    if not only_first or not only_second:
        # A stopword in the place of a word: a title typed without marks does not say whether its "de",
        # "cua", "ve" is "dê" (goat), "cua" (crab), "vẽ" (draw), so "KY THUAT CHAN NUOI DE" joined "... nuôi gà".
        # The stopword stands where the other title has a word, or words: "... ở Cho Moi" (Chợ Mới, typed
        # without marks) joined "... ở Vĩnh Long" while only one-for-one stood for a substitution (review).
        stops = (first - second) if not only_first else (second - first)
        return bool(stops) and any(
            not any(is_typo(word, stop, spelled) for stop in stops) for word in only_first or only_second)
    return any(not any(is_typo(word, other, spelled) for other in only_second) for word in only_first) and any(
        not any(is_typo(word, other, spelled) for other in only_first) for word in only_second
    )
