"""Author strings reduced to name words, and who of them translated the book.

A title before a person's name ("PGS.TS.", "Đại tá") is no name word; a corporate author's
abbreviations ("UBND", "GD&ĐT") are spelled out, and its hierarchy keeps a BODY_SEPARATOR
between bodies, so that its last body alone can be recognised (`lower_body`).

Folding makes relators of some names ("Nguyễn Minh Hòa" holds "minh họa", "Ban Địch vận"
holds "dịch"), so a relator phrase is read with the marks it was typed with (dedupe.marks).
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

from dedupe.abbreviations import spelled_out
from dedupe.folding import FINAL_Y_RE, fold_cached
from dedupe.marks import typed_as, written_otherwise
from dedupe.syllables import syllable_marks
from store.models import Name, Record
from store.text import fold, nfc

_WORD_RE = re.compile(r"\w+")

# Relator phrases and placeholders inside author strings; "Chu" alone is a surname, so only phrases go.
# A "và" joining two ("dịch và giới thiệu") goes with them: left behind, it was a word of the name.
# Folding makes names of some: "Nguyễn Minh Hòa" holds "minh họa" (illustrated), "Ban Địch vận" and
# "Nguyễn Địch Dỹ" hold "dịch" (translated).  A Vietnamese phrase is a relator only as typed here
# (dedupe.marks).  Typed without marks (in a string with none, or as a slip in one with some: "Nguyễn
# Văn A dich") its place decides (`_placed_as_relator`).
_RELATOR_SPELLINGS = {fold(typed): frozenset({typed}) for typed in (
    "tổng chủ biên", "đồng chủ biên", "chủ biên", "tổng biên tập", "biên tập", "biên soạn", "biên dịch", "hiệu đính",
    "sưu tầm", "tuyển chọn", "giới thiệu", "chú thích", "chú giải", "minh họa", "vẽ tranh", "người dịch", "dịch giả",
    "tác giả", "và những người khác", "những người khác", "dịch")}
_RELATOR_RE = re.compile(
    r"(?<!\w)(?:va\s+)?(?P<relator>" + "|".join(sorted(_RELATOR_SPELLINGS, key=len, reverse=True)) + r"|ch\.\s?b|"
    r"nnk|ctv|editors?|eds?|trans|translator|translated by|comp|illustrator|et al)(?!\w)"
)
# What a cataloguer adds in brackets beside a name is not part of it: "(Tổng chủ biên)", "(b.s.)", "(1920-2014)".
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


@lru_cache(maxsize=65536)
def author_words(author: str) -> tuple[str, ...]:
    """Folded name words of one author, titles, relator terms and dates dropped, order kept.

    Vietnamese names are surname first; they are compared as sets, never inverted.
    """
    folded = fold_cached(author)
    # Blanked, not cut, so that positions in the text still say where in `author` a relator was typed.
    unbracketed = _BRACKETED_RE.sub(lambda match: " " * len(match.group()), folded)
    # "[Nguyễn Văn A]": a name the cataloguer supplied is all in brackets, and stays.
    text = unbracketed if _WORD_RE.search(unbracketed) else folded
    typed = typed_as(author, folded)
    text = _central_as_tw(_without_titles(text, typed), typed, author)
    kept = _RELATOR_RE.sub(lambda match: " " if _typed_relator(typed, match) else match.group(), text)
    if len(_WORD_RE.findall(kept)) == 1 < len(_WORD_RE.findall(text)):
        kept = _RELATOR_RE.sub(lambda match: " " if match.group("relator") not in _RELATOR_SPELLINGS else
                               match.group(), text)  # "Nguyen Minh Hoa": no name is one word
    kept = without_country(spelled_out(FINAL_Y_RE.sub(r"\1i", kept)))  # abbreviations: dedupe.abbreviations
    bodies = _BODY_BOUNDARY_RE.split(kept) if "." in kept else (kept,)
    words: list[str] = []
    for body in bodies:
        body_words = [word for word in _WORD_RE.findall(body) if not any(ch.isdigit() for ch in word)]
        words += [BODY_SEPARATOR, *body_words] if words and body_words else body_words
    return tuple(words)


# Titles written before a person's name (review: "PGS.TS. Cao Thúy Xiêm" scored 60 against
# "Cao Thúy Xiêm").  An abbreviation is a title only with its dot ("PGS.TS." or "PGS.TS", the dot
# joining them): bare, "TS" or "HT" may be initials.  The four honorifics are no syllable, dot or not.
_TITLE_ABBREVIATIONS = ("pgs", "gs", "tskh", "ts", "ths", "ks", "bs", "bscki", "bsckii", "cn", "ds", "ls",
                        "lm", "ht", "tt")
_HONORIFICS = ("ngut", "ngnd", "nsnd", "nsut")
# Phrases, as typed: "Đại" and "Tá" alone are name words, "Nhà thờ" (church) folds to "nhà thơ".
_TITLE_PHRASES = {fold(typed): frozenset({typed}) for typed in (
    *(f"{rank} {grade}" for rank in ("thiếu", "trung", "thượng", "đại") for grade in ("úy", "tá", "tướng")),
    "nhà văn", "nhà thơ", "nhà giáo", "nhà báo", "nhà giáo nhân dân", "nhà giáo ưu tú", "nghệ sĩ nhân dân",
    "nghệ sĩ ưu tú", "giáo sư", "phó giáo sư", "tiến sĩ", "tiến sĩ khoa học", "thạc sĩ", "linh mục",
    "hòa thượng", "thượng tọa")}
_TITLE_RE = re.compile(
    r"[\s.,;:\-]*(?:(?P<abbreviation>" + "|".join(sorted(_TITLE_ABBREVIATIONS, key=len, reverse=True)) +
    r")(?:(?P<dot>\s*\.)|(?!\w))|(?:" + "|".join(_HONORIFICS) + r")(?:\.|(?!\w))|(?P<phrase>" +
    "|".join(sorted(_TITLE_PHRASES, key=len, reverse=True)) + r")(?!\w)(?!(?<=nha van)\s+hoa\b)(?!(?<=nha giao)\s+duc\b))")
# A person's name left after its titles has two words at least: "Đại Tá Long" is a name.
_MIN_TITLED_NAME_WORDS = 2


def _without_titles(text: str, typed: str) -> str:
    """`text` (folded) with the titles before the name blanked, when a name of two words is left.

    Blanked, not cut, so that positions still line up with `typed` (see `author_words`).
    "Nhà văn hóa" (a cultural centre) and "Nhà giáo dục" (an educator) hold no title.
    """
    end = position = 0
    after_dot = False  # the last title was an abbreviation with its dot: "PGS.TS" joins the next
    while match := _TITLE_RE.match(text, position):
        if match.group("phrase") and typed and written_otherwise(
                typed, match.start("phrase"), match.end("phrase"), _TITLE_PHRASES[match.group("phrase")]):
            break
        position = match.end()
        abbreviation, dotted = bool(match.group("abbreviation")), bool(match.group("dot"))
        if abbreviation and not (dotted or after_dot):
            continue  # a title only if a dot follows in this run ("PGS TS."): "TS Nguyễn" may be initials
        end, after_dot = position, abbreviation and (dotted or after_dot)
    if not end or len(_WORD_RE.findall(text, end)) < _MIN_TITLED_NAME_WORDS:
        return text
    return " " * end + text[end:]


# "TƯ" (Trung ương) folds to "tu", as do the names "Từ", "Tư", "Tú": it is read as an abbreviation
# only typed so, in capitals beside words that are not ("BCH TƯ Đảng"; "NGUYỄN VĂN TƯ" is a person).
_CENTRAL_RE = re.compile(r"(?<!\w)TƯ(?!\w)")


def _central_as_tw(text: str, typed: str, author: str) -> str:
    """`text` (folded) with each "tu" typed "TƯ" as its other abbreviation "tw", of the same length."""
    if not typed or "TƯ" not in typed or author.isupper():
        return text
    for match in _CENTRAL_RE.finditer(typed):
        text = f"{text[:match.start()]}tw{text[match.end():]}"
    return text


# A corporate author written as a hierarchy, "Bộ Quốc phòng. Tổng cục Chính trị" (110 $a. $b), is
# catalogued as often from its last body alone (review: "Tổng cục Chính trị" scored 57 against it).
# Its words keep BODY_SEPARATOR between bodies; a body begins with a word such as these after ". ",
# so "J. K. Rowling" and "Nguyễn V. Ban" hold none (one letter before the dot).
BODY_SEPARATOR = "."
_SUBORDINATE_BODIES = (
    "tong cuc", "cuc", "chi cuc", "vu", "ban", "so", "phong", "vien", "hoc vien", "truong", "dai hoc", "khoa",
    "bo mon", "hoi", "trung tam", "uy ban", "van phong", "dang uy", "dang bo", "huyen uy", "tinh uy", "thanh uy",
    "thu vien", "bao tang", "cong ty", "tong cong ty", "lien doan", "bo tu lenh", "quan khu", "bo")
_BODY_BOUNDARY_RE = re.compile(
    r"(?<=\w\w)\s*\.\s+(?=(?:" + "|".join(sorted(_SUBORDINATE_BODIES, key=len, reverse=True)) + r")\s+\w)")


# A state body's heading names the country before it, as a jurisdiction ("Việt Nam (CHXHCN). Quốc hội",
# "CHXHCN Việt Nam. Chính phủ"), or after it ("Quốc hội nước Cộng hoà xã hội chủ nghĩa Việt Nam"): the
# two usual forms of one law's issuing body scored 36 (review s2).  Folded, abbreviations spelled out,
# what a cataloguer bracketed ("(CHXHCN)") already blanked; "Đảng Cộng sản Việt Nam" names no country.
_REPUBLIC = r"cong hoa xa hoi chu nghia"
_COUNTRY = rf"(?:{_REPUBLIC}\s+)?viet\s+nam(?:\s+{_REPUBLIC})?"
_COUNTRY_BEFORE_RE = re.compile(rf"^\s*(?:nuoc\s+)?{_COUNTRY}\s*\.\s*(?=\w)")
_COUNTRY_AFTER_RE = re.compile(rf"(?<=\w)\s+(?:cua\s+)?(?:nuoc\s+)?{_REPUBLIC}\s+viet\s+nam\W*$")


def without_country(folded: str) -> str:
    """A folded corporate name without the country named before its body or after it: "viet nam . quoc hoi"
    and "quoc hoi nuoc cong hoa xa hoi chu nghia viet nam" are "quoc hoi"."""
    if "viet nam" not in folded:
        return folded
    return _COUNTRY_AFTER_RE.sub("", _COUNTRY_BEFORE_RE.sub("", folded))


def lower_body(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether one name is the lowest bodies of the other, a hierarchy ("Tổng cục Chính trị" of
    "Bộ Quốc phòng. Tổng cục Chính trị"): two ministries' "Vụ Pháp chế" written in full stay two."""
    shorter, longer = sorted((first, second), key=len)
    return (len(shorter) < len(longer) and longer[-len(shorter) - 1] == BODY_SEPARATOR
            and longer[-len(shorter):] == shorter)


