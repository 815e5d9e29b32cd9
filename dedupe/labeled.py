"""A seeded, labeled data set for measuring dedupe: records plus the edition each one is.

Editions are built from real titles (Vietnamese literature, translations, foreign
books, school textbooks, the long tail of extension and law booklets), then each
library's copy is catalogued with the variations seen in Hau Giang data: no
ISBN, no author, missing diacritics, ALL CAPS, a typo, subtitle dropped or run
into the title, publisher spelled another way, author inverted or with dates,
volume written "Tập 1" / "T.1" / "tập I" / "T1" / "Q.1" / "- Q.1" / "Tập một" / "Tập ba", grade with or
without "lớp" or in the subtitle ("Toán : Lớp 6"), a district "Quận 1" written "Q.1".  Hard negatives come with it: volumes
of one set (often sharing one ISBN), reprints in other years, translations of
one original, one title by different authors, series titles one word apart,
textbooks one grade apart.  Used by tests/test_dedupe_quality.py and the benchmark.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace

from dedupe import labeled_data as data
from store.models import Holding, Record
from store.text import fold


LAST_YEAR = 2025
_GRADE_RE = re.compile(r" (\d{1,2})$")


@dataclass(frozen=True)
class Edition:
    """One true edition: what every copy's record should agree on."""

    key: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    year: int
    publisher: str
    pages: int
    isbn: str | None
    language: str
    volume: int | None = None
    edition: str | None = None
    copies: int = 2
    school: bool = False


@dataclass
class LabeledSet:
    records: list[Record]
    truth: dict[str, str]


def generate(n_records: int, seed: int = 0) -> LabeledSet:
    """About `n_records` records (one per library copy) and record id → edition key."""
    rng = random.Random(seed)
    builder = _Builder(rng)
    records: list[Record] = []
    truth: dict[str, str] = {}
    serial = itertools.count(1)
    while len(records) < n_records:
        for edition in builder.unique(builder.next_work()):
            for record in _copies(edition, rng, serial):
                records.append(record)
                truth[record.id] = edition.key
    rng.shuffle(records)
    return LabeledSet(records, truth)


