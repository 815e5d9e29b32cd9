"""/oai resumption tokens as a hostile or careless harvester sends them: a token this repository
did not give is badResumptionToken (OAI-PMH 2.0 §3.6), never a 500 and never a list."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import httpx
from lxml import etree

from store.feed import feed_entry
from tests import test_oai_feed
from tests.test_oai_feed import OAI_NS, _error_code

feed = test_oai_feed.feed  # five union records, pages of 2


def _token(**kw: str) -> str:
    return quote(urlencode(kw))


def _first_token(url: str, verb: str) -> str:
    page = etree.fromstring(httpx.get(f"{url}/oai", params={"verb": verb, "metadataPrefix": "oai_dc"},
                                      timeout=10).content)
    return page.find(f"oai:{verb}/oai:resumptionToken", OAI_NS).text


def test_a_forged_resumption_token_is_bad_resumption_token_never_a_500_nor_a_list(feed):
    """A token holding a number SQLite cannot store was a 500 (OverflowError); a negative or far
    position, or a wild cursor, was answered as a list: 100 records, or none with the empty token
    that tells a harvester its list is complete."""
    url, store = feed
    seq, rowid = feed_entry(store, "UC5").position  # the last record of the list
    forged = [
        _token(metadataPrefix="oai_dc", after="9223372036854775808.1", cursor="100"),
        _token(metadataPrefix="oai_dc", after="1.-99999999999999999999999", cursor="1"),
        _token(metadataPrefix="oai_dc", after="-1.-1", cursor="-5"),
        _token(metadataPrefix="oai_dc", after=f"{seq}.{rowid}", cursor="99999999999999999999999"),
        _token(metadataPrefix="oai_dc", after=f"{seq + 76}.{rowid}", cursor="2"),  # past the newest change
        _token(metadataPrefix="oai_dc", after=f"{seq}.{rowid + 100}", cursor="2"),  # no such record
        _token(metadataPrefix="oai_dc", after=f"{seq}.{rowid}", cursor="2", set="x"),  # a key we never write
        _token(metadataPrefix="oai_dc", after=f"{seq}.+{rowid}", cursor="2"),
    ]
    for verb in ("ListRecords", "ListIdentifiers"):
        for token in forged:
            response = httpx.get(f"{url}/oai", params={"verb": verb, "resumptionToken": token}, timeout=10)
            assert response.status_code == 200, (verb, token, response.text)
            assert _error_code(response.content) == "badResumptionToken", (verb, token, response.text)
        # The tokens the repository gives still resume their list.
        token = _first_token(url, verb)
        response = httpx.get(f"{url}/oai", params={"verb": verb, "resumptionToken": token}, timeout=10)
        assert _error_code(response.content) is None
        assert len(etree.fromstring(response.content).findall(".//oai:header", OAI_NS)) == 2  # a page (fixture)


def test_a_token_that_cannot_be_read_says_what_was_wrong_and_to_start_the_list_again(feed):
    """A token oaipmh cannot parse must be answered in this repository's words, not the library's
    ("Unable to decode resumption token"); one that is not UTF-8 percent-encoding was badArgument
    "Unknown argument: argument resumptionToken that is not UTF-8", which names no token and
    sends a harvester nowhere: no token of ours holds anything but ASCII."""
    url, _ = feed
    sent = ["garbage", "", "%ff%fe", "abc%C3", "%25ff", "cursor%3D", "a%3Db%3Dc%26%26"]
    for token in sent:
        for response in (httpx.get(f"{url}/oai?verb=ListRecords&resumptionToken={token}", timeout=10),
                         httpx.post(f"{url}/oai", content=f"verb=ListIdentifiers&resumptionToken={token}".encode(),
                                    headers={"content-type": "application/x-www-form-urlencoded"}, timeout=10)):
            assert response.status_code == 200 and _error_code(response.content) == "badResumptionToken", \
                (token, response.text)
            message = etree.fromstring(response.content).find("oai:error", OAI_NS).text
            assert "start the list again without it" in message and "resumption token" in message, (token, message)
            assert "Unable" not in message and "Unknown argument" not in message, (token, message)