def _typed_relator(typed: str, match: re.Match[str]) -> bool:
    """Whether the relator `match` found in the fold of `typed` (see `marks.typed_as`) was typed as one."""
    spellings = _RELATOR_SPELLINGS.get(match.group("relator"))
    if spellings is None:
        return True
    if typed and not typed[match.start("relator"):match.end("relator")].isascii():
        return not written_otherwise(typed, match.start("relator"), match.end("relator"), spellings)
    return _placed_as_relator(match)


# Without marks, "Nguyen Dich Dy" and "Le Chu Cau dich" read alike: a relator phrase ends what it
# describes ("... dich", "... dich va gioi thieu", "... (minh hoa)") or heads it before a colon
# ("Nguoi dich: Duong Tuong"); between name words it is one of them.
_AFTER_RELATOR_RE = re.compile(r"\s*(?:$|[^\w\s]|va\s)")


def _placed_as_relator(match: re.Match[str]) -> bool:
    return bool(_AFTER_RELATOR_RE.match(match.string, match.end("relator")))


# "Lê Chu Cầu dịch", "Người dịch: Dương Tường", 700 $e "dịch" / $4 "trl": the translator, folded.
_TRANSLATOR_RE = re.compile(
    r"(?<!\w)(?P<relator>nguoi dich|dich gia|bien dich|dich|translators?|translated by|trl)(?!\w)")


