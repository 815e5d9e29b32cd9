"""Whether a word, as typed with its marks, is spelled as one Vietnamese syllable.

Vietnamese is written one syllable per word: onset, rhyme (medial, vowel, final) and
at most one tone, and a syllable ending in a stop (c, ch, p, t) takes only the sắc or
nặng tone.  The check is of the spelling, not of a dictionary.  Normalize uses it to
tell legacy-font bytes from Vietnamese ("Nh÷ng" fails, "Những" passes); dedupe to
tell a slip of the keyboard ("Snih", "Taon") from another word ("trê" for "tra").
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
def is_syllable(word: str, unmarked_stops: bool = False) -> bool:
    """True when `word` (any case, NFC or not) is spelled as one Vietnamese syllable with its tone:
    "trê", "khéo", "Nguyễn", "quỳnh", "gì"; not "snih", "taon", "ánhh", "nghành", "mat", "Potter".

    `unmarked_stops`: a word without any mark ending in c, ch, p or t ("tiet", "hoc") passes too,
    as text typed without marks writes it (normalize's legacy test); a marked letter without the
    tone ("TÊt", TCVN3 for "Tất") never does."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", word.lower()):
        (tones if char in _TONES else letters).append(char)
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(letters))
    if not base or not _LETTERS.issuperset(base):
        return False
    if base.endswith(_STOP_CODAS) and not _STOP_TONES.issuperset(tones or "-"):
        if tones or not (unmarked_stops and base.isascii()):
            return False
    return any(base.startswith(onset) and _rhyme_fits(onset, base[len(onset):]) for onset in _ONSETS)


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


_VOWELS = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS = frozenset("ăâêôơư")
# An open rhyme of two vowels takes its tone on the first ("mùa", "kìa", "tào") except these,
# where the old style ("hòa", "thủy") and the new ("hoà", "thuỷ") are both in use.
_EITHER_STYLE = ("oa", "oe", "uy")


def tone_on_main_vowel(word: str) -> bool:
    """True when `word`'s tone, if any, sits on the vowel Vietnamese writes it on: the marked vowel
    ("người", "tuổi"), else the last vowel before a final consonant ("toán"), else the first of two
    ("mùa"), the middle of three ("ngoài"), either of oa, oe, uy ("hòa", "hoà").

    Not `is_syllable`'s business, which takes the spelling only: "teỏ" and "Leõ" (VNI "teá" and
    "Leâ" read as TCVN3) pass it, yet no one types the tone of "tẻo" on the o."""
    letters: list[str] = []
    toned = -1
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            toned = len(letters) - 1
        elif unicodedata.combining(char) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        else:
            letters.append(char)
    if toned < 0:
        return True
    start = next((i for i, letter in enumerate(letters) if letter in _VOWELS), len(letters))
    spelled = "".join(letters)
    if spelled.startswith(("gi", "qu")) and start == 1 and len(letters) > 2 and letters[2] in _VOWELS:
        start = 2  # "giữa", "quả": the i and the u belong to the onset
    end = start
    while end < len(letters) and letters[end] in _VOWELS:
        end += 1
    cluster = letters[start:end]
    if not start <= toned < end:
        return False
    marked = [start + i for i, letter in enumerate(cluster) if letter in _MARKED_VOWELS]
    if marked:
        return toned == marked[-1]  # "ươ" takes it on the ơ
    if len(cluster) == 1:
        return True
    if end < len(letters):
        return toned == end - 1
    if len(cluster) == 2:
        return toned == start or "".join(cluster) in _EITHER_STYLE
    return toned == start + 1
