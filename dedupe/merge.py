"""Merge a cluster's records into one union record.

Each field takes the best value any member offers: not left in TCVN3 bytes, not ALL CAPS, with its
Vietnamese marks, from a preferred library, else from the member that filled
in the most fields.  Identifiers (with those printed wrong: never matched on, but
a reader may search for what the book says), subjects and classifications are united, and
every holding of every member is kept: a union record exists to list them all.

Authors are the best member's list, in its order, followed by the names only
other members list (a co-author, an illustrator one library catalogued): a name
is added when no name already there is the same person, compared as `match`
compares names (folded word sets; an initial or a typo is the same word), so
"NGUYỄN NHẬT ÁNH" and "J. K. Rowling" / "Rowling, Joanne K." are not listed twice.
The authors proper come first, the contributors (a translator, an illustrator, an editor, as
dedupe.names reads their roles) after them: a member naming only its illustrator in 7XX made him
head the union record, and its work key.  Added names stop at `MAX_MERGED_AUTHORS`; the best
member's own list is never cut.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from dedupe.author_similarity import name_similarity
from dedupe.names import author_words, contributors, stated_authors
from dedupe.parts import publisher_words, volume_numbers
from store.models import Holding, Link, Name, Record, UnionRecord
from store.text import fold, work_key

# Bump when a release changes what a union record holds, or which records match: the next dedupe
# run is then a full one and clusters and merges everything again, not only what changed.
# 2: invalid ISBNs and ISSNs of the members are kept.  3: an ALL CAPS subtitle gives way.
# 4: co-authors only some members list are added.  5: uniform and alternate-script titles kept.
# 6: the name headings (`names`) behind the authors kept.  7: match rules: named parts never
# join through a copy naming none, a relator beside a name ("(Tổng chủ biên)") is not a name word;
# text left in TCVN3 bytes ("M¾t biÕc") gives way; two textbook series ("Kết nối tri thức",
# "Chân trời sáng tạo") of one title never match, nor "Tập 1. Phần 2" and "Tập 1", "Tập 1-2" and "Tập 1",
# nor the teacher's book or a workbook ("sách giáo viên", "sách bài tập") and the pupils' book.
# 8: match rules: a volume written "T1", "Q1" (where a part begins) is volume 1; "Toán lớp 6" is
# "Toán 6"; "Q1" / "Q.1" inside a title is "Quận 1", never a volume; a title stating its volume
# takes no other member's part (it showed "Tập 1. Tập 1"); the title most members spell alike wins
# over one copy's typo; a typo in a short textbook title ("Khao học 5") is found by a word skeleton key;
# a typo in "sách giáo viên" still names the teacher's book.  9: the sort title (a leading
# article skipped, as 245 ind2 or NSB/NSE mark it) kept, so a title sort files "The Hobbit" under H.
# 10: match rules: a grade in the subtitle ("Tiếng Việt : Lớp 3") is the title's; "Ng. Đ. Thắng" is
# Nguyễn Đức Thắng, and no initial or typo stands for a Vietnamese given name; "Tập ba" is volume 3;
# subtitles count after a generic main title ("Giáo trình : …") or when both records have one; a
# series number (490 $v), an edition stated outside 250 and different translators keep books apart;
# "Toán 6 : Bài tập" is the workbook.  11: match rules: words are read with the marks they were typed
# with where folding merges them with a keyword (dedupe/marks.py): "Phần sau" is no Part 6, "Phần vi
# phân" no Part VI, "Ban Địch vận" and "Nguyễn Minh Hòa" no translator or illustrator, "dê" (goat) no
# stopword "de"; a spelled volume number ends its phrase ("Phần Hai Bà Trưng" is no Part 2); a stopword
# where the other title has a word, as many words each, is a substituted word.  12: match rules: two
# title words one letter apart once folded, each typed with its marks as a Vietnamese syllable ("cá tra"
# and "cá trê", "khỏe" and "khéo"), are two words, no typo (dedupe/syllables.py).  13: blocking: the
# first half of a title is a key only with an author word and the year together (dedupe/keys.py).
# 14: match rules: a shared ISBN never joins two Vietnamese authors' books; a named part never joins the
# work without one; two neighbouring title words swapped are a direction ("Anh - Việt"); a stopword
# against several words is a substitution; companions, series and publishers' abbreviations added; a
# copy lacking what tells two editions apart (authors, publisher) is left alone (dedupe/cluster.py).
# 15: a title + year block no longer proposes two records that both have authors (dedupe/keys.py);
# translators named only in the statement of responsibility (245 $c) count (dedupe/names.py); Roman
# numerals are never typos of each other; a capital A after a word is a letter ("Châu Thành A"); two
# different ISSNs are two serials; Vietnam's licensed publishing houses are known by name (dedupe/publishers.py);
# companions named in a subtitle; ordinals ("lần thứ 4") and abbreviations ("BCH", "ĐBSCL") in titles spelled out;
# authors: titles before a name ("PGS.TS."), corporate abbreviations, hierarchies, a word more at a name's end.
# 16: match rules: a school term ("HK1", "học kì 1") is a number of the title (dedupe/title_numbers.py);
# "Tb. lần 3" is "Tái bản lần thứ 3" (dedupe/parts.py); "lần thứ XIII" is "lần thứ 13".
# Two ISBNs issued by two registrants (groups, or Vietnamese houses) are two books (dedupe/registrants.py).
# A textbook series named in the title ("Toán 1 (Cánh diều)") is the series (dedupe/parts.py).
# A law's amendment note in brackets ending the title is its subtitle (dedupe/features.py).
# A final y after "qu" is spelt i ("Lê Quý Đôn" = "Lê Quí Đôn", dedupe/folding.py).
# Two names typed with marks, alike but for the given name's marks, are two people (dedupe/names.py).
# A copy lacking a translator, an edition statement or a page count is left alone beside two
# editions of its title that differ in exactly that (dedupe/ambiguity.py).
# A union record holding a member in conflict with a copy is no rival that leaves the copy alone (dedupe/ambiguity.py).
# 17: a record without authors is compared by the persons its statement of responsibility (245 $c) names
# (dedupe/names.py: stated_authors), and their translators there count as translators.
# 18: a one-word title typed with other marks is another title ("Ma", "Mà"), and so is a title word typed
# with another letter and another tone both ("Mưa", "Mùa"; dedupe/syllables.py: "đ" is a mark of its own).
# 19: a generic title ("Báo cáo tổng kết", "Luận văn tốt nghiệp", more of them listed) with only the year
# agreeing needs authors, publisher and pages, or both subtitles (dedupe/match.py).
# 20: a union record's invalid ISBNs leave out the ones among its valid ISBNs (a valid number a member typed in $z).
# 21: a record with neither author nor year is blocked by its title alone (dedupe/keys.py): copies of one title are
# compared, so one left alone names the nearest and why it was refused; copies agreeing in publisher and pages join.
# 22: the title alone is a key of every record missing author or year, not only of one missing both: a bare copy
# meets a copy naming its author only in 245 $c (now its author), and its explanation names it.
# 23: a serial's generic name ("Bản tin", "Tạp chí", "Đặc san") is a generic title (dedupe/match.py).
# 24: the publisher is the house's bare name ("Trẻ") when a member gives it so, not "Nxb. Trẻ" beside it;
# a Dewey number typed with segmentation marks ("895.922 34", "895.922/34") is listed once.
# 25: an article (material type "article") keeps its host item (773); two articles of one title in two
# journals or issues never match (dedupe/features.py: different_hosts).
# 26: an e-book's or a thesis's online links (856) kept, every member's.
# 27: varying forms of the title (246) kept, every member's.
# 28: a translator, illustrator or editor (700 $e dịch, minh hoạ, hiệu đính...) is no compared author; a record left
# with none compares the persons its 245 $c names, and an author its 245 $c names (a body too) matches (dedupe/names.py).
# A genre or companion typed into 245 $a after ". " or " - " ("Hương rừng Cà Mau. Truyện ngắn") is its subtitle.
# Records of one serial (one ISSN, no ISBN or a serial) whose titles agree are one, whatever their years (match.py).
# A state body's heading is compared without the country before or after it: "Việt Nam (CHXHCN). Quốc hội" is
# "Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam" (names.without_country).
# 29: the authors proper come before the contributors (700 $e dịch, minh hoạ...) any member lists, and the work
# key names the first author proper, else the person a member's 245 $c names (dedupe/names.py: stated_authors).
# 30: an article's host item kept subfield by subfield (UnionRecord.host_item), from the member whose `host` it is:
# the OAI-PMH feed writes it as 773.
# 31: the host item from the member whose 773 has most subfields: an ISBN or control number ($z, $w) a
# member gave was lost when another's one line was as long (review).
MERGE_RULES_VERSION = 31
# Names other members add to the best member's authors stop here (the API and index show them all).
MAX_MERGED_AUTHORS = 10

_FILLABLE = ("subtitle", "part", "responsibility", "authors", "year", "publisher", "place", "edition", "pages",
             "isbn", "issn", "language", "subjects", "classification", "series")


def merge_cluster(cluster_id: str, members: list[Record], library_preference: Sequence[str] = ()) -> UnionRecord:
    """One union record from the records of one cluster (order of `members` does not matter)."""
    if not members:
        raise ValueError(f"cluster {cluster_id} has no members")
    ranked = _rank(members, library_preference)
    titled = _by_agreement(ranked, library_preference, lambda record: record.title)
    title_source = _best([r for r in titled if not _recased(r)] or titled, lambda record: record.title)
    authors_source = _best(ranked, lambda record: ", ".join(record.authors))
    subtitle = _best_spelling([title_source, *ranked], title_source.subtitle, lambda record: record.subtitle) or (
        None if ":" in title_source.title else _best_text(ranked, lambda record: record.subtitle)
    )
    authors, proper = _authors(authors_source, ranked)
    # Copies of one article agree on their host (match.hard_guard); the one whose 773 has most subfields
    # names most ($z and $w are not in the one line), then the longest line (pages, ISSN).
    host_source = max((record for record in ranked if record.host), key=_host_fullness, default=None)
    return UnionRecord(
        id=cluster_id,
        title=title_source.title,
        sort_title=_first(r.sort_title for r in [title_source, *ranked] if r.title == title_source.title),
        subtitle=subtitle,
        part=title_source.part or (None if _states_volume(title_source) else _best_text(ranked, lambda r: r.part)),
        uniform_title=title_source.uniform_title or _best_text(ranked, lambda record: record.uniform_title),
        alternate_titles=_union(record.alternate_titles for record in ranked),
        other_titles=_union(record.other_titles for record in ranked),
        responsibility=_best_text(ranked, lambda record: record.responsibility),
        authors=authors,
        names=_names(authors, authors_source, ranked),
        year=_first(record.year for record in ranked),
        publisher=_publisher(ranked),
        place=_best_text(ranked, lambda record: record.place),
        edition=_best_text(ranked, lambda record: record.edition),
        pages=_first(record.pages for record in ranked),
        isbn=(isbns := _union(record.isbn for record in ranked)),
        # A member's 020 $z holding the ISBN another member has in $a: one number, not "ISBN" and "ISBN in sai".
        invalid_isbn=[isbn for isbn in _union(record.invalid_isbn for record in ranked) if isbn not in isbns],
        issn=_union(record.issn for record in ranked),
        invalid_issn=_union(record.invalid_issn for record in ranked),
        other_ids=_union(record.other_ids for record in ranked),
        language=_first(record.language for record in ranked),
        subjects=_union_spellings(record.subjects for record in ranked),
        classification=_classes(ranked),
        material_type=ranked[0].material_type,
        host=host_source.host if host_source else None,
        host_item=host_source.host_item if host_source else None,
        links=_links(ranked),
        series=_union_spellings(record.series for record in ranked),
        notes=_union(record.notes for record in ranked),
        holdings=_holdings(members),
        members=sorted(record.id for record in members),
        work_key=work_key(title_source.title, _work_authors(authors, proper, [authors_source, *ranked])),
    )


def _rank(members: list[Record], library_preference: Sequence[str]) -> list[Record]:
    """Preferred libraries first (in the given order), then the most filled-in record, then id."""
    order = _preference(library_preference)

    def filled(record: Record) -> int:
        return sum(1 for name in _FILLABLE if getattr(record, name) not in (None, "", []))

    return sorted(members, key=lambda r: (order.get(r.library, len(order)), -filled(r), r.id))


def _preference(library_preference: Sequence[str]) -> dict[str, int]:
    return {library: position for position, library in enumerate(library_preference)}


def _by_agreement(ranked: list[Record], library_preference: Sequence[str],
                  value: Callable[[Record], str | None]) -> list[Record]:
    """`ranked` with, after the preferred libraries, the members whose value (folded) most members
    share first: one copy's typo ("phiêu lưu ýk") is not the union record's title because that
    copy filled in the most fields."""
    order = _preference(library_preference)
    support = Counter(_folded(value(record) or "") for record in ranked)
    return sorted(ranked, key=lambda r: (order.get(r.library, len(order)), -support[_folded(value(r) or "")]))


def _authors(source: Record, ranked: list[Record]) -> tuple[list[str], int]:
    """`source`'s authors proper, other members' names of other persons, then the contributors the same
    way (see the module docstring); and how many of them are authors proper."""
    members = [source, *(record for record in ranked if record is not source)]
    contributed = [contributors(record) for record in members]
    authors: list[str] = []
    known: list[tuple[str, ...]] = []
    for contributors_now in (False, True):
        proper = len(authors)  # what the first pass listed, once the second begins
        for record, theirs in zip(members, contributed):
            for name in record.authors:
                if (name in theirs) != contributors_now or not _adds(name, record is source, authors, known):
                    continue
                authors.append(name)
                if words := author_words(name):
                    known.append(words)
    return authors, proper


def _adds(name: str, own: bool, authors: list[str], known: list[tuple[str, ...]]) -> bool:
    """Whether `name` joins the merged authors: one of the best member's own (`own`) unless its person is
    listed already, another member's while fewer than MAX_MERGED_AUTHORS are listed."""
    words = author_words(name)
    if any(words and name_similarity(words, other) == 100.0 for other in known):
        return False
    # A name left in TCVN3 bytes folds to other words: most likely a person already listed.
    return own or (bool(words) and len(authors) < MAX_MERGED_AUTHORS and not _LEGACY_BYTES_RE.search(name))


