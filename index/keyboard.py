"""Words typed in Telex or VNI with the Vietnamese keyboard switched off: "lichj suwr vieetj nam"
and "li5ch su73 vie65t nam" are "lịch sử việt nam".

A librarian at a machine whose input method is off (or a visitor of a partner site on a
phone without one) types the keys of one of the two common methods as they are:
- Telex: a doubled vowel for the circumflex (aa, ee, oo), w for the breve and the horn
  (aw, ow, uw, uow, or w alone for ư), dd for đ, and a letter for the tone anywhere after the
  vowel, as Unikey reads it ("vieetj" or "vieejt"; s sắc, f huyền, r hỏi, x ngã, j nặng);
- VNI: a digit after the letter it marks: 6 circumflex, 7 horn (7 after "uo" is ươ),
  8 breve, 9 đ; 1 sắc, 2 huyền, 3 hỏi, 4 ngã, 5 nặng.
Such a word is in no record, so the search finds nothing; `SearchIndex` then tries the
query with each unknown word read as the syllable its keys spell (`keyboard_query`), and
offers it as the suggestion.  When that reading finds nothing, the words some record holds
as typed are read too ("Muaf khoo" is "Mùa khô", though "khoo" is Adam Khoo's), and the typo
search runs on the reading, so a slip in one word of several ("ddaats rungf phuwowng nam":
"rungf" spells "rùng", not "rừng") is forgiven as it is in a word alone.

A word is read only when the result is a Vietnamese syllable (initial, vowel nucleus and
final consonant all Vietnamese), so "books" (a "k" cannot end a syllable) and "T12" stay
as typed, and only where the catalogue holds that spelling.  The tone goes where
Vietnamese spelling puts it; "hoà"/"hòa" need no choice, the index keeps one spelling
of both (`store.text.one_tone_spelling`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

_TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
# Longest first: "uow" is the short way to type "ươ"; "truwowng" becomes "trương" by ow, then uw;
# a w left alone is ư ("rwngf" is "rừng").
_LETTER_KEYS = (("uow", "ươ"), ("dd", "đ"), ("aa", "â"), ("aw", "ă"), ("ee", "ê"), ("oo", "ô"), ("ow", "ơ"),
                ("uw", "ư"), ("w", "ư"))
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g", "h", "k",
             "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t", "")
_NUCLEI = frozenset("""a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ
    uy ưa ưi ưu ươ yê iêu yêu oai oay oeo uây uôi ươi ươu uya uyê uyu""".split())
_MARKED_VOWELS = "ăâêôơư"
_TELEX_VOWELS = frozenset("aeiouyw")  # w alone is ư ("rwngf")
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_VNI_MARKS = {"6": {"a": "â", "e": "ê", "o": "ô"}, "7": {"o": "ơ", "u": "ư"}, "8": {"a": "ă"}, "9": {"d": "đ"}}
_WORD_RE = re.compile(r"[^\W_]+")


def keyboard_word(word: str) -> str | None:
    """The syllable the Telex or VNI keys of `word` spell, in its case; None when it uses no such key
    or does not spell a Vietnamese syllable."""
    if not word.isascii() or not word.isalnum() or not word[:1].isalpha():
        return None
    typed = word.lower()
    read = _from_vni(typed) if any(c.isdigit() for c in typed) else _from_telex(typed)
    if read is None:
        return None
    syllable = _toned(*read)
    if syllable is None:
        return None
    if word.isupper():
        return syllable.upper()
    return syllable[:1].upper() + syllable[1:] if word[:1].isupper() else syllable


def _from_telex(typed: str) -> tuple[str, str] | None:
    """(letters, tone mark) of a word typed in Telex; None when it holds no Telex key.

    The tone key may come anywhere after the first vowel, as Unikey takes it: "vieejt" as well as
    "vieetj".  No Vietnamese syllable holds s, f, r, x or j after its vowel, so there it is the tone;
    two of them ("first", "words") make no syllable."""
    body, tone = typed, ""
    first_vowel = next((at for at, key in enumerate(typed) if key in _TELEX_VOWELS), None)
    tone_at = [at for at, key in enumerate(typed) if key in _TONE_KEYS and first_vowel is not None and at > first_vowel]
    if len(tone_at) > 1:
        return None
    if tone_at and len(typed) > 2:
        at = tone_at[0]
        body, tone = typed[:at] + typed[at + 1:], _TONE_KEYS[typed[at]]
    for keys, letter in _LETTER_KEYS:
        body = body.replace(keys, letter)
    return None if body == typed else (body, tone)  # a plain unmarked word: left to the typo search


def _from_vni(typed: str) -> tuple[str, str] | None:
    """(letters, tone mark) of a word typed in VNI; None when a digit marks nothing it can.

    A syllable takes one tone, so a second tone digit makes the word a number: "van12" is
    "Văn 12" (a grade, a volume) typed without its space, never "vàn".
    """
    letters: list[str] = []
    tone = ""
    for key in typed:
        if key in _VNI_TONES:
            if tone:
                return None
            tone = _VNI_TONES[key]
        elif key in _VNI_MARKS:
            marks = _VNI_MARKS[key]
            at = next((i for i in range(len(letters) - 1, -1, -1) if letters[i] in marks), None)
            if at is None:
                return None
            if key == "7" and letters[at] == "o" and at and letters[at - 1] == "u":
                letters[at - 1] = "ư"  # "uo7" is ươ, as in "ngu7o72i"
            letters[at] = marks[letters[at]]
        elif key.isdigit():
            return None  # 0: no VNI key
        else:
            letters.append(key)
    return "".join(letters), tone


def keyboard_query(query: str, unknown: frozenset[str], held: Callable[[str], bool]) -> str | None:
    """`query` with each word of `unknown` (folded words no record holds) read as Telex or VNI where the catalogue
    holds the syllable with its marks (`held`); None when no word is.

    A reading must be held as spelt: "kieeu" (a typo of "kieu") reads as "kiêu", which no title holds,
    so it is left to the typo search, which finds "Kiều"."""
    changed = False

    def read(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        if word.lower() not in unknown or query.startswith(":", match.end()):
            return word  # a word the catalogue holds, or a field name
        syllable = keyboard_word(word)
        if syllable is None or not held(syllable):
            return word
        changed = True
        return syllable

    read_query = _WORD_RE.sub(read, query)
    return read_query if changed else None


def _toned(body: str, tone: str) -> str | None:
    """`body` (letters, no tone) with `tone` on the vowel Vietnamese spelling puts it on; None if no syllable."""
    for initial in _INITIALS:
        if not body.startswith(initial):
            continue
        rest = body[len(initial):]
        for final in _FINALS:
            nucleus = rest[:len(rest) - len(final)] if final else rest
            if rest.endswith(final) and nucleus in _NUCLEI:
                at = len(initial) + _tone_position(nucleus, bool(final))
                return unicodedata.normalize("NFC", body[:at + 1] + tone + body[at + 1:])
    return None


def _tone_position(nucleus: str, closed: bool) -> int:
    """Index in `nucleus` of the vowel that carries the tone."""
    if "ươ" in nucleus:
        return nucleus.index("ơ")
    for index, vowel in enumerate(nucleus):
        if vowel in _MARKED_VOWELS:
            return index
    if len(nucleus) == 1:
        return 0
    if closed or nucleus in ("oa", "oe", "uy"):
        return len(nucleus) - 1
    return 1 if len(nucleus) == 3 else 0
