"""What dedupe compares: each Record reduced once to folded, typed match features.

Folding, regexes and ISBN filtering run once per record here, never per pair,
because a million records give millions of candidate pairs.
"""

from __future__ import annotations

import re
import sys
from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter

from rapidfuzz import fuzz

from config.settings import DedupeSettings
from dedupe.abbreviations import spelled_out
from dedupe.errors import DedupeError
from dedupe.folding import FINAL_Y_RE, fast_fold, fold_cached
from dedupe.marks import typed_otherwise, without_marker
from dedupe.names import author_words, compared_authors, stated_names, translators, typed_names
from dedupe.parts import (EDITION_WORDS, edition_number, exercises_first, extract_volume, keep_misfolded_apart,
                          part_name, publisher_words, series_in_title, textbook_companion, textbook_series,
                          volume_numbers, volume_of_part)
from dedupe.title_numbers import numbers_written_out
from dedupe.title_split import split_title
from store.models import Record
from store.text import nfc

_WORD_RE = re.compile(r"\w+")
# Leading articles that cataloguers keep or drop (non-filing characters).
_LEADING_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "der", "die", "das"})
# Words ignored when deciding that two titles differ by a substituted word, with the spellings that are
# these words: folding makes others of them, "dê" (goat), "chó" (dog), "cua" (crab), "vẽ" (draw), "lá"
# (leaf), "ăn" (eat), "trống" (drum), and "Kỹ thuật chăn nuôi dê" was one title with "... nuôi gà".
# A word typed otherwise (dedupe.marks) is a word of its title (`Features.not_stopwords`).
_STOPWORD_SPELLINGS = {folded: frozenset(typed.split()) for folded, typed in {
    "va": "và", "and": "and", "the": "the", "of": "of", "a": "a à", "an": "an", "cua": "của", "ve": "về",
    "voi": "với", "cho": "cho", "trong": "trong", "et": "et", "de": "de", "la": "là la"}.items()}
TITLE_STOPWORDS = frozenset(_STOPWORD_SPELLINGS)
TITLE_KEY_CHARS = 35
SKELETON_MIN_CHARS = 6
IGNORED_LANGUAGES = frozenset({"", "und", "mul", "zxx"})
# One language, several codes (ISO 639-1, and 639-2's T codes beside the B codes MARC uses): one code each.
_LANGUAGE_CODES = {"vi": "vie", "en": "eng", "fr": "fre", "fra": "fre", "de": "ger", "deu": "ger", "zh": "chi",
                   "zho": "chi", "ru": "rus", "ja": "jpn", "ko": "kor", "km": "khm", "lo": "lao", "th": "tha",
                   "es": "spa", "it": "ita", "pt": "por", "nl": "dut", "nld": "dut", "cs": "cze", "ces": "cze"}
# "[Knxb.]", "[K.nxb]", "[s.n.]": the cataloguer's note that the publisher is unknown, folded.
_UNKNOWN_PUBLISHER_RE = re.compile(r"^\W*(?:s\W*n|k\W*nxb|nxb khong ro|khong ro)\W*$")


@dataclass(slots=True)
class Features:
    """One record's match features; `index` is its position in the id-sorted input."""

    index: int
    id: str
    library: str
    main: str
    full: str
    has_subtitle: bool
    title_numbers: frozenset[str]
    subtitle_numbers: frozenset[str]
    key_title: str
    key_title_head: str
    key_title_tail: str
    key_skeleton: str
    authors: tuple[tuple[str, ...], ...]
    typed_authors: tuple[str, ...]  # each of `authors` as typed where marked (names.typed_names); () if none is
    translators: tuple[tuple[str, ...], ...]  # name words of those the record says translated it
    responsible: tuple[tuple[str, ...], ...]  # name words of others its 245 $c names (names.stated_names), () if none
    author_key_words: tuple[str, ...]
    publisher: str
    year: int | None
    pages: int | None
    edition: int | None
    volume: int | None
    volumes: str  # every volume number stated: "1.2" for "Tập 1. Phần 2" (parts.volume_numbers)
    part: str  # the part's name without its number ("dai so", "thuong"), "" when none
    series: str  # the textbook series named in the series statement or subtitle, "" when none
    series_numbers: frozenset[str]  # the numbers in the series (490 $v: "Tủ sách vàng ; T.3" → "3")
    companion: str  # "sach giao vien", "sach bai tap", "vo bai tap" named in the title, "" for none
    not_stopwords: frozenset[str]  # TITLE_STOPWORDS the title or subtitle types as other words: "de" for "dê"
    typed_title: str  # title and subtitle typed (NFC, lower case) if marked anywhere, else "": dedupe.syllables
    material: str
    language: str
    isbns: frozenset[str]
    issns: frozenset[str]  # a serial's ISSNs: two different ones are two serials
    other_ids: frozenset[str]
    host: str  # an article's host item (773), folded words; "" for none: `different_hosts`

    @property
    def title_words(self) -> frozenset[str]:
        """The main title's words, derived when a comparison needs them: kept as a set
        they were two fifths of the features' memory (660 of 1,740 bytes a record)."""
        return frozenset(self.main.split())


