"""Vietnamese dictionary order (store.collate.sort_key) on real titles, and its properties.

The expected orders follow Vũ Xuân Lương's rules for Vietnamese dictionaries (letters
a ă â b c d đ e ê … ư v w x y z; tones ngang, huyền, hỏi, ngã, sắc, nặng; syllable by
syllable, lower case first), which CLDR's `vi` collation shares for letters and tones.
`_reference_key` spells the rules out plainly, from his table of letters and tones, and
hypothesis checks the fast key against it.
"""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store.collate import MAX_SORT_CHARS, sort_key

# Titles as a Vietnamese librarian files them.
DICTIONARY_ORDER = [
    "10 vạn câu hỏi vì sao",        # digits before letters
    "An ninh quốc phòng",
    "Anh hùng Núp",                # an < anh: letters first, whatever the tones
    "Ăn uống và sức khỏe",         # ă is a letter after a
    "Âm nhạc dân gian",            # â after ă
    "Ân tình",                     # â + sắc after â + ngang
    "Ấp Bắc",
    "Bà Chúa Xứ",
    "Bác Hồ với thiếu nhi",        # bà < bác: b-a < b-a-c
    "Bản đồ hành chính tỉnh Hậu Giang",
    "Cà Mau",
    "Chăn nuôi gà",                # c < ch…: "ca" then "cha"
    "Con đường tơ lụa",
    "Dân ca Nam Bộ",
    "Dược học cổ truyền",          # every d… before đ…
    "Đà Lạt",
    "Đất nước",
    "Địa chí Hậu Giang",
    "Em bé",
    "Ê-đê",                        # ê after e; the hyphen only separates syllables
    "Facebook cho người mới",      # f in its Latin place
    "Gà Đông Tảo",
    "Hà Nội",
    "Hòa bình",                    # hòa (huyền) before hóa (sắc), though "bình" > "học"
    "Hóa học",
    "Lịch sử Việt Nam",
    "Ma chay",                     # every "ma …" before "mà"
    "Mà cả",
    "Mả tổ",
    "Mã số",
    "Má hồng",
    "Mạ non",
    "Mác-Lênin",                   # mạ < mác: letters of the syllable first
    "Ô nhiễm môi trường",
    "Ơn nghĩa sinh thành",         # o < ô < ơ
    "Phở Hà Nội",
    "Tuân thủ pháp luật",          # tuân < tuần: the first syllable's tone decides …
    "Tuần chay",                   # … before the second syllable's letters
    "Uống nước nhớ nguồn",
    "Ước mơ",                      # u < ư
    "Văn học",
    "Xã hội học",
    "Yêu thương",
    "Zen và nghệ thuật",           # z last of Latin
    "Москва",                      # other scripts after Latin
]


def _sorted(titles: list[str]) -> list[str]:
    return sorted(titles, key=sort_key)


def test_real_titles_sort_in_dictionary_order():
    shuffled = DICTIONARY_ORDER[:]
    random.Random(1).shuffle(shuffled)
    assert _sorted(shuffled) == DICTIONARY_ORDER


@pytest.mark.parametrize("words", [
    ["ma", "mà", "mả", "mã", "má", "mạ"],                      # the six tones, dictionary order
    ["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â", "ầ", "ẩ", "ẫ", "ấ", "ậ"],
    ["cha", "chan"],                                          # a shorter block first
    ["ảng", "anh"],                                           # ang < anh whatever the tones
    ["ác", "ách"],
    ["ma", "ma chay", "mà", "mà cả"],                         # syllable by syllable
    ["ba", "Ba", "BA", "bà"],                                 # case after tones, lower case first
    ["Đất nước", "Đất, nước", "Đất-nước"],                    # punctuation decides last
    ["du", "dư", "đa"],                                       # d… < đ…; u < ư
    ["o", "ô", "ơ", "p"],
    ["2", "a"],
    ["z", "α", "а", "北"],                                     # Latin, then other scripts
])
def test_rules_of_the_dictionary(words):
    assert _sorted(list(reversed(words))) == words