def _work_authors(authors: list[str], proper: int, members: list[Record]) -> list[str]:
    """Who the work key names: the authors proper; with none, the persons a member's 245 $c names
    (`stated_authors`: "Tô Hoài ; Tạ Huy Long minh hoạ"), else the contributors as listed."""
    if proper:
        return authors[:proper]
    stated = next((names for record in members if (names := stated_authors(record.responsibility))), ())
    return list(stated) or authors


def _names(authors: list[str], source: Record, ranked: list[Record]) -> list[Name]:
    """For each of `authors`, in order, the heading of the member that gave it (its dates,
    relators, own-script form): the authors' record first, then by rank."""
    headings: dict[str, Name] = {}
    for record in (source, *ranked):
        for heading in record.names:
            headings.setdefault(heading.name.casefold(), heading)
    return [headings[name.casefold()] for name in authors if name.casefold() in headings]


# "Nxb. Trẻ", "NXB Trẻ", "Nhà xuất bản Trẻ": the word for publishing house before the house's name.
_HOUSE_WORD_RE = re.compile(r"^\W*(?:nhà\s*xuất\s*bản|nhà\s*xb|nxb)(?!\w)", re.IGNORECASE)


def _publisher(ranked: list[Record]) -> str | None:
    """The best-spelled publisher, bare ("Trẻ") when a member names that house without "Nxb.": normalize
    keeps what each library typed, and one union record read "Nxb. Trẻ", the next "Trẻ"."""
    chosen = _best_text(ranked, lambda record: record.publisher)
    if chosen is None:
        return None
    house = publisher_words(fold(chosen))
    same = [record for record in ranked if record.publisher and publisher_words(fold(record.publisher)) == house]
    same.sort(key=lambda record: _HOUSE_WORD_RE.match(record.publisher or "") is not None)  # stable: rank stays
    return _best_text(same, lambda record: record.publisher)


