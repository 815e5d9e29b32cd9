"""The search API under stress: malformed queries, schema fuzzing, record text as text, and live re-indexing.

One catalogue for the module, served by uvicorn on 127.0.0.1:0; it includes a
record whose title and author are HTML, which must come back as text.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, union

XSS_TITLE = "<script>alert('x')</script> Sổ tay"


def _records(extra: int = 0):
    records = [
        union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), authors=["Trần Trọng Kim"], year=2019,
              isbn=["9786045678909"], language="vie", subjects=["Lịch sử"], publisher="Nxb. Văn học"),
        union("ls3", "Lịch sử Việt Nam", ("thpt-vi-thanh",), authors=["Trần Trọng Kim"], year=1999, language="vie"),
        union("dg1", "Con đường tơ lụa", ("tv-tinh",), year=2020, language="vie", subjects=["Lịch sử"]),
        union("xss", XSS_TITLE, ("tv-long-my",), authors=["<b>Ai</b>"], year=2001,
              notes=['<img src=x onerror="alert(1)"> sổ tay ghi chép']),
        union("en1", "The history of Vietnam", ("tv-tinh",), year=2013, language="eng"),
    ]
    records += [union(f"bulk{n}", f"Sách tham khảo số {n}", ("tv-tinh",), year=1990 + n % 30) for n in range(extra)]
    return records


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("api-search")
    settings = make_settings(data_dir, LIBRARIES, api={"max_page_size": 50})
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, _records(extra=60))
        build_index(store, settings)
        search_index = SearchIndex(settings)
        with serve_in_thread(create_app(settings, store, search_index)) as url:
            yield settings, store, url


@pytest.fixture(scope="module")
def client(env) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=env[2], timeout=10) as http:
        yield http


@pytest.mark.parametrize("q", [
    'title:(("', "*", "x" * 10_000, '"', 'title:"', "(lich su", "lich su)", "AND", "lich OR",
    "NOT", "lich AND", "OR su", "year:", "isbn:", "year:abc", "title:", "-(", "(((((((((((((((((((((((a)))))))))))))))))))))))",
])
def test_malformed_query_is_400_with_a_message_never_500(client, q):
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "QueryError" and body["message"] and body["status"] == 400
    page = client.get("/", params={"q": q})
    assert page.status_code == 400 and "Không hiểu câu tìm" in page.text


@pytest.mark.parametrize("q", ['"lịch sử việt', 'title:"lich su'])
def test_a_quote_left_open_is_read_closed_at_the_end_not_refused(client, q):
    response = client.get("/api/search", params={"q": q})
    assert response.status_code == 200 and {hit["id"] for hit in response.json()["hits"]} == {"ls1", "ls3"}
    assert client.get("/", params={"q": q}).status_code == 200


def test_page_size_has_a_hard_cap(client, env):
    assert client.get("/api/search", params={"size": 50}).json()["size"] == 50
    response = client.get("/api/search", params={"size": 51})
    assert response.status_code == 400 and "size" in response.json()["message"]
    # Past the paging depth (10,000 hits) but past this search's last hit too: an empty page, not a 400.
    deep = client.get("/api/search", params={"size": 20, "page": 501})
    assert deep.status_code == 200 and deep.json()["hits"] == [] and deep.json()["total"] > 0


def test_hits_list_holdings_with_call_numbers_and_opac_links(client):
    hit = client.get("/api/search", params={"q": "isbn:978-604-567-890-9"}).json()["hits"][0]
    holdings = {h["library"]: h for h in hit["holdings"]}
    assert holdings["tv-tinh"]["call_number"] == "959.7 LS1"
    assert holdings["tv-tinh"]["opac_url"] == "https://opac.tinh.example/record/ls1"
    html = client.get("/", params={"q": "isbn:978-604-567-890-9"}).text
    assert 'href="https://opac.tinh.example/record/ls1"' in html and "959.7 LS1" in html


def test_record_html_is_text_in_json_highlights_page_and_record_page(client):
    body = client.get("/api/search", params={"q": "so tay"}).json()
    hit = body["hits"][0]
    assert hit["title"] == XSS_TITLE  # JSON carries the text as it is; consumers insert it as text
    assert hit["highlight"]["title"] == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>Sổ</mark> <mark>tay</mark>"
    assert "<img" not in hit["highlight"]["snippet"] and "&lt;img" in hit["highlight"]["snippet"]
    for html in (client.get("/", params={"q": "so tay"}).text, client.get("/records/xss").text):
        assert "<script>alert" not in html and "<b>Ai</b>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_widget_and_opensearch_are_served(client):
    widget = client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in widget.text and "innerHTML" not in widget.text
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/opensearchdescription+xml")
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    root = ET.fromstring(response.content)
    assert 0 < len(root.find("os:ShortName", ns).text) <= 16  # OpenSearch 1.1's limit
    templates = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    html_url = templates["text/html"].replace("{searchTerms}", "lich%20su")
    assert html_url.startswith(str(client.base_url))
    assert client.get(html_url).status_code == 200
    json_url = templates["application/json"].replace("{searchTerms}", "lich%20su").replace("{startPage?}", "1")
    assert client.get(json_url).json()["total"] == 3
    assert 'rel="search"' in client.get("/").text


# ---- schemathesis: the API against its own OpenAPI schema -------------------------------------------

def test_api_conforms_to_its_openapi_schema(env):
    """No 500s and every response matches the documented schema, for generated requests.

    Each operation's strategy is driven by plain Hypothesis (schemathesis's pytest plugin
    does not load under pytest 9), bounded to `max_examples` per operation.
    """
    api = schemathesis.openapi.from_url(env[2] + "/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/search", "/api/records/{union_id}", "/api/libraries"}
    for operation in operations:
        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=40, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call(base_url=env[2], timeout=10)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        check()


# ---- live updates ------------------------------------------------------------------------------------

def test_a_repeated_search_is_served_from_the_cache_until_a_commit(client, env):
    settings, store, _ = env
    params = {"q": "to lua", "sort": "year"}
    first = client.get("/api/search", params=params)
    again = client.get("/api/search", params=params)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["content-type"] == "application/json"
    assert [hit["id"] for hit in first.json()["hits"]] == ["dg1"]
    store.save_clusters({}, [union("tl2", "Tơ lụa phương Nam", ("tv-long-my",), year=2022)])
    build_index(store, settings)
    after = client.get("/api/search", params=params).json()
    assert [hit["id"] for hit in after["hits"]] == ["dg1", "tl2"] and after["total"] == 2


def test_load_16_clients_while_rebuilds_and_incremental_commits_run(env):
    """16 threads search over HTTP while the index is rebuilt and updated; zero errors, and every
    answer counts the records of some committed state (old or new index, never a half-built one)."""
    settings, store, url = env
    base_total = httpx.get(url + "/api/search", params={"q": "sach tham khao"}).json()["total"]
    added = 6
    valid_totals = {base_total + n for n in range(added + 1)}
    errors: list[str] = []
    seen: list[int] = []
    done = threading.Event()
    deadline = time.monotonic() + 30

    def client_loop(n: int) -> None:
        queries = [{"q": "sach tham khao"}, {"q": "sach tham khao", "library": "tv-tinh", "sort": "-year"},
                   {"q": "sach tham khao", "decade": "1990-1999", "size": 5}]
        with httpx.Client(base_url=url, timeout=10) as http:
            for i in range(400):
                if done.is_set() or time.monotonic() > deadline:
                    return
                params = queries[(n + i) % len(queries)]
                try:
                    response = http.get("/api/search", params=params)
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    return
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")
                    return
                if params == queries[0]:
                    total = response.json()["total"]
                    seen.append(total)
                    if total not in valid_totals:
                        errors.append(f"total {total} is not one of {sorted(valid_totals)}")
                        return

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    try:
        for n in range(added):
            store.save_clusters({}, [union(f"live{n}", f"Sách tham khảo mới {n}", ("tv-long-my",), year=2024)])
            build_index(store, settings, rebuild=(n % 3 == 0))
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(seen) > 16
    final = httpx.get(url + "/api/search", params={"q": "sach tham khao"}).json()["total"]
    assert final == base_total + added


INVISIBLE = {"zero width space": "\u200b", "zero width non-joiner": "\u200c", "zero width joiner": "\u200d",
             "byte order mark": "\ufeff", "soft hyphen": "\u00ad"}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_invisible_character_pasted_into_a_query_does_not_change_what_it_finds(client, char):
    """Copied from a web page or a Word file, "Lị\u200bch sử" was searched as "lị" and "ch sử" and found nothing."""
    expected = client.get("/api/search", params={"q": "Lịch sử Việt Nam"}).json()
    assert expected["total"] == 2
    for q in (f"Lị{char}ch s{char}ử Việt Nam", f"{char}Lịch sử{char} Việt Nam", f"title:\"Lịch{char} sử\" Nam{char}",
              f"Trần Trọng K{char}im lich{char} su"):
        body = client.get("/api/search", params={"q": q}).json()
        assert {h["id"] for h in body["hits"]} == {"ls1", "ls3"}, q
        assert not body["fuzzy"], q
    page = client.get("/", params={"q": f"Lị{char}ch sử Việt Nam"})
    assert page.status_code == 200 and 'href="/records/ls1"' in page.text
    assert client.get("/api/search", params={"q": char}).status_code in (200, 400)  # never 500


def test_the_search_page_honours_size_as_the_api_does_with_the_same_cap(client):
    """`/?size=5` showed 20 hits (the default) where `/api/search?size=5` answered 5."""
    page = client.get("/", params={"q": "sach tham khao", "size": 5})
    assert page.status_code == 200 and page.text.count('<li class="hit"') == 5
    assert client.get("/api/search", params={"q": "sach tham khao", "size": 5}).json()["size"] == 5
    # Its page links, the order form and a new search keep the size.
    assert 'href="/?q=sach+tham+khao&amp;size=5&amp;page=2"' in page.text
    assert '<input type="hidden" name="size" value="5">' in page.text
    second = client.get("/", params={"q": "sach tham khao", "size": 5, "page": 2})
    assert second.text.count('<li class="hit"') == 5 and '<ol class="hits" start="6">' in second.text
    assert client.get("/", params={"size": 50}).text.count('<li class="hit"') == 50
    assert client.get("/", params={"q": "sach tham khao", "size": ""}).text.count('<li class="hit"') == 20
    for size in ("51", "0", "-3", "abc", "1e3"):
        response = client.get("/", params={"q": "sach", "size": size})
        assert response.status_code == 400 and "size" in response.text, size


def test_a_search_with_lower_case_or_that_finds_nothing_offers_the_operator_in_the_json_too(client):
    """The page offered "… OR …" and the JSON said only `total` 0, so the widget said nothing found."""
    body = client.get("/api/search", params={"q": "lich or history"}).json()
    assert (body["total"], body["operators"]) == (0, "lich OR history")
    assert client.get("/api/search", params={"q": body["operators"]}).json()["total"] > 0
    assert client.get("/api/search", params={"q": '"lich or history"'}).json()["operators"] is None  # a phrase
    assert client.get("/api/search", params={"q": "lich su"}).json()["operators"] is None


def test_openapi_describes_the_operators_hint_with_an_example(client):
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SearchResponse"]
    assert "operators" in schema["properties"]
    assert any(example.get("operators") == "kieu OR conan" for example in schema["examples"])


def test_a_decade_given_as_its_first_year_is_the_decade_not_that_year(client):
    """`decade=2010` was read as the year 2010 (32 hits of the demo's 390), and the page's chip said so."""
    decade = client.get("/api/search", params={"decade": "2010"}).json()
    assert decade["total"] == client.get("/api/search", params={"decade": "2010-2019"}).json()["total"]
    assert decade["total"] > client.get("/api/search", params={"year": "2010"}).json()["total"]
    assert [v["value"] for v in decade["facets"]["decade"] if v["selected"]] == ["2010-2019"]
    assert "Thập niên: 2010-2019" in " ".join(client.get("/", params={"decade": "2010"}).text.split())
    refused = client.get("/api/search", params={"decade": "2015"})
    assert refused.status_code == 400 and "2010-2019" in refused.json()["message"]


@pytest.mark.parametrize("size", ["0", "51", "-3"])
def test_a_size_out_of_range_is_one_kind_of_400_naming_the_range(client, size):
    """size=0 was InvalidParameter in English, size=51 a QueryError quoting the query back."""
    body = client.get("/api/search", params={"q": "lich", "size": size}).json()
    assert (body["status"], body["error"]) == (400, "InvalidParameter")
    assert body["message"].startswith("tham số không hợp lệ (size: phải từ 1 đến 50") and "query" not in body["message"]


def test_openapi_states_the_size_maximum_the_query_length_and_the_paging_depth(client, env):
    parameters = {p["name"]: p for p in client.get("/openapi.json").json()["paths"]["/api/search"]["get"]["parameters"]}
    size = next(t for t in parameters["size"]["schema"]["anyOf"] if t.get("type") == "integer")
    assert (size["minimum"], size["maximum"]) == (1, 50)  # this server's max_page_size
    assert parameters["q"]["schema"]["maxLength"] == env[0].api.max_query_chars
    assert "10000" in parameters["page"]["description"]


@pytest.mark.parametrize("params, same_as", [
    ({"language": "vi"}, {"language": "vie"}),  # ISO 639-1, as HTML's lang writes it
    ({"material_type": "Sách"}, {"material_type": "book"}),  # the label the page shows
])
def test_a_language_or_material_type_written_another_way_is_read_as_its_code(client, params, same_as):
    found = client.get("/api/search", params=params).json()
    assert found["total"] > 0 and found["total"] == client.get("/api/search", params=same_as).json()["total"]


@pytest.mark.parametrize("language", ["vietnamese", "Tiếng Việt", "v"])
def test_a_language_in_no_iso_639_form_is_a_400_naming_the_form(client, language):
    body = client.get("/api/search", params={"language": language}).json()
    assert (body["status"], body["error"]) == (400, "FilterError") and "ISO 639-2" in body["message"]


def test_every_search_endpoint_states_the_limits_it_answers_400_beyond(client, env):
    """/api/search.atom declared `size` minimum 1 and no maximum, and answered size=52222 with a 400
    (schemathesis ST202: a request the schema allows was refused); its size=0 was FastAPI's English message."""
    paths = client.get("/openapi.json").json()["paths"]
    searches = {path: {p["name"]: p for p in operation["get"]["parameters"]} for path, operation in paths.items()
                if any(p["name"] == "size" for p in operation.get("get", {}).get("parameters", []))}
    assert set(searches) >= {"/api/search", "/api/search.atom"}
    refusals = []
    for path, parameters in searches.items():
        size = next(t for t in parameters["size"]["schema"]["anyOf"] if t.get("type") == "integer")
        assert client.get(path, params={"q": "lich", "size": size["maximum"]}).status_code == 200, path
        longest = parameters["q"]["schema"]["maxLength"]
        assert client.get(path, params={"q": "lich".ljust(longest, " ")}).status_code == 200, path
        assert client.get(path, params={"q": "lich".ljust(longest + 1, " ")}).status_code == 400, path
        assert "no searchable word" in parameters["q"]["description"], path
        assert client.get(path, params={"q": "0" * longest}).json()["reason"].endswith("(no searchable word)")
        refusals.append([client.get(path, params={"q": "lich", "size": n}).json()
                         for n in (size["minimum"] - 1, size["maximum"] + 1)])
    assert all(refused == refusals[0] for refused in refusals)  # one answer, in Vietnamese, whichever endpoint
    assert refusals[0][0]["message"].startswith("tham số không hợp lệ (size: phải từ 1 đến 50")
