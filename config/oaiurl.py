"""An OAI-PMH base URL, told apart from a request pasted from a browser.

A vendor's or a browser's link (`…/oai?verb=Identify`, `…?verb=ListRecords&metadataPrefix=marc21`)
holds OAI-PMH request arguments.  The harvester adds its own to the base URL, so the server gets
them twice and refuses every request (badArgument), far from the registry line to fix.  Some
servers need a parameter of their own on every request (`?db=main`, `?lang=vi`): that is no OAI-PMH
argument, so it stays in the base URL, as written, and goes with every request.
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit

# The arguments OAI-PMH 2.0 defines (§3.1.1); a base URL holds none of them.
OAI_ARGUMENTS = ("verb", "metadataPrefix", "set", "from", "until", "identifier", "resumptionToken")
# The arguments a pasted link may carry that the library's table says in a key of its own.
_REGISTRY_KEYS = {"metadataPrefix": "metadata_prefix", "set": "set"}
# A link copied from a page's HTML source writes & as &amp;.
_HTML_AMP = "amp;"


def _argument_name(pair: str) -> str:
    """The decoded name of one `name=value` pair of a query, without an `amp;` left by HTML."""
    return unquote_plus(pair.partition("=")[0]).removeprefix(_HTML_AMP)


def oai_arguments_in(url: str) -> list[str]:
    """The OAI-PMH arguments `url`'s query holds, in its order (none for a base URL)."""
    pairs = urlsplit(url).query.split("&")
    return [name for name in map(_argument_name, pairs) if name in OAI_ARGUMENTS]


def base_url_of(url: str) -> str:
    """`url` without its OAI-PMH arguments (and fragment); the server's own parameters stay as written."""
    parts = urlsplit(url)
    kept = [pair for pair in parts.query.split("&") if pair and _argument_name(pair) not in OAI_ARGUMENTS]
    return parts._replace(query="&".join(kept), fragment="").geturl()


def pasted_request_problem(url: str, only_verb: bool = False) -> str | None:
    """What to say about an OAI-PMH url holding request arguments (None when it holds none): which
    ones, and the line to write instead.  `only_verb` looks for `verb` alone (a MARC file's download
    URL may have a `set` or `from` of its own)."""
    found = oai_arguments_in(url)
    if not found or (only_verb and "verb" not in found):
        return None
    base = base_url_of(url)
    kept = f", keeping {urlsplit(base).query!r}, which is no OAI-PMH argument" if urlsplit(base).query else ""
    return (f"{url!r} holds the OAI-PMH request arguments {', '.join(dict.fromkeys(found))} (a link copied from "
            f"a browser?); unioncat adds its own to every request, and a server refuses an argument given "
            f'twice. Give the base URL{kept}: url = "{base}"' + _registry_lines(url))


def _registry_lines(url: str) -> str:
    """The registry lines that say what the link's metadataPrefix and set said (its set would be lost else)."""
    lines = []
    for pair in urlsplit(url).query.split("&"):
        name, _, value = pair.partition("=")
        key = _REGISTRY_KEYS.get(_argument_name(name))
        if key and unquote_plus(value) and not any(line.startswith(key + " ") for line in lines):
            lines.append(f'{key} = "{unquote_plus(value)}"')
    return f", with {' and '.join(lines)}" if lines else ""