def is_serial(features: Features) -> bool:
    """Whether an ISSN names the record's serial over its years: a serial, or a record with an ISSN and no
    ISBN (some libraries catalogue a journal as a book).  Its 260 $c is the year the serial began or the
    year a library holds, not an edition's."""
    return bool(features.issns) and (features.material == "serial" or not features.isbns)


# A Features crosses a process boundary as a plain tuple of its fields, in this order (`Features(*values)`
# rebuilds it): a third of the pickling cost of the dataclass both ways (dedupe/reading.py).
FEATURE_FIELDS: tuple[str, ...] = Features.__slots__
feature_values = attrgetter(*FEATURE_FIELDS)


@lru_cache(maxsize=8)
def ignored_isbns(entries: tuple[str, ...]) -> frozenset[str]:
    """The ISBN-13s of the settings' `isbn_ignore`, however they were typed (hyphens, ISBN-10)."""
    found = set()
    for entry in entries:
        isbn = valid_isbn13(entry)
        if isbn is None:
            raise DedupeError(f"[dedupe] isbn_ignore: {entry!r} is not a valid ISBN-10 or ISBN-13 (check digit?); "
                              "fix it in the configuration file")
        found.add(isbn)
    return frozenset(found)


def valid_isbn13(value: str) -> str | None:
    """The ISBN-13 of a valid ISBN-10 or -13, else None.

    normalize already keeps only valid ISBN-13s; file-mode input comes from anywhere,
    and a mistyped ISBN must never make two books one.
    """
    digits = value.replace("-", "").replace(" ", "").upper()
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * (10 if ch == "X" else int(ch)) for i, ch in enumerate(digits))
        if total % 11:
            return None
        digits = "978" + digits[:9]
        return digits + str((10 - sum((3 if i % 2 else 1) * int(ch) for i, ch in enumerate(digits)) % 10) % 10)
    if len(digits) == 13 and digits.isdigit():
        check = (10 - sum((3 if i % 2 else 1) * int(ch) for i, ch in enumerate(digits[:12])) % 10) % 10
        return digits if check == int(digits[12]) else None
    return None


_VOWELS_RE = re.compile(r"[aeiouy\s]+")
_REPEATS_RE = re.compile(r"(.)\1+")


def skeleton(folded: str) -> str:
    """Consonants of a folded title with repeats collapsed: "principples" and "principles" agree.

    A key that survives a doubled letter or a dropped vowel, for short titles whose
    half-title keys would be too common.
    """
    consonants = _REPEATS_RE.sub(r"\1", _VOWELS_RE.sub("", folded))[:30]
    if len(consonants) >= SKELETON_MIN_CHARS:
        return consonants
    # "Toán 5" gives "tn5": too little to block on alone, and textbook titles and many novels are this
    # short.  Word by word ("kh hc 5", "mt bc") it still catches "Khao học 5" and "Mắt bếc" in the blocks
    # of the year or author.
    words = [_REPEATS_RE.sub(r"\1", _VOWELS_RE.sub("", word)) for word in folded.split()]
    return " ".join(words) if len(words) >= 2 else ""


