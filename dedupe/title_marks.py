"""Two titles folding makes one, told apart by the marks they were typed with ("vi mô", "vĩ mô")."""

from __future__ import annotations

from dedupe.features import Features
from dedupe.syllables import letter_and_tone_differ, syllable_marks


def word_typed_bare(a: Features, b: Features) -> str:
    """Why two titles typed with marks are two books though folding makes them one, or "".

    A title word typed without any mark in one and with marks in the other, where both titles
    are typed with marks: "Kinh tế vi mô" (micro-) and "Kinh tế vĩ mô" (macro-economics), the
    textbook pair every college holds; or typed with another letter and another tone both ("Mưa"
    and "Mùa", `syllables.letter_and_tone_differ`), which no single slip makes.  A cataloguer who
    marks the rest of a title marks that word too, so this holds only where every other word both
    spell as a syllable has the same marks, one of them at least marked: a slip among marks ("Truyên
    Kiêu"), or a title slipped in two places ("Khoá hoc 5" for "Khoa học 5"), is still a typo.  A title
    of one word has no other words to show a slip: any other marks there are another word ("Ma", "Mà",
    "Mả").  A title typed wholly without marks says nothing (`Features.typed_title` is empty), but for
    a one-word title in a record whose authors are typed with marks (`_one_word_marks`).
    """
    if a.full == b.full and " " not in a.full:
        word_a, word_b = _one_word_marks(a), _one_word_marks(b)
        if word_a is not None and word_b is not None and word_a != word_b:
            return f"one-word title {a.full!r} typed with other marks in each"
        return ""
    if not (a.typed_title and b.typed_title) or a.typed_title == b.typed_title:
        return ""
    marks_a, marks_b = syllable_marks(a.typed_title), syllable_marks(b.typed_title)
    differing: list[str] = []
    agreeing_marks = False
    for word, marks in marks_a.items():
        other = marks_b.get(word)
        if other is None or other == marks:
            agreeing_marks = agreeing_marks or bool(marks and other)
        elif (marks == "") != (other == ""):
            differing.append(f"title word {word!r} typed with marks in one title and without in the other")
        elif letter_and_tone_differ(marks, other):
            differing.append(f"title word {word!r} typed with another letter and tone in each title")
        else:
            return ""
    return differing[0] if len(differing) == 1 and agreeing_marks else ""


def _one_word_marks(features: Features) -> str | None:
    """The marks of a one-word title's word, None when unknown: typed without marks, the title is
    the bare word ("Ma", a ghost) only where the record types its authors with marks."""
    if features.typed_title:
        return syllable_marks(features.typed_title).get(features.full)
    return syllable_marks(features.full).get(features.full) if features.typed_authors else None