def _states_volume(record: Record) -> bool:
    """The title already says which volume ("Tiếng Việt 1. Tập 1"): another member's part
    ("Tập 1", "T1") would show it twice on the record page."""
    return bool(volume_numbers(fold(f"{record.title} : {record.subtitle or ''}")))


def _recased(record: Record) -> bool:
    """Normalize sentence-cased an ALL CAPS title, so its proper nouns lost their capitals."""
    return any(note.split(": ", 1)[-1].startswith("all capitals") for note in record.repairs)


# TCVN3 bytes read as Latin-1 that normalize left unrepaired ("M¾t biÕc", "NguyÔn", "TrÎ"): a
# Latin-1 capital right after a small letter, or a Latin-1 symbol touching a letter.  Real text
# has neither (French "Hélène", German "Größe", "« Mắt biếc »" do not match).
_LEGACY_BYTES_RE = re.compile(r"[^\W\d_A-Z\u00c0-\u00de][\u00c0-\u00de]|[\u00a1-\u00bf](?=[^\W\d_])|"
                              r"(?<=[^\W\d_])[\u00a1-\u00bf]")


def _quality(text: str) -> tuple[bool, bool, bool]:
    """Sort key: TCVN3 remnants last, then ALL CAPS, then text without Vietnamese marks when a
    marked form exists."""
    letters = [ch for ch in text if ch.isalpha()]
    all_caps = len(letters) > 3 and all(ch.isupper() for ch in letters)
    return _LEGACY_BYTES_RE.search(text) is not None, all_caps, fold(text) == text.lower()


