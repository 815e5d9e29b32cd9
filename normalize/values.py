"""Parsers for single catalogue values: year, pages, language, material type, names.

Each takes the text a cataloguer typed and returns a clean value or None; none of
them guesses (a decade such as "199-" is not a year).
"""

from __future__ import annotations

import re
import time
from datetime import date
from functools import lru_cache

from normalize.text import clean_field, strip_isbd
from store.languages import LANGUAGE_ALIASES

YEAR_MIN = 1450  # printing in Europe; nothing catalogued as a book is older
_YEAR_RE = re.compile(r"(?<!\d)(1[4-9]\d\d|20\d\d)(?!\d)")


def year_max() -> int:
    """Next year: a book printed late in the year often carries the next one.

    Read from the clock once an hour: date.today() costs half a microsecond, and
    every record asks at least once.
    """
    return _next_year(int(time.time() // 3600))


@lru_cache(maxsize=1)
def _next_year(hour: int) -> int:
    return date.today().year + 1


def year_from_008(field_008: str) -> int | None:
    """008/07-10 when it is four digits in range (not "19uu", "    ", "||||")."""
    value = field_008[7:11]
    if len(value) == 4 and value.isdigit() and YEAR_MIN <= int(value) <= year_max():
        return int(value)
    return None


# "[between 1880 and 1893]", "[1971 or 1972]", "[giữa 1945 và 1950]": the cataloguer did not know the year.
_UNCERTAIN_YEARS_RE = re.compile(
    r"\b(?:between|giữa)\b.*\d{4}.*\b(?:and|và)\b.*\d{4}|\d{4}\??\s+(?:or|hoặc)\s+\d{4}", re.IGNORECASE)


_CORRECTED_YEAR_RE = re.compile(r"\bi\.\s*e\.?,?\s*(.*)", re.IGNORECASE)


def year_from_text(value: str) -> int | None:
    """First plausible year in 264$c/260$c/dc:date: "c2019.", "[2019?]", "2019-2020".

    "199-" and "19--" give None: a decade is not a year, and dedupe compares years
    exactly, so guessing 1990 would split copies of one edition.  For the same
    reason "[between 1880 and 1893]" and "[1971 or 1972]" give None.
    """
    if _UNCERTAIN_YEARS_RE.search(value):
        return None
    corrected = _CORRECTED_YEAR_RE.search(value)  # "1999 [i.e. 2000]": the cataloguer's correction wins
    if corrected:
        value = corrected.group(1)
    for match in _YEAR_RE.finditer(value):
        year = int(match.group(1))
        if YEAR_MIN <= year <= year_max():
            return year
    return None


def single_year(value: str) -> int | None:
    """The year of a 264$c/260$c naming one year only and surely ("2021", "c2021.", "[2021]"); None for
    "2019, c2018", "[2021?]", "1999 [i.e. 2000]" or no year."""
    years = {match.group(1) for match in _YEAR_RE.finditer(value)}
    if len(years) != 1 or "?" in value or _UNCERTAIN_YEARS_RE.search(value) or _CORRECTED_YEAR_RE.search(value):
        return None
    return year_from_text(value)


# AACR2 "[s.l.]", "[s.n.]" and both in one 260 $a, "[S.l. : s.n.]"; the Vietnamese "[K.đ.]", "[Knxb.]",
# "[Nxb. không rõ]", "[Không rõ nơi xuất bản]"; RDA's "[place of publication not identified]",
# "[publisher not identified]" (264s of copy-catalogued records).
_UNKNOWN_PLACE_OR_PUBLISHER = re.compile(
    r"^\[?\s*(s\.\s*n|k\.?\s*nxb|knxb|k\.?\s*đ|s\.\s*l|s\.\s*l\.?\s*:\s*s\.\s*n|k\.?\s*đ\.?\s*:\s*k\.?\s*nxb"
    r"|(?:place of publication|publisher|producer|distributor|manufacturer) not identified"
    r"|(?:nxb\.?|nhà xuất bản|nơi xuất bản) không (?:rõ|xác định)"
    r"|không (?:rõ|xác định)(?: được)? (?:nxb|nhà xuất bản|nơi xuất bản))\.?\s*\]?$", re.IGNORECASE)


def unknown_publisher(value: str) -> bool:
    """True for "[s.n.]", "[K.nxb.]", "[s.l.]", "[publisher not identified]": the cataloguer's note that the
    publisher (or place) is unknown."""
    return _UNKNOWN_PLACE_OR_PUBLISHER.match(value.strip()) is not None


# "с." is Russian (страниц), "s." German and Czech (Seiten, stran).
_PAGE_WORD = r"\s*\]?\s*(?:tr\b|tr\.|p\b|p\.|pp\b|pages?\b|trang\b|tờ\b|leaves\b|s\.|с\.)"
_PAGES_RE = re.compile(r"(\d+)" + _PAGE_WORD, re.IGNORECASE)
# A thousands separator: "1,024 p." (English) or "1.024 tr." (Vietnamese).  Only a
# 1-3 digit group, the mark, then exactly three digits right before a page word, so
# "xii, 245 tr." (comma and space) and "2 v. (320 p.)" are untouched.
_THOUSANDS_MARK_RE = re.compile(r"\d[.,]\d{3}")
_SEPARATED_THOUSANDS_RE = re.compile(r"(?<!\d)(?<!\d[.,])(\d{1,3})[.,](\d{3})(?=" + _PAGE_WORD + ")", re.IGNORECASE)


# French cataloguing groups thousands with a space: "1 vol. (1 920 p.)".  Only a
# group right after "(" is joined, so "2 320 p." (volume 2) is not read as 2320.
_GROUPED_THOUSANDS_RE = re.compile(r"(?<=\()(\d{1,3})[ \u00a0\u202f](\d{3})(?=\s*(?:p\b|p\.|pages?\b|s\.))")


# "2 t. (250, 310 tr.)", "3 tập (120; 135; 140 tr.)", "2 v. (xii, 300, 280 p.)": volumes, then the pages of each.
_VOLUMES_PAGED_RE = re.compile(r"\s*(\d+)\s*(?:t\.|tập|q\.|quyển|cuốn|v\.|vols?\.?|volumes)\s*\(((?:[ivxlc]+,\s*)?\d+(?:\s*[,;]\s*\d+)+)"
                               + _PAGE_WORD, re.IGNORECASE)


def pages_from_extent(value: str) -> int | None:
    """Largest number followed by tr./p./pages/trang/tờ in 300 $a ("xii, 245 tr." → 245).

    Thousands are read whole whatever the separator: "1,024 p.", "1.024 tr.", "(1 920 p.)".
    """
    if "(" in value:
        value = _GROUPED_THOUSANDS_RE.sub(r"\1\2", value)
    if _THOUSANDS_MARK_RE.search(value):  # a cheap scan first: most extents have none
        value = _SEPARATED_THOUSANDS_RE.sub(r"\1\2", value)
    numbers = [int(m.group(1)) for m in _PAGES_RE.finditer(value)]
    numbers = [n for n in numbers if 0 < n < 100_000]
    volumes = _VOLUMES_PAGED_RE.match(value)
    if volumes and int(volumes.group(1)) >= 2:
        # "2 t. (250, 310 tr.)": each volume paged on its own; the set has their sum, as a
        # library that counted the whole set wrote it ("2 v. (320 p.)" is paged through: 320).
        each = [int(n) for n in re.findall(r"\d+", volumes.group(2))]
        if len(each) == int(volumes.group(1)):
            return sum(each)
    return max(numbers) if numbers else None


def normalize_lccn(value: str) -> str:
    """An LCCN in LC's normalized form, so one number written two ways is one id.

    LC's rules (loc.gov/marc/lccn-namespace.html): remove blanks; drop everything
    from the first "/" ("85000002 //r88" → "85000002"); remove a hyphen and left-pad
    the serial after it with zeros to six digits ("79-12345" → "79012345").  Prefix
    letters stay ("n 79-1234" → "n79001234").
    """
    lccn = "".join(value.split()).split("/", 1)[0]
    head, hyphen, serial = lccn.partition("-")
    if hyphen and serial.isdigit() and len(serial) <= 6:
        lccn = head + serial.zfill(6)
    return lccn


_NO_LANGUAGE = {"", "und", "zxx", "|||", "   ", "xxx", "nnn", "^^^"}


def language_code(value: str) -> str | None:
    """An ISO 639-2 (bibliographic) code, or None when the value names no language."""
    key = value.strip().strip(".;,").lower()
    if key in _NO_LANGUAGE:
        return None
    if ";" in key or "," in key:  # "vie ; eng", "Tiếng Việt, Tiếng Anh": several typed into one, first wins
        return next((code for piece in re.split(r"[;,]", key) if (code := language_code(piece))), None)
    primary = key.replace("_", "-").split("-")[0]
    if primary != key and len(primary) in (2, 3) and primary.isalpha():
        key = primary  # a regional tag: "nb_NO" (DSpace's dc.language.iso), "vi-VN", "en-US"
    if key in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[key]
    if len(key) == 3 and key.isascii() and key.isalpha():
        return key
    if len(key) > 3 and len(key) % 3 == 0 and key.isascii() and key.isalpha():
        return LANGUAGE_ALIASES.get(key[:3], key[:3])  # old 041 $a "vieeng": several codes run together
    return None


def language_from_008(field_008: str) -> str | None:
    value = field_008[35:38]
    return language_code(value) if len(value) == 3 else None


# Leader/06 (type of record) → material type; leader/07 refines language material.
_TYPE_OF_RECORD = {
    "a": "book", "t": "manuscript", "c": "score", "d": "score", "e": "map", "f": "map",
    "g": "video", "i": "sound", "j": "music", "k": "visual", "m": "electronic",
    "o": "kit", "p": "mixed", "r": "object",
}


def material_type(leader: str) -> str:
    """book, serial, map, music, score, video, sound, electronic, mixed, visual, manuscript ..."""
    kind = _TYPE_OF_RECORD.get(leader[6:7], "book")
    if kind == "book" and leader[7:8] in ("b", "i", "s"):
        return "serial"
    return kind


_VI_SURNAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trịnh đoàn lâm mai "
    "trương tô châu cao hà lương la thái tạ quách tăng lưu kiều văn vương chu lạc đào nông triệu".split()
)


def display_name(value: str) -> str:
    """A name without trailing punctuation; "Nguyễn, Du" → "Nguyễn Du".

    Vietnamese names are written surname first, so a comma after a Vietnamese
    surname is a cataloguing artefact, not an inversion: it is dropped, and the
    order is never changed.  Western inverted names ("Hugo, Victor") stay as given.
    """
    name = strip_isbd(value).rstrip(",").strip()
    head, sep, tail = name.partition(", ")
    if sep and head.lower() in _VI_SURNAMES and tail and "," not in tail:
        name = f"{head} {tail}"
    if "," not in name and _LAST_LETTER_RE.search(name):
        name = name[:-1]
    return name


# A one-letter word that ends a name in direct order is a name, not an initial ("Lê A", "Nguyễn Như Ý",
# "Đảng bộ xã Nhơn Nghĩa A"): its period is the heading's terminal one.  An initial keeps its own
# period only where initials stand, after the comma of an inverted name ("Kiyosaki, Robert T.").
_LAST_LETTER_RE = re.compile(r"\s[^\W\d_]\.$")


# Roles Vietnamese cataloguers type into the name itself ("Nguyễn Văn A (ch.b.)", "Nguyễn Văn A, ch.b.")
# where $e belongs, and that Koha's oai_dc writes after the name from $e: the abbreviations of the
# National Library's practice, their spelled-out forms, and English terms.
_ROLES_AFTER_COMMA = ("tổng chủ biên", "đồng chủ biên", "chủ biên", "biên soạn", "biên dịch", "biên tập", "dịch",
                      "hiệu đính", "sưu tầm", "tuyển chọn", "giới thiệu", "minh họa", "minh hoạ", "tác giả",
                      "chủ nhiệm", "tổng ch.b", "ch.b", "b.s", "b.d", "b.t", "h.đ", "s.t", "t.ch", "gi.th", "m.h",
                      "author", "editor", "translator", "illustrator", "compiler", "joint author")
# In parentheses, short abbreviations cannot be a given name ("Smith, D." and "Smith, Ed" can).
_ROLES_IN_PARENTHESES = (*_ROLES_AFTER_COMMA, "d", "ed", "eds", "comp", "trans")


def _roles_pattern(roles: tuple[str, ...]) -> str:
    one = "(?:" + "|".join(re.escape(role).replace(r"\.", r"\.\s*")
                           for role in sorted(roles, key=len, reverse=True)) + r")\.?"
    return rf"({one}(?:\s*[,;]\s*{one})*)"


_TYPED_ROLE_RE = re.compile(rf"\s*\(\s*{_roles_pattern(_ROLES_IN_PARENTHESES)}\s*\)$", re.IGNORECASE)
_ROLE_AFTER_COMMA_RE = re.compile(rf"\s*,\s*{_roles_pattern(_ROLES_AFTER_COMMA)}$", re.IGNORECASE)


def split_typed_role(name: str) -> tuple[str, list[str]]:
    """("Nguyễn Văn A", ["ch.b."]) from "Nguyễn Văn A (ch.b.)" or "Nguyễn Văn A, ch.b.": a role typed after
    a name is a relator, so the name matches the same person catalogued with $e.  Other parentheses
    and commas stay ("Smith, J. (John)", "Smith, D.")."""
    regex = _TYPED_ROLE_RE if name.endswith(")") else _ROLE_AFTER_COMMA_RE if "," in name else None
    match = regex.search(name) if regex is not None else None
    if match is None or match.start() == 0:
        return name, []
    if regex is _ROLE_AFTER_COMMA_RE and not any(ch.islower() for ch in match.group(1)):
        return name, []  # "Smith, M.H.", "Nguyen, B.T.": initials after a surname, not "m.h." (minh họa)
    roles = [role.strip() for role in re.split(r"[,;]", match.group(1)) if role.strip()]
    return display_name(name[:match.start()]), roles  # "Trần, Văn Giàu, ch.b." → "Trần Văn Giàu"


def keywords(value: str) -> list[str]:
    """The terms of one uncontrolled keyword value (653 $a, dc:subject): Libol and DSpace users often type
    them all into one, "Văn học; Tiểu thuyết", where each belongs in its own subfield or element."""
    return [term for piece in value.split(";") if (term := clean_field(piece))]


# Academic and professional titles typed before a Vietnamese name ("PGS.TS. Nguyễn Văn A", "ThS Trần B"):
# none is a Vietnamese syllable, so one followed by a name can only be a title.
_ACADEMIC_TITLES_RE = re.compile(
    r"^(?:(?:TSKH|PGS|GS|TS|THS|BSCKII|BSCKI|BS|KS|CN|DS|LS|NGƯT|NGND|NSƯT|NSND)(?:\.\s*|\s+|,\s*))+(?=\w)",
    re.IGNORECASE)


def without_academic_title(name: str) -> str:
    """"Nguyễn Văn A" of "PGS.TS. Nguyễn Văn A": the same author as one catalogued without the titles."""
    match = _ACADEMIC_TITLES_RE.match(name)
    return name[match.end():] if match else name


# Initial articles that MARC's nonfiling indicators are for, in the languages a Vietnamese
# library holds books in (LC's list of initial articles has many more; these cover nearly all).
_ARTICLES = frozenset("""a an the le la les l un une des der die das den dem ein eine einen einem einer eines
el lo los las una unos unas il i gli uno o os as um uma de het een en ett et""".split())
_ARTICLE_QUOTES = " \"'[(“‘"


def skips_an_article(title: str, count: int) -> bool:
    """Whether the first `count` characters of `title` are a leading article ("The ", "L'", "Les ")."""
    skipped, rest = title[:count], title[count:]
    word = skipped.strip(_ARTICLE_QUOTES).rstrip("'’").casefold()
    ends_word = skipped.endswith((" ", "'", "’")) or rest.startswith(" ") or not rest
    return ends_word and word in _ARTICLES