@lru_cache(maxsize=65536)
def is_translator(text: str) -> bool:
    """Whether an author string ("Lê Chu Cầu dịch") or a relator term ("dịch", "trl") names a translator."""
    folded = fold_cached(text)
    typed = typed_as(text, folded)
    return any(_typed_relator(typed, match) for match in _TRANSLATOR_RE.finditer(folded))


# Who worked on a book beside its author: translated, illustrated, revised, edited, introduced,
# collected or selected it (folded relator phrases of _RELATOR_RE, and $4 codes).  A record with no
# 100 names the writer only in 245 $c and such a person in 700, who compared as the author set the
# copy against every other library's (review: 700 "Tạ Huy Long $e minh hoạ" vs 100 "Tô Hoài").
# "Chủ biên" is none: the editor-in-chief is the main responsible person of many textbooks, and is
# compared as their author (the labeled data's "Hà Huy Khoái (chủ biên)").
_CONTRIBUTOR_RELATORS = frozenset({fold(typed) for typed in (
    "dịch", "người dịch", "dịch giả", "biên dịch", "minh họa", "vẽ tranh", "hiệu đính", "biên tập", "giới thiệu",
    "sưu tầm", "tuyển chọn", "chú thích", "chú giải")} | {"trans", "translator", "translated by", "illustrator", "comp"})
