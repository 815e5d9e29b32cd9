"""Vietnamese labels for facet values, so the page and the API show words, not codes.

Library ids get their names from the registry; library types from
`config.settings.LIBRARY_TYPE_LABELS_VI`; languages and material types from
the small tables below (unknown codes show as themselves).
"""

from __future__ import annotations

from config.settings import LIBRARY_TYPE_LABELS_VI, Settings

LANGUAGE_LABELS_VI: dict[str, str] = {
    "vie": "Tiếng Việt",
    "eng": "Tiếng Anh",
    "fre": "Tiếng Pháp",
    "fra": "Tiếng Pháp",
    "rus": "Tiếng Nga",
    "chi": "Tiếng Trung",
    "zho": "Tiếng Trung",
    "jpn": "Tiếng Nhật",
    "kor": "Tiếng Hàn",
    "ger": "Tiếng Đức",
    "deu": "Tiếng Đức",
    "khm": "Tiếng Khmer",
    "lao": "Tiếng Lào",
    "tha": "Tiếng Thái",
    "spa": "Tiếng Tây Ban Nha",
    "mul": "Nhiều ngôn ngữ",
    "und": "Không xác định",
}

MATERIAL_TYPE_LABELS_VI: dict[str, str] = {
    "book": "Sách",
    "serial": "Ấn phẩm định kỳ",
    "article": "Bài trích",  # leader/07 a or b: an article, its journal or book in `host` (773)
    "map": "Bản đồ",
    # The words of Vietnamese librarians; one label a code, so a label filters one type (index/code_filters.py).
    "music": "Bản ghi âm nhạc",  # leader/06 j, a musical sound recording; "Bản nhạc" is the score
    "score": "Bản nhạc",
    "sound": "Tài liệu âm thanh",
    "video": "Tài liệu nghe nhìn",  # leader/06 g: films, video recordings
    "visual": "Tài liệu hình ảnh",  # leader/06 k: pictures, photographs, posters (was "Tài liệu nhìn")
    "ebook": "Sách điện tử",  # a book online (008/23 o or s, 245 $h "[Tài liệu điện tử]"): normalize/material.py
    "electronic": "Tài liệu điện tử",  # leader/06 m: a computer file (software, a dataset)
    "manuscript": "Bản thảo",
    "thesis": "Luận văn, luận án",
    "mixed": "Tài liệu hỗn hợp",
    "kit": "Bộ tài liệu",
    "object": "Hiện vật",
    "other": "Khác",
    "unknown": "Chưa rõ loại",  # oai_dc without a dc:type unioncat knows
}

# MARC relator codes ($4 of 100/700...; https://id.loc.gov/vocabulary/relators) a Vietnamese
# catalogue uses, as the roles are written in Vietnamese records' $e.  Unknown codes are not shown.
RELATOR_LABELS_VI: dict[str, str] = {
    "aut": "tác giả",
    "edt": "biên tập",
    "com": "biên soạn",
    "trl": "dịch",
    "ill": "minh họa",
    "ctb": "cộng tác",
    "aui": "viết lời giới thiệu",
    "ann": "chú giải",
    "cmp": "soạn nhạc",
    "drt": "đạo diễn",
    "pht": "nhiếp ảnh",
    "nrt": "người đọc",
    "ths": "người hướng dẫn",
}

# The relator terms of those codes (RDA appendix I, as copy cataloguing brings them in $e beside $4:
# "$e translator. $4 trl"), so such a name shows one Vietnamese role, not "translator, dịch".
RELATOR_CODES_BY_TERM: dict[str, str] = {
    "author": "aut", "editor": "edt", "compiler": "com", "translator": "trl", "illustrator": "ill",
    "contributor": "ctb", "author of introduction": "aui", "annotator": "ann", "composer": "cmp",
    "director": "drt", "film director": "drt", "photographer": "pht", "narrator": "nrt", "thesis advisor": "ths",
}

FACET_TITLES_VI: dict[str, str] = {
    "library": "Thư viện",
    "library_type": "Loại thư viện",
    "district": "Huyện/thị",
    "decade": "Thập niên",
    "year": "Năm xuất bản",
    "language": "Ngôn ngữ",
    "material_type": "Loại tài liệu",
    "subject": "Chủ đề",
}


def facet_label(settings: Settings, facet: str, value: str) -> str:
    """The Vietnamese label of one facet value."""
    if facet == "library":
        library = settings.library_map().get(value)
        return library.name if library else value
    if facet == "library_type":
        return LIBRARY_TYPE_LABELS_VI.get(value, value)
    if facet == "language":
        return LANGUAGE_LABELS_VI.get(value, value)
    if facet == "material_type":
        return MATERIAL_TYPE_LABELS_VI.get(value, value)
    return value

