"""Credentials out of messages: a library's URL as the registry writes it may carry them.

A Koha endpoint behind HTTP Basic auth is configured as `http://user:password@host/...`, and
some providers want `?apikey=...`; every harvest error names that URL, and the errors are
stored, logged, printed by `unioncat status` and shown on the public status pages.  Masking
where a message is made keeps all of those safe to paste into a ticket, as httpx's
`Proxy.__repr__` does; the harvest itself keeps using the URL as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

MASK = "***"

# Query parameters whose value is a secret: a name holding one of these words, compared in lower case
# without "_" and "-" (`api_key`, `X-Api-Key`, `ApiToken`, `authkey` alike), but for NOT_SECRET.
# Masking a harmless value ("keyword") costs a report nothing; leaving a vendor's own name for a key
# unmasked (`apitoken` was, with an exact list) would publish it.
SECRET_WORDS = ("key", "token", "secret", "pass", "pwd", "auth", "sig", "session", "credential")
# OAI-PMH's `resumptionToken` is no secret, and a report that quotes it says where a list broke.
NOT_SECRET = frozenset({"resumptiontoken"})

# The userinfo of a URL: what lies between "scheme://" and the last "@" before the host ("u:p@ss@host"
# is user "u", password "p@ss").
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#\s]+)@")
# A query parameter of a URL (after "?" or "&", also HTML-escaped as "&amp;"), up to its value's end.
_PARAMETER = re.compile(r"([?&;])([A-Za-z0-9_.-]+)=([^&#\s'\"<>)]*)")


def _masked_userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match[2].partition(":")
    # `user:password@` keeps the user, which tells the officer which account; a lone `token@` is the secret.
    return f"{match[1]}{user}:{MASK}@" if colon else f"{match[1]}{MASK}@"


def _masked_parameter(match: re.Match[str]) -> str:
    name = match[2]
    folded = name.lower().replace("_", "").replace("-", "")
    if folded in NOT_SECRET or not match[3] or not any(word in folded for word in SECRET_WORDS):
        return match[0]
    return f"{match[1]}{name}={MASK}"


# Cached: every record of an OAI-PMH page carries the page's address as its source, and the
# records are validated at harvest and again when normalize reads them (7.4 µs a record uncached).
@lru_cache(maxsize=4096)
def masked_secrets(text: str) -> str:
    """`text` with every URL's password (or lone user token) and secret query values (SECRET_WORDS)
    replaced by "***"; the rest, host and path included, as it was."""
    if "=" not in text and "@" not in text:  # most messages and every record source: nothing to look for
        return text
    return _PARAMETER.sub(_masked_parameter, _USERINFO.sub(_masked_userinfo, text))
