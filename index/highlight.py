"""Safe highlighting of hit text: escape first, then mark.

Record text comes from catalogues we do not control ("<script>" in a title is
data), so each piece of text between matched words is HTML-escaped and only
the `<mark>` tags we add are markup.  A word matches when its folded form
(marks dropped, đ→d, a final y as i: `index.schema.folded_text`) is one of the
query's folded words, the same rule the folded index fields use, so `truyen kieu`
marks "Truyện Kiều" and `vật lý` "Vật lí".  A query word written with a final "*" (a truncated word,
`truy*`) matches the words that start with it, folded as the prefix search is: "Truyện", "Truyền".
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from index.schema import WORD_RE, folded_text

SNIPPET_CHARS = 160
SNIPPET_SOURCES: tuple[str, ...] = ("authors", "subjects", "notes", "series", "publisher", "responsibility")
# Catalogue words repeat from hit to hit: folding each afresh was a third of rendering a page of hits.
_fold_word = lru_cache(maxsize=65536)(folded_text)


def _escape(text: str) -> str:
    """HTML-escaped text, quotes included (&#39; as Jinja writes it, so page and API agree)."""
    return html.escape(text).replace("&#x27;", "&#39;")


def matcher(words: Iterable[str]) -> Callable[[str], bool]:
    """Whether a folded word is one of `words`, or starts with one written with a final "*" (`truy*`)."""
    whole = {word for word in words if not word.endswith("*")}
    prefixes = tuple(word[:-1] for word in words if word.endswith("*"))
    if not prefixes:
        return whole.__contains__
    return lambda word: word in whole or word.startswith(prefixes)


def mark(text: str, matches: Callable[[str], bool]) -> tuple[str, int]:
    """(escaped text with <mark> around the words `matches` (folded), number of marks)."""
    out: list[str] = []
    last = marks = 0
    for match in WORD_RE.finditer(text):
        if matches(_fold_word(match.group(0))):
            out.append(_escape(text[last:match.start()]))
            out.append(f"<mark>{_escape(match.group(0))}</mark>")
            last = match.end()
            marks += 1
    out.append(_escape(text[last:]))
    return "".join(out), marks


def _window(text: str, matches: Callable[[str], bool]) -> str | None:
    """The part of `text` around its first matched word, at most SNIPPET_CHARS long."""
    for match in WORD_RE.finditer(text):
        if matches(_fold_word(match.group(0))):
            if len(text) <= SNIPPET_CHARS:
                return text
            start = max(0, match.start() - SNIPPET_CHARS // 3)
            piece = text[start:start + SNIPPET_CHARS]
            return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(text) else "")
    return None


def highlight(data: dict[str, Any], words: list[str], title_words: list[str] | None = None) -> dict[str, str | None]:
    """`title` (always, marked where `title_words`, default `words`, match) and `snippet` (the first
    other field with a match of `words`, or None)."""
    wanted = matcher(words)
    # Written as the page and the widget write an unmarked title ("Title: subtitle"), so a hit's title
    # reads the same whether a word of it was found or not (review).
    title = ": ".join(t for t in (data.get("title"), data.get("subtitle")) if t)
    marked_title, _ = mark(title, wanted if title_words is None else matcher(title_words))
    snippet = None
    if words:
        for name in SNIPPET_SOURCES:
            value = data.get(name)
            texts = value if isinstance(value, list) else [value] if value else []
            for text in texts:
                window = _window(str(text), wanted)
                if window is not None:
                    snippet = mark(window, wanted)[0]
                    break
            if snippet is not None:
                break
    return {"title": marked_title, "snippet": snippet}
