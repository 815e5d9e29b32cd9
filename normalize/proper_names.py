"""Proper names and acronyms an ALL-CAPS title keeps when `normalize.text.recase_title` lowers it.

A title typed in capitals says nothing of which words are names, so sentence case
lowered them all: "LỊCH SỬ ĐẢNG BỘ TỈNH HẬU GIANG" became "Lịch sử đảng bộ tỉnh hậu
giang", wrong Vietnamese on the province's own name (review).  The names a provincial
catalogue's titles hold most are its places and the country's: the 63 provinces and
cities (as named until 2025, which the books printed so far use; not Hòa Bình, which is
also "peace"), the districts of Hậu Giang, the regions and oceans, and a few bodies
always written with capitals.  A person's name
cannot be told from words and stays lowered; a record catalogued in mixed case keeps
its own capitals, and dedupe's merge prefers such a copy's title (dedupe/merge.py).

Names are matched word by word on lower case with one tone spelling ("thủy" and "thuỷ"
are one word, store.text.one_tone_spelling), and only their capitals are put back: the
text keeps its own spelling.  Acronyms with a vowel (UNESCO, ASEAN) keep their capitals;
ones read as words in English ("WHO", "AIDS" alone) are not listed.
"""

from __future__ import annotations

from store.text import one_tone_spelling

# Written as Vietnamese writes them: the capitals are what is put back.
_PLACES = """
Việt Nam|Hậu Giang|Vị Thanh|Ngã Bảy|Long Mỹ|Vị Thủy|Phụng Hiệp|Châu Thành|Châu Thành A|Cần Thơ|
An Giang|Bà Rịa - Vũng Tàu|Bà Rịa|Vũng Tàu|Bạc Liêu|Bắc Giang|Bắc Kạn|Bắc Ninh|Bến Tre|Bình Dương|Bình Định|
Bình Phước|Bình Thuận|Cà Mau|Cao Bằng|Đà Nẵng|Đắk Lắk|Đắk Nông|Điện Biên|Đồng Nai|Đồng Tháp|Gia Lai|Hà Giang|
Hà Nam|Hà Nội|Hà Tĩnh|Hải Dương|Hải Phòng|Hưng Yên|Khánh Hòa|Kiên Giang|Kon Tum|Lai Châu|Lâm Đồng|
Lạng Sơn|Lào Cai|Long An|Nam Định|Nghệ An|Ninh Bình|Ninh Thuận|Phú Thọ|Phú Yên|Quảng Bình|Quảng Nam|
Quảng Ngãi|Quảng Ninh|Quảng Trị|Sóc Trăng|Sơn La|Tây Ninh|Thái Bình|Thái Nguyên|Thanh Hóa|Thừa Thiên Huế|
Tiền Giang|Trà Vinh|Tuyên Quang|Vĩnh Long|Vĩnh Phúc|Yên Bái|Huế|Sài Gòn|Thành phố Hồ Chí Minh|Hồ Chí Minh|
Đồng bằng sông Cửu Long|sông Cửu Long|Cửu Long|sông Hậu|Nam Bộ|Tây Nam Bộ|Đông Nam Bộ|Bắc Bộ|Trung Bộ|
Tây Nguyên|Đông Dương|Thái Bình Dương|Đại Tây Dương|Ấn Độ Dương|Trường Sơn|Điện Biên Phủ|Trường Sa|Hoàng Sa|Biển Đông|Đảng Cộng sản Việt Nam|
Đảng bộ|Đảng ủy|Quốc hội|Mặt trận Tổ quốc Việt Nam|Bác Hồ
"""
_ACRONYMS = frozenset("asean unesco unicef undp unfpa usaid apec wto imf opec nato fao oecd covid hiv".split())
# Words of a name chained by a hyphen ("Bà Rịa - Vũng Tàu") or joined by a slash ("HIV/AIDS").
_JOINED_ACRONYMS = frozenset({("hiv", "aids")})

_Key = tuple[str, ...]


def _key(words: list[str]) -> _Key:
    return tuple(one_tone_spelling(word.lower()) for word in words)


def _names() -> dict[_Key, tuple[bool, ...]]:
    """Each name's words (lower case, one tone spelling) → which of them start with a capital."""
    names: dict[_Key, tuple[bool, ...]] = {}
    for name in _PLACES.replace("\n", "").split("|"):
        words = name.split()
        names[_key(words)] = tuple(word[:1].isupper() for word in words)
    return names


_NAMES = _names()
_LONGEST = max(len(key) for key in _NAMES)
_PUNCTUATION = ".,;:()[]\"'“”"


def capitalize_names(words: list[str]) -> list[str]:
    """`words` (a lowered title split at spaces) with the capitals of the names and acronyms it holds."""
    bare = [word.strip(_PUNCTUATION) for word in words]
    out = list(words)
    i = 0
    while i < len(words):
        for length in range(min(_LONGEST, len(words) - i), 0, -1):
            capitals = _NAMES.get(_key(bare[i:i + length]))
            if capitals is not None:
                for n, capital in enumerate(capitals):
                    out[i + n] = _capitalized(out[i + n]) if capital else out[i + n]
                i += length
                break
        else:
            out[i] = _acronym(out[i], bare[i])
            i += 1
    return out


def _capitalized(word: str) -> str:
    """The word with its first letter upper case, whatever punctuation comes before it."""
    for n, char in enumerate(word):
        if char.isalpha():
            return word[:n] + char.upper() + word[n + 1:]
    return word


def _acronym(word: str, bare: str) -> str:
    parts = tuple(bare.lower().split("/"))
    if parts in _JOINED_ACRONYMS or (len(parts) == 1 and parts[0] in _ACRONYMS):
        return word.replace(bare, bare.upper())
    return word