_CONTRIBUTOR_CODES = frozenset({"trl", "ill", "aui", "com", "ann", "h.d", "m.h"})  # "h.đ.": hiệu đính
# Of them, who selected or collected the texts made the anthology or the collection of folk tales: named
# alone in 245 $c ("Xuân Diệu tuyển chọn"), they are who the book is by (`stated_authors`).
_COMPILERS = frozenset({"tuyen chon", "suu tam", "comp", "com"})


@lru_cache(maxsize=65536)
def _roles(text: str) -> frozenset[str]:
    """The relators (folded) an author string ("Tạ Huy Long minh hoạ") or a relator term ("minh hoạ",
    "ill") names, read as `author_words` reads them: "Nguyễn Minh Hòa" and "Nguyen Minh Hoa" name none."""
    folded = fold_cached(text)
    code = folded.strip(" .").replace(" ", "")
    if code in _CONTRIBUTOR_CODES:
        return frozenset({code})
    typed = typed_as(text, folded)
    read = [match.group("relator") for match in _RELATOR_RE.finditer(folded) if _typed_relator(typed, match)]
    if read and len(_WORD_RE.findall(_RELATOR_RE.sub(" ", folded))) == 1 < len(_WORD_RE.findall(folded)):
        read = [relator for relator in read if relator not in _RELATOR_SPELLINGS]
    return frozenset(read)


def is_contributor(text: str) -> bool:
    """Whether an author string or a relator term names one who worked on the book beside its author
    (a translator, an illustrator, an editor: not "chủ biên")."""
    roles = _roles(text)
    return bool(roles) and not (_CONTRIBUTOR_RELATORS.isdisjoint(roles) and _CONTRIBUTOR_CODES.isdisjoint(roles))


def compared_authors(record: Record) -> tuple[str, ...]:
    """The author strings dedupe compares: the record's authors but its contributors (`is_contributor`,
    by their relators or the role typed after the name), else the persons its statement of
    responsibility names (`stated_authors`): school and district records often name the author
    only in 245 $c, and title and year alone made two writers' "Thơ chọn lọc" one."""
    contributed = contributors(record)
    authors = tuple(author for author in record.authors if author not in contributed)
    return authors or stated_authors(record.responsibility)