def _best(ranked: list[Record], value: Callable[[Record], str]) -> Record:
    """The member whose value is best (rank breaks ties); falls back to the top-ranked record."""
    candidates = [(position, record) for position, record in enumerate(ranked) if value(record)]
    if not candidates:
        return ranked[0]
    marked_exists = any(not _quality(value(record))[2] for _, record in candidates)
    return min(
        candidates,
        key=lambda item: (*_quality(value(item[1]))[:2], marked_exists and _quality(value(item[1]))[2], item[0]),
    )[1]


def _best_text(ranked: list[Record], value: Callable[[Record], str | None]) -> str | None:
    present = [record for record in ranked if value(record)]
    return value(_best(present, lambda record: value(record) or "")) if present else None


def _best_spelling(ranked: list[Record], chosen: str | None, value: Callable[[Record], str | None]) -> str | None:
    """The best form (not ALL CAPS, marked) of the text `chosen`, among members whose value is that text
    spelled another way: the subtitle stays the one of the title's record, "TIỂU THUYẾT" gives way
    to "tiểu thuyết"."""
    if not chosen:
        return chosen
    same = [record for record in ranked if value(record) and _folded(value(record)) == _folded(chosen)]
    return value(_best(same, lambda record: value(record) or ""))


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _host_fullness(record: Record) -> tuple[int, int]:
    """(subfields its 773 gives, length of its host line): which member's host item names most."""
    item = record.host_item
    given = 0 if item is None else sum(1 for value in item.model_dump(exclude={"in_book"}).values() if value)
    return given, len(record.host or "")


