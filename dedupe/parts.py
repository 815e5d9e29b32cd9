"""Volume, edition and publisher normalization on folded text.

A different volume or edition is a different union record even when the title,
author and ISBN agree (Vietnamese publishers reuse one ISBN for a whole set),
so these numbers are read out of the free text cataloguers type: "Tập 1",
"T.2", "quyển II", "vol. 3", "Tập 1. Phần 2", "Tập 1-2", "Tái bản lần thứ 2", "2nd ed.".
All functions take text already folded by `store.text.fold`; `keep_misfolded_apart` first marks
the words whose marks show they are no volume or number word ("Phần sau" is no "Phần sáu").
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from dedupe.marks import NOT_KEYWORD, keep_apart

# Vietnamese number words as they appear after "tập"/"lần thứ" (folded).  Folding makes
# "năm" (five) "Nam", "ba" "Ba", "bảy" "bay", "tám" "tâm", "nhất" "Nhật": those are left
# out, or "Tuyển tập Nam Cao" would be volume 5.
_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "chin": 9, "muoi": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "first": 1, "second": 2, "third": 3,
}
# Volumes past 39 are rare; "C." and "L." are far more often initials ("Tuyển tập C. Mác").
_ROMAN = {"i": 1, "v": 5, "x": 10}
_NUMBERS = r"\d{1,4}|[ivx]{1,6}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
# A volume spelled out ends its phrase ("Tập hai", "Quyển một: ..."): one followed by more words begins a
# part's name, "Phần Hai Bà Trưng" (a district), "Phần Mười hai con giáp" (the twelve zodiac animals).
_NUM = (r"(\d{1,4}|[ivx]{1,6}|(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
        + r")(?=\s*(?:$|[.,;:()\[\]/\-–])))")

# Long volume words may stand without a dot; one-letter abbreviations need it ("t.1", "v.3"), except
# "T1", "T2" that school catalogues write for Tập 1, 2 (one or two digits: "T2019" is no volume).
_VOLUME_WORD = (r"(?<![\w.])(?:(?:tap|quyen|cuon|phan|vol|volume|part|book|tome|band|bd)\s*\.?"
                r"|(?:t|v|pt|ph|no)\.|t(?=\d{1,2}(?!\d)))")
# "Q.1" and "Q1" are Quyển 1 only where a part begins (the start of 245 $n, or after ". ", " - ", ": "):
# inside a title they are Quận 1, District 1 of Ho Chi Minh City ("Lịch sử Đảng bộ Q1").
_QUYEN_ABBREVIATION = r"(?:^|(?<=[.,;:\-–/]\s)|(?<=[.,;:\-–/]))q(?:\.|(?=\d{1,2}(?!\d)))"
_VOLUME_RE = re.compile(r"(?:" + _VOLUME_WORD + "|" + _QUYEN_ABBREVIATION + r")\s*" + _NUM + r"(?!\w)")
# A second number right after a volume's: one book holding several ("Tập 1-2", "T.1, 2", "tập 1 và 2").
# Only digits or Roman numerals, ending the phrase: "Tập 1, Hai Bà Trưng" (a part name after ISBD's
# comma) and "Tập 3, 2019" (a year) are one volume.
_MORE_VOLUMES_RE = re.compile(r"\s*(?:-|–|,|&|\+|va|and)\s*(\d{1,3}|[ivx]{1,6})(?=\s*(?:$|[.,;:()\[\]/]))")
# "ba", "bốn", "năm", "sáu", "bảy", "tám" fold to words ("Ba", "bon", "Nam", "sau", "bay", "tâm"): they are
# volume numbers only where a volume word and its number end a part ("Tập ba" in 245 $n, "... toàn tập. Tập năm").
_FOLDED_NUMBER_WORDS = {"ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8}
_SPELLED_VOLUME_RE = re.compile(r"(?:^|(?<=[.,;:\-–]))\s*(?:tap|quyen|cuon|phan)\s+("
                                + "|".join(_FOLDED_NUMBER_WORDS) + r")\W*$")
# The volume and number words above as they are typed: one folding to any of these but typed with other
# marks, or without marks in a text that has them, is another word (dedupe.marks): "Phần sau" (the
# latter part) is no "Phần sáu", nor "Phần Nam" (the south) "Phần năm", "Phần hải đảo" "Phần hai",
# "Tập muối" "Tập mười", "Phần Ba Vì" a Part VI ("vì" folds to the Roman "vi"), nor "Chuyện Phan Hai"
# (a surname) "Phần hai".  Roman numerals are read only as typed, without marks.
_SPELLINGS = {folded: frozenset(typed.split()) for folded, typed in {
    "tap": "tập", "quyen": "quyển", "cuon": "cuốn", "phan": "phần",
    "mot": "một", "hai": "hai", "ba": "ba", "bon": "bốn", "nam": "năm", "sau": "sáu", "bay": "bảy bẩy",
    "tam": "tám", "chin": "chín", "muoi": "mười", "nhat": "nhất", "tu": "tư",
    "i": "i", "v": "v", "x": "x", "vi": "vi", "xi": "xi",
}.items()}
# Roman numerals that are also words: "vi" (micro: "vi phân", "vi sinh"), "xi" ("xi măng").  Numerals are
# typed in capitals, so in a text with capitals these typed otherwise ("vi", "Vi") are the words.
_ROMAN_WORDS = frozenset({"vi", "xi"})
# Before a number in digits or a Roman numeral a volume word is one however typed: "Tap 2" in a title
# that has marks elsewhere is a slip of the keyboard, no surname "Phan" or "tạp" (miscellany).
_NUMBERED_VOLUME_WORD_RE = re.compile(NOT_KEYWORD + r"((?:tap|quyen|cuon|phan)\s*\.?\s*(?:\d|[ivx]+(?!\w)))")
_WHOLE_SET_RE = re.compile(r"(?<!\w)(?:tron bo|complete set)(?!\w)")
# After "lần thứ" a spelled ordinal is one whatever it folds to: "lần thứ nhất", "lần thứ ba", "lần thứ tư".
_ORDINALS = {"nhat": 1, "ba": 3, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8}
_EDITION_NUM = "(" + _NUMBERS + r"|(?<=thu )(?:" + "|".join(_ORDINALS) + "))"
# "Tái bản", and its abbreviation before "lần" ("Tb. lần 3", "TB lần 2", "T.b. lần thứ 2").
REPRINT = r"(?:tai ban|t\.?\s?b\.?(?=\s?lan(?!\w)))"
# The words that state a printing outside 250 ("Tái bản", "Tb. lần", "xuất bản/in lần thứ"), folded:
# what dedupe.features reads an edition from and dedupe.spelling quotes back.
EDITION_WORDS = r"(?:" + REPRINT + r"|(?:xuat ban|in) lan thu)(?!\w)"
_EDITION_PATTERNS = (
    # "Tái bản" is "in lại lần nữa" (printed again: Từ điển tiếng Việt, quoted at
    # https://luatminhkhue.vn/tai-ban-la-gi---quy-dinh-phap-luat-ve-tai-ban.aspx), so "Tái bản lần
    # thứ 2" is the third printing and counts as "In lần thứ 3" does.
    (re.compile(r"(?<!\w)" + REPRINT + r"(?: co sua chua)?(?: (?:va )?bo sung)?(?: lan)?(?: thu)?\s*" + _EDITION_NUM
                + r"(?!\w)"), 1),
    (re.compile(r"(?<!\w)(?:xuat ban|in|an ban|ban in)(?: lan)?(?: thu)?\s*" + _EDITION_NUM + r"(?!\w)"), 0),
    (re.compile(r"(?<!\w)lan(?: thu)?\s*" + _EDITION_NUM + r"(?!\w)"), 0),
    (re.compile(r"(\d{1,3})\s*(?:st|nd|rd|th)?\.?\s*(?:ed|edition|eds|ausg|auflage)(?!\w)"), 0),
    (re.compile(r"(first|second|third|fourth|fifth)\s+(?:ed|edition)(?!\w)"), 0),
)
_FIRST_NUMBER_RE = re.compile(r"(?<!\w)" + _NUM + r"(?!\w)")

_PUBLISHER_DROP_RE = re.compile(
    r"(?<!\w)(?:nha xuat ban|nha xb|nxb|xb|cong ty(?: co phan)?(?: tnhh)?|ctcp|tnhh|co phan|"
    r"publishing house|publishing company|publishing|publishers?|press|inc|ltd|co|corp|verlag|editions?)(?!\w)"
)
# Houses cataloguers abbreviate, spelled out first (then the rules below apply to them): "ĐHSP"
# and "Đại học Sư phạm" scored 20-43 and were a conflict that kept copies of one book apart (review).
_PUBLISHER_ABBREVIATIONS = {
    "dhsp": "dai hoc su pham", "khxh": "khoa hoc xa hoi", "khkt": "khoa hoc ky thuat",
    "vhtt": "van hoa thong tin", "ldxh": "lao dong xa hoi", "qdnd": "quan doi nhan dan",
    "cand": "cong an nhan dan", "gd": "giao duc", "gdvn": "giao duc viet nam", "nxbgd": "giao duc",
    "nxbgdvn": "giao duc viet nam", "khtn": "khoa hoc tu nhien", "tdtt": "the duc the thao",
    # "NXB ĐHCT" and "NXB ĐHKTQD" scored 43 and 60 against their names spelled out (review).
    "dhct": "dai hoc can tho", "dhktqd": "dai hoc kinh te quoc dan", "ktqd": "kinh te quoc dan",
    "dhqghn": "dai hoc quoc gia ha noi", "gtvt": "giao thong van tai", "pnvn": "phu nu viet nam",
}
_PUBLISHER_PHRASES = (
    (re.compile(r"(?<!\w)(" + "|".join(_PUBLISHER_ABBREVIATIONS) + r")(?!\w)"), None),
    (re.compile(r"(?<!\w)(?:thanh pho|tp)\s*(?:ho chi minh|hcm)(?!\w)"), "tphcm"),
    (re.compile(r"(?<!\w)(?:ho chi minh|hcm)(?!\w)"), "tphcm"),
    (re.compile(r"(?<!\w)(?:dhqg|dai hoc quoc gia)(?!\w)"), "dhqg"),
    (re.compile(r"(?<!\w)(?:ctqg|chinh tri quoc gia)(?!\w)"), "ctqg"),
    (re.compile(r"(?<!\w)(?:dh|dai hoc)(?!\w)"), "dh"),
)
_WORD_RE = re.compile(r"\w+")
# The parallel textbook series since 2020: one title ("Toán 6"), one house, one year, no author in
# school records; only the series tells them apart.
_TEXTBOOK_SERIES = {  # folded spelling → series
    "ket noi tri thuc": "ket noi tri thuc", "kntt": "ket noi tri thuc",
    # The English books have names of their own within the sets ("Tiếng Anh 6 : Global success" is the
    # Kết nối tri thức set's): one named, the other its set, is one series; two names, two.
    "global success": "ket noi tri thuc", "friends plus": "chan troi sang tao", "explore english": "canh dieu",
    "i learn smart world": "i learn smart world", "ilearn smart world": "i learn smart world",
    "english discovery": "english discovery",
    "chan troi sang tao": "chan troi sang tao", "ctst": "chan troi sang tao", "canh dieu": "canh dieu",
    "cung hoc de phat trien nang luc": "cung hoc de phat trien nang luc",
    "vi su binh dang va dan chu trong giao duc": "vi su binh dang va dan chu", "cung kham pha": "cung kham pha",
}


def _whole_phrase_re(spellings: dict[str, str]) -> re.Pattern[str]:
    """Any of the folded spellings, as whole words."""
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, spellings)) + r")(?!\w)")


def _named(pattern: re.Pattern[str], spellings: dict[str, str], folded: str) -> str:
    """What the first spelling `folded` holds stands for, else ""."""
    match = pattern.search(folded)
    return spellings[match.group(1)] if match else ""


_TEXTBOOK_SERIES_RE = _whole_phrase_re(_TEXTBOOK_SERIES)


# A textbook's companions are other books than the pupils' book of the same title, team and
# year ("Toán 6 : sách giáo viên"); "sách giáo khoa" names the pupils' book itself.
_COMPANIONS = {
    "sach giao vien": "sach giao vien", "sgv": "sach giao vien",
    "sach bai tap": "sach bai tap", "sbt": "sach bai tap", "vo bai tap": "vo bai tap", "vbt": "vo bai tap",
    # Other books of a textbook's title (review): the teacher's guide named otherwise, practice books,
    # tests, the advanced programme's book, the Braille and the bilingual editions.
    "sach danh cho giao vien": "sach giao vien", "huong dan giang day": "sach giao vien",
    "vo thuc hanh": "vo thuc hanh", "de kiem tra": "de kiem tra", "nang cao": "nang cao",
    "chu noi": "chu noi", "braille": "chu noi", "song ngu": "song ngu",
    # Named in a subtitle only, they joined the pupils' book (review): the handwriting book of Tiếng Việt 1,
    # the English books' teacher's book and workbook, the 2018 programme's topic books for grades 10-12.
    # Not "truyện tranh": the fixtures' libraries add it to one edition's record and leave it off another's.
    "vo tap viet": "vo tap viet", "teacher's book": "sach giao vien", "teacher’s book": "sach giao vien",
    "teachers book": "sach giao vien", "teacher book": "sach giao vien", "teacher s book": "sach giao vien",
    "workbook": "sach bai tap", "work book": "sach bai tap",
    "chuyen de hoc tap": "chuyen de hoc tap",
}
_COMPANION_RE = _whole_phrase_re(_COMPANIONS)
COMPANION_SPELLINGS: tuple[str, ...] = tuple(_COMPANIONS)


# A typo in one word of a companion's phrase ("sácch giáo viên", "sách gáio viên") still names it:
# read as none, the teacher's book merged with the pupils' book of its title.  Only text holding two
# of the phrase's words in place is looked at, so most records cost one regex search.
_COMPANION_PHRASES = {tuple(name.split()): name for name in set(_COMPANIONS.values())}
# One letter off a two-letter word is another word: "và bài tập", "có bài tập" (theory and exercises,
# with exercises) are no "vở bài tập".
TYPO_MIN_CHARS = 3
_COMPANION_HINT_RE = re.compile(r"(?<!\w)(?:\w+ giao vien|sach \w+ vien|sach giao|\w+ bai tap|(?:sach|vo) \w+ tap|"
                                r"(?:sach|vo) bai)(?!\w)")


def textbook_companion(folded: str) -> str:
    """The companion book a folded title names ("sach giao vien", "sach bai tap", "vo bai tap"), else ""."""
    found = _named(_COMPANION_RE, _COMPANIONS, folded)
    if found or not _COMPANION_HINT_RE.search(folded):
        return found
    words = _WORD_RE.findall(folded)
    for start in range(len(words) - 2):
        window = words[start:start + 3]
        for phrase, name in _COMPANION_PHRASES.items():
            wrong = [(word, meant) for word, meant in zip(window, phrase) if word != meant]
            if (len(wrong) == 1 and len(wrong[0][1]) >= TYPO_MIN_CHARS
                    and OSA.distance(*wrong[0], score_cutoff=1) <= 1):
                return name
    return ""


# "Bài tập Toán 6", "Toán 6 : Bài tập": exercises named first in the title or subtitle are the
# workbook, as "sách bài tập" is; further in ("Lý thuyết và bài tập") they are not.
_EXERCISES_FIRST_RE = re.compile(r"\W*bai tap(?!\w)")


def exercises_first(folded_title: str, folded_subtitle: str) -> str:
    """"sach bai tap" when the folded title or subtitle begins with "bai tap", else ""."""
    named = _EXERCISES_FIRST_RE.match(folded_title) or _EXERCISES_FIRST_RE.match(folded_subtitle)
    return "sach bai tap" if named else ""


def textbook_series(folded: str) -> str:
    """The textbook series a folded series statement or subtitle names ("chan troi sang tao"), else ""."""
    return _named(_TEXTBOOK_SERIES_RE, _TEXTBOOK_SERIES, folded)


# A series in a title: in brackets ("Toán 1 (Cánh diều)"), or ending it after the grade ("Toán 1 - Cánh
# diều"); elsewhere its words are the title's own ("Cánh diều tuổi thơ").
_SERIES_NAME = "(" + "|".join(map(re.escape, _TEXTBOOK_SERIES)) + r")(?: voi cuoc song)?"
_SERIES_IN_TITLE_RE = re.compile(r"\s*(?:[(\[]\s*" + _SERIES_NAME + r"\s*[)\]]|(?<=\d)\s*[-–,.]?\s*" + _SERIES_NAME
                                 + r"\W*$)")


def series_in_title(folded_title: str) -> tuple[str, str]:
    """(the textbook series a folded title names as its series, the title without it); ("", title) when none."""
    match = _SERIES_IN_TITLE_RE.search(folded_title)
    if not match:
        return "", folded_title
    named = match.group(1) or match.group(2)
    return _TEXTBOOK_SERIES[named], f"{folded_title[:match.start()]} {folded_title[match.end():]}".strip()


def keep_misfolded_apart(text: str, folded: str) -> str:
    """`folded` (the fold of `text`) with the words the marks of `text` show are no volume or number
    word kept from the functions below; `dedupe.marks.without_marker` takes the marks out again."""
    return _NUMBERED_VOLUME_WORD_RE.sub(r"\1", keep_apart(text, folded, _SPELLINGS, _ROMAN_WORDS))


def number_value(token: str) -> int | None:
    """An Arabic, Roman or spelled-out number ("3", "iii", "ba") as an int; None otherwise."""
    if token.isdigit():
        return int(token)
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    if token and all(ch in _ROMAN for ch in token):
        total = 0
        for here, after in zip(token, token[1:] + " "):
            value = _ROMAN[here]
            total += -value if after in _ROMAN and _ROMAN[after] > value else value
        return total if total > 0 else None
    return None


def _volume_phrases(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, numbers) of each volume phrase: "tap 1" → "1", "tap 1-2" → "1-2"."""
    found = []
    for match in _VOLUME_RE.finditer(folded):
        value = number_value(match.group(1))
        if value is None:
            continue
        numbers, end = str(value), match.end()
        more = _MORE_VOLUMES_RE.match(folded, end)
        last = number_value(more.group(1)) if more else None
        if last is not None and last > value:
            numbers, end = f"{numbers}-{last}", more.end()
        found.append((match.start(), end, numbers))
    spelled = _SPELLED_VOLUME_RE.search(folded)
    if spelled:
        found.append((spelled.start(), spelled.end(), str(_FOLDED_NUMBER_WORDS[spelled.group(1)])))
    return found