# "Toán lớp 6" is "Toán 6": school catalogues write the grade with or without "lớp"; the grade
# number itself stays, and numbers in a title keep "Toán 6" from "Toán 7".
_GRADE_WORD_RE = re.compile(r"(?<!\w)lop\s+(?=(?:[1-9]|1[0-2])(?!\w))")
# A "Q1" / "Q.1" left in a title once volumes are read (parts.extract_volume) is Quận 1.
_DISTRICT_RE = re.compile(r"(?<!\w)q\.?\s*(\d{1,2})(?!\w)")
# "Tiếng Việt : Lớp 3", "... : Dành cho học sinh lớp 3" give the grade in 245 $b that other copies
# put in the title ("Tiếng Việt 3").
_SUBTITLE_GRADE_RE = re.compile(r"(?<!\w)(?:(?:danh cho|sach giao khoa)\s+)?(?:hoc sinh\s+)?lop\s+([1-9]|1[0-2])(?!\w)")


def _grade_into_title(folded_title: str, folded_sub: str) -> tuple[str, str]:
    """(title, subtitle) with a grade the subtitle states moved to the end of the title.

    Left in the subtitle, the grade was compared only when both copies had one, so
    "Tiếng Việt : Lớp 3" missed "Tiếng Việt 3" and a copy naming no grade joined any.
    """
    match = _SUBTITLE_GRADE_RE.search(folded_sub)
    if not match:
        return folded_title, folded_sub
    rest = (folded_sub[:match.start()] + " " + folded_sub[match.end():]).strip(" .,;:-")
    if match.group(1) in _WORD_RE.findall(folded_title):
        return folded_title, rest
    return f"{folded_title} {match.group(1)}", rest


def _title_words(folded: str) -> list[str]:
    text = _DISTRICT_RE.sub(r"quan \1", _GRADE_WORD_RE.sub("", FINAL_Y_RE.sub(r"\1i", folded)))
    found = _WORD_RE.findall(text)
    if len(found) > 1 and found[0] in _LEADING_ARTICLES:
        found = found[1:]
    return found


@lru_cache(maxsize=16384)
def _publisher(publisher: str) -> str:
    folded = fast_fold(publisher)
    return "" if _UNKNOWN_PUBLISHER_RE.match(folded) else publisher_words(folded)


def _series(series: list[str], folded_subtitle: str) -> str:
    for text in (*series, folded_subtitle):
        found = textbook_series(fold_cached(text))
        if found:
            return sys.intern(found)
    return ""


@lru_cache(maxsize=16384)
def _series_number(series: str) -> str:
    """The number after " ; " in a series statement (490 $v), "" when none.

    Books of one numbered series often share the title ("Truyện cổ tích Việt Nam")
    and state which one they are only there.
    """
    _, separator, number = series.rpartition(";")
    value = volume_of_part(fast_fold(number).strip()) if separator else None
    return "" if value is None else sys.intern(str(value))


def _language(code: str | None) -> str:
    code = (code or "").strip().lower()
    return _LANGUAGE_CODES.get(code, code)


@lru_cache(maxsize=16384)
def _edition(edition: str) -> int | None:
    return edition_number(fast_fold(edition))


# A printing stated outside 250: "... (Tái bản lần thứ 2)" in the title or subtitle, or a 500 note
# that is the statement itself.  Only "tái bản" ("Tb. lần"), "xuất bản/in lần thứ" count there: a bare
# "lần 2" is a conference's ("Hội thảo lần 2"), and a note that merely mentions an edition ("Dịch từ
# bản in lần thứ 5 ...") describes the original.
_STATED_EDITION_RE = re.compile(r"(?<!\w)" + EDITION_WORDS)
_EDITION_NOTE_RE = re.compile(r"\W*" + EDITION_WORDS)
EDITION_NOTE_CHARS = 60


def _stated_edition(folded: str) -> int | None:
    # Read from the phrase on: "Hội thảo lần thứ 5 : tái bản" names a fifth conference, no fifth printing.
    match = _STATED_EDITION_RE.search(folded)
    return edition_number(folded[match.start():]) if match else None


def _noted_edition(notes: list[str]) -> int | None:
    """The printing a 500 note states when it is an edition statement, else None."""
    for note in notes:
        folded = fast_fold(note[:EDITION_NOTE_CHARS])
        if _EDITION_NOTE_RE.match(folded):
            return edition_number(folded)
    return None


