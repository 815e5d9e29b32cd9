"""Text cleanup for display fields: NFC, invisible characters, ISBD punctuation, all-caps.

Every function here is idempotent (f(f(x)) == f(x)); tests check it with Hypothesis.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from store.text import BIDI_CONTROLS, CONTROL, INVISIBLE, NONCHARACTERS, fold
from normalize.proper_names import Names, capitalize_names

# Bidi controls as zero-width ones: an unterminated RLO in an author reversed the rest of the hit's line.
_DROPPED = INVISIBLE + CONTROL + BIDI_CONTROLS + NONCHARACTERS
_DELETE = str.maketrans("", "", _DROPPED)
_SPACE_RE = re.compile(r"\s+")
_INVISIBLE_RE = re.compile("[" + re.escape(_DROPPED) + "]")
_DIRTY_RE = re.compile("[" + re.escape(_DROPPED) + r"]|\s\s|[^\S ]|^\s|\s$")

# Trailing ISBD separators: " /", " :", " ;", " =", ",".
_ISBD_TAIL_RE = re.compile(r"\s*[/:;=,]\s*$")
_ISBD_SEPARATORS = ("/", ":", ";", "=", ",")
_WORD_SEPARATOR_RE = re.compile(r"[\s(\[]")
# Abbreviations whose final period is part of the word (Vietnamese and English cataloguing).
ABBREVIATIONS = frozenset({
    "tr", "p", "pp", "ed", "eds", "jr", "sr", "st", "etc", "v.v", "s.n", "s.l", "n.d", "nxb", "tp", "ts",
    "pgs", "gs", "ths", "bs", "ks", "cn", "tx", "q", "h", "vol", "no", "co", "inc", "ltd", "dr", "mr", "mrs",
    "ms", "prof", "ill", "cm", "tb", "xb", "in", "b.s", "ch.b", "h.đ", "k.đ", "knxb", "s.d", "corp", "dept",
    # Places in English-language imprints ("Taftsville, Vt. :"); short ones that are also words are left out.
    "vt", "mass", "calif", "conn", "fla", "mich", "minn", "tenn", "tex", "wis", "ariz", "colo", "okla", "nev",
    "ky", "pa", "va", "md", "eng",
})
_INITIALS_RE = re.compile(r"(?:\w\.)+\w")  # "J.R.R" of "J.R.R.", "v.v" of "v.v."
# A well-formed Roman numeral (XIV, not IIII or CIVIL), up to 3999.
_ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
# Unmarked Vietnamese syllables and English words that are also well-formed numerals:
# "VI MÔ", "XI MĂNG", "MI", "LI", "DI"; "MIX", "DID".  Alone they are words.
_NUMERAL_WORDS = frozenset({"VI", "XI", "LI", "MI", "DI", "MIX", "MID", "DID", "DIM", "LID", "CIV"})
# Words after which a numeral counts something: tập II, phần I, thế kỷ XI, lần thứ VI, vol. I.
_NUMBERED_BY = frozenset({
    "tập", "phần", "quyển", "chương", "bài", "khóa", "khoá", "kỳ", "kì", "kỷ", "kỉ", "thứ", "số",
    "vol", "volume", "part", "book", "tome", "chapter", "no", "century",
})


# Ð/ð (U+00D0/U+00F0, the Icelandic eth) pasted for Đ/đ (U+0110/U+0111): they look alike, fold
# alike, but "Ðường về quê" sorted among the D titles and a quoted "đường" missed it (review).
# Read as Đ in a word with a mark or letter only Vietnamese writes (breve, circumflex, horn, grave,
# hook, tilde, dot below, đ), or at a word's start before a vowel as Vietnamese marks it ("Ðinh",
# "Ðó"): Icelandic words never start with ð, and their vowels take acutes only ("Guðrún" stays).
_ETH_WORD_RE = re.compile(r"\w*[Ðð]\w*")
_ETH_AS_D = str.maketrans("Ðð", "Đđ")
_VIETNAMESE_MARKS = frozenset("\u0306\u0302\u031b\u0300\u0309\u0303\u0323đĐ")
_VOWELS = frozenset("aeiouyAEIOUY")


def _vietnamese_d(match: re.Match[str]) -> str:
    word = match.group(0)
    decomposed = unicodedata.normalize("NFD", word)
    vietnamese = not _VIETNAMESE_MARKS.isdisjoint(decomposed)
    if not vietnamese and word[0] in "Ðð" and len(decomposed) > 1 and decomposed[1] in _VOWELS:
        marks = itertools.takewhile(unicodedata.combining, decomposed[2:])
        vietnamese = all(mark == "\u0301" for mark in marks)  # "Ðinh", "Ðó"; not "Ðā" (Old English)
    return word.translate(_ETH_AS_D) if vietnamese else word


def vietnamese_d(value: str) -> str:
    """`value` (NFC) with an eth standing for Vietnamese đ written đ (see _ETH_WORD_RE)."""
    return _ETH_WORD_RE.sub(_vietnamese_d, value) if "Ð" in value or "ð" in value else value


def _printable(value: str) -> bool:
    """No control or invisible character, and no whitespace but the space.

    str.isprintable() is false for every character of _DROPPED but
    U+034F, and for all whitespace but " ": one C pass instead of a regex scan,
    which costs several times more on Vietnamese text.
    """
    return value.isprintable() and "\u034f" not in value


def _is_clean(value: str) -> bool:
    """True when clean_text would return the non-empty `value` unchanged."""
    if _printable(value):
        # What _DIRTY_RE could still find: doubled spaces, or a space at either end.
        clean = "  " not in value and value[0] != " " and value[-1] != " "
    else:
        clean = _DIRTY_RE.search(value) is None
    return clean and (value.isascii() or (unicodedata.is_normalized("NFC", value) and vietnamese_d(value) == value))


def clean_text(value: str) -> str:
    """NFC, invisible and control characters removed, whitespace collapsed.

    Run legacy-encoding repair first: TCVN3 capitals live in control bytes.
    """
    if not value:
        return ""
    if _is_clean(value):
        return value  # the common case: nothing to do
    if not value.isascii():
        value = vietnamese_d(unicodedata.normalize("NFC", value.translate(_DELETE)))
    else:
        value = value.translate(_DELETE)
    return _SPACE_RE.sub(" ", value).strip()


def cleanup_reasons(value: str) -> list[str]:
    """What clean_text repairs in `value` beyond spacing, in words for Record.repairs."""
    reasons: list[str] = []
    if not _printable(value) and _INVISIBLE_RE.search(value) is not None:
        reasons.append("invisible or control characters removed")
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        reasons.append("decomposed Unicode composed to NFC")
    if vietnamese_d(unicodedata.normalize("NFC", value)) != unicodedata.normalize("NFC", value):
        reasons.append("Ð (eth) written Đ in Vietnamese words")
    return reasons


@lru_cache(maxsize=8192)  # repeated values (publishers, places, subjects) hit; size bounds memory
def strip_isbd(value: str) -> str:
    """Drop trailing ISBD punctuation (" /", " :", " ;", " =", ",", final ".").

    A final period stays when it ends an abbreviation ("245 tr.", "s.n.") or an
    initial ("Robert T."), because there it belongs to the word.  MARC ends a 1XX/7XX
    with a period unless the field already ends with one, so after an initial or an
    abbreviation the field's period and the word's are one: a doubled ".." keeps one.
    """
    while True:
        before = value
        if value.endswith("..") and not value.endswith("..."):
            value = value[:-1]  # "Kiyosaki, Robert T..": the terminal period typed after the initial's
        if value.rstrip().endswith(_ISBD_SEPARATORS):  # _ISBD_TAIL_RE scans every position
            value = _ISBD_TAIL_RE.sub("", value)
        if value.endswith(".") and not value.endswith("..") and not _period_belongs(value):
            value = value[:-1].rstrip()
        if value == before:
            return value


def _period_belongs(value: str) -> bool:
    # The word before the final period: what follows the last space, "(" or "[".
    word = _WORD_SEPARATOR_RE.split(value[:-1])[-1]
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "A."
    return word.lower() in ABBREVIATIONS or _INITIALS_RE.fullmatch(word) is not None


@lru_cache(maxsize=8192)  # repeated values (publishers, places, subjects) hit; size bounds memory
def clean_field(value: str) -> str:
    """clean_text then strip_isbd: the form every displayed subfield gets."""
    return strip_isbd(clean_text(value))


def clean_note(value: str) -> str:
    """clean_field for a note or an abstract, kept out of the caches: notes seldom repeat, and 8,192 of
    them, up to 100,000 characters each (normalize/limits.py), could hold gigabytes where headings hold
    kilobytes (1,000 notes of 94,000 characters took a run from 291 MB to 705 MB)."""
    return strip_isbd.__wrapped__(clean_text(value))  # lru_cache's __wrapped__: the function without its cache


def _abbreviation(word: str) -> bool:
    """Two or more letters and no vowel: "THPT", "CSVN", "ĐHQG" cannot be read as words."""
    return len(word) >= 2 and word.isalpha() and not any(ch in "aeiouy" for ch in fold(word))


def _roman_numeral(word: str, previous: str) -> bool:
    """A Roman numeral that keeps its capitals: see recase_title."""
    if not word or _ROMAN_RE.fullmatch(word) is None:
        return False
    return previous in _NUMBERED_BY or (len(word) >= 2 and word not in _NUMERAL_WORDS)


def recase_title(value: str, names: Names | None = None) -> str:
    """Sentence case for ALL-CAPS titles, only when safe.

    Safe means every cased letter is upper case and there are more than 3 letters;
    words without a vowel, which can only be abbreviations (THPT, CSVN, NXB, ĐHQG),
    keep their capitals, and so do Roman numerals.  A word is kept as a numeral
    when it is well formed (XIV; not CIVIL) and either follows a word that numbers
    things (TẬP I, PHẦN VI, THẾ KỶ XI, LẦN THỨ XI, VOL. I) or has two or more
    letters and is not also a word: VI (vi mô), XI (xi măng), LI, MI, DI, MIX are
    lowered unless numbered.  A lone I is a numeral only when numbered.  Anything
    mixed is left alone, because the cataloguer's capitals (proper nouns) are
    information.  The names of places and bodies a provincial catalogue's titles
    hold keep their capitals (normalize/proper_names.py): "Lịch sử Đảng bộ tỉnh Hậu Giang", and so do
    the `names` the record gives (`proper_names.record_names`): "Thơ Tố Hữu" under 100 "Tố Hữu".
    """
    if not value.isupper():  # some lower-case letter, or no cased letter: nothing to do
        return value
    letters = [ch for ch in value if ch.isalpha()]
    if len(letters) <= 3 or not all(ch.isupper() for ch in letters if ch.lower() != ch.upper()):
        return value
    if not any(ch.lower() != ch for ch in letters):
        return value
    out: list[str] = []
    previous = ""
    for word in value.split(" "):
        bare = word.strip(".,;:()[]")
        out.append(word if _roman_numeral(bare, previous) or _abbreviation(bare) else word.lower())
        previous = bare.lower()
    text = " ".join(capitalize_names(out, names))
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text