def contributors(record: Record) -> frozenset[str]:
    """The record's author strings naming contributors, by their headings' relators or the role typed
    after the name: what `compared_authors` leaves out, and the union record lists after the authors."""
    only = {name.name for name in record.names if _only_contributed(name)}
    if only:
        # A person who is an author in one heading and translated in another stays an author.
        only -= {name.name for name in record.names if not _only_contributed(name)}
    return frozenset(author for author in record.authors if author in only or is_contributor(author))


def _only_contributed(heading: Name) -> bool:
    """Whether every role a heading gives is a contributor's: "$e chủ biên $e dịch" is an author who translated too."""
    return bool(heading.relators) and all(map(is_contributor, heading.relators))


def translators(record: Record) -> tuple[tuple[str, ...], ...]:
    """Name words of each translator, from a relator or the author string itself.

    Two translations of one work share the original author, who alone made them match; with no
    author named, title and year alone did.
    """
    authors = tuple(record.authors) or stated_authors(record.responsibility)
    if not (authors or record.responsibility):
        return ()
    found = [author for author in authors if is_translator(author)]
    found += [name.name for name in record.names if any(is_translator(term) for term in name.relators)]
    named = {author_words(author) for author in authors if author not in found}
    found += [name for name in stated_translators(record.responsibility) if author_words(name) not in named]
    return tuple(dict.fromkeys(words for words in map(author_words, found) if words))


# Names in one part of a statement of responsibility: "Huỳnh Lý, Vũ Đình Liên và Nguyễn Văn A dịch".
_NAMES_SPLIT_RE = re.compile(r"\s*,\s*|\s+(?:và|and|&)\s+")


def stated_translators(statement: str | None) -> list[str]:
    """The names of a 245 $c part that says who translated ("Victor Hugo ; Lê Trí Viễn dịch").

    Many Vietnamese records name the translator only there, without an added entry (700),
    and two translations of one novel then differed in nothing `compare` read.
    """
    if not statement:
        return []
    return [name for part in statement.split(";") if is_translator(part)
            for name in _NAMES_SPLIT_RE.split(part.strip(" .")) if name]


# "by John Smith", "edited by ...": English role words before the names (Vietnamese ones are relators).
_BY_RE = re.compile(r"^\s*(?:(?:\w+ed|ed\.)\s+)?by\s+", re.IGNORECASE)
# A person's name has two words at least ("Tô Hoài", "Nam Cao"), and few more.
_PERSON_WORDS = range(2, 6)
# How a body's name begins, as typed: "Sở Giáo Dục", "Ban Biên Soạn", "Tỉnh Hậu Giang" are no persons.
# Typed without marks, a name is matched folded, but for the surnames folding makes of some: "Vu" (Vũ or
# Vụ), "Dang" (Đặng or Đảng), "Quan".
_BODY_HEADS = ("bộ", "sở", "vụ", "cục", "chi cục", "tổng cục", "ban", "phòng", "trường", "viện", "học viện",
               "đại học", "khoa", "hội", "hội đồng", "hiệp hội", "trung tâm", "ủy ban", "uỷ ban", "văn phòng",
               "thư viện", "bảo tàng", "công ty", "đảng", "chi bộ", "mặt trận", "huyện", "tỉnh", "thành phố", "xã",
               "quận", "liên đoàn", "nhóm", "nhiều", "tập thể", "ubnd", "nxb", "nhà xuất bản")
_SURNAMES_FOLDED = frozenset({"vu", "dang", "quan"})
_BODY_HEAD_RE = re.compile(r"(?:" + "|".join(_BODY_HEADS) + r")(?!\w)")
_FOLDED_BODY_HEAD_RE = re.compile(
    r"(?:" + "|".join(sorted({fold(head) for head in _BODY_HEADS} - _SURNAMES_FOLDED)) + r")(?!\w)")


