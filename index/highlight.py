"""Safe highlighting of hit text: escape first, then mark.

Record text comes from catalogues we do not control ("<script>" in a title is
data), so each piece of text between matched words is HTML-escaped and only
the `<mark>` tags we add are markup.  A word matches when its folded form
(marks dropped, đ→d, a final y as i: `index.schema.folded_text`) is one of the
query's folded words, the same rule the folded index fields use, so `truyen kieu`
marks "Truyện Kiều" and `vật lý` "Vật lí".
"""

from __future__ import annotations

import html
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


def mark(text: str, words: set[str]) -> tuple[str, int]:
    """(escaped text with <mark> around matched words, number of marks)."""
    out: list[str] = []
    last = marks = 0
    for match in WORD_RE.finditer(text):
        if _fold_word(match.group(0)) in words:
            out.append(_escape(text[last:match.start()]))
            out.append(f"<mark>{_escape(match.group(0))}</mark>")
            last = match.end()
            marks += 1
    out.append(_escape(text[last:]))
    return "".join(out), marks


def _window(text: str, words: set[str]) -> str | None:
    """The part of `text` around its first matched word, at most SNIPPET_CHARS long."""
    for match in WORD_RE.finditer(text):
        if _fold_word(match.group(0)) in words:
            if len(text) <= SNIPPET_CHARS:
                return text
            start = max(0, match.start() - SNIPPET_CHARS // 3)
            piece = text[start:start + SNIPPET_CHARS]
            return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(text) else "")
    return None


def highlight(data: dict[str, Any], words: list[str], title_words: list[str] | None = None) -> dict[str, str | None]:
    """`title` (always, marked where `title_words`, default `words`, match) and `snippet` (the first
    other field with a match of `words`, or None)."""
    wanted = set(words)
    # Written as the page and the widget write an unmarked title ("Title: subtitle"), so a hit's title
    # reads the same whether a word of it was found or not (review).
    title = ": ".join(t for t in (data.get("title"), data.get("subtitle")) if t)
    marked_title, _ = mark(title, wanted if title_words is None else set(title_words))
    snippet = None
    if wanted:
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