class _Builder:
    """Makes works one at a time; each work gives one or more editions (the hard negatives)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.count = 0
        self.seen: set[tuple] = set()
        self.isbn_serial = rng.randrange(10**6)

    def unique(self, editions: list[Edition]) -> list[Edition]:
        """Move an edition to another year when a record of it could not tell it from an earlier one.

        Two editions with the same title, authors, year and volume (or the same title,
        publisher, year and volume) would be indistinguishable copies, not a test.
        """
        out = []
        for edition in editions:
            while edition.year <= LAST_YEAR:
                signatures = {(fold(edition.title), edition.volume, edition.year, frozenset(edition.authors)),
                              (fold(edition.title), edition.volume, edition.year, edition.publisher)}
                if not signatures & self.seen:
                    self.seen |= signatures
                    out.append(edition)
                    break
                edition = replace(edition, year=edition.year + 1)
        return out

    def isbn(self) -> str:
        self.isbn_serial += self.rng.randrange(1, 50)
        stem = f"978604{self.isbn_serial % 10**6:06d}"
        check = (10 - sum((3 if i % 2 else 1) * int(ch) for i, ch in enumerate(stem)) % 10) % 10
        return stem + str(check)

    def key(self) -> str:
        self.count += 1
        return f"e{self.count:07d}"

    def person(self) -> str:
        rng = self.rng
        return f"{rng.choice(data.SURNAMES)} {rng.choice(data.MIDDLE_NAMES)} {rng.choice(data.GIVEN_NAMES)}"

    def next_work(self) -> list[Edition]:
        kind = self.rng.random()
        if kind < 0.15:
            return self._famous()
        if kind < 0.22:
            return self._translated()
        if kind < 0.40:
            return self._textbook()
        return self._template()

    def _base(self, title: str, subtitle: str | None, authors: list[str], publisher: str, language: str = "vie",
              **extra) -> Edition:
        rng = self.rng
        has_isbn = rng.random() < (0.85 if language != "vie" else 0.55)
        return Edition(key=self.key(), title=title, subtitle=subtitle, authors=tuple(authors),
                       year=rng.randint(1995, 2024), publisher=publisher, pages=rng.randint(40, 600),
                       isbn=self.isbn() if has_isbn else None, language=language,
                       copies=_copy_count(rng), **extra)

    def _reprints(self, first: Edition) -> list[Edition]:
        """Later editions: other year and statement, new ISBN or (publishers do this) the same one."""
        editions = [first]
        for number in range(2, 2 + self.rng.choice((0, 0, 1, 1, 2))):
            editions.append(replace(
                first, key=self.key(), year=editions[-1].year + self.rng.randint(1, 4),
                edition=f"Tái bản lần thứ {number - 1}",
                isbn=(first.isbn if self.rng.random() < 0.3 else self.isbn()) if first.isbn else None,
                pages=first.pages + self.rng.choice((0, 0, 4, 16)), copies=_copy_count(self.rng)))
        return editions

    def _famous(self) -> list[Edition]:
        if self.rng.random() < 0.6:
            title, subtitle, authors, publisher = self.rng.choice(data.FAMOUS_VI)
            return self._reprints(self._base(title, subtitle, authors, publisher))
        title, subtitle, authors, publisher = self.rng.choice(data.FOREIGN)
        return self._reprints(self._base(title, subtitle, authors, publisher, language="eng"))

    def _translated(self) -> list[Edition]:
        original, authors, title_vi, translators = self.rng.choice(data.TRANSLATED)
        editions = [self._base(original, None, authors, "Penguin Books", language="eng")]
        for translator in translators:
            publisher = self.rng.choice(("Văn học", "Hội Nhà văn", "Trẻ", "Kim Đồng"))
            editions.append(self._base(title_vi, None, [*authors, translator], publisher))
        return editions

    def _textbook(self) -> list[Edition]:
        rng = self.rng
        subject, grades, volumes = rng.choice(data.TEXTBOOK_SUBJECTS)
        grade = rng.choice(list(grades))
        kind = rng.choice(data.TEXTBOOK_KINDS)
        authors = [self.person() for _ in range(rng.randint(1, 3))]
        year = rng.randint(2002, 2024)
        isbn = self.isbn() if rng.random() < 0.5 else None
        editions = []
        # The teacher's book of the same team and year: a hard negative, another book.
        kinds = [kind, "sách giáo viên"] if kind is None and rng.random() < 0.3 else [kind]
        # Neighbouring grades by the same team in the same year: the hard textbook negative.
        neighbours = sorted({grade, min(grade + 1, max(grades))} if rng.random() < 0.4 else {grade})
        for kind, neighbour in ((k, n) for k in kinds for n in neighbours):
            for volume in range(1, volumes + 1) if volumes > 1 else [None]:
                editions.append(Edition(
                    key=self.key(), title=f"{subject} {neighbour}", subtitle=kind, authors=tuple(authors), year=year,
                    publisher="Giáo dục Việt Nam", pages=rng.randint(80, 200), language="vie", volume=volume,
                    # One ISBN for the whole set is common; the volume must still keep them apart.
                    isbn=isbn if rng.random() < 0.3 else (self.isbn() if rng.random() < 0.5 else None),
                    copies=rng.randint(3, 12), school=True))
        return editions

    def _template(self) -> list[Edition]:
        rng = self.rng
        pattern, fillers = rng.choice(data.TEMPLATES)
        title = pattern.format(rng.choice(fillers))
        if not title.startswith("Tuyển tập") and rng.random() < 0.8:
            title += " " + rng.choice(data.TITLE_QUALIFIERS).format(rng.choice(data.PLACES))
        subtitle = rng.choice(data.TEMPLATE_SUBTITLES)
        publisher = rng.choice(data.VI_PUBLISHERS_FOR_TEMPLATES)
        authors = [self.person() for _ in range(rng.choice((0, 1, 1, 2, 3)))]
        first = self._base(title, subtitle, authors, publisher, school=rng.random() < 0.5)
        if title.startswith("Tuyển tập") and rng.random() < 0.5:
            return [replace(first, key=self.key() if v > 1 else first.key, volume=v,
                            isbn=first.isbn if rng.random() < 0.5 else self.isbn())
                    for v in range(1, rng.randint(2, 4))]
        editions = self._reprints(first)
        if rng.random() < 0.25:
            # Same series, same author and house, one word apart ("cá tra" / "cá rô đồng").
            sibling = pattern.format(rng.choice([f for f in fillers if not title.startswith(pattern.format(f))]))
            sibling += title[len(pattern.format(next(f for f in fillers if title.startswith(pattern.format(f))))):]
            editions.append(replace(first, key=self.key(), title=sibling, pages=rng.randint(40, 600),
                                    isbn=self.isbn() if first.isbn else None, copies=_copy_count(rng)))
        return editions


def _copy_count(rng: random.Random) -> int:
    return rng.choice((1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 7))


def _copies(edition: Edition, rng: random.Random, serial: Iterator[int]) -> list[Record]:
    libraries = rng.sample(data.LIBRARIES, k=min(edition.copies, len(data.LIBRARIES)))
    if edition.copies > 1 and rng.random() < 0.05:
        libraries[-1] = libraries[0]  # a library's own double entry
    return [_catalogue(edition, library, rng, serial) for library in libraries]


def _catalogue(edition: Edition, library: str, rng: random.Random, serial: Iterator[int]) -> Record:
    """One library's record of an edition, with the noise real cataloguing adds."""
    # Random-looking but never repeated: a collision would make one id two records.
    local_id = f"{rng.randrange(10**4):04d}{next(serial):07d}"
    plain = rng.random() < 0.12  # an old system that lost every diacritic
    title, subtitle = edition.title, edition.subtitle
    if subtitle and rng.random() < 0.3:
        if subtitle not in data.TEXTBOOK_KINDS:  # "sách giáo viên" names another book: never left out
            subtitle = None
    elif subtitle and rng.random() < 0.12:
        title, subtitle = f"{title} : {subtitle}", None
    if rng.random() < 0.07:
        title = _typo(title, rng)
    if " và " in title and rng.random() < 0.3:
        title = title.replace(" và ", " & ")
    if title.startswith("The ") and rng.random() < 0.3:
        title = title[4:]
    if edition.school and title[-1].isdigit():
        roll = rng.random()
        if roll < 0.15:
            title = _GRADE_RE.sub(r" lớp \1", title)  # "Toán lớp 6" for "Toán 6"
        elif roll < 0.25:
            title, subtitle = _grade_in_subtitle(title, subtitle, rng)  # "Toán : Dành cho lớp 6"
    if "Quận " in title and rng.random() < 0.4:
        title = title.replace("Quận ", rng.choice(("Q.", "Q")))  # "Lịch sử Đảng bộ Q.1": Quận 1, no volume
    part = None
    if edition.volume is not None:
        title, part = _volume_form(title, edition.volume, rng)
    if rng.random() < 0.04:
        title = title.upper()
    authors = [] if rng.random() < (0.3 if edition.school else 0.1) else [_author_form(a, rng) for a in edition.authors]
    if len(authors) > 1 and rng.random() < 0.3:
        authors = authors[:1]
    publisher = None if rng.random() < 0.1 else rng.choice(data.PUBLISHERS.get(edition.publisher, [edition.publisher]))
    record = Record(
        id=f"{library}:{local_id}", library=library, local_id=local_id,
        title=_strip(title) if plain else title, subtitle=(_strip(subtitle) if plain and subtitle else subtitle),
        part=part, authors=[_strip(a) for a in authors] if plain else authors,
        # 008/07-10 or 260$c gives a year for nearly every record; a record without one
        # is ambiguous between reprints, so it is kept rare here as in real data.
        year=None if rng.random() < 0.03 else edition.year,
        publisher=(_strip(publisher) if plain and publisher else publisher),
        edition=edition.edition if edition.edition and rng.random() < 0.9 else None,
        pages=None if rng.random() < 0.3 else edition.pages + rng.choice((0, 0, 0, 1, 2, -1, 4)),
        isbn=[edition.isbn] if edition.isbn and rng.random() < 0.7 else [],
        language=edition.language if rng.random() < 0.8 else None,
        holdings=[Holding(library=library, call_number=f"{rng.randint(100, 999)} {edition.title[:1].upper()}",
                          record_id=f"{library}:{local_id}")],
    )
    return record


