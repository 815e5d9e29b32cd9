"""Which redirects a library server may send us to.

The configured URL is trusted (the operator wrote it); a redirect is the library
server's word, and that server may be broken into or simply hostile.  Followed
blindly, a 302 to http://169.254.169.254/ (the cloud metadata service) or to a
service on the harvesting machine itself has us fetch it, and the start of its
answer lands in the errors the public status page shows.

So a redirect must stay on http(s), and may not lead closer to the harvesting
machine than the server that sent it: from the internet not into a private
network, from a private network not to this machine, and from nowhere to a
link-local address (the metadata service) unless the server itself was one.
A catalogue that moved to another server of the same network is still followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

# How close an address is to the harvesting machine: a redirect may not raise it.
PUBLIC, PRIVATE, LOOPBACK, LINK_LOCAL = range(4)
_CLOSENESS_NAMES = {PUBLIC: "the internet", PRIVATE: "a private network", LOOPBACK: "this machine",
                    LINK_LOCAL: "a link-local address (such as the cloud metadata service)"}


class RefusedRedirect(Exception):
    """Raised by the client's response hook for a redirect `redirect_refusal` refuses; `fetch`
    turns it into an UnsafeRedirectError naming the library."""

    def __init__(self, location: str, reason: str):
        super().__init__(f"redirect to {location} refused: {reason}")
        self.location = location


def _closeness(address: str) -> int:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_loopback or ip.is_unspecified:
        return LOOPBACK
    if ip.is_private or ip.is_reserved or ip.is_multicast:
        return PRIVATE
    return PUBLIC


def _host_closeness(host: str) -> int | None:
    """The closest of the addresses `host` stands for; None when it does not resolve (the request fails anyway)."""
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return None
    return max(_closeness(info[4][0]) for info in found)


def redirect_refusal(source: str, target: str) -> str | None:
    """Why a redirect from URL `source` to URL `target` must not be followed, or None when it may."""
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        return f"a library server may only redirect to http(s), not {scheme or 'a relative'}: URLs"
    source_host, target_host = urlsplit(source).hostname or "", urlsplit(target).hostname or ""
    if target_host == source_host:
        return None
    there, here = _host_closeness(target_host), _host_closeness(source_host)
    if there is None or here is None or there <= here:
        return None
    return f"it leads from {_CLOSENESS_NAMES[here]} to {_CLOSENESS_NAMES[there]}"


def refuse_unsafe_redirect(response: httpx.Response) -> None:
    """httpx response hook: raise RefusedRedirect before a redirect `redirect_refusal` refuses is followed."""
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    try:
        target = str(response.request.url.join(location))
    except httpx.InvalidURL:
        return  # httpx refuses to follow it by itself
    reason = redirect_refusal(str(response.request.url), target)
    if reason is not None:
        raise RefusedRedirect(location, reason)