# A million records are held at once: an empty frozenset costs 216 bytes, a folded word
# or a "vie" repeated in every record costs its own copy.  Sharing them halves the
# features' memory (sys.getsizeof over the labeled data: 2.6 KB to about 1.3 KB a record).
_EMPTY: frozenset[str] = frozenset()


# One int object per year value, not one per record (28 bytes each above 256).
_SHARED_YEARS: dict[int | None, int | None] = {}


def _frozen(values: Iterable[str]) -> frozenset[str]:
    found = frozenset(values)
    return found if found else _EMPTY


def _shared_words(words: list[str]) -> list[str]:
    return [sys.intern(word) for word in words]


# A capital A after a word, in a title not all in capitals, is a letter, not the article: "Châu Thành A"
# is another district than "Châu Thành", and their Party histories merged (review).
_LETTER_A_RE = re.compile(r"(?<=\w )A(?!\w)")


def _letter_a(text: str) -> frozenset[str]:
    return frozenset({"a"}) if text != text.upper() and _LETTER_A_RE.search(text) else _EMPTY


def _numbers(words: list[str]) -> frozenset[str]:
    return _frozen(word for word in words if word.isdigit())


# What `record_features` derives from the title, subtitle and part strings alone (`_title_features`);
# the names are those of `Features`, and `folded_subtitle` is for `_series`, which also reads the series;
# `title_series` is a series the title names (parts.series_in_title), where neither names one.
_TitleFeatures = namedtuple("_TitleFeatures", "main full has_subtitle title_numbers subtitle_numbers key_title "
                            "key_title_head key_title_tail key_skeleton volume volumes part companion edition "
                            "not_stopwords typed_title folded_subtitle title_series")


def _volume_fold(text: str) -> str:
    return keep_misfolded_apart(text, fast_fold(text))


@lru_cache(maxsize=1 << 18)
def _title_features(title: str, subtitle: str, part: str) -> _TitleFeatures:
    """Title-derived features, once per distinct (title, subtitle, part).

    Copies of one book in many libraries repeat these strings (the 300,000-record
    bench has 115,000 distinct ones): folding and the volume and title regexes were
    a third of the features' time, and records with one title now share its strings.
    """
    # Volumes are read with the words whose marks say they are none ("Phần sau") kept apart.
    folded_title, folded_sub = split_title(_volume_fold(title), _volume_fold(subtitle))
    folded_part = _volume_fold(part) if part else ""
    volume = volume_of_part(folded_part) if folded_part else None
    volumes = volume_numbers(folded_part or f"{folded_title} : {folded_sub}")
    title_volume, folded_title = extract_volume(folded_title)
    sub_volume, folded_sub = extract_volume(folded_sub)
    folded_title, folded_sub = without_marker(folded_title), without_marker(folded_sub)
    title_series, folded_title = series_in_title(folded_title)
    folded_title, folded_sub = _grade_into_title(folded_title, folded_sub)
    volume = volume if volume is not None else (title_volume if title_volume is not None else sub_volume)
    # Numbers (dedupe.title_numbers) and abbreviations (dedupe.abbreviations) as other copies write them.
    main_words = _shared_words(_title_words(spelled_out(numbers_written_out(folded_title))))
    sub_words = _WORD_RE.findall(spelled_out(numbers_written_out(folded_sub)))
    main = " ".join(main_words)
    key_words = [word for word in main_words if word not in TITLE_STOPWORDS] or main_words
    # Half-title keys catch a typo in the other half; short halves ("toan") would block everything.
    half = len(key_words) // 2 if len(key_words) >= 4 else 0
    return _TitleFeatures(
        main=main,
        full=" ".join(main_words + sub_words) if sub_words else main,
        has_subtitle=bool(sub_words),
        title_numbers=_numbers(main_words),
        subtitle_numbers=_numbers(sub_words),
        key_title=main[:TITLE_KEY_CHARS].rstrip(),  # store.text.title_key of the folded main title
        key_title_head=" ".join(key_words[:half]) if half else "",
        key_title_tail=" ".join(key_words[half:]) if half else "",
        key_skeleton=skeleton(main),
        volume=volume,
        volumes=sys.intern(volumes),
        part=sys.intern(without_marker(part_name(folded_part))) if folded_part else "",
        companion=(textbook_companion(f"{folded_title} {folded_sub} {without_marker(folded_part)}")
                   or exercises_first(folded_title, folded_sub)),
        edition=_stated_edition(f"{folded_title} : {folded_sub}"),
        not_stopwords=_frozen(typed_otherwise(title, fast_fold(title), _STOPWORD_SPELLINGS)
                              | typed_otherwise(subtitle, fast_fold(subtitle), _STOPWORD_SPELLINGS)
                              | _letter_a(title) | _letter_a(subtitle)),
        typed_title="" if title.isascii() and subtitle.isascii() else nfc(f"{title} {subtitle}".strip().lower()),
        folded_subtitle=folded_sub,
        title_series=title_series,
    )


