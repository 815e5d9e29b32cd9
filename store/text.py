"""Vietnamese text keys shared by every stage that compares or searches text.

Folding merges distinct words (đường/dương/duong), so it is used for match keys
and for the folded search field only; display text stays NFC with its marks.
"""

from __future__ import annotations

import re
import unicodedata

_WORD_RE = re.compile(r"\w+", re.UNICODE)
# Zero-width characters, soft hyphen, BOM, bidi marks and the combining grapheme joiner:
# invisible, but a tokenizer splits a word at them ("Ng\u200buyễn" is "ng", "uyễn") and
# exact matches break.  Text pasted from web pages and Word files brings them.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u034f"
_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE)
# C0/C1 controls other than whitespace (tab, newline, carriage return, NEL); MARC's nonsort
# markers U+0098/U+009C are C1.  Record text is cleaned of them (normalize/text.py).
CONTROL = "".join(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
                  if chr(c) not in "\x85")
# Bidi embeddings, overrides and isolates (LRE … RLO, LRI … PDI): an unterminated one reverses
# what follows it on a page, and a word typed with one in it is not the word the index holds.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Unicode's noncharacters (U+FDD0–U+FDEF, and the last two code points of each plane: U+FFFE,
# U+FFFF …): never text, and a page shows them as boxes.
NONCHARACTERS = "".join(map(chr, [*range(0xFDD0, 0xFDF0), *(plane + end for plane in range(0, 0x110000, 0x10000)
                                                            for end in (0xFFFE, 0xFFFF))]))
_DROP_FROM_QUERY = str.maketrans("", "", INVISIBLE + CONTROL + BIDI_CONTROLS + NONCHARACTERS)
_OTHER_SPACE_RE = re.compile(r"[^\S ]+")
# đ/Đ carry no combining mark, so NFD alone would keep them.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ı": "i", **dict.fromkeys(INVISIBLE)})


def nfc(text: str) -> str:
    """Unicode NFC: decomposed input breaks tokenizers ("Nguyễn" → "nguye", "n")."""
    return unicodedata.normalize("NFC", text)


def visible_nfc(text: str) -> str:
    """NFC of `text` without its INVISIBLE characters, dropped first: one between a letter and
    its mark would keep them apart."""
    return unicodedata.normalize("NFC", text.translate(_DROP_INVISIBLE))


def visible_query(text: str) -> str:
    """A query as record text is cleaned: NFC, invisible, control and bidi characters dropped (one in a
    word split it, and nothing was found), other whitespace (a tab, a newline) a space."""
    if text.isprintable() and "\u034f" not in text:  # the common case, in one C pass
        return unicodedata.normalize("NFC", text) if not text.isascii() else text
    return _OTHER_SPACE_RE.sub(" ", unicodedata.normalize("NFC", text.translate(_DROP_FROM_QUERY)))


def visible_nfkc(text: str) -> str:
    """`visible_nfc` with compatibility forms read as what they stand for: fullwidth letters and digits
    ("Ｔｒｕｙｅｎ", typed with a Chinese or Japanese input method), ligatures ("ﬁ"), "²", "Ⅻ"."""
    return unicodedata.normalize("NFKC", text.translate(_DROP_INVISIBLE))


# Vietnamese writes the tone of an open "oa", "oe" or "uy" on either vowel: "hóa"/"hoá",
# "khỏe"/"khoẻ", "thủy"/"thuỷ" are one word in two standard spellings.  `one_tone_spelling`
# puts the mark on the first vowel, so the exact search fields hold one of them.
_TONES = "\u0300\u0301\u0309\u0303\u0323"
_SECOND_MARKED = "".join(unicodedata.normalize("NFC", v + t) for v in "aeyAEY" for t in _TONES)
_TONE_ON_SECOND_RE = re.compile(f"(?<![qQ])[oOuU][{_SECOND_MARKED}](?!\\w)")
_PAIRS = {"o": "aeAE", "O": "aeAE", "u": "yY", "U": "yY"}


def _tone_to_first(match: re.Match[str]) -> str:
    first, second = match.group(0)
    base, tone = unicodedata.normalize("NFD", second)[0], unicodedata.normalize("NFD", second)[1:]
    if base not in _PAIRS[first]:
        return match.group(0)  # "oý", "uá": not one of the three pairs
    return unicodedata.normalize("NFC", first + tone) + base


