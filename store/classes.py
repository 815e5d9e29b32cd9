"""A class number as the record JSON keeps it: one string, the scheme and then the number
("DDC 959.7", "UDC 94(597)", "khung19 9(V)", "Khung phân loại 19 lớp 63").

Normalize joins the two here and whoever needs them apart (the feed's 080/082/084/050, the index's
class-number field) splits them here, so a scheme whose name has spaces is read back whole.
"""

from __future__ import annotations

from store.text import fold

# Schemes a source names in words, not a code, in 084 $2; folded.  MARC's scheme codes
# ("bbk", "rvk") are one word, and so are our own (DDC, UDC, LCC, local).
_SCHEME_NAMES = ("khung phan loai 19 lop",)  # the Vietnamese 19-class scheme of older public-library data


def class_entry(scheme: str, number: str) -> str:
    """The scheme and the number as one classification entry."""
    return f"{scheme} {number}"


def class_parts(entry: str) -> tuple[str, str]:
    """(scheme, number) of a classification entry; an entry of one word is a number of no scheme ("")."""
    words = entry.split()
    for name in _SCHEME_NAMES:
        length = name.count(" ") + 1
        if len(words) > length and fold(" ".join(words[:length])) == name:
            return " ".join(words[:length]), " ".join(words[length:])
    if len(words) < 2:
        return "", entry.strip()
    return words[0], " ".join(words[1:])
