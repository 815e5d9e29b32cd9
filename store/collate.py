"""Vietnamese dictionary order as a sort key: a plain string whose code-point order is the order
a Vietnamese librarian files titles in.

The rules (Vũ Xuân Lương, Trung tâm Từ điển học, "Quy tắc sắp xếp đơn vị từ vựng trong từ điển
tiếng Việt"; CLDR's `vi` tailoring says the same of letters and tones):

- Letters: a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z.  ă â đ ê ô ơ ư are
  letters of their own after their base, not accented a, d, e, o, u; f j w z keep their Latin places.
- Tones are a secondary difference, in the order ngang (no mark), huyền, hỏi, ngã, sắc, nặng:
  ma < mà < mả < mã < má < mạ.
- Syllable by syllable (rule 4.3): the first syllable, letters and then tone, decides before the
  next one is looked at, so every "ma …" files before "mà" and "tuân thủ" before "tuần chay"; a
  shorter syllable first ("cha" before "chan").  CLDR's whole-string levels would put "mà cả"
  before "ma chay"; dictionaries do not.
- Then case, lower case first (a before A), then everything else (punctuation, spacing, where a tone
  mark sits), so two titles get one key only when their NFC text is the same.

Digits file before letters and other scripts after Latin; punctuation and spaces only separate
syllables ("Đất nước" and "Đất-nước" differ last).

The key is built for Tantivy's `title_sort` fast field, compared bytewise (UTF-8 keeps code-point
order), and for Python's `sorted`.  Its layout, low control characters as separators so that an
ended level sorts before any continuation:

    word1 [\\x03 tones1] \\x02 word2 [\\x03 tones2] … \\x01 case flags \\x01 NFC text

The index build calls `sort_key` once per record, so each level is one `str.translate` through a
table filled once per character (`_Table`), not a Python loop per character, and each token
between spaces is computed once (`_token_levels`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

MAX_SORT_CHARS = 200  # of the NFC text: later characters never decide a catalogue's order
MAX_WORDS_CHARS = 2 * MAX_SORT_CHARS  # "ﬃ" or "㎒" weigh as several letters: the key stays bounded

_END, _WORD, _TONES = "\x01", "\x02", "\x03"
_LOWER, _UPPER = "\x04", "\x05"

# Primary weights: digits as themselves (0x30-0x39), then the Vietnamese alphabet with f j w z in
# their Latin places, from "A" (0x41) on.  Every other letter keeps its own code point (>= 0x80),
# which puts other scripts after Latin.
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_WEIGHT = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}
_LETTER_WEIGHT.update({d: d for d in "0123456789"})
# base + the mark that makes it another letter (NFD spells ă as a + U+0306)
_VIETNAMESE_LETTERS = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
                       ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}
# Latin letters with no decomposition, filed with the letters they are written like.
_LATIN_EXTRA = {"ø": "o", "ł": "l", "ð": "d", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "ŀ": "l"}
# Secondary weights: the five tones in dictionary order, then every other diacritic by code point.
_TONE_WEIGHT = {"\u0300": "\x10", "\u0309": "\x11", "\u0303": "\x12", "\u0301": "\x13", "\u0323": "\x14"}
# Blocks of diacritics that mark a letter; other combining marks (Indic vowel signs, viramas) are
# letters of their scripts and weigh as primaries.
_DIACRITIC_BLOCKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))


def _is_diacritic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _DIACRITIC_BLOCKS)


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def _weights(text: str) -> tuple[str, str]:
    """(primary, secondary) weights of lower-case word characters ("İ".lower() is two)."""
    primary, secondary = "", ""
    for char in text:
        more_primary, more_secondary = _char_weights(char)
        primary, secondary = primary + more_primary, secondary + more_secondary
    return primary, secondary


def _char_weights(char: str) -> tuple[str, str]:
    if char in _LETTER_WEIGHT:
        return _LETTER_WEIGHT[char], ""
    if char in _LATIN_EXTRA:
        return "".join(_LETTER_WEIGHT[c] for c in _LATIN_EXTRA[char]), ""
    if _is_diacritic(char):
        return "", _TONE_WEIGHT.get(char, char)
    parts = unicodedata.normalize("NFD", char)
    if len(parts) == 1:
        compat = unicodedata.normalize("NFKD", char).lower()
        # "ﬁ", "²", "Ａ": filed as what they stand for; the last level still tells them apart
        if compat == char or not all(_is_word_char(c) for c in compat):
            return char, ""
        parts = compat
    base, marks = parts[0], parts[1:]
    for mark in marks:
        if (base, mark) in _VIETNAMESE_LETTERS:
            base, marks = _VIETNAMESE_LETTERS[base, mark], marks.replace(mark, "", 1)
            break
    base_primary, base_secondary = _char_weights(base)
    primary, secondary = _weights(marks)
    return base_primary + primary, base_secondary + secondary


class _Table(dict):
    """str.translate table filled on first use of each character, from `entry(char)`."""

    def __init__(self, entry: Callable[[str], str]):
        super().__init__()
        self._entry = entry

    def __missing__(self, code: int) -> str:
        value = self[code] = self._entry(chr(code))
        return value


def _primary_entry(char: str) -> str:
    return _weights(char.lower())[0] if _is_word_char(char) else _WORD


def _secondary_entry(char: str) -> str:
    return _weights(char.lower())[1] if _is_word_char(char) else _WORD


def _case_entry(char: str) -> str:
    if not _is_word_char(char) or _is_diacritic(char):
        return ""  # dropped ("" translates faster than None)
    return _UPPER if char.lower() != char else _LOWER


_PRIMARY, _SECONDARY, _CASE = _Table(_primary_entry), _Table(_secondary_entry), _Table(_case_entry)
# Fill the tables for ASCII, Latin and Vietnamese now, so a build starts at full speed.
for _code in [*range(0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00)]:
    _PRIMARY[_code], _SECONDARY[_code], _CASE[_code]  # noqa: B018 (fills the table)


@lru_cache(maxsize=1 << 16)
def _token_levels(token: str) -> tuple[str, str]:
    """(syllables with their tones, case flags) of one space-free token such as "Nam." or "Xô-viết".

    Titles reuse a few thousand syllables: looked up, a token costs a third of translating it.
    """
    primaries = token.translate(_PRIMARY).split(_WORD)  # the tables lower-case each character
    if token.isascii():
        words = _WORD.join([p for p in primaries if p])
    else:
        tones = token.translate(_SECONDARY).split(_WORD)
        words = _WORD.join([p + _TONES + t if t else p for p, t in zip(primaries, tones) if p or t])
    return words, token.translate(_CASE)


def sort_key(text: str) -> str:
    """The key that files `text` in Vietnamese dictionary order (see the module docstring).

    Equal keys mean equal NFC text (of the first MAX_SORT_CHARS characters).
    """
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text[:MAX_SORT_CHARS]
    levels = [_token_levels(token) for token in text.split()]  # white space only separates syllables
    words = _WORD.join([syllables for syllables, _ in levels if syllables])[:MAX_WORDS_CHARS]
    return words + _END + "".join([case for _, case in levels]).rstrip(_LOWER) + _END + text
