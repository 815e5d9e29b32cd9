"""Is this token a Vietnamese syllable?  The plausibility check behind legacy-encoding repair.

Vietnamese is written one syllable per word: (onset)(vowel cluster)(coda) with at
most one tone mark, and the stop codas c/ch/p/t take only the acute or dot-below
tone.  A legacy-encoded word ("Nh÷ng") fails this test; its conversion ("Những")
passes.  Checking syllables, not a dictionary, keeps the test small and fast.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = {"\u0301", "\u0323"}

_ONSETS = ["ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""]
# Vowel clusters that end in a glide or are complete: no final consonant after them.
_OPEN_ONLY = ["iêu", "yêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "ươi", "ươu", "uyu", "uya",
              "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "iu", "oi", "ôi", "ơi", "ui", "ưi", "ưu",
              "ia", "ua", "ưa", "uơ"]
# Clusters that need a final consonant ("tiên", "muốn", "ăn").
_NEED_CODA = ["uyê", "iê", "yê", "uô", "ươ", "oă", "uâ", "oo", "ă", "â"]
# Clusters that stand alone or take a final consonant.
_ANY = ["oa", "oe", "uê", "uy", "a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
_CODAS = ["ng", "nh", "ch", "c", "m", "n", "p", "t"]


def _alt(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_SYLLABLE_RE = re.compile(
    rf"(?:{_alt(_ONSETS)})(?:(?:{_alt(_OPEN_ONLY)})|(?:{_alt(_ANY)})(?P<c1>{_alt(_CODAS)})?"
    rf"|(?:{_alt(_NEED_CODA)})(?P<c2>{_alt(_CODAS)}))"
)


@lru_cache(maxsize=65536)
def is_syllable(token: str) -> bool:
    """True when `token` (letters only, any case) is a well-formed Vietnamese syllable."""
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    match = _SYLLABLE_RE.fullmatch(base)
    if match is None:
        return False
    coda = match.group("c1") or match.group("c2") or ""
    if coda in ("c", "ch", "p", "t"):
        if tones:
            return tones[0] in _STOP_TONES
        # No tone: right only in text typed without any marks ("tiet"); a marked letter without
        # one ("TÊt", TCVN3 for "Tất") is legacy bytes or a typo, never a Vietnamese syllable.
        return base.isascii()
    return True
