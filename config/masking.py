"""Credentials out of messages: a library's URL as the registry writes it may carry them.

A Koha endpoint behind HTTP Basic auth is configured as `http://user:password@host/...`, and
some providers want `?apikey=...`; every harvest error names that URL, and the errors are
stored, logged, printed by `unioncat status` and shown on the public status pages.  Masking
where a message is made keeps all of those safe to paste into a ticket, as httpx's
`Proxy.__repr__` does; the harvest itself keeps using the URL as written.
"""

from __future__ import annotations

import re

MASK = "***"

# Query parameters whose value is a secret, compared in lower case without "_" and "-"
# (`api_key`, `API-Key` and `apikey` alike).  Exact names, not substrings: OAI-PMH's
# `resumptionToken` is not a secret, and a report that quotes it says where a list broke.
SECRET_PARAMETERS = frozenset({
    "apikey", "key", "accesskey", "token", "accesstoken", "authtoken", "auth", "authorization",
    "password", "passwd", "pass", "pwd", "secret", "clientsecret", "signature", "sig", "sessionid",
})

# The userinfo of a URL: what lies between "scheme://" and the "@" before the host.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#@\s]+)@")
# A query parameter of a URL (after "?" or "&", also HTML-escaped as "&amp;"), up to its value's end.
_PARAMETER = re.compile(r"([?&;])([A-Za-z0-9_.-]+)=([^&#\s'\"<>)]*)")


def _masked_userinfo(match: re.Match[str]) -> str:
    user, colon, _ = match[2].partition(":")
    # `user:password@` keeps the user, which tells the officer which account; a lone `token@` is the secret.
    return f"{match[1]}{user}:{MASK}@" if colon else f"{match[1]}{MASK}@"


def _masked_parameter(match: re.Match[str]) -> str:
    name = match[2]
    if name.lower().replace("_", "").replace("-", "") not in SECRET_PARAMETERS or not match[3]:
        return match[0]
    return f"{match[1]}{name}={MASK}"


def masked_secrets(text: str) -> str:
    """`text` with every URL's password (or lone user token) and secret query values (SECRET_PARAMETERS)
    replaced by "***"; the rest, host and path included, as it was."""
    if "=" not in text and "@" not in text:  # most messages and every record source: nothing to look for
        return text
    return _PARAMETER.sub(_masked_parameter, _USERINFO.sub(_masked_userinfo, text))
