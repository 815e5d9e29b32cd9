"""What the page's templates show that is not a field of a record: helpers registered as Jinja filters."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from index.labels import RELATOR_CODES_BY_TERM, RELATOR_LABELS_VI
from search_api.context import site_path
from store.text import fold


@pass_context
def site_link(context: Context, path: str) -> str:
    """A link from the site's root ("/records/ID", "/?q=…") as readers reach it: under the path of
    `[api] public_url` (https://…/mucluc) when a reverse proxy serves the catalogue there."""
    return site_path(context["settings"]) + path


def holdings_by_library(holdings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each holding library once, in the holdings' order, with its distinct call numbers, its
    number of copies and its first OPAC link.

    A result list answers "which library has it": three copies on one shelf are one line
    ("Thư viện tỉnh Hậu Giang — 959.7 LI975 (3 bản)"), as the widget shows them; the record
    page says where on the shelves (`holdings_by_shelf`).
    """
    groups: dict[str, dict[str, Any]] = {}
    for holding in holdings:
        group = groups.setdefault(holding["library"], {
            "library": holding["library"], "library_name": holding.get("library_name") or holding["library"],
            "call_numbers": [], "copies": 0, "opac_url": None})
        group["copies"] += 1
        call_number = holding.get("call_number")
        if call_number and call_number not in group["call_numbers"]:
            group["call_numbers"].append(call_number)
        group["opac_url"] = group["opac_url"] or holding.get("opac_url")
    return list(groups.values())


def holdings_by_shelf(holdings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each holding library's distinct (location, call number, OPAC link) once, in the holdings' order,
    with its number of copies.

    A school's textbook with one 852 per copy was 250 identical rows on the record page (34,000 px
    on a phone) though the copies differ only by barcodes the page does not show; the API still
    lists every holding.
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for holding in holdings:
        key = (holding["library"], holding.get("location"), holding.get("call_number"), holding.get("opac_url"))
        rows.setdefault(key, {**holding, "copies": 0})["copies"] += 1
    return list(rows.values())


# MARC language codes (ISO 639-2, bibliographic and terminology forms) as HTML lang values (BCP 47
# uses the two-letter code where ISO 639-1 has one). A code not listed gets no lang: a wrong one
# makes a screen reader mispronounce more than the page's Vietnamese does.
HTML_LANG: dict[str, str] = {
    "eng": "en", "fre": "fr", "fra": "fr", "rus": "ru", "chi": "zh", "zho": "zh", "jpn": "ja", "kor": "ko",
    "ger": "de", "deu": "de", "khm": "km", "lao": "lo", "tha": "th", "spa": "es", "ita": "it", "por": "pt",
    "dut": "nl", "nld": "nl", "ara": "ar", "hin": "hi", "ind": "id", "may": "ms", "msa": "ms", "lat": "la",
    "pol": "pl", "cze": "cs", "ces": "cs", "hun": "hu", "bul": "bg", "ukr": "uk", "swe": "sv", "dan": "da",
    "nor": "no", "fin": "fi", "gre": "el", "ell": "el", "tur": "tr", "heb": "he", "per": "fa", "fas": "fa",
}


def html_lang(language: str | None) -> str | None:
    """The lang attribute for text in a record's language, or None where the page's `vi` (or no
    known language: und, mul, an unknown code) applies."""
    return HTML_LANG.get((language or "").strip().lower())


def name_roles(heading: dict[str, Any]) -> list[str]:
    """A name heading's roles as the record page shows them: the cataloguer's own words ($e),
    then the Vietnamese for relator codes ($4), each role once ("dịch" and "trl" are one, as are
    "translator." and "trl": an English relator term shows as its code does)."""
    roles: dict[str, str] = {}
    for relator in heading.get("relators") or ():
        code = relator if _is_relator_code(relator) else RELATOR_CODES_BY_TERM.get(fold(relator).strip(" .,;"))
        label = RELATOR_LABELS_VI.get(code) if code else relator
        if label:
            roles.setdefault(fold(label).strip(" .,;"), label)
    return list(roles.values())


def _is_relator_code(value: str) -> bool:
    return len(value) == 3 and value.isascii() and value.isalpha() and value.islower()
