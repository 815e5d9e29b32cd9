"""Where a title typed in one field ends and its subtitle begins.

Libraries type one title "$a Hương rừng Cà Mau : $b truyện ngắn", "$a Hương rừng Cà Mau : truyện
ngắn", "$a Hương rừng Cà Mau. Truyện ngắn": compared and blocked on the main title, they are one.
"""

from __future__ import annotations

import re

from dedupe.parts import COMPANION_SPELLINGS

_WORD_RE = re.compile(r"\w+")
_MAIN_TITLE_SPLIT_RE = re.compile(r"\s[:=/]\s|:\s|\s:")
# "Luật Giáo dục (sửa đổi, bổ sung năm 2009)": a law's amendment note in brackets ending the title, which
# other libraries type as its subtitle.
_AMENDMENT_RE = re.compile(r"\s*\(([^()]*(?<!\w)(?:sua doi|bo sung|hien hanh|hop nhat)(?!\w)[^()]*)\)\W*$")


# A genre or a companion book's name typed into 245 $a after ". " or " - " ("Hương rừng Cà Mau. Truyện
# ngắn", "Toán 1 - Sách giáo viên") where other libraries type "$a ... : $b ...": with it in the main
# title, the copy shared no title key with theirs (review).  Only such a name ending the title (or
# followed by punctuation: ". Tập 1") is split off: " - " is inside titles too ("Mác - Lênin", "Hà Nội -
# Huế"), and ". " after an initial ("Nguyễn V. An") is none: two letters or a number come before it.
_TITLE_LABELS = ("truyen ngan", "tap truyen ngan", "truyen dai", "truyen vua", "tap truyen", "truyen ky", "tieu thuyet",
                 "tho", "tap tho", "hoi ky", "ky", "but ky", "tuy but", "tan van", "kich", "kich ban", "tieu luan",
                 "chuyen khao", "sach chuyen khao", "sach tham khao", "tai lieu tham khao", *COMPANION_SPELLINGS)
_LABEL_SPLIT_RE = re.compile(r"(?:(?:(?<=\w\w)|(?<=\d))\.|\s[-–])\s+(?=(?:" + "|".join(
    sorted(map(re.escape, _TITLE_LABELS), key=len, reverse=True)) + r")\s*(?:$|[^\w\s]))")


def split_title(folded_title: str, folded_subtitle: str) -> tuple[str, str]:
    """(main title, subtitle): oai_dc and some MARC files put "A : B" in the title field, cataloguers
    a genre after ". " or " - " (`_LABEL_SPLIT_RE`) and a law's amendment note in brackets ("Luật
    Giáo dục (sửa đổi năm 2009)")."""
    parts = _MAIN_TITLE_SPLIT_RE.split(folded_title, maxsplit=1)
    if len(parts) == 1:
        parts = _LABEL_SPLIT_RE.split(folded_title, maxsplit=1)
    if len(parts) == 2 and _WORD_RE.search(parts[0]):
        main, rest = parts
        return main, (rest + " " + folded_subtitle).strip()
    amendment = _AMENDMENT_RE.search(folded_title)
    if amendment and _WORD_RE.search(folded_title, 0, amendment.start()):
        return folded_title[:amendment.start()], (amendment.group(1) + " " + folded_subtitle).strip()
    return folded_title, folded_subtitle