@lru_cache(maxsize=16384)
def stated_authors(statement: str | None) -> tuple[str, ...]:
    """The persons a 245 $c names ("Nguyễn Văn An chủ biên ; Trần Bình biên soạn"), translators
    left to `stated_translators`; () unless every name in it reads as a person's.

    A name is read as one when each of its name words is typed capitalised (relators and titles
    dropped by `author_words`) and it begins with no body's word: "Nhiều tác giả", "Ban biên soạn",
    "Bộ Giáo dục và Đào tạo" say nothing, and a statement only partly read would set a record
    against one naming the rest.  Contributors (`is_contributor`: "Tạ Huy Long minh hoạ") are left
    out, but for those who selected or collected the texts where it names no one else ("Xuân Diệu
    tuyển chọn"): they are who made the book.
    """
    names: list[str] = []
    compilers: list[str] = []
    for part in statement.split(";") if statement else ():
        if is_translator(part):
            continue
        for name in _NAMES_SPLIT_RE.split(_BY_RE.sub("", part.strip(" ./"))):
            words = author_words(name)
            if not words:
                continue  # a relator alone: "ed.", "và những người khác"
            if not _read_as_person(name, words):
                return ()
            if not is_contributor(part):
                names.append(name)
            elif not _COMPILERS.isdisjoint(_roles(part)):
                compilers.append(name)
    return tuple(names or compilers)


@lru_cache(maxsize=16384)
def stated_names(statement: str | None) -> tuple[str, ...]:
    """Every name a 245 $c gives but those of its contributors (`is_contributor`): the persons of a part
    read as persons (`stated_authors`), else the part whole, a body ("Bộ Giáo dục và Đào tạo")."""
    names: list[str] = []
    for part in statement.split(";") if statement else ():
        if not is_contributor(part):
            names += stated_authors(part) or [part.strip(" ./")]
    return tuple(names)


def _read_as_person(name: str, words: tuple[str, ...]) -> bool:
    typed = nfc(name).strip(" .,:[]()").lower()
    body = (_FOLDED_BODY_HEAD_RE if typed.isascii() else _BODY_HEAD_RE).match(typed)
    if body or len(words) not in _PERSON_WORDS or BODY_SEPARATOR in words:
        return False
    capitalised = {FINAL_Y_RE.sub(r"\1i", fold_cached(word)) for word in _WORD_RE.findall(name) if word[0].isupper()}
    return capitalised.issuperset(words)


@lru_cache(maxsize=16384)
def typed_names(authors: tuple[str, ...]) -> tuple[str, ...]:
    """Each author string as typed (NFC, lower case) where it has marks, else "" (see
    `given_name_marked_otherwise`); () when none has: one tuple for the records of one authors list."""
    typed = tuple("" if author.isascii() else sys.intern(nfc(author).lower()) for author in authors)
    return typed if any(typed) else ()


def given_name_marked_otherwise(name: tuple[str, ...], typed: str, other: tuple[str, ...], other_typed: str) -> bool:
    """Whether two names alike once folded (`author_words`), both typed with marks (`typed_names`), are two
    people: "Nguyễn Văn An" and "Nguyễn Văn Ân", "Đặng Thị Nga" and "Đặng Thị Ngà".

    The given name (the last word) has other marks, and every other word the same ones, one of them at least
    marked: a cataloguer who marks the rest of a name marks it too.  A slip elsewhere ("Nguyễn Van Ân") is a
    typo, and a name typed without marks ("Nguyen Van An") says nothing.
    """
    given = name[-1]
    if not (typed and other_typed) or typed == other_typed or other[-1] != given:
        return False
    marks, other_marks = syllable_marks(typed), syllable_marks(other_typed)
    if marks.get(given, "") == other_marks.get(given, "") or given not in marks or given not in other_marks:
        return False
    rest = [(marks.get(word), other_marks.get(word)) for word in set(name) & set(other) if word != given]
    known = [(mine, theirs) for mine, theirs in rest if mine is not None and theirs is not None]
    return all(mine == theirs for mine, theirs in known) and any(mine for mine, _ in known)
