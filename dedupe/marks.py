"""Reading a word folding made ambiguous with the marks it was typed with.

Folding merges words the dedupe rules treat as keywords: "sau" (after) and "sáu" (six),
"Nam" (south) and "năm" (five), "Địch" (enemy, a name) and "dịch" (translate), "Minh
Hòa" (a given name) and "minh họa" (illustrated).  The rules match folded text, and
these functions look back at the text as typed to see whether its marks say which.

The decision, everywhere: a word whose marks are not the keyword's is not the keyword
("Phần sau", "Ban Địch vận", "Nguyễn Minh Hòa"); so is a word typed without marks in a
text that has them elsewhere ("Lịch sử Việt Nam. Phần sau": the cataloguer typed marks
and "sau" has none).  Only a text without a single mark (typed or stored without them:
"LICH SU VIET NAM. PHAN SAU") leaves the marks unknown, and there the folded reading
stands as before: either reading could join two books, and the folded one is the rule
these records were matched by.

Where a caller reads otherwise, it says so: a volume word before digits is one however
typed ("Tap 2", parts.py); a relator typed without marks is read by its place in the name
(names.py); a Roman numeral that is also a word ("vi") is one only in capitals (parts.py).
"""

from __future__ import annotations

import re

from store.text import nfc, one_tone_spelling

# Put before a folded word its marks rule out as a keyword: it is a word character, so the
# keyword regexes (bounded by `(?<!\w)` and `(?!\w)`) no longer see the word.
NOT_KEYWORD = "\u02bc"


def typed_as(text: str, folded: str) -> str:
    """`text` in NFC when it lines up with its fold `folded` character by character, else "":
    where a character folded to more or fewer, positions in `folded` say nothing of `text`."""
    text = nfc(text)
    return text if len(text) == len(folded) else ""


def written_otherwise(typed: str, start: int, end: int, spellings: frozenset[str]) -> bool:
    """True when typed[start:end] is none of `spellings` (lower case, NFC, tone on the first vowel of
    "oa" as `one_tone_spelling` puts it), by the rule in the module docstring; False when `typed`
    is "" (see `typed_as`)."""
    written = " ".join(typed[start:end].lower().split())
    if not typed or written in spellings or one_tone_spelling(written) in spellings:
        return False
    return not written.isascii() or not typed.isascii()


def keep_apart(text: str, folded: str, spellings: dict[str, frozenset[str]],
               capitals: frozenset[str] = frozenset()) -> str:
    """`folded` (the fold of `text`) with NOT_KEYWORD before each word that folds to a key of
    `spellings` but is typed otherwise, or to one of `capitals` (Roman numerals) but is not typed in
    capitals in a text that has some ("Phần vi phân" is no "Phần VI": folding lowercases too)."""
    typed = typed_as(text, folded)
    if not typed or (typed.isascii() and not capitals):
        return folded  # without marks nothing is typed otherwise (most records of some libraries)

    def otherwise(match: re.Match[str]) -> bool:
        word = match.group()
        if word in capitals and not typed[match.start():match.end()].isupper() and not typed.islower():
            return True
        return written_otherwise(typed, match.start(), match.end(), spellings[word])

    return _keywords_re(tuple(spellings)).sub(
        lambda match: NOT_KEYWORD + match.group() if otherwise(match) else match.group(), folded)


def typed_otherwise(text: str, folded: str, spellings: dict[str, frozenset[str]]) -> frozenset[str]:
    """The keys of `spellings` that a word of `text` folds to (in `folded`) but is typed otherwise."""
    marked = keep_apart(text, folded, spellings)
    return frozenset(_MARKED_WORD_RE.findall(marked)) if NOT_KEYWORD in marked else frozenset()


_MARKED_WORD_RE = re.compile(NOT_KEYWORD + r"(\w+)")
_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _keywords_re(keywords: tuple[str, ...]) -> re.Pattern[str]:
    if keywords not in _PATTERNS:
        _PATTERNS[keywords] = re.compile(r"(?<!\w)(?:" + "|".join(sorted(keywords, key=len, reverse=True)) + r")(?!\w)")
    return _PATTERNS[keywords]


def without_marker(folded: str) -> str:
    """`folded` with the NOT_KEYWORD markers `keep_apart` put in taken out again."""
    return folded.replace(NOT_KEYWORD, "")
