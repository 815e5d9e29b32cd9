"""Requests a review sent to `unioncat serve` that were answered wrongly: percent-encoding that is not
UTF-8 (searched as U+FFFD and answered 200) and a refused CORS preflight (plain text, not JSON).
"""
from __future__ import annotations

import pytest

from tests.test_api_edges import _client, _records

PARTNER = "https://partner.example"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with _client(tmp_path_factory.mktemp("http-input"), _records(), cors_origins=[PARTNER]) as http:
        yield http


def _preflight(client, origin: str, method: str = "GET"):
    return client.options("/api/search?q=a", headers={"Origin": origin, "Access-Control-Request-Method": method})


# ---- Percent-encoding that is not UTF-8 -------------------------------------------------------------

@pytest.mark.parametrize(("url", "parameter"), [
    ("/api/search?q=ki%ffeu", "q"),  # was 200, searched as "ki\ufffdeu"
    ("/api/search?q=kieu&library=%ff", "library"),  # was 200: a filter on no library
    ("/api/search?q=kieu&subject=%ff", "subject"),
    ("/api/search?q=%ff", "q"),  # was 400 for the wrong reason: "no searchable word"
    ("/api/search?q=kieu&%ff=1", "%ff"),  # the name itself, given as it was sent
    ("/api/search?q=ki%C3eu", "q"),  # a UTF-8 sequence cut short
    ("/api/search.atom?q=kieu&library=%E0", "library"),
    ("/api/libraries?x=%ff", "x"),
])
def test_a_parameter_that_is_not_utf8_is_a_400_naming_it(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400, (url, response.text[:200])
    body = response.json()
    assert body["error"] == "InvalidParameter" and body["status"] == 400
    assert f"tham số {parameter!r} không phải UTF-8" in body["message"], body["message"]
    assert "send the text as UTF-8 percent-encoding" in body["message"]


def test_the_search_page_answers_a_query_that_is_not_utf8_with_the_error_page(client):
    response = client.get("/?q=ki%ffeu")
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "không phải UTF-8" in response.text and "Yêu cầu không hợp lệ" in response.text
    assert "\ufffd" not in response.text  # the undecodable query is not put back in the search box


def test_oai_refuses_an_argument_that_is_not_utf8_as_oai_pmh_does_bad_arguments(client):
    """OAI-PMH answers its errors as XML with status 200 (§3.6): a harvester reads the badArgument."""
    for response in (client.get("/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=ki%ffeu"),
                     client.post("/oai", content=b"verb=GetRecord&metadataPrefix=oai_dc&identifier=ki%ffeu",
                                 headers={"content-type": "application/x-www-form-urlencoded"})):
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
        assert '<error code="badArgument">' in response.text
        assert "The argument 'identifier' is not UTF-8" in response.text
        assert "Unknown argument" not in response.text  # oaipmh's words: the argument is known


def test_a_path_that_is_not_utf8_is_a_400_json_saying_so(client):
    response = client.get("/api/records/%ff")  # was 404 "không có bản ghi '\ufffd'"
    assert response.status_code == 400 and response.json()["error"] == "InvalidPath"
    assert "/api/records/%ff" in response.json()["message"] and "UTF-8" in response.json()["message"]


@pytest.mark.parametrize("url", ["/api/search?q=l%E1%BB%8Bch%20s%E1%BB%AD", "/api/search?q=l%E1%BB%8Bch+s%E1%BB%AD",
                                 "/api/search?q=lich+su&district=Long+M%E1%BB%B9"])
def test_utf8_percent_encoding_and_plus_for_space_still_search(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text[:200]
    assert response.json()["total"] > 0 and response.json()["q"] in ("lịch sử", "lich su")


def test_a_partner_page_can_read_the_400_of_a_query_that_is_not_utf8(client):
    """Utf8Only answers inside CORS: the widget on an allowed origin reads the message."""
    response = client.get("/api/search?q=ki%ffeu", headers={"Origin": PARTNER})
    assert response.status_code == 400 and response.headers["access-control-allow-origin"] == PARTNER


def test_openapi_documents_the_400_on_every_operation_but_oai_pmh_s(client):
    """/oai answers its errors as OAI-PMH XML with status 200, as its 200 says."""
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            assert ("400" in operation["responses"]) == (path != "/oai"), (method, path)


# ---- CORS preflight from an origin not in [api] cors_origins ----------------------------------------

def test_a_preflight_from_another_origin_is_refused_with_a_json_400_naming_it(client):
    response = _preflight(client, "http://evil.example")
    assert response.status_code == 400 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error"] == "CorsRefused" and body["status"] == 400
    assert "http://evil.example" in body["message"]
    assert "only the origins in the catalogue's configuration may call the API from a browser" in body["message"]
    assert "access-control-allow-origin" not in response.headers
    assert "Origin" in response.headers["vary"]  # Starlette's headers kept


def test_a_preflight_for_a_method_not_allowed_is_a_json_400(client):
    response = _preflight(client, PARTNER, method="DELETE")
    assert response.status_code == 400 and response.json()["error"] == "CorsRefused"
    assert "method" in response.json()["message"]


def test_a_preflight_from_an_allowed_origin_still_succeeds(client):
    response = _preflight(client, PARTNER)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PARTNER
    assert response.headers["access-control-allow-methods"] == "GET"


def test_a_simple_request_from_another_origin_still_gets_no_allow_origin(client):
    response = client.get("/api/search?q=lich", headers={"Origin": "http://evil.example"})
    assert response.status_code == 200 and "access-control-allow-origin" not in response.headers


# ---- Control and invisible characters in a query ----------------------------------------------------

@pytest.mark.parametrize("pasted", ["%00", "%01", "%0B", "%7F", "%C2%9C", "%E2%80%8B", "%E2%81%A6", "%E2%80%AE"])
def test_a_control_or_invisible_character_in_a_query_is_dropped_as_records_drop_it(client, pasted):
    """NUL, U+0001, U+000B or U+2066 inside a word split it silently: "ki\\x00eu" found nothing and the
    typo fallback was not tried, while records are cleaned of them and the README says such characters
    are ignored (security review).  The API, the Atom feed and the page alike."""
    plain = client.get("/api/search?q=kieu").json()
    pasted_in = client.get(f"/api/search?q=ki{pasted}eu").json()
    assert (pasted_in["total"], pasted_in["q"]) == (plain["total"], "kieu") and plain["total"] > 0, pasted_in
    typo = client.get(f"/api/search?q=ki{pasted}xeu").json()
    assert typo["total"] > 0 and typo["fuzzy"] == client.get("/api/search?q=kixeu").json()["fuzzy"] is True, typo
    feed = client.get(f"/api/search.atom?q=ki{pasted}eu")
    assert feed.status_code == 200 and 'searchTerms="kieu"' in feed.text, feed.text[:500]
    page = client.get(f"/?q=ki{pasted}eu")
    assert page.status_code == 200 and 'value="kieu"' in page.text
    assert not any(ch in page.text for ch in ("\x00", "\x01", "\x0b", "\x7f", "\x9c", "\u200b", "\u2066", "\u202e"))


def test_a_tab_or_newline_in_a_query_is_a_space(client):
    for pasted in ("%09", "%0A", "%0D%0A"):
        answer = client.get(f"/api/search?q=truyen{pasted}kieu").json()
        assert answer["q"] == "truyen kieu" and answer["total"] > 0, answer


# ---- Range headers on /static ----------------------------------------------------------------------

@pytest.mark.parametrize("asked", ["bytes=5-1", "bytes=abc", "bytes=-", "items=0-5", "bytes=0-1,x", "bytes 0-5"])
def test_a_range_header_that_is_not_a_valid_byte_range_set_is_ignored(client, asked):
    """Starlette answered "bytes=5-1" and "bytes=abc" with its own text/plain 400 (security review), and a
    unit it does not know (RFC 9110 14.2: MUST be ignored) too: an invalid ranges-specifier may be ignored
    (14.2), so the whole file is sent, as to a request without Range."""
    whole = client.get("/static/style.css")
    response = client.get("/static/style.css", headers={"Range": asked})
    assert response.status_code == 200 and response.content == whole.content, (asked, response.text[:100])
    assert response.headers["content-type"].startswith("text/css")


def test_a_valid_range_is_still_served_and_one_past_the_end_is_416(client):
    whole = client.get("/static/style.css").content
    part = client.get("/static/style.css", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == whole[:10]
    past = client.get("/static/style.css", headers={"Range": f"bytes={len(whole)}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(whole)}"


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_range_past_the_end_is_a_json_error_saying_the_file_s_length(client, method):
    """A range past the end was Starlette's empty text/plain 416: a client learnt nothing of why.  It is
    the API's error JSON now, naming the file's length and what to do, with `Content-Range: bytes
    */LENGTH` (RFC 9110 15.5.17) and the headers every answer carries."""
    length = len(client.get("/static/style.css").content)
    for asked in (f"bytes={length}-", f"bytes={length + 100}-{length + 200}"):
        past = client.request(method, "/static/style.css", headers={"Range": asked})
        assert past.status_code == 416, (asked, past.text)
        assert past.headers["content-range"] == f"bytes */{length}"
        assert past.headers["content-type"] == "application/json"
        assert past.headers["x-content-type-options"] == "nosniff" and "referrer-policy" in past.headers
        if method == "GET":
            body = past.json()
            assert body["status"] == 416 and body["error"] == "RangeNotSatisfiable"
            assert str(length) in body["message"] and "Range" in body["message"]
            assert int(past.headers["content-length"]) == len(past.content)
