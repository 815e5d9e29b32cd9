"""Language codes as catalogues write them, read as the MARC (ISO 639-2/B) code the records hold.

Shared by normalize (a record's 008 and 041) and the search filters (`language=vi`), so a
query names a language the way the records were normalized.
"""

from __future__ import annotations

# ISO 639-1 and 639-2/T codes seen in catalogue data → the MARC (639-2/B) code.
LANGUAGE_ALIASES = {
    "vi": "vie", "vn": "vie", "vie": "vie", "viet": "vie", "vietnamese": "vie", "tiếng việt": "vie",
    "en": "eng", "eng": "eng", "english": "eng", "tiếng anh": "eng",
    "fr": "fre", "fre": "fre", "fra": "fre", "french": "fre", "tiếng pháp": "fre",
    "de": "ger", "deu": "ger", "ger": "ger", "german": "ger",
    "zh": "chi", "zho": "chi", "chi": "chi", "chinese": "chi", "tiếng trung": "chi",
    "ru": "rus", "rus": "rus", "russian": "rus", "tiếng nga": "rus",
    "no": "nor", "nb": "nob", "nn": "nno", "da": "dan", "sv": "swe", "is": "ice", "fo": "fao", "fi": "fin",
    "norsk": "nor", "norwegian": "nor", "dansk": "dan", "danish": "dan", "svenska": "swe", "swedish": "swe",
    "suomi": "fin", "finnish": "fin", "íslenska": "ice", "icelandic": "ice",
    "ja": "jpn", "jpn": "jpn", "ko": "kor", "kor": "kor", "km": "khm", "khm": "khm",
    "lo": "lao", "lao": "lao", "th": "tha", "tha": "tha", "es": "spa", "spa": "spa",
}
