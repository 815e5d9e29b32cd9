"""Asking ListSets whether the library's set exists, when ListRecords gave it nothing or refused it.

Servers answer noRecordsMatch to a set they do not have, which reads as a quiet
night for good; others answer badArgument without naming the sets they have.
"""

from __future__ import annotations

from config.errors import HarvestError
from config.settings import LibraryConfig
from harvester.errors import HarvestInterrupted
from harvester.oai_client import HttpxSickle
from harvester.oaixml import set_specs

MAX_SET_PAGES = 50  # ListSets pages read to find a set that gave no records, then it is given the benefit of the doubt


def check_set_listed(client: HttpxSickle, library: LibraryConfig, outcome: str = "gave no records") -> None:
    """Raise HarvestError when ListSets does not list the library's set, which just had `outcome`.

    Servers answer noRecordsMatch to a set they do not have: read as an empty harvest, a misspelled
    set kept the library empty every night while status said it succeeded.  Others answer badArgument.
    """
    params, token, listed = {"verb": "ListSets"}, None, []
    for _page in range(MAX_SET_PAGES):
        try:
            specs, token = set_specs(client.harvest(**params).xml, library.id, library.url, token)
        except HarvestInterrupted:
            raise
        except HarvestError:  # a server that cannot list its sets: the empty answer stands
            return
        listed += specs
        if library.set in specs or token is None:
            break
        params = {"verb": "ListSets", "resumptionToken": token}
    if library.set in listed or token is not None:
        return
    shown = ", ".join(listed[:20]) + (f" and {len(listed) - 20} more" if len(listed) > 20 else "")
    raise HarvestError(library.id, library.url, f"set {library.set!r} {outcome} and the server does not "
                                                f"list it (ListSets: {shown or 'no set'}); correct the set in "
                                                "the library's [[libraries]] table")