def one_tone_spelling(text: str) -> str:
    """`text` (NFC) with "oá", "oẻ", "uý"... at a syllable's end spelled "óa", "ỏe", "úy" ("quý" stays)."""
    return _TONE_ON_SECOND_RE.sub(_tone_to_first, text) if not text.isascii() else text


# Vietnamese spells a syllable whose one vowel is a final y after its consonants with i too:
# "lý/lí", "kỹ/kĩ", "Mỹ/Mĩ", "quý/quí", "hy/hi", "ty/ti", "sỹ/sĩ" (the 2018 textbooks write "Vật
# lí", most other books "Vật lý").  Not a cluster: "may" and "mai" are two words, "thủy" keeps its y.
# Marked or folded text alike ("kỹ" or "ky"); dedupe/folding.py has a folded-only twin.
_FINAL_Y_RE = re.compile(r"(?<!\w)(qu|[bcdđghklmnpqrstvx]h?)([yýỳỷỹỵ])(?!\w)", re.IGNORECASE)
_Y_AS_I = str.maketrans("yýỳỷỹỵYÝỲỶỸỴ", "iíìỉĩịIÍÌỈĨỊ")
_ANY_Y_RE = re.compile("[yýỳỷỹỵYÝỲỶỸỴ]")  # a fifth of the cost of _FINAL_Y_RE on text without one


def _y_as_i(match: re.Match[str]) -> str:
    return match.group(1) + match.group(2).translate(_Y_AS_I)


def final_i_spelling(text: str) -> str:
    """`text` (NFC, marked or folded) with such a final y spelt i, its tone and case kept: one
    spelling for the search fields, as `one_tone_spelling` gives hoá/hóa one."""
    return _FINAL_Y_RE.sub(_y_as_i, text) if _ANY_Y_RE.search(text) else text


def fold(text: str) -> str:
    """Diacritic-folded, lower-cased text: NFD, combining marks and INVISIBLE characters dropped, đ→d,
    Greek final ς→σ."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # str.lower() writes Σ at a word's end as ς, but a word typed or split apart ("οδοσ")
    # keeps σ: one form, or the same word folds two ways.
    return stripped.lower().replace("ς", "σ")


def words(text: str) -> list[str]:
    """Word tokens of already-folded or display text."""
    return _WORD_RE.findall(text)


def folded_words(text: str) -> list[str]:
    return words(fold(text))


def title_key(title: str, max_chars: int = 35) -> str:
    """Folded title cut to a prefix: the blocking key of RecordManager, with đ folded."""
    return " ".join(folded_words(title))[:max_chars].rstrip()


_NAME_TOKEN_RE = re.compile(r"[^\W_]+\.?")
_INITIAL_OR_YEAR_RE = re.compile(r"[^\W\d_]\.|1\d{3}\.?|20\d\d\.?")


def work_key(title: str, authors: list[str]) -> str:
    """Folded title + the first author's first and last name words: the editions of one work
    share it, "Keith Taylor" and "Taylor, Keith" alike, and two authors of one family name
    ("Tuyển tập" by Nguyễn Tuân and by Nguyễn Công Hoan) do not."""
    # Name words only: dates ("1802-1885") and initials ("J. K.") vary between catalogues, while
    # a one-letter given name ("Nguyễn Văn A") and a number ("Sư đoàn 330") tell authors apart.
    # An inverted Western name in direct order (store.names): "Saint-Exupéry, Antoine de" is
    # "Antoine de Saint-Exupéry", whose first and last words are not the inverted form's (review).
    from store.names import direct_order  # here: store.names folds with this module

    name = (direct_order(authors[0]) or authors[0]) if authors else ""
    words = [w.rstrip(".") for w in _NAME_TOKEN_RE.findall(fold(name)) if not _INITIAL_OR_YEAR_RE.fullmatch(w)]
    author = sorted({words[0], words[-1]}) if words else []
    # The volume a title ends with ("… tham nhũng - T.1", "…, tập 2") is no part of the work.
    return " ".join(folded_words(_VOLUME_AT_END_RE.sub("", fold(title))) + ["/"] + author)


_VOLUME_AT_END_RE = re.compile(r"[\s,.:;\-–]*\b(?:t|tap|q|quyen|vol)\.?\s*\d+\s*$", re.IGNORECASE)
