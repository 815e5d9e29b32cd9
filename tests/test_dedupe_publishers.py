"""Publishers: Vietnam's licensed houses told apart by name, not by how alike their names look."""

from __future__ import annotations

import pytest

from dedupe.parts import publisher_words
from store.text import fold


def _words(publisher: str) -> str:
    return publisher_words(fold(publisher))


@pytest.mark.parametrize("spellings", [
    ("Nxb. Đại học Cần Thơ", "NXB ĐHCT", "NXB ĐH Cần Thơ"),
    ("Nxb. Đại học Kinh tế Quốc dân", "NXB ĐHKTQD", "Nxb. ĐH KTQD"),
    ("Nxb. Đại học Quốc gia Hà Nội", "NXB ĐHQGHN", "Nxb. ĐHQG Hà Nội"),
])
def test_a_university_press_abbreviated_is_spelled_out(spellings):
    # The title + publisher key takes the first word: "dhct" and "dh" kept the copies out of one block.
    assert len({_words(spelling) for spelling in spellings}) == 1
