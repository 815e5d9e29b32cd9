"""Abbreviations that titles and corporate authors use for what other copies spell out, folded.

"BCH Trung ương" / "Ban Chấp hành Trung ương", "UBND tỉnh Hậu Giang" / "Ủy ban nhân dân tỉnh
Hậu Giang", "Bộ GD&ĐT" / "Bộ Giáo dục và Đào tạo" kept copies of one book apart (review).  Each
is folded parts, run together or joined by "&", "-", "," or "và" ("GD&ĐT", "GDĐT", "VH-TT&DL"),
and a whole word.  Consonants only (or no Vietnamese syllable, as "cand"), so no word is misread;
"TƯ" (Trung ương), which folds like the names "Từ" and "Tư", is left to dedupe.names.
Publishers have their own spellings (dedupe.parts, dedupe.publishers).
"""

from __future__ import annotations

import re

ABBREVIATIONS: dict[tuple[str, ...], str] = {
    ("ubnd",): "uy ban nhan dan", ("hdnd",): "hoi dong nhan dan", ("bch",): "ban chap hanh",
    ("tw",): "trung uong", ("dcsvn",): "dang cong san viet nam", ("cand",): "cong an nhan dan",
    ("qdnd",): "quan doi nhan dan", ("xdll",): "xay dung luc luong", ("gd", "dt"): "giao duc va dao tao",
    ("kh", "cn"): "khoa hoc va cong nghe", ("vh", "tt", "dl"): "van hoa the thao va du lich",
    ("ld", "tb", "xh"): "lao dong thuong binh va xa hoi",
    ("cnxh",): "chu nghia xa hoi", ("xhcn",): "xa hoi chu nghia", ("chxhcn",): "cong hoa xa hoi chu nghia",
    ("cntt",): "cong nghe thong tin", ("thpt",): "trung hoc pho thong", ("thcs",): "trung hoc co so",
    ("dbscl",): "dong bang song cuu long", ("khkt",): "khoa hoc ky thuat", ("khxh",): "khoa hoc xa hoi",
    ("khtn",): "khoa hoc tu nhien", ("vn",): "viet nam", ("tphcm",): "thanh pho ho chi minh",
    ("hcm",): "ho chi minh", ("sgk",): "sach giao khoa",
}
_JOINT = r"(?:\s*[&,\-]\s*|\s+va\s+|)"
_ABBREVIATION_RE = re.compile(r"(?<!\w)(?:" + "|".join(
    f"(?P<a{number}>{_JOINT.join(parts)})" for number, parts in enumerate(ABBREVIATIONS)) + r")(?!\w)")
_SPELLED = {f"a{number}": words for number, words in enumerate(ABBREVIATIONS.values())}


def spelled_out(folded: str) -> str:
    """Folded text with the abbreviations in it spelled out."""
    return _ABBREVIATION_RE.sub(lambda match: _SPELLED[match.lastgroup], folded)