def _grade_in_subtitle(title: str, subtitle: str | None, rng: random.Random) -> tuple[str, str]:
    """"Toán 6" catalogued "Toán : Lớp 6"; a teacher's book "Toán : Sách giáo viên lớp 6"."""
    grade = _GRADE_RE.search(title)
    phrase = rng.choice(("Lớp {}", "Dành cho lớp {}", "Dành cho học sinh lớp {}")).format(grade.group(1))
    return title[:grade.start()], f"{subtitle} lớp {grade.group(1)}" if subtitle else phrase


def _strip(text: str) -> str:
    """Drop Vietnamese marks but keep case, as old 7-bit systems did."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _typo(title: str, rng: random.Random) -> str:
    words = title.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return title
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 1)
    operation = rng.choice(("swap", "drop", "double"))
    if operation == "swap":
        word = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    elif operation == "drop":
        word = word[:j] + word[j + 1:]
    else:
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def _volume_form(title: str, volume: int, rng: random.Random) -> tuple[str, str | None]:
    roman = ["", "I", "II", "III", "IV", "V"][volume] if volume <= 5 else str(volume)
    word = {1: "một", 2: "hai", 3: "ba", 4: "bốn", 5: "năm"}.get(volume, str(volume))
    form = rng.choice((f"Tập {volume}", f"T.{volume}", f"Tập {roman}", f"tập {volume}", f"T{volume}", f"Q.{volume}",
                       f"Quyển {volume}", f"Tập {word}", f"T. {volume}"))
    roll = rng.random()
    if roll < 0.5:
        return title, form
    # ISBD's ". Tập 2"; school catalogues also write "Lịch sử Việt Nam - Q.2".
    return f"{title}{' - ' if roll > 0.9 else '. '}{form}", None


def _leading_consonants(word: str) -> str:
    """"Nguyễn" → "Ng", "Trần" → "Tr", "Lê" → "L": how cataloguers cut a surname short."""
    vowel = next((i for i, ch in enumerate(fold(word)) if ch in "aeiouy"), len(word))
    return word[:max(vowel, 1)]


def _author_form(name: str, rng: random.Random) -> str:
    words = name.split()
    roll = rng.random()
    if fold(name) == name.lower() and len(words) >= 2 and roll < 0.4:
        return f"{words[-1]}, {' '.join(words[:-1])}"  # foreign names are often inverted
    if roll < 0.1:
        return f"{name} (1950-)"
    if roll < 0.2:
        return f"{name} (chủ biên)"
    if fold(name) != name.lower() and len(words) >= 3 and roll < 0.25:
        # Surname and middle name cut short: "N.Đ. Thắng" (initials) or "Ng. Đ. Thắng" (leading consonants).
        cut = (lambda word: word[0]) if roll < 0.225 else _leading_consonants
        return " ".join(f"{cut(word)}." for word in words[:-1]) + f" {words[-1]}"
    return name
