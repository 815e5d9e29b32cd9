"""Proper names and acronyms an ALL-CAPS title keeps when `normalize.text.recase_title` lowers it.

A title typed in capitals says nothing of which words are names, so sentence case
lowered them all: "LỊCH SỬ ĐẢNG BỘ TỈNH HẬU GIANG" became "Lịch sử đảng bộ tỉnh hậu
giang", wrong Vietnamese on the province's own name (review).  The names a provincial
catalogue's titles hold most are its places and the country's: the 63 provinces and
cities (as named until 2025, which the books printed so far use; not Hòa Bình, which is
also "peace"), the districts of Hậu Giang, the regions and oceans, and a few bodies
always written with capitals.  A person's name
cannot be told from words alone: the names the record itself gives in mixed case (its
headings, its statement of responsibility) are passed in, so "THƠ TỐ HỮU" under 100
"Tố Hữu" keeps him (`record_names`), and the few persons and languages titles
name most are listed ("Chủ tịch Hồ Chí Minh", "Mác - Lênin", "tiếng Anh").  Other names stay
lowered; a record catalogued in mixed case keeps its own capitals, and dedupe's merge
prefers such a copy's title (dedupe/merge.py).

Names are matched word by word on lower case with one tone spelling ("thủy" and "thuỷ"
are one word, store.text.one_tone_spelling), and only their capitals are put back: the
text keeps its own spelling.  Acronyms with a vowel (UNESCO, ASEAN) keep their capitals;
ones read as words in English ("WHO", "AIDS" alone) are not listed.
"""

from __future__ import annotations

import re

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
Đảng bộ|Đảng ủy|Quốc hội|Mặt trận Tổ quốc Việt Nam|Bác Hồ|Chủ tịch Hồ Chí Minh|Trung Quốc|
Lênin|Mác-Lênin|Mác - Lênin|chủ nghĩa Mác|Các Mác
"""
# Languages, named after "tiếng" ("Tiếng Anh 6"): alone, "Anh", "Nga" or "Đức" are ordinary words too.
_LANGUAGES = "Anh|Việt|Pháp|Nga|Trung|Trung Quốc|Nhật|Hàn|Đức|Lào|Khmer|Thái|Hoa|Tây Ban Nha|Bồ Đào Nha|Ý"
_ACRONYMS = frozenset("asean unesco unicef undp unfpa usaid apec wto imf opec nato fao oecd covid hiv".split())
# Words of a name chained by a hyphen ("Bà Rịa - Vũng Tàu") or joined by a slash ("HIV/AIDS").
_JOINED_ACRONYMS = frozenset({("hiv", "aids")})

_Key = tuple[str, ...]
# A name's words (lower case, one tone spelling) → its words as written: their capitals are put back.
Names = dict[_Key, tuple[str, ...]]
_PUNCTUATION = ".,;:()[]\"'“”"


def _key(words: list[str]) -> _Key:
    return tuple(one_tone_spelling(word.lower()) for word in words)


def _table(names: list[str]) -> Names:
    return {_key(words): tuple(words) for name in names if (words := name.split())}


_NAMES = _table(_PLACES.replace("\n", "").split("|") + [f"tiếng {name}" for name in _LANGUAGES.split("|")])
_LONGEST = max(len(key) for key in _NAMES)


def record_names(names: list[str]) -> Names:
    """The names a record gives (headings, persons of its 245 $c) that teach a title their capitals: of
    two words or more, starting with a capital and not typed in capitals throughout (which says nothing)."""
    kept = [words for name in names
            if len(words := name.strip(_PUNCTUATION + " ").split()) >= 2 and words[0][:1].isupper()
            and not all(word.isupper() for word in words)]
    return _table([" ".join(words) for words in kept])


# What separates the persons and bodies of a statement of responsibility (245 $c).
_STATEMENT_SEPARATORS_RE = re.compile(r"[;,:/()\[\]=]|\s-\s")


def statement_names(statement: str) -> list[str]:
    """The runs of capitalized words in a statement of responsibility, "Tô Hoài ; Tạ Huy Long minh hoạ"
    → ["Tô Hoài", "Tạ Huy Long"]: the persons and bodies it names, as `record_names` takes them."""
    runs: list[str] = []
    for piece in _STATEMENT_SEPARATORS_RE.split(statement):
        run: list[str] = []
        for word in [*piece.split(), ""]:
            if word[:1].isupper():
                run.append(word)
            elif run:
                runs.append(" ".join(run))
                run = []
    return runs


def capitalize_names(words: list[str], known: Names | None = None) -> list[str]:
    """`words` (a lowered title split at spaces) with the capitals of the names and acronyms it holds:
    those listed here and the record's own (`known`, from `record_names`)."""
    bare = [word.strip(_PUNCTUATION) for word in words]
    known = known or {}
    longest = max(_LONGEST, *map(len, known)) if known else _LONGEST
    out = list(words)
    i = 0
    while i < len(words):
        for length in range(min(longest, len(words) - i), 0, -1):
            key = _key(bare[i:i + length])
            written = known.get(key) or _NAMES.get(key)
            if written is not None:
                for n, word in enumerate(written):
                    out[i + n] = _cased_like(out[i + n], word)
                i += length
                break
        else:
            out[i] = _acronym(out[i], bare[i])
            i += 1
    return out


def _cased_like(word: str, written: str) -> str:
    """`word` with the capitals of `written`, the same word as a name writes it ("Mác-Lênin"), perhaps
    with its tone on another vowel; a capital only added, never taken away."""
    letters = [n for n, char in enumerate(word) if char.isalpha()]
    capitals = [char.isupper() for char in written if char.isalpha()]
    if len(letters) != len(capitals):
        return _capitalized(word) if written[:1].isupper() else word
    chars = list(word)
    for n, capital in zip(letters, capitals):
        chars[n] = chars[n].upper() if capital else chars[n]
    return "".join(chars)


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