def test_punctuation_and_spacing_are_ignored_before_the_last_level():
    quoted, bracketed, plain = sort_key('"Ba chàng lính ngự lâm"'), sort_key("[Bản đồ]"), sort_key("Bản đồ")
    assert sort_key("Ba chàng") < quoted < sort_key("Ba chàng lính ngự lâm mới")
    assert plain < bracketed < sort_key("Bản đồ hành chính")  # "[" only decides against the same words


def test_decomposed_text_and_both_tone_placements_file_together():
    nfd = unicodedata.normalize("NFD", "Nguyễn Du")
    assert sort_key(nfd) == sort_key("Nguyễn Du")
    # hoà and hòa are one word: the placement decides only after case, never against another tone
    assert sort_key("hoà") < sort_key("hoá") and sort_key("hòa") < sort_key("hoá")
    assert sort_key("hoà") < sort_key("hóa") and sort_key("hòa") < sort_key("hóa")


def test_key_is_bounded():
    assert len(sort_key("Tuyển tập truyện ngắn đặc sắc " * 40)) <= 4 * MAX_SORT_CHARS + 2
    assert len(sort_key("ﬃ" * 500)) <= 4 * MAX_SORT_CHARS + 2  # one character, three letters


# ---- properties ----------------------------------------------------------------------------

# Vũ Xuân Lương's table: each letter, then its five tones in dictionary order.
_TABLE = ("aàảãáạ ăằẳẵắặ âầẩẫấậ b c d đ eèẻẽéẹ êềểễếệ f g h iìỉĩíị j k l m n oòỏõóọ ôồổỗốộ ơờởỡớợ "
          "p q r s t uùủũúụ ưừửữứự v w x yỳỷỹýỵ z").split()
_LETTER_TONE = {ch: (letter, tone) for letter, group in enumerate(_TABLE) for tone, ch in enumerate(group)}
_LETTER_TONE.update({str(d): (-10 + d, 0) for d in range(10)})
_ALPHABET = "".join(_LETTER_TONE) + "".join(_LETTER_TONE).upper() + "  -,:"


def _reference_key(text: str) -> tuple:
    """The dictionary rules spelled out: per syllable (letters, tone), then case flags, then the text."""
    syllables = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        letters = tuple(_LETTER_TONE[ch][0] for ch in word)
        tones = tuple(_LETTER_TONE[ch][1] for ch in word if _LETTER_TONE[ch][1])
        syllables.append((letters, tones))
    case = [ch != ch.lower() for ch in text if ch.isalnum()]
    while case and not case[-1]:
        case.pop()
    return syllables, case, text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=_ALPHABET, max_size=12), min_size=2, max_size=8))
def test_key_orders_as_the_dictionary_rules_say(titles):
    assert _sorted(titles) == sorted(titles, key=_reference_key)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_equal_keys_mean_equal_nfc_text(first, second):
    """Never raises, on any text; a total order consistent with equality of the NFC text."""
    def nfc(text: str) -> str:
        return unicodedata.normalize("NFC", text)

    assume(len(nfc(first)) <= MAX_SORT_CHARS and len(nfc(second)) <= MAX_SORT_CHARS)
    assert (sort_key(first) == sort_key(second)) == (nfc(first) == nfc(second))
    assert sort_key(first) == sort_key(nfc(first))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=30))
def test_texts_equal_up_to_case_differ_only_in_case_and_lower_case_files_first(text):
    levels, other = sort_key(text).split("\x01")[0], sort_key(text.swapcase()).split("\x01")[0]
    assert levels == other  # letters and tones see no case
    assert sort_key(text.lower()) <= sort_key(text) <= sort_key(text.upper())


@given(st.text())
def test_any_text_gets_a_key(text):
    assert isinstance(sort_key(text), str)