def _first(values: Iterable):
    return next((value for value in values if value not in (None, "")), None)


def _links(ranked: list[Record]) -> list[Link]:
    """Every member's online links in rank order, each URL once, with the label of the first member giving it."""
    seen: dict[str, Link] = {}
    for record in ranked:
        for link in record.links:
            seen.setdefault(link.url, link)
    return list(seen.values())


def _union(lists: Iterable[list[str]], key: Callable[[str], str] = str) -> list[str]:
    """Values in rank order, once per key; of equal keys the marked, mixed-case form wins."""
    seen: dict[str, str] = {}
    for values in lists:
        for value in values:
            known = seen.get(key(value))
            if known is None or _quality(value) < _quality(known):
                seen[key(value)] = value
    return list(seen.values())


# Marks inside a Dewey number that only show where to cut it: spaces ("895.922 34", as DDC prints it),
# LC's prime marks "/" and "'".  Other schemes keep them: "/" joins a range in UDC ("592/599").
_DDC_MARKS_RE = re.compile(r"[\s/'′]")


def _classes(ranked: list[Record]) -> list[str]:
    """Each class once: "DDC 895.922 34", "DDC 895.92234" and "DDC 895.922/34" are one number, shown as most
    members typed it, else without the marks; in rank order."""
    typed = [value for record in ranked for value in record.classification]
    count = Counter(typed)
    shown: dict[str, str] = {}
    for value in typed:
        scheme, _, number = value.partition(" ")
        key = f"DDC {_DDC_MARKS_RE.sub('', number)}" if scheme == "DDC" else " ".join(value.split())
        known = shown.get(key)
        if known is None or (-count[value], _marks(value)) < (-count[known], _marks(known)):
            shown[key] = value
    return list(shown.values())


def _marks(value: str) -> int:
    return len(_DDC_MARKS_RE.findall(value))


def _union_spellings(lists: Iterable[list[str]]) -> list[str]:
    """`_union` of headings where an unmarked spelling ("van hoc viet nam") gives way to the
    marked one with the same letters ("Văn học Việt Nam"); two marked headings stay two even
    when folding makes them one ("Kinh tế vi mô", "Kinh tế vĩ mô": micro- and macroeconomics)."""
    values = _union(lists, key=str.casefold)
    marked: dict[str, str] = {}
    for value in values:
        if fold(value) != value.casefold():
            marked.setdefault(fold(value), value)
    out: dict[str, None] = {}
    for value in values:
        folded = fold(value)
        out.setdefault(marked.get(folded, value) if folded == value.casefold() else value)
    return list(out)


def _holdings(members: list[Record]) -> list[Holding]:
    """Every holding of every member; a member without holdings still shows its library."""
    out: list[Holding] = []
    for record in sorted(members, key=lambda r: r.id):
        if not record.holdings:
            out.append(Holding(library=record.library, record_id=record.id))
            continue
        for holding in record.holdings:
            out.append(holding if holding.record_id else holding.model_copy(update={"record_id": record.id}))
    return out
