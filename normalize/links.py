"""Where a record's resource is online (856 $u): an e-book's or a thesis's full text, as links to show."""

from __future__ import annotations

from urllib.parse import urlsplit

from store.models import Link

from normalize.marcrecord import MarcRecord
from normalize.text import clean_field


def online_links(marc: MarcRecord) -> list[Link]:
    """Each http(s) URL of 856 $u, once, with its link text ($y, else $3, the part it gives).

    Other schemes (ftp:, file:, a typed "javascript:") and text that is no URL are left out:
    the record page makes each a link a reader follows.
    """
    links: dict[str, Link] = {}
    for field in marc.get("856"):
        label = clean_field(field.get("y") or field.get("3") or "") or None
        for value in field.get_all("u"):
            url = value.strip()
            if _web_url(url) and url not in links:
                links[url] = Link(url=url, label=label)
    return list(links.values())


def _web_url(url: str) -> bool:
    if any(char.isspace() or not char.isprintable() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and other malformed hosts
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
