"""Telling an OAI-PMH list that never ends from a long one, page by page.

A list ends when the server sends no (or an empty) resumptionToken.  Some servers
never do: they repeat a token, send the same page under ever new tokens (a provider
that ignores the offset in its own token), or send empty pages under ever new tokens
(an offset that runs past the end of its own result set).  Such a list held the
night's run, and the run lock, for good: the following nights' cron runs were refused.
`ListGuard` says why a list goes round in circles so the harvest and the
identifiers sweep can stop it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PageKeys = list[tuple[str, str | None]]  # a page's (identifier, datestamp) pairs


@dataclass
class ListGuard:
    """What one list showed so far: its tokens, its last page, its run of empty pages.

    Empty pages are legitimate now and then (a provider that filters out deleted
    records after paging), so only `max_empty_pages` of them in a row end a list.
    """

    max_empty_pages: int
    seen_tokens: set[str] = field(default_factory=set)
    previous_keys: PageKeys = field(default_factory=list)
    empty_pages: int = 0

    def looping(self, token: str | None, next_token: str | None, page_keys: PageKeys) -> str | None:
        """Why the list is going round in circles after the page that answered `token`, or None.

        `page_keys` are the page's (identifier, datestamp) pairs, empty for a page
        without records.  Call once per page, in order.
        """
        previous_keys, self.previous_keys = self.previous_keys, page_keys
        self.empty_pages = 0 if page_keys else self.empty_pages + 1
        if token is not None:
            self.seen_tokens.add(token)
        if next_token is None:
            return None
        if next_token in self.seen_tokens:
            return f"resumptionToken {next_token!r} repeated"
        if page_keys and page_keys == previous_keys:
            return f"resumptionToken {next_token!r} brought the same records as the page before it"
        if self.empty_pages >= self.max_empty_pages:
            return (f"{self.empty_pages} pages in a row without records, each with a new resumptionToken (last "
                    f"{next_token!r}); raise [harvest] max_empty_pages if the provider really hides that many "
                    "deleted records in a row")
        return None