def extract_volume(folded: str) -> tuple[int | None, str]:
    """(volume number, text with the volume phrases removed) of a folded title or part.

    The first volume phrase gives the number; every one ("Tập 1. Phần 2") is taken out of
    the text, and `volume_numbers` keeps them all.
    """
    phrases = _volume_phrases(folded)
    if not phrases:
        return None, folded
    for start, end, _ in reversed(phrases):
        folded = folded[:start] + " " + folded[end:]
    return int(phrases[0][2].split("-")[0]), folded


def volume_numbers(folded: str) -> str:
    """Every volume number of a folded title or part, in order: "1" (Tập 1), "1.2" (Tập 1. Phần 2),
    "1-2" (Tập 1-2, one book), "set" (Trọn bộ); "" when it states none.  Two books differ when these do."""
    numbers = [numbers for _, _, numbers in _volume_phrases(folded)]
    if _WHOLE_SET_RE.search(folded):
        numbers.append("set")
    return ".".join(numbers)


def volume_of_part(folded_part: str) -> int | None:
    """Volume of a 245 $n $p string: "Tập 2", "T.2: Âm vần", or a bare "2"."""
    value, _ = extract_volume(folded_part)
    if value is not None:
        return value
    match = _FIRST_NUMBER_RE.search(folded_part)
    if match and (match.group(1).isdigit() or len(match.group(1)) <= 4):
        return number_value(match.group(1))
    return None


