"""One ListRecords page: the request, and what its OAI-PMH errors mean for the window.

The page loop (harvester/oai.py) asks for pages; this module turns the server's
answer into an `OaiPage` or the error that names what to fix.  An answer still
malformed after the retries is salvaged record by record (harvester/oaisalvage.py),
an empty window is a page without records, and an unknown format or set is named
with what the server offers.
"""

from __future__ import annotations

import logging

from config.errors import HarvestError
from config.settings import LibraryConfig
from harvester.errors import (
    BadArgument,
    CannotDisseminateFormat,
    MalformedResponseError,
    NoRecordsMatch,
    NoSetHierarchy,
)
from harvester.oai_client import HttpxSickle, StrictOAIResponse
from harvester.oaigranularity import DAY_GRANULARITY
from harvester.oaisalvage import SalvagingPageReader
from harvester.oaisets import check_set_listed
from harvester.oaixml import OaiPage, metadata_prefixes, read_page
from store.models import HarvestState

log = logging.getLogger(__name__)

# The prefixes unioncat reads → the raw format stored; DSpace names its MARCXML "marc".
RAW_FORMATS = {"marc21": "marcxml", "marcxml": "marcxml", "marc": "marcxml", "oai_dc": "oai_dc"}


def fetch_page(client: HttpxSickle, library: LibraryConfig, state: HarvestState, granularity: str,
               page_number: int) -> OaiPage:
    """One ListRecords request: the first of a window, or the continuation of a token."""
    if state.resumption_token is not None:
        params = {"verb": "ListRecords", "resumptionToken": state.resumption_token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": library.metadata_prefix or ""}
        if state.window_from:
            # Cut to what the server declares now: a `from` saved while it declared seconds
            # (or by an older unioncat) is a badArgument on a day-granularity server.
            params["from"] = state.window_from[:10] if granularity == DAY_GRANULARITY else state.window_from
        if library.set:
            params["set"] = library.set
    source = f"{library.url} page {page_number}"
    raw_format = RAW_FORMATS[library.metadata_prefix or "marc21"]
    token = state.resumption_token

    read = SalvagingPageReader(library.id, library.url, token, raw_format, source)
    try:
        result = client.request(params, read)
        if isinstance(result, StrictOAIResponse):
            # An OAI <error> sent with an error status (Zenodo's 422, a PHP provider's 500): read_page raises it.
            return read_page(result.xml, library.id, library.url, "ListRecords", token, raw_format, source)
        return result
    except MalformedResponseError as exc:
        # Still broken after max_retries more requests: a record the server cannot render breaks the page the
        # same way every night, and failing the page would stop the library at this token for good.
        return read.salvage(exc)
    except NoRecordsMatch as exc:
        if token is not None:  # "no records" to a token: the server lost the list, which is not its end
            raise
        if library.set:
            # Also on an incremental night: a set the library renamed or dropped answers noRecordsMatch
            # to every `from`, read as a quiet night for good.  One ListSets request, usually.
            check_set_listed(client, library, f"gave no records since {state.window_from} (renamed or "
                                              "dropped?)" if state.window_from else "gave no records")
        # An empty window is a successful harvest of zero records.
        log.info("library %s: %s", library.id, exc)
        return OaiPage(response_date=exc.response_date)
    except CannotDisseminateFormat as exc:
        raise naming_offered_formats(client, library, exc) from exc
    except NoSetHierarchy as exc:
        raise NoSetHierarchy(exc.endpoint, exc.verb, exc.code, exc.resumption_token, exc.server_message,
                             library.id, hint=f"the server has no sets, so set {library.set!r} cannot be "
                             "harvested; remove `set` from the library's [[libraries]] table to harvest "
                             "all its records") from exc
    except BadArgument as exc:
        # A server refusing a set it does not have (badArgument "no such set") said nothing of the sets it has.
        if library.set and token is None:
            check_set_listed(client, library, f"was refused ({exc.code}: {exc.server_message.strip()[:100]})")
        raise


def naming_offered_formats(client: HttpxSickle, library: LibraryConfig,
                           exc: CannotDisseminateFormat) -> CannotDisseminateFormat:
    """`exc` saying which formats ListMetadataFormats offers: the code alone leaves the operator guessing."""
    try:
        offered = metadata_prefixes(client.harvest(verb="ListMetadataFormats").xml, library.id, library.url)
    except HarvestError:
        return exc
    return CannotDisseminateFormat(exc.endpoint, exc.verb, exc.code, exc.resumption_token, exc.server_message,
                                   library.id, hint=f"the server offers {', '.join(offered) or 'no format'} "
                                   f"(ListMetadataFormats); set the library's metadata_prefix to one of them "
                                   f"that unioncat reads: {', '.join(RAW_FORMATS)}")
