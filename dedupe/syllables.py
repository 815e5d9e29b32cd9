"""Whether a word, as typed with its marks, is a well-formed Vietnamese syllable.

Folding makes many words one letter off another: "tra" (a catfish) and "trê" (another),
"khỏe" (healthy) and "khéo" (skilful).  Typed with marks, both are words of the language,
and a title one such word apart is another book.  A slip of the keyboard mostly makes no
syllable at all: "Snih" (no onset "sn"), "Taon" (no rhyme "aon"), "Ánhh", "nghành" ("ngh"
goes only before e, ê, i), "mat" (a syllable ending in c, ch, p, t takes a sắc or nặng tone).

The check is of the spelling, not of a dictionary: onset, rhyme and tone must go together
as Vietnamese spelling allows.  It says nothing of a word typed without marks in a text
without any (`dedupe.marks`): there the marks are unknown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dedupe.folding import FINAL_Y_RE, fast_fold

# Combining tone marks: huyền, sắc, ngã, hỏi, nặng.  The vowel marks (â, ă, ơ...) stay in the letter.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# A syllable ending in a stop (c, ch, p, t) takes sắc or nặng, nothing else.
_STOP_TONES = frozenset("\u0301\u0323")
_STOP_CODAS = ("ch", "c", "p", "t")
_LETTERS = frozenset("aăâbcdđeêghiklmnoôơpqrstuưvxy")
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "")
# Rhymes (medial, vowel, final) as written after any onset but "gi" and "qu" (see `_rhyme_fits`).
_RHYMES = frozenset("""
    a ai ao au ay âu ây e eo ê êu i ia iu iêu o oa oai oao oay oe oeo oi ô ôi ơ ơi u ua uây uê ui uôi uơ uy uya
    uyu ư ưa ưi ươi ươu ưu y yêu
    am an ang anh ac ach ap at  ăm ăn ăng ăc ăp ăt  âm ân âng âc âp ât  em en eng ec ep et
    êm ên ênh êch êp êt  im in inh ich ip it  om on ong oc op ot  oong ooc  ôm ôn ông ôc ôp ôt
    ơm ơn ơp ơt  um un ung uc up ut  ưm ưn ưng ưc ưt  iêm iên iêng iêc iêp iêt  yêm yên yêng yêt
    uôm uôn uông uôc uôt  ươm ươn ương ươc ươp ươt  oam oan oang oanh oac oach oap oat
    oăm oăn oăng oăc oăt  oen oet  uân uâng uât  uên uênh uêch  uyn uynh uych uyt uyp  uyên uyêt
""".split())
# k, gh, ngh go before e, ê, i, y; c, g, ng before any other letter ("ca", "ghế", "nghĩ", "ngà").
_FRONT = ("e", "ê", "i", "y")


@lru_cache(maxsize=1 << 16)
def is_syllable(word: str) -> bool:
    """True when `word` (any case, NFC or not) is spelled as one Vietnamese syllable with its tone:
    "trê", "khéo", "Nguyễn", "quỳnh", "gì"; not "snih", "taon", "ánhh", "nghành", "mat", "Potter"."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", word.lower()):
        (tones if char in _TONES else letters).append(char)
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(letters))
    if not base or not _LETTERS.issuperset(base):
        return False
    if base.endswith(_STOP_CODAS) and not _STOP_TONES.issuperset(tones or "-"):
        return False
    return any(base.startswith(onset) and _rhyme_fits(onset, base[len(onset):]) for onset in _ONSETS)


_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1 << 14)  # read only for titles a typo apart once folded: few
def syllable_marks(typed: str) -> dict[str, str]:
    """Folded word (as dedupe.features folds title words) → its marks, for each word of `typed` (a title
    typed with marks) spelled as a syllable.  The marks are the tone and vowel marks in NFD order ("của"
    and its slip "cảu" have one hook above each).  A folded word typed once as no syllable ("Snih",
    "Potter", "2") is left out however else it is typed: nothing says which was meant."""
    found: dict[str, str] = {}
    other: set[str] = set()
    for word in _WORD_RE.findall(typed):
        folded = FINAL_Y_RE.sub(r"\1i", fast_fold(word))
        if is_syllable(word):
            found.setdefault(folded, _marks(word))
        else:
            other.add(folded)
    return {word: marks for word, marks in found.items() if word not in other}


def _marks(word: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFD", word) if unicodedata.combining(char))


def _rhyme_fits(onset: str, rhyme: str) -> bool:
    if onset == "gi":
        return rhyme in _RHYMES or "i" + rhyme in _RHYMES  # "gì", "gìn", "giêng": the i is the onset's
    if onset == "qu":
        return bool(rhyme) and (rhyme in _RHYMES or "u" + rhyme in _RHYMES)  # "quỳnh", "quyết": u is medial
    if rhyme not in _RHYMES:
        return False
    if onset in ("k", "gh", "ngh"):
        return rhyme.startswith(_FRONT)
    if onset in ("c", "g", "ng"):
        return not rhyme.startswith(_FRONT) and not (onset == "c" and rhyme.startswith(("oa", "oă", "oe", "uy")))
    return True