# Words that only say "this is a part": what is left names it ("Đại số", "thượng", "ba").
_PART_WORDS = frozenset("tap quyen cuon phan ph vol volume part book tome band bd t q v pt no".split())


def part_name(folded_part: str) -> str:
    """The name of a 245 $n $p part without its number and volume words: "Tập 1. Đại số" →
    "dai so", "Quyển thượng" → "thuong", "Tập 2" and "Tập ba" → ""."""
    _, rest = extract_volume(folded_part)
    # Vietnamese writes a final i or y both ways after a consonant (lí/lý, kì/kỳ, quí/quý): "vat li" and
    # "vat ly" are one part; after a vowel they differ ("tay" is not "tai": Tày is not Thái).
    return " ".join(word[:-1] + "i" if len(word) > 1 and word.endswith("y")
                    and (word[-2] not in "aeiou" or word.endswith("quy")) else word
                    for word in _WORD_RE.findall(rest)
                    if word not in _PART_WORDS and not word.isdigit() and number_value(word) is None)


def edition_number(folded_edition: str) -> int | None:
    """Edition number of a folded edition statement; None when it states no number."""
    for pattern, offset in _EDITION_PATTERNS:
        match = pattern.search(folded_edition)
        if match:
            value = _ORDINALS.get(match.group(1)) or number_value(match.group(1))
            if value is not None:
                return value + offset
    return None


def _spelled_out(match: re.Match[str]) -> str:
    return _PUBLISHER_ABBREVIATIONS[match.group(1)]


def publisher_words(folded_publisher: str) -> str:
    """Folded publisher with "NXB", "Nhà xuất bản", "Publishing", "Tp. HCM" spelled one way."""
    text = " ".join(_WORD_RE.findall(folded_publisher.replace("&", " ")))
    for pattern, replacement in _PUBLISHER_PHRASES:
        text = pattern.sub(replacement or _spelled_out, text)
    text = _PUBLISHER_DROP_RE.sub(" ", text)
    return " ".join(text.split())
