"""Detect and convert legacy Vietnamese font encodings (TCVN3, VNI) in one field.

Old DOS/Windows catalogues typed Vietnamese with 8-bit fonts; the bytes reached us
read as cp1252 or Latin-1, so "Những nguyên tắc" arrives as "Nh÷ng nguyªn t¾c"
(TCVN3) and "Lịch sử" as "Lòch söû" (VNI).  Detection is deliberately
conservative, because a false positive ruins good text:

1. a quick test: the text has a character that a legacy table uses but that is
   not a Vietnamese letter (÷, ª, ø, û, a control byte ...), a VNI letter pair, or
   a legacy capital after a small letter ("NguyÔn"), and no letter only Vietnamese
   uses (ạ, ư, đ ...): legacy bytes read as cp1252 or Latin-1 never give one, so
   such text is Unicode already;
2. the text has a non-ASCII word that is not a Vietnamese syllable; text whose
   words are all valid syllables is never touched;
3. the converted text's non-ASCII words are all Vietnamese syllables (or a name
   transcribed into one word, at most one per four syllables, or per two when it
   splits into syllables: "Lê·nin"), it has more letters that only Vietnamese uses
   than before, and at least half of all its words are Vietnamese syllables.  A
   syllable here is spelled, cased and toned as people type it: "ThÕ" and "teỏ"
   (a capital after a small letter, a tone on the wrong vowel) are not;
4. when both encodings pass, the one giving more syllables wins; a tie decides
   nothing.  A record is typed in one font, so `record_encoding` weighs all its
   fields together and short fields follow the record.

A TCVN3 field whose legacy letters all look like symbols ("Th¬": Thơ) fails tests 2
and 3; it is read as TCVN3 when the symbols sit inside words and every word then is
a Vietnamese syllable (`_symbols_glued_into_words`), so it converts even alone.

Records catalogued in a Nordic language are never converted (`NOT_LEGACY_LANGUAGES`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal

from normalize.legacy_tables import TCVN3_BYTES, VNI_PAIRS, VNI_SINGLES
from store.syllables import is_syllable, tone_on_main_vowel

Legacy = Literal["TCVN3", "VNI"]
# Languages whose å, æ and ø are TCVN3 bytes (ồ, ư ...): "Ut på tur" reads as the Vietnamese
# syllable "pồ".  A record catalogued in one of them is never legacy Vietnamese.
NOT_LEGACY_LANGUAGES = frozenset({"nor", "nob", "nno", "dan", "swe", "ice", "fao", "fin"})


def _tcvn3_translation() -> dict[int, str]:
    table: dict[int, str] = {}
    for byte, text in TCVN3_BYTES.items():
        table[byte] = text  # read as Latin-1 (C1 controls for 0x80-0x9F)
        try:
            as_cp1252 = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in cp1252, Latin-1 covers them
        table[ord(as_cp1252)] = text
    return table


TCVN3_TRANSLATION = _tcvn3_translation()

_VI_BASE = "aăâeêioôơuưy"
_CONSONANTS = frozenset("bcdđghklmnpqrstvx")
# Every letter Vietnamese writes with: ASCII letters, đ, and each vowel under each tone.
VIETNAMESE_LETTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzđ"
    + "".join(unicodedata.normalize("NFC", v + t) for v in _VI_BASE
              for t in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"))
)
VIETNAMESE_LETTERS = VIETNAMESE_LETTERS | frozenset(ch.upper() for ch in VIETNAMESE_LETTERS)
# Letters only Vietnamese uses (outside Latin-1): their count must grow on conversion.
_VI_ONLY = frozenset(ch for ch in VIETNAMESE_LETTERS if ord(ch) > 0xFF)
# A character class finds them in C.  str.translate with a dict of deletions looks up each
# non-ASCII character in that dict, about 50 ns a character: 2.7 µs on a 49-character title.
_VI_ONLY_RE = re.compile("[" + re.escape("".join(sorted(_VI_ONLY))) + "]")

_LEGACY_SOURCES = set(map(chr, TCVN3_TRANSLATION)) | {ch for pair in VNI_PAIRS for ch in pair} | set(VNI_SINGLES)
# Single characters only: "ß".upper() is "SS", which would make every "S" evidence.
_LEGACY_SOURCES |= {up for ch in list(_LEGACY_SOURCES) if len(up := ch.upper()) == 1}
_EVIDENCE = "".join(sorted(ch for ch in _LEGACY_SOURCES if ch not in VIETNAMESE_LETTERS and ch.strip()))

# Words are split on whitespace, digits and ASCII punctuation only: legacy letters
# such as "÷" or "§" are punctuation to Unicode but letters to the old fonts.
_SPLIT_RE = re.compile(r"[\s0-9!-/:-@\[-`{-~]+")
_EDGE_PUNCT = "".join(chr(c) for c in range(0xA0, 0x2070)
                      if unicodedata.category(chr(c))[0] in "PSZ")
_EDGE_SET = frozenset(_EDGE_PUNCT)


def _tokens(text: str) -> list[str]:
    out = []
    for token in _SPLIT_RE.split(text):
        # strip() searches all of _EDGE_PUNCT for each end; most tokens need no strip.
        if token and (token[0] in _EDGE_SET or token[-1] in _EDGE_SET):
            token = token.strip(_EDGE_PUNCT)
        if token:
            out.append(token)
    return out


def _plain(token: str) -> bool:
    """An ASCII word: neutral evidence (English words, "Nam", "ISBN")."""
    return token.isascii() and token.isalpha()


@lru_cache(maxsize=32768)  # a few thousand syllables make up nearly all Vietnamese text
def _is_vi_token(token: str) -> bool:
    # The tone's place too: VNI "teá" read as TCVN3 gives "teỏ", which is spelled as a syllable.
    # And its case: "ThÕ" (TCVN3 "Thế") spells "thõ", but no one types a capital after a small letter.
    return (all(ch in VIETNAMESE_LETTERS for ch in token) and _cased_as_a_word(token)
            and is_syllable(token, unmarked_stops=True) and tone_on_main_vowel(token))


def _cased_as_a_word(token: str) -> bool:
    """"Lênin", "lênin", "LÊNIN"; not "ThÕ" or "AỄnh", which only legacy bytes give."""
    return token.islower() or token.isupper() or token.istitle()


# A VNI base+mark pair ("eã" for ễ).  Correct Vietnamese rarely has one (old-style
# "hoà", "hoá"), and those words are valid syllables, so the next test stops them.
# A character-class regex finds candidates (a superset: "uâ" in "xuân", "yê" in
# "nguyên" match it) and each candidate is checked against the real pairs, so correct
# Vietnamese text does not pay for the syllable test below.
_VNI_BASES = "".join(sorted({pair[0] for pair in VNI_PAIRS}))
_VNI_MARKS = "".join(sorted({pair[1] for pair in VNI_PAIRS}))
# Two searches, not one regex with two branches: a pattern that starts with a single
# character class lets the regex engine skip ahead, which halves the cost per record.
_EVIDENCE_RE = re.compile("[" + re.escape(_EVIDENCE) + "]")
# TCVN3 puts small letters (ễ, ế, ấ ...) on bytes that read as capitals (Ô, Õ, Ê ...): such
# a capital inside a word, after a small letter, is no spelling of Vietnamese or French.
_INNER_CAPITAL_RE = re.compile("(?<=[a-z])[" + re.escape("".join(sorted(
    ch for ch in _LEGACY_SOURCES if ch in VIETNAMESE_LETTERS and ch.isupper() and not ch.isascii()))) + "]")
_PAIR_CANDIDATE_RE = re.compile(
    "[" + re.escape(_VNI_BASES + _VNI_BASES.upper()) + "](?=[" + re.escape(_VNI_MARKS + _VNI_MARKS.upper()) + "])"
)


def has_evidence(text: str) -> bool:
    """Cheap first test: a legacy character no Vietnamese word contains, a VNI pair, or a
    capital legacy letter after a small one ("NguyÔn", "ThÕ": TCVN3's ễ and ế)."""
    if text.isascii() and text.isprintable():
        return False  # ASCII evidence is a control byte, and every VNI mark is non-ASCII
    if _EVIDENCE_RE.search(text) is not None or _INNER_CAPITAL_RE.search(text) is not None:
        return True
    for match in _PAIR_CANDIDATE_RE.finditer(text):
        start = match.start()
        if text[start:start + 2].lower() in VNI_PAIRS:
            return True
    return False


def has_foreign_word(text: str) -> bool:
    """True when some non-ASCII word is not a Vietnamese syllable (so text may be legacy)."""
    # _plain inlined: this runs over every word of every field that shows evidence.
    return any(not (token.isascii() and token.isalpha()) and not _is_vi_token(token) for token in _tokens(text))


def tcvn3_to_unicode(text: str) -> str:
    """Convert text whose TCVN3 bytes were read as cp1252 or Latin-1 (no detection)."""
    return unicodedata.normalize("NFC", text.translate(TCVN3_TRANSLATION))


def vni_to_unicode(text: str) -> str:
    """Convert text whose VNI-Windows bytes were read as cp1252 (no detection).

    Each letter is a base byte plus an optional mark byte; the result takes the
    case of the base letter, so "VIEÄT" and "Vieät" both work.
    """
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowers to two characters; it is no VNI letter
        lowered = "".join(low if len(low := ch.lower()) == 1 else "\0" for ch in text)
    out: list[str] = []
    end = 0
    for match in _VNI_LETTER_RE.finditer(lowered):
        start = match.start()
        letter = match.group()
        converted = VNI_PAIRS[letter] if len(letter) == 2 else VNI_SINGLES[letter]
        out += (text[end:start], converted.upper() if text[start].isupper() else converted)
        end = match.end()
    out.append(text[end:])
    return unicodedata.normalize("NFC", "".join(out))


# One VNI letter of lower-cased text: a base and mark pair, else a single byte.  The
# regex finds them in C; a loop over every character cost more than the rest of detection.
_VNI_LETTER_RE = re.compile("|".join(
    re.escape(base) + "[" + re.escape("".join(pair[1] for pair in VNI_PAIRS if pair[0] == base)) + "]"
    for base in dict.fromkeys(pair[0] for pair in VNI_PAIRS)
) + "|[" + re.escape("".join(VNI_SINGLES)) + "]")


_CONVERTERS = {"TCVN3": tcvn3_to_unicode, "VNI": vni_to_unicode}


def _plausible(original: str, converted: str) -> tuple[bool, int]:
    """Is `converted` plausible Vietnamese and better than `original`?  Returns (ok, score)."""
    if converted == original:
        return False, 0
    tokens = _tokens(converted)
    if not tokens:
        return False, 0
    valid = _vietnamese_words(tokens)
    if valid is None or valid * 2 < len(tokens):
        return False, 0
    return _vi_only_count(converted) > _vi_only_count(original), valid


def reads_as_vietnamese(text: str) -> bool:
    """Every non-ASCII word of `text` is a Vietnamese syllable, or one of its few transcribed names."""
    return _vietnamese_words(_tokens(text)) is not None


def _vietnamese_words(tokens: list[str]) -> int | None:
    """How many of `tokens` are Vietnamese syllables, or None when some word cannot be Vietnamese.

    A name transcribed into one Vietnamese word ("Lênin", "Mátxcơva") is made of
    Vietnamese letters without being one syllable: one such word per four syllables
    is allowed, as in "triết học Mác - Lênin", or per two when it splits into syllables
    ("Lê·nin", as in "Chủ nghĩa Mác - Lênin"); any other non-ASCII word refuses.
    """
    valid = cost = 0
    for token in tokens:
        if _is_vi_token(token):
            valid += 1
        elif not _plain(token):
            if not all(ch in VIETNAMESE_LETTERS for ch in token) or not _cased_as_a_word(token):
                return None
            cost += 2 if _splits_into_syllables(token) else 4
    return valid if cost <= valid else None


@lru_cache(maxsize=4096)
def _splits_into_syllables(token: str) -> bool:
    """"Lênin" is "Lê" + "nin"; "Mỹller" (German "Müller" read as TCVN3) splits into no syllables.

    Each piece has two letters or more and all but the first start with a consonant, as
    transcriptions write them (Ăng·ghen, Ma·rốc): else VNI "Hoaøng" read as TCVN3,
    "Hoaứng", would pass as "Hoa" + "ứng", and with "a" or "y" as pieces nearly any word would.
    """
    return any(_is_vi_token(token[:cut]) and _rest_splits(token[cut:]) for cut in range(2, len(token) - 1))


def _rest_splits(rest: str) -> bool:
    if rest[0].lower() not in _CONSONANTS:
        return False
    return _is_vi_token(rest) or _splits_into_syllables(rest)


def _vi_only_count(text: str) -> int:
    """How many letters of `text` only Vietnamese uses."""
    return len(_VI_ONLY_RE.findall(text))


def _unicode_vietnamese(text: str) -> bool:
    """A letter only Vietnamese uses (ư, ơ, đ, ạ ...), or decomposed text: the text is Unicode.

    TCVN3 or VNI bytes read as cp1252 or Latin-1 never give such a letter, and every
    character they give is already composed (NFC).  Decomposed text ("ệ" as e + two
    marks, from macOS input or some exporters) must not be taken for them: its en
    dash, ©, curly quotes or ellipsis are legacy bytes too, and "–" would become "Ọ".
    """
    return _VI_ONLY_RE.search(text) is not None or not unicodedata.is_normalized("NFC", text)


# Titles, names and headings repeat and are short; a longer text (a note) seldom repeats, and 4,096 notes
# of up to 100,000 characters (normalize/limits.py) would hold gigabytes in the cache.
_CACHED_TEXT_CHARS = 1_000


def readings(text: str) -> Readings:
    """Each legacy encoding `text` plausibly is in, with its score (Vietnamese syllables it gives)."""
    return _readings(text) if len(text) <= _CACHED_TEXT_CHARS else _readings.__wrapped__(text)


@lru_cache(maxsize=4096)
def _readings(text: str) -> Readings:
    if not has_evidence(text) or _unicode_vietnamese(text):
        return ()  # "Ống kính Ø 50 mm" stays as it is
    found: list[tuple[Legacy, int]] = []
    if has_foreign_word(text) and not reads_as_vietnamese(text):
        # Not "Tô Hoài - Lênin", Vietnamese as it stands (its "oà" is a VNI pair too, and "Lênin"
        # no syllable: read as VNI it was "Tơ Hồi").
        for name, convert in _CONVERTERS.items():
            converted = convert(text)
            ok, score = _plausible(text, converted)
            if ok and not _lone_word_among_foreign(text, converted, convert):
                found.append((name, score))  # type: ignore[arg-type]
    if not found and (glued := _symbols_glued_into_words(text)):
        found.append(("TCVN3", glued))
    return tuple(found)


def _lone_word_among_foreign(text: str, converted: str, convert: Callable[[str], str]) -> bool:
    """One word changed, beside words that are no Vietnamese: too little for a field to go on alone.

    English "I´m a stranger" (an apostrophe typed as TCVN3's dot below) is no "Ịm a stranger", nor
    French "Cuisine thaï" (VNI's "aï") "Cuisine thạ".  In a record its other fields show to be
    legacy, `convert_in_context` still converts such a field ("Häc Photoshop": Học Photoshop).
    The changed word goes on alone when its legacy bytes are letters and another word of two
    letters or more is Vietnamese too: "Tin häc Excel 2010" and VNI "Laäp trình Java" (whose
    "trình" is spelt as in Unicode) are Vietnamese titles of computer books (review).  A word
    changed by a byte that Unicode calls punctuation ("I´m") stays alone whatever its neighbours:
    English is full of words spelt as Vietnamese syllables ("in", "the").
    """
    if all(_is_vi_token(token) for token in _tokens(converted)):
        return False
    changed = [piece for piece in _SPLIT_RE.split(text) if piece and convert(piece) != piece]
    if len(changed) != 1:
        return not changed
    legacy_bytes = [ch for ch in changed[0] if not ch.isascii()]
    if all(unicodedata.category(ch)[0] in "PS" for ch in legacy_bytes):
        return True
    return sum(len(token) > 1 and _is_vi_token(token) for token in _tokens(converted)) < 2


# TCVN3 letters that Unicode calls punctuation or symbols ("¬" ơ, "«" ô, "§" Đ, "¶" ả, "¸" á ...), less
# the apostrophes and quotes other languages glue to their words ("don´t", "l’école"), the dashes,
# ellipsis and dots Unicode text glues to them ("Nam B–", "khối B—", "Thế…", Catalan "l·l": review), and
# the bytes that are a tone mark alone ("°" is TCVN3's grave accent).
_TCVN3_SYMBOLS = "".join(sorted(
    ch for code, letter in TCVN3_TRANSLATION.items()
    if unicodedata.category(ch := chr(code))[0] in "PS" and not unicodedata.combining(letter)
    and ch not in "‘’‚‛“”„´`–—…·•"))
_TCVN3_SYMBOL_RE = re.compile("[" + re.escape(_TCVN3_SYMBOLS) + "]")


def _symbols_glued_into_words(text: str) -> int:
    """How many words `text` has when it is TCVN3 whose legacy letters all look like symbols, or 0.

    "Th¬", "C« T«", "§¶ng", "To¸n" (Thơ, Cô Tô, Đảng, Toán) show no other evidence: "¬" at a word's
    end is punctuation to the test above, and "Toán" gains no letter only Vietnamese uses.  Such a
    symbol inside or at the edge of a word, with letters, is in no language's spelling ("¬ p" and
    "« Le »" stand apart), so the field converts alone, even in a Unicode record, when every word
    it gives, the untouched ones too, is a Vietnamese syllable keeping its capital; or, beside words
    the conversion leaves as they are (a program's name: "Gi¸o tr×nh Excel 2010"), when two glued
    words or more give syllables (review: such textbook titles stayed garbled).
    """
    if _TCVN3_SYMBOL_RE.search(text) is None:
        return 0
    strip = _EDGE_NOT_LETTER["TCVN3"]
    typed = [token for token in (t.strip(strip) for t in _SPLIT_RE.split(text)) if token]
    words = [tcvn3_to_unicode(token) for token in typed]
    if any(token[0].isalpha() and token[0].isupper() != word[0].isupper() for token, word in zip(typed, words)):
        return 0  # Unicode "Ôn" is no TCVN3 "ễn"
    glued = [word for token, word in zip(typed, words) if len(token) > 1 and _TCVN3_SYMBOL_RE.search(token)]
    if not glued or not all(map(_is_vi_token, glued)):
        return 0
    if all(map(_is_vi_token, words)):
        return len(words)
    untouched = all(token == word for token, word in zip(typed, words) if not _TCVN3_SYMBOL_RE.search(token))
    return len(glued) if len(glued) >= 2 and untouched else 0


def _best(scores: dict[Legacy, int]) -> Legacy | None:
    """The encoding that scores highest; None on a tie.

    VNI's single-byte letters are TCVN3 letters too: "thö" is VNI "thư" and TCVN3 "thử",
    both Vietnamese.  Picking one would be a guess, so a tie converts nothing and the
    rest of the record decides (`record_encoding`)."""
    ranked = sorted(scores.values(), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
        return None
    return max(scores, key=scores.__getitem__)


def detect(text: str) -> Legacy | None:
    """Which legacy encoding `text` is in, or None when it should be left alone."""
    return _best(dict(readings(text)))


Readings = tuple[tuple[Legacy, int], ...]


def record_encoding(fields: list[Readings]) -> Legacy | None:
    """The one legacy encoding of a record whose fields read as `fields` (`readings` of each), or None.

    A record was typed on one machine in one font, so its fields are weighed together:
    each field's plausible readings add their scores.  A short field alone can read
    both ways ("Kinh teá" is VNI "Kinh tế", and TCVN3 "Kinh teỏ" spells a syllable
    too); next to a title that reads only as VNI it is VNI.  The caller keeps each
    field's readings to convert it: reading a field is most of the cost.
    """
    totals: dict[Legacy, int] = {}
    for found in fields:
        for name, score in found:
            totals[name] = totals.get(name, 0) + score
    return _best(totals)


def convert_in_context(text: str, encoding: Legacy, record_has_unicode: bool) -> str | None:
    """Convert a field of a record already known to be in `encoding`, or None.

    Short fields such as "Lª Linh" (Lê Linh) gain no letter only Vietnamese uses,
    so alone they are not detected, and "Huúnh Minh Mai" (Huỳnh) has no character
    outside Vietnamese letters; once the record is known to be TCVN3, it is enough
    that the field has a word that is not Vietnamese and converts to Vietnamese
    syllables, one of them of two letters or more ("Ä" alone says nothing).  The
    encoding's letters that Unicode calls symbols are letters of that word: TCVN3
    "Th¬" and "C« T«" (Thơ, Cô Tô) were read as "Th" and "C T", plain ASCII.

    A field that reads as Vietnamese as it stands ("Ký sù", TCVN3 for Ký sự; VNI "Thô"
    for Thơ) converts only in a record with no Unicode Vietnamese in any field
    (`record_has_unicode`, see `holds_unicode`): one typed in a single font, where a
    field added later in Unicode cannot be; and only when it gains letters only
    Vietnamese uses, every word keeping its capital (Unicode "Ôn" is no TCVN3 "ễn").
    """
    if _unicode_vietnamese(text):
        return None
    foreign = _has_foreign_word_in(text, encoding)
    if not foreign and record_has_unicode:
        return None
    converted = _CONVERTERS[encoding](text)
    if converted == text or not reads_as_vietnamese(converted):
        return None
    tokens = _tokens(converted)
    if not any(len(token) > 1 and _is_vi_token(token) for token in tokens):
        return None
    if not foreign and (_vi_only_count(converted) <= _vi_only_count(text)
                        or _capitals(_tokens(text)) != _capitals(tokens)):
        return None
    return converted


def holds_unicode(texts: Iterable[str]) -> bool:
    """Whether any of a record's `texts` is Unicode Vietnamese (a letter only Vietnamese uses, or
    decomposed text), which legacy bytes never give: then not all the record is in a legacy font."""
    return any(_unicode_vietnamese(text) for text in texts)


# For each encoding, the edge punctuation that is none of its letters (TCVN3's ơ is "¬", its ô "«").
_VNI_SOURCES = {ch for pair in VNI_PAIRS for ch in pair} | set(VNI_SINGLES)
_EDGE_NOT_LETTER = {
    "TCVN3": "".join(ch for ch in _EDGE_PUNCT if ord(ch) not in TCVN3_TRANSLATION),
    "VNI": "".join(ch for ch in _EDGE_PUNCT if ch.lower() not in _VNI_SOURCES),
}


def _has_foreign_word_in(text: str, encoding: Legacy) -> bool:
    """`has_foreign_word`, with `encoding`'s letters that look like symbols kept in their words."""
    strip = _EDGE_NOT_LETTER[encoding]
    return any(not _plain(token) and not _is_vi_token(token)
               for token in (t.strip(strip) for t in _SPLIT_RE.split(text)) if token)


def _capitals(tokens: list[str]) -> list[bool]:
    return [token[0].isupper() for token in tokens]


def convert(text: str, encoding: Legacy) -> str:
    """Convert `text` from a detected legacy encoding."""
    return _CONVERTERS[encoding](text)


def repair(text: str) -> tuple[str, Legacy | None]:
    """Convert `text` when it is detectably legacy-encoded; else return it unchanged."""
    encoding = detect(text)
    if encoding is None:
        return text, None
    return convert(text, encoding), encoding


def reading_score(texts: list[str]) -> int:
    """How Vietnamese a decoding of a record looks: valid minus invalid non-ASCII words.

    Used to choose between MARC-8 and cp1252 when leader/09 is wrong; legacy text
    is repaired first so TCVN3 bytes read as cp1252 count as Vietnamese.
    """
    score = 0
    for text in texts:
        text = repair(text)[0]
        for token in _tokens(text):
            # One-letter tokens say nothing: MARC-8's "©" read as cp1252 is "Ã", a
            # valid Vietnamese syllable, and would tip a French record into cp1252.
            if len(token) > 1 and not _plain(token):
                score += 1 if _is_vi_token(token) else -1
    return score
