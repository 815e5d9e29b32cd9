"""Vietnam's licensed publishing houses, recognised in the spellings cataloguers type.

String similarity cannot tell these houses apart: "Văn học" lies inside "Văn hóa - Văn nghệ",
"Lao động" inside "Lao động - Xã hội", "Hà Nội" inside "ĐHQG Hà Nội", and "Thanh niên" is one
letter-pair from "Thanh Hóa".  A law or a folk-tale collection is printed by several of them in
one year, with no author, so the publisher is what tells the books apart (review).  A cataloguer
knows the licensed houses by name: two different houses are two books whatever their letters,
one house spelled two ways is one.  Names of no house here (presses abroad, companies,
institutes) are left to the fuzzy rule in dedupe/match.py.

The list is written from the cataloguer's knowledge of the houses (Luật Xuất bản licences),
current names first, with the older names and short forms that still fill catalogues.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dedupe.folding import FINAL_Y_RE
from dedupe.parts import publisher_words
from store.text import fold

# House → other spellings (its current name is one too).  Renamed houses keep their old names
# ("Giáo dục" became "Giáo dục Việt Nam", "Sự thật" joined "Chính trị quốc gia").  "ĐHQG" alone
# and a bare "TP. Hồ Chí Minh" are left out: each could be two houses, or a place typed in 260 $b.
HOUSES: dict[str, tuple[str, ...]] = {
    "Giáo dục Việt Nam": ("Giáo dục", "GDVN", "GD"),
    "Kim Đồng": (),
    "Trẻ": (),
    "Văn học": (),
    "Hội Nhà văn": (),
    "Phụ nữ Việt Nam": ("Phụ nữ", "PNVN"),
    "Thanh niên": (),
    "Lao động": (),
    "Lao động - Xã hội": ("LĐXH",),
    "Chính trị quốc gia Sự thật": ("Chính trị quốc gia", "CTQG", "Sự thật"),
    "Chính trị - Hành chính": (),
    "Lý luận chính trị": (),
    "Quân đội nhân dân": ("Quân đội", "QĐND"),
    "Công an nhân dân": ("CAND",),
    "Tư pháp": (),
    "Hồng Đức": (),
    "Thế giới": (),
    "Tri thức": (),
    "Tôn giáo": (),
    "Thông tấn": (),
    "Phương Đông": (),
    "Văn hóa - Văn nghệ TP. Hồ Chí Minh": ("Văn hóa - Văn nghệ",),
    "Văn hóa Sài Gòn": (),
    "Văn hóa dân tộc": (),
    "Văn hóa - Thông tin": ("VHTT",),
    "Tổng hợp TP. Hồ Chí Minh": (),
    "Tổng hợp Đồng Nai": ("Đồng Nai",),
    "Hà Nội": (),
    "Hải Phòng": (),
    "Đà Nẵng": (),
    "Thanh Hóa": (),
    "Nghệ An": (),
    "Thuận Hóa": (),
    "Mũi Cà Mau": (),
    "Đại học Quốc gia Hà Nội": ("ĐHQGHN",),
    "Đại học Quốc gia TP. Hồ Chí Minh": ("ĐHQG-HCM",),
    "Đại học Cần Thơ": ("ĐHCT",),
    "Đại học Sư phạm": ("ĐHSP", "Đại học Sư phạm Hà Nội"),
    "Đại học Sư phạm TP. Hồ Chí Minh": (),
    "Đại học Sư phạm Kỹ thuật TP. Hồ Chí Minh": (),
    "Đại học Kinh tế Quốc dân": ("ĐHKTQD", "ĐH KTQD", "Kinh tế Quốc dân"),
    "Kinh tế TP. Hồ Chí Minh": ("Đại học Kinh tế TP. Hồ Chí Minh",),  # the university's press, renamed
    "Đại học Nông Lâm TP. Hồ Chí Minh": (),
    "Đại học Huế": (),
    "Đại học Thái Nguyên": (),
    "Đại học Vinh": (),
    "Bách khoa Hà Nội": ("Đại học Bách khoa Hà Nội",),
    "Từ điển Bách khoa": (),
    "Khoa học xã hội": ("KHXH",),
    "Khoa học và Kỹ thuật": ("KHKT",),
    "Khoa học tự nhiên và Công nghệ": ("KHTN và CN",),
    "Nông nghiệp": (),
    "Y học": (),
    "Xây dựng": (),
    "Giao thông vận tải": ("GTVT",),
    "Tài chính": (),
    "Thống kê": (),
    "Công thương": (),
    "Tài nguyên - Môi trường và Bản đồ Việt Nam": ("Bản đồ",),
    "Mỹ thuật": (),
    "Âm nhạc": (),
    "Sân khấu": (),
    "Thể dục thể thao": ("TDTT",),
    "Dân trí": (),
    "Thông tin và Truyền thông": (),
}
# Houses named after their city: beside another house's name the city is its place ("Nxb. Thanh
# niên Hà Nội"), not a co-publisher.
_PLACE_HOUSES = frozenset({"Hà Nội", "Hải Phòng", "Đà Nẵng", "Thanh Hóa", "Nghệ An"})
_CONNECTIVES_RE = re.compile(r"(?<!\w)(?:va|and)(?!\w)")
# Where a house is, typed beside its name ("Nxb. Trẻ TP. HCM", "Nxb. Thanh niên, Hà Nội").
_PLACES_RE = re.compile(r"(?<!\w)(?:ha noi|tphcm|sai gon)(?!\w)")


def _key(words: str) -> str:
    """`publisher_words` text with "và" dropped and final y as i: "Khoa học và Kỹ thuật" is "khoa hoc ki thuat"."""
    return " ".join(FINAL_Y_RE.sub(r"\1i", _CONNECTIVES_RE.sub(" ", words)).split())


def _spellings() -> dict[str, str]:
    """Every spelling in key form → its house."""
    return {_key(publisher_words(fold(spelling))): house
            for house, others in HOUSES.items() for spelling in (house, *others)}


_HOUSE_OF = _spellings()
# Longest first: at one position "lao dong xa hoi" is tried before "lao dong", "dhqg ha noi" before "ha noi".
_HOUSE_RE = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, _HOUSE_OF), key=len, reverse=True)) + r")(?!\w)")


@lru_cache(maxsize=1 << 14)  # a few hundred publisher strings in a province, met millions of times
def houses_named(words: str) -> frozenset[str]:
    """The known houses a `publisher_words` string names (two for a co-publication), else empty."""
    named = {_HOUSE_OF[match.group(1)] for match in _HOUSE_RE.finditer(_key(words))}
    if len(named) > 1:
        named -= _PLACE_HOUSES
    return frozenset(named)


@lru_cache(maxsize=1 << 14)
def only_houses(words: str) -> bool:
    """Whether a `publisher_words` string is houses' names and places and nothing else.

    "Sở Giáo dục và Đào tạo Hậu Giang" names "Giáo dục" but is a provincial department, no house.
    """
    return bool(houses_named(words)) and not _PLACES_RE.sub(" ", _HOUSE_RE.sub(" ", _key(words))).strip()
