"""Author strings reduced to name words, and who of them translated the book.

Folding makes relators of some names ("Nguyễn Minh Hòa" holds "minh họa", "Ban Địch vận"
holds "dịch"), so a relator phrase is read with the marks it was typed with (dedupe.marks).
"""

from __future__ import annotations

import re
from functools import lru_cache

from dedupe.folding import FINAL_Y_RE, fold_cached
from dedupe.marks import typed_as, written_otherwise
from store.models import Record
from store.text import fold

_WORD_RE = re.compile(r"\w+")

# Relator phrases and placeholders inside author strings; "Chu" alone is a surname, so only phrases go.
# A "và" joining two ("dịch và giới thiệu") goes with them: left behind, it was a word of the name.
# Folding makes names of some: "Nguyễn Minh Hòa" holds "minh họa" (illustrated), "Ban Địch vận" and
# "Nguyễn Địch Dỹ" hold "dịch" (translated).  A Vietnamese phrase is a relator only as typed here
# (dedupe.marks).  Typed without marks (in a string with none, or as a slip in one with some: "Nguyễn
# Văn A dich") its place decides (`_placed_as_relator`).
_RELATOR_SPELLINGS = {fold(typed): frozenset({typed}) for typed in (
    "tổng chủ biên", "đồng chủ biên", "chủ biên", "tổng biên tập", "biên tập", "biên soạn", "biên dịch", "hiệu đính",
    "sưu tầm", "tuyển chọn", "giới thiệu", "chú thích", "chú giải", "minh họa", "vẽ tranh", "người dịch", "dịch giả",
    "tác giả", "và những người khác", "những người khác", "dịch")}
_RELATOR_RE = re.compile(
    r"(?<!\w)(?:va\s+)?(?P<relator>" + "|".join(sorted(_RELATOR_SPELLINGS, key=len, reverse=True)) + r"|ch\.\s?b|"
    r"nnk|ctv|editors?|eds?|trans|translator|translated by|comp|illustrator|et al)(?!\w)"
)
# What a cataloguer adds in brackets beside a name is not part of it: "(Tổng chủ biên)", "(b.s.)", "(1920-2014)".
_BRACKETED_RE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


@lru_cache(maxsize=65536)
def author_words(author: str) -> tuple[str, ...]:
    """Folded name words of one author, relator terms and dates dropped, order kept.

    Vietnamese names are surname first; they are compared as sets, never inverted.
    """
    folded = fold_cached(author)
    # Blanked, not cut, so that positions in the text still say where in `author` a relator was typed.
    unbracketed = _BRACKETED_RE.sub(lambda match: " " * len(match.group()), folded)
    # "[Nguyễn Văn A]": a name the cataloguer supplied is all in brackets, and stays.
    text = unbracketed if _WORD_RE.search(unbracketed) else folded
    typed = typed_as(author, folded)
    kept = _RELATOR_RE.sub(lambda match: " " if _typed_relator(typed, match) else match.group(), text)
    if len(_WORD_RE.findall(kept)) == 1 < len(_WORD_RE.findall(text)):
        kept = _RELATOR_RE.sub(lambda match: " " if match.group("relator") not in _RELATOR_SPELLINGS else
                               match.group(), text)  # "Nguyen Minh Hoa": no name is one word
    return tuple(word for word in _WORD_RE.findall(FINAL_Y_RE.sub(r"\1i", kept))
                 if not any(ch.isdigit() for ch in word))


def _typed_relator(typed: str, match: re.Match[str]) -> bool:
    """Whether the relator `match` found in the fold of `typed` (see `marks.typed_as`) was typed as one."""
    spellings = _RELATOR_SPELLINGS.get(match.group("relator"))
    if spellings is None:
        return True
    if typed and not typed[match.start("relator"):match.end("relator")].isascii():
        return not written_otherwise(typed, match.start("relator"), match.end("relator"), spellings)
    return _placed_as_relator(match)


# Without marks, "Nguyen Dich Dy" and "Le Chu Cau dich" read alike: a relator phrase ends what it
# describes ("... dich", "... dich va gioi thieu", "... (minh hoa)") or heads it before a colon
# ("Nguoi dich: Duong Tuong"); between name words it is one of them.
_AFTER_RELATOR_RE = re.compile(r"\s*(?:$|[^\w\s]|va\s)")


def _placed_as_relator(match: re.Match[str]) -> bool:
    return bool(_AFTER_RELATOR_RE.match(match.string, match.end("relator")))


# "Lê Chu Cầu dịch", "Người dịch: Dương Tường", 700 $e "dịch" / $4 "trl": the translator, folded.
_TRANSLATOR_RE = re.compile(
    r"(?<!\w)(?P<relator>nguoi dich|dich gia|bien dich|dich|translators?|translated by|trl)(?!\w)")


@lru_cache(maxsize=65536)
def is_translator(text: str) -> bool:
    """Whether an author string ("Lê Chu Cầu dịch") or a relator term ("dịch", "trl") names a translator."""
    folded = fold_cached(text)
    typed = typed_as(text, folded)
    return any(_typed_relator(typed, match) for match in _TRANSLATOR_RE.finditer(folded))


def translators(record: Record) -> tuple[tuple[str, ...], ...]:
    """Name words of each translator, from a relator or the author string itself.

    Two translations of one work share the original author, who alone made them match.
    """
    if not record.authors:
        return ()
    found = [author for author in record.authors if is_translator(author)]
    found += [name.name for name in record.names if any(is_translator(term) for term in name.relators)]
    named = {author_words(author) for author in record.authors if author not in found}
    found += [name for name in stated_translators(record.responsibility) if author_words(name) not in named]
    return tuple(dict.fromkeys(words for words in map(author_words, found) if words))


# Names in one part of a statement of responsibility: "Huỳnh Lý, Vũ Đình Liên và Nguyễn Văn A dịch".
_NAMES_SPLIT_RE = re.compile(r"\s*,\s*|\s+(?:và|and|&)\s+")


def stated_translators(statement: str | None) -> list[str]:
    """The names of a 245 $c part that says who translated ("Victor Hugo ; Lê Trí Viễn dịch").

    Many Vietnamese records name the translator only there, without an added entry (700),
    and two translations of one novel then differed in nothing `compare` read.
    """
    if not statement:
        return []
    return [name for part in statement.split(";") if is_translator(part)
            for name in _NAMES_SPLIT_RE.split(part.strip(" .")) if name]