def _responsible(statement: str, authors: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Name words of those the statement of responsibility names beside `authors`; a one-word name
    ("Nhiều", of "Nhiều tác giả") says nothing."""
    return tuple(words for words in map(author_words, stated_names(statement)[:5]) if len(words) > 1
                 and words not in authors)


def record_features(index: int, record: Record, settings: DedupeSettings) -> Features:
    """Reduce one record to the features `match.compare` and `keys.blocking_keys` use."""
    title = _title_features(record.title or "", record.subtitle or "", record.part or "")
    named = [(words, author) for words, author in ((author_words(a), a) for a in compared_authors(record)[:5]) if words]
    authors = tuple(words for words, _ in named)
    first = [word for word in authors[0] if len(word) > 1] if authors else []
    author_key_words = tuple(dict.fromkeys(first[:1] + first[-1:]))
    ignored = ignored_isbns(settings.isbn_ignore)
    return Features(
        index=index,
        id=record.id,
        library=sys.intern(record.library),
        main=title.main,
        full=title.full,
        has_subtitle=title.has_subtitle,
        title_numbers=title.title_numbers,
        subtitle_numbers=title.subtitle_numbers,
        key_title=title.key_title,
        key_title_head=title.key_title_head,
        key_title_tail=title.key_title_tail,
        key_skeleton=title.key_skeleton,
        authors=authors,
        typed_authors=typed_names(tuple(author for _, author in named)),
        translators=translators(record),
        responsible=_responsible(record.responsibility, authors) if record.responsibility else (),
        author_key_words=author_key_words,
        publisher=_publisher(record.publisher) if record.publisher else "",
        year=_SHARED_YEARS.setdefault(record.year, record.year),
        pages=record.pages if record.pages and record.pages > 0 else None,
        edition=(_edition(record.edition) if record.edition else None) or title.edition or _noted_edition(record.notes),
        volume=title.volume,
        volumes=title.volumes,
        part=title.part,
        series=_series(record.series, title.folded_subtitle) or title.title_series,
        series_numbers=_frozen(number for number in map(_series_number, record.series) if number),
        companion=title.companion,
        not_stopwords=title.not_stopwords,
        typed_title=title.typed_title,
        material=sys.intern((record.material_type or "book").lower()),
        language=sys.intern(_language(record.language)),
        isbns=_frozen(isbn for isbn in map(valid_isbn13, record.isbn) if isbn and isbn not in ignored),
        issns=_frozen(issn.upper() for issn in record.issn),
        other_ids=_frozen(" ".join(_WORD_RE.findall(fold_cached(value))) for value in record.other_ids if value),
        host=" ".join(_WORD_RE.findall(fold_cached(record.host))) if record.host else "",
    )


# How alike two hosts' names must be (rapidfuzz token_set_ratio, 0-100) to be one journal typed two ways.
HOST_NAME_MIN_RATIO = 85


def different_hosts(a: str, b: str) -> bool:
    """Whether two articles' hosts (`Features.host`) are two journals or two issues of one: the names
    unlike, or numbers (issue, pages, year, ISSN) each gives that the other does not.  One copy giving
    fewer numbers ("Số 480" beside "Số 480, tr. 45-48") is the same host."""
    numbers_a, numbers_b = ({word for word in host.split() if word.isdigit()} for host in (a, b))
    if not (numbers_a <= numbers_b or numbers_b <= numbers_a):
        return True
    name_a, name_b = (" ".join(word for word in host.split() if not word.isdigit()) for host in (a, b))
    return fuzz.token_set_ratio(name_a, name_b) < HOST_NAME_MIN_RATIO
