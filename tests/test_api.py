"""The HTTP API and the librarians' page, served by uvicorn on 127.0.0.1:0 and called with httpx."""

from __future__ import annotations

import contextlib
import html
import re
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import jsonschema_rs
import pytest
import uvicorn

from search_api import create_app
from store import CatalogStore
from store.models import Name

try:  # tests/ as a package, or as a plain directory on sys.path (pytest's default rootdir handling)
    from tests.conftest import make_settings
    from tests.test_index import LIBRARIES, index_records, union
except ModuleNotFoundError:
    from conftest import make_settings
    from test_index import LIBRARIES, index_records, union


class _ThreadServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the main thread owns signals
        pass


@contextlib.contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Run `app` with uvicorn in a thread on an ephemeral port; yield its base URL."""
    server = _ThreadServer(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


@contextlib.contextmanager
def search_client(settings, catalog) -> Iterator[httpx.Client]:
    """An httpx client of the API served over `catalog`, with the store of `settings`."""
    with CatalogStore(settings.db_path) as store, serve_in_thread(create_app(settings, store, catalog)) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield http


@pytest.fixture
def settings(data_dir):
    return make_settings(data_dir, LIBRARIES, api={"max_page_size": 50, "cors_origins": ["https://partner.example"]})


@pytest.fixture
def base_url(store, settings) -> Iterator[str]:
    search_index = index_records(store, settings, [
        union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), authors=["Trần Trọng Kim"], year=2019,
              isbn=["9786045678909"], language="vie", work_key="lich su viet nam / tran",
              subjects=["Lịch sử & văn hóa"]),
        union("ls3", "Lịch sử Việt Nam", ("thpt-vi-thanh",), authors=["Trần Trọng Kim"], year=1999,
              language="vie", work_key="lich su viet nam / tran"),
        union("dg1", "Con đường tơ lụa", ("tv-tinh",), year=2020, language="vie",
              alternate_titles=["丝绸之路"], uniform_title="Silk roads. Tiếng Việt", invalid_isbn=["9786040000001"],
              authors=["Frankopan, Peter", "Lâm Tống"],
              names=[Name(name="Frankopan, Peter", dates="1971-", relators=["aut", "xyz"], vernacular="弗兰科潘"),
                     Name(name="Lâm Tống", role="added", relators=["dịch", "trl"])]),
        union("xss", "<script>alert('x')</script> Sổ tay", ("tv-long-my",), authors=["<b>Ai</b>"], year=2001),
        union("en1", "The history of Vietnam", ("tv-tinh",), year=2013, language="eng"),
    ], aliases={"old-ls": "ls1"})
    with serve_in_thread(create_app(settings, store, search_index)) as url:
        yield url


@pytest.fixture
def client(base_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


def test_search_answers_total_hits_facets_and_paging(client):
    response = client.get("/api/search", params={"q": "lich su viet nam", "size": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2 and body["page"] == 1 and body["size"] == 1 and len(body["hits"]) == 1
    hit = body["hits"][0]
    assert {"id", "title", "authors", "year", "holdings"} <= set(hit)
    assert all("library" in h and "library_name" in h for h in hit["holdings"])
    assert set(body["facets"]) == {"library", "library_type", "district", "year", "decade", "language",
                                   "material_type", "subject"}
    assert {v["value"]: v["count"] for v in body["facets"]["library"]} == {
        "tv-tinh": 1, "tv-long-my": 1, "thpt-vi-thanh": 1}


def test_search_filters_repeat_and_combine(client):
    body = client.get("/api/search", params=[("library", "tv-tinh"), ("library", "thpt-vi-thanh")]).json()
    assert {h["id"] for h in body["hits"]} == {"ls1", "ls3", "dg1", "en1"}
    selected = {v["value"] for v in body["facets"]["library"] if v["selected"]}
    assert selected == {"tv-tinh", "thpt-vi-thanh"}
    body = client.get("/api/search", params={"library_type": "provincial", "year": "2015-2020"}).json()
    assert {h["id"] for h in body["hits"]} == {"ls1", "dg1"}
    body = client.get("/api/search", params={"language": "eng"}).json()
    assert [h["id"] for h in body["hits"]] == ["en1"]
    body = client.get("/api/search", params={"district": "Long Mỹ", "sort": "-year"}).json()
    assert [h["id"] for h in body["hits"]] == ["ls1", "xss"]


@pytest.mark.parametrize("params", [
    {"page": "0"}, {"page": "x"}, {"size": "10000"}, {"size": "0"}, {"q": 'title:(("'}, {"q": "*"},
    {"q": "y" * 10_000}, {"sort": "price"}, {"year": "1-2-3"}, {"year": "-"}, {"year": "20x0"}, {"year": "2020-2010"},
])
def test_bad_search_input_is_400_with_a_json_message(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == 400 and body["message"] and body["error"]


def test_record_lists_every_holding_and_other_editions(client):
    record = client.get("/api/records/ls1").json()
    assert record["id"] == "ls1" and record["title"] == "Lịch sử Việt Nam"
    holdings = {h["library"]: h for h in record["holdings"]}
    assert set(holdings) == {"tv-tinh", "tv-long-my"}
    assert holdings["tv-tinh"]["library_name"] == "Thư viện tỉnh Hậu Giang"
    assert holdings["tv-tinh"]["library_type_label"] == "Thư viện tỉnh"
    assert holdings["tv-tinh"]["district"] == "Vị Thanh"
    assert holdings["tv-tinh"]["call_number"] == "959.7 LS1"
    assert holdings["tv-tinh"]["opac_url"] == "https://opac.tinh.example/record/ls1"
    assert [e["id"] for e in record["other_editions"]] == ["ls3"]


def test_merged_id_redirects_permanently_and_unknown_is_404(client):
    response = client.get("/api/records/old-ls")
    assert response.status_code == 301 and response.headers["location"] == "/api/records/ls1"
    assert client.get("/api/records/old-ls", follow_redirects=True).json()["id"] == "ls1"
    missing = client.get("/api/records/nothing-here")
    assert missing.status_code == 404 and missing.json()["status"] == 404


@pytest.mark.parametrize("path, survivor", [("/records/old-ls", "/records/ls1"),
                                            ("/api/records/old-ls", "/api/records/ls1"),
                                            ("/api/records/old-ls/why", "/api/records/ls1/why")])
def test_merged_id_redirect_is_asked_again_each_time_as_a_merge_can_be_undone(client, path, survivor):
    """A 301 without Cache-Control is kept by browsers for ever (test_browser_merge_undone.py)."""
    response = client.get(path)
    assert response.status_code == 301 and response.headers["location"] == survivor
    assert response.headers["cache-control"] == "no-cache"


def test_libraries_list_the_registry_with_counts(client):
    libraries = {lib["id"]: lib for lib in client.get("/api/libraries").json()["libraries"]}
    assert list(libraries) == ["tv-tinh", "tv-long-my", "thpt-vi-thanh"]
    assert libraries["tv-tinh"]["type_label"] == "Thư viện tỉnh"
    assert libraries["tv-tinh"]["union_records"] == 3 and libraries["tv-tinh"]["records"] == 0
    assert libraries["thpt-vi-thanh"]["protocol"] == "marc-file" and libraries["thpt-vi-thanh"]["district"] == "Vị Thanh"


def test_healthz_counts_union_records(client):
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["union_records"] == 5 and health["index_documents"] == 5
    assert health["index_version"].startswith("v")


def test_openapi_documents_the_routes_with_examples(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/search", "/api/records/{union_id}", "/api/libraries", "/healthz"} <= set(schema["paths"])
    search = schema["paths"]["/api/search"]["get"]
    assert {p["name"] for p in search["parameters"]} >= {
        "q", "page", "size", "sort", "library", "library_type", "district", "year", "language", "material_type"}
    assert schema["components"]["schemas"]["SearchResponse"]["examples"]
    assert "/" not in schema["paths"]


def test_cors_allows_only_configured_origins(client):
    allowed = client.get("/api/search", headers={"Origin": "https://partner.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
    other = client.get("/api/search", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_page_renders_results_with_holdings_and_facets(client):
    response = client.get("/", params={"q": "lich su viet nam"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="vi">' in html and 'name="viewport"' in html
    assert 'id="q"' in html and '<label for="q">Tìm kiếm</label>' in html
    assert '<span id="total">2</span>' in html and html.count('class="hit"') == 2
    assert 'href="/records/ls1"' in html and "Thư viện huyện Long Mỹ" in html and "959.7 LS1" in html
    for title in ("Thư viện", "Loại thư viện", "Huyện/thị", "Năm xuất bản", "Ngôn ngữ"):
        assert f">{title}</h3>" in html
    assert 'class="facet-value' in html and "library=tv-tinh" in html


def test_page_facet_link_filters_and_pagination_links(client):
    html = client.get("/", params=[("q", "lich su"), ("library", "thpt-vi-thanh")]).text
    assert '<span id="total">1</span>' in html and 'aria-current="true"' in html
    html = client.get("/", params={"page": "2"}).text  # 5 records, 20 a page: page 2 is empty but valid
    assert '<span id="total">5</span>' in html
    assert client.get("/", params={"q": "*"}).status_code == 400


def test_page_escapes_record_text(client):
    html = client.get("/", params={"q": "so tay"}).text
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<b>Ai</b>" not in html
    record = client.get("/records/xss").text
    assert "<script>alert" not in record and "&lt;script&gt;" in record


def test_record_page_lists_holdings_and_redirects_aliases(client):
    html = client.get("/records/ls1").text
    assert html.count('class="holding"') == 2 and "Các lần xuất bản khác" in html and "9786045678909" in html
    # A subject links to the records filed under that heading (the subject facet), not to a
    # phrase search that also finds its words in other headings.
    link = "/?subject=L%E1%BB%8Bch%20s%E1%BB%AD%20%26%20v%C4%83n%20h%C3%B3a"
    assert f'href="{link}"' in html
    filtered = client.get(link).text
    assert '<span id="total">1</span>' in filtered and 'id="hit-ls1"' in filtered
    assert 'href="https://opac.tinh.example/record/ls1"' in html
    response = client.get("/records/old-ls")
    assert response.status_code == 301 and response.headers["location"] == "/records/ls1"
    missing = client.get("/records/nothing")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.text


def test_record_page_leads_back_to_the_search_the_reader_came_from(client, base_url):
    search = "/?q=lich+su&library=tv-tinh&sort=-year&page=1"
    html = client.get("/records/ls1", headers={"Referer": base_url + search}).text
    assert f'<a href="{search.replace("&", "&amp;")}">‹ Kết quả tìm kiếm</a>' in html
    # Another site, or another page of this one, is no search to go back to.
    for referer in ("https://elsewhere.example/?q=lich+su", base_url + "/records/ls3", "", "http://[::1/?q=x",
                    "http://[zz]/?q=x"):
        html = client.get("/records/ls1", headers={"Referer": referer}).text
        assert '<a href="/">‹ Tìm kiếm</a>' in html


def test_record_page_shows_the_title_in_another_script_the_uniform_title_and_misprinted_isbns(client):
    html = client.get("/records/dg1").text
    assert "Nhan đề khác" in html and "丝绸之路" in html
    assert "Nhan đề thống nhất" in html and "Silk roads. Tiếng Việt" in html
    assert "ISBN in sai" in html and "9786040000001" in html
    record = client.get("/api/records/dg1").json()
    assert record["alternate_titles"] == ["丝绸之路"] and record["invalid_isbn"] == ["9786040000001"]


def test_record_page_names_each_author_with_dates_role_and_own_script_form(client):
    html = client.get("/records/dg1").text
    assert "Frankopan, Peter (1971-) <span lang=\"\">弗兰科潘</span>, tác giả</span>" in html
    assert "Lâm Tống, dịch</span>" in html  # "dịch" and "trl" are one role; an unknown code is not shown
    names = client.get("/api/records/dg1").json()["names"]
    assert [(n["name"], n["relators"], n["vernacular"]) for n in names] == [
        ("Frankopan, Peter", ["aut", "xyz"], "弗兰科潘"), ("Lâm Tống", ["dịch", "trl"], None)]
    # The own-script form is searchable.
    assert [h["id"] for h in client.get("/api/search", params={"q": "弗兰科潘"}).json()["hits"]] == ["dg1"]


def test_static_css_widget_and_opensearch_are_served(client):
    assert client.get("/static/style.css").status_code == 200
    widget = client.get("/static/widget.js")
    assert widget.status_code == 200 and "textContent" in widget.text and "innerHTML =" not in widget.text
    assert "{searchTerms}" in client.get("/opensearch.xml").text


def test_searches_keep_answering_while_the_index_is_rebuilt(client, store, settings):
    from index import build_index

    failures: list[str] = []
    done = threading.Event()

    def keep_searching() -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=10) as http:
            while not done.is_set():
                response = http.get("/api/search", params={"q": "lich su"})
                if response.status_code != 200 or response.json()["total"] != 2:
                    failures.append(f"{response.status_code} {response.text[:200]}")
                    return

    threads = [threading.Thread(target=keep_searching) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for n in range(4):
            store.save_clusters({}, [union(f"extra{n}", f"Sách thêm {n}", ("tv-tinh",))])
            build_index(store, settings, rebuild=(n % 2 == 0))
    finally:
        done.set()
        for thread in threads:
            thread.join()
    assert failures == []
    assert client.get("/api/search", params={"q": "sach them"}).json()["total"] == 4


def test_page_counts_holding_libraries_not_copies(store, settings):
    """Two copies in one library and one in another: held by 2 libraries, 3 copies."""
    search_index = index_records(store, settings, [
        union("tk2", "Truyện Kiều", ("tv-tinh", "tv-tinh", "tv-long-my"), authors=["Nguyễn Du"], year=2015)])
    with serve_in_thread(create_app(settings, store, search_index)) as url:
        page = httpx.get(url + "/", params={"q": "Truyện Kiều"}).text
        record_page = httpx.get(url + "/records/tk2").text
    assert "Có tại 2 thư viện (3 bản)" in page
    # Each library once in a result list, its copies counted.
    assert page.count('class="hit-holding"') == 2
    assert '959.7 TK2</span> <span class="copies">(2 bản)</span>' in page
    assert "Thư viện có tài liệu này (2; 3 bản)" in record_page


def test_a_cors_origin_written_with_a_trailing_slash_still_matches_the_browsers_origin(store, data_dir):
    settings = make_settings(data_dir, LIBRARIES, api={"cors_origins": ["https://School.example/"]})
    search_index = index_records(store, settings, [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))])
    with serve_in_thread(create_app(settings, store, search_index)) as url:
        response = httpx.get(url + "/api/search", params={"q": "lich su"}, headers={"Origin": "https://school.example"})
    assert response.headers.get("access-control-allow-origin") == "https://school.example"


def test_every_example_in_the_openapi_schema_is_valid_against_its_schema(client):
    """The WhyMember example left out `subtitle`, which its schema requires (review): a client generated
    from /openapi.json and tested with its examples failed on our own."""
    document = client.get("/openapi.json").json()
    components = document["components"]["schemas"]
    invalid = []
    for name, schema in components.items():
        # The component within the document, so its $refs (#/components/schemas/...) resolve.
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
        for example in schema.get("examples", []):
            invalid += [f"{name}: {error.message}" for error in validator.iter_errors(example)]
    assert sum(len(schema.get("examples", [])) for schema in components.values()) >= 5  # the examples were found
    assert invalid == []


def test_a_partner_s_unicode_domain_is_allowed_as_browsers_send_it(store, data_dir):
    """`https://thưviện.vn` in cors_origins stayed Unicode, and browsers send the punycode form: the
    partner could never be allowed (review)."""
    settings = make_settings(data_dir, LIBRARIES, api={"cors_origins": ["https://thưviện.vn"]})
    search_index = index_records(store, settings, [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))])
    sent = "https://" + "thưviện.vn".encode("idna").decode()  # what a browser's Origin header holds
    with serve_in_thread(create_app(settings, store, search_index)) as url:
        response = httpx.get(url + "/api/search", params={"q": "lich su"}, headers={"Origin": sent})
        preflight = httpx.options(url + "/api/search", headers={"Origin": sent, "Access-Control-Request-Method": "GET"})
    assert response.headers.get("access-control-allow-origin") == sent
    assert preflight.status_code == 200 and preflight.headers.get("access-control-allow-origin") == sent


def _page_error(response: httpx.Response) -> str:
    import re
    from html import unescape

    assert response.status_code == 400
    match = re.search(r'<div class="error" role="alert"><p[^>]*>(.*?)</p>', response.text, re.S)
    assert match, response.text[-1500:]
    return unescape(match.group(1))


@pytest.mark.parametrize("params, shown", [
    ({"q": 'title: (abc'}, "Không hiểu câu tìm: thiếu dấu"),  # was cut at the query's own ": "
    ({"q": "lich su", "sort": "bogus"}, "nhận 'bogus'"),  # was "nhận '?'"
    ({"q": "lich su", "page": "abc"}, "nhận 'abc'"),  # was "nhận 0"
    ({"q": "lich su", "page": "0"}, "nhận 0"),
])
def test_page_error_shows_the_whole_reason_and_what_was_typed(client, params, shown):
    text = _page_error(client.get("/", params=params))
    assert shown in text, text
    assert "query '" not in text  # the query is in the search box, not repeated in the reason


def test_page_with_an_empty_page_parameter_is_the_first_page(client):
    assert '<span id="total">2</span>' in client.get("/", params={"q": "lich su viet nam", "page": ""}).text


@pytest.mark.parametrize("params", [{}, {"q": "lich su"}, {"q": 'title: (abc'}])
def test_search_page_has_one_main_heading(client, params):
    """Record and error pages have an <h1>; the search page had none (its first heading was an h2)."""
    import re

    html = client.get("/", params=params).text
    headings = re.findall(r"<h([1-6])[\s>]", html)
    assert headings.count("1") == 1 and headings[0] == "1", headings


def test_a_title_in_another_language_is_marked_with_its_language(client):
    """A screen reader read "The history of Vietnam" with Vietnamese rules (WCAG 3.1.2 Language of Parts):
    the record's language (MARC code) becomes the title's lang; a Vietnamese title inherits the page's."""
    import re

    page = client.get("/", params={"q": "history"}).text
    assert re.search(r'<h3 class="hit-title" lang="en"><a href="/records/en1">The <mark>history</mark>', page), page
    record = client.get("/records/en1").text
    assert '<h1 class="record-title" lang="en">The history of Vietnam</h1>' in record
    vietnamese = client.get("/", params={"q": "lich su viet nam"}).text
    assert '<h3 class="hit-title"><a href="/records/ls1">' in vietnamese
    assert '<h1 class="record-title">Lịch sử Việt Nam</h1>' in client.get("/records/ls1").text


def test_each_results_page_has_its_own_title(client, store, settings):
    """Page 2 had the same <title> as page 1: a screen reader user moving between pages, or between
    browser tabs, could not tell them apart (WCAG 2.4.2)."""
    import re

    def title(params: dict) -> str:
        return re.search(r"<title>(.*?)</title>", client.get("/", params=params).text).group(1)

    first, second = title({"q": "lich su", "page": "1"}), title({"q": "lich su", "page": "2"})
    assert first != second and "trang 2" in second and "trang" not in first


def test_a_screen_reader_hears_the_count_or_the_error_in_the_title_of_the_results_page(client):
    """A search reloads the page and nothing moves focus to the results: a screen reader read the title,
    "lich su – Tìm kiếm", the same for 40 hits, for none and for a query it could not read (WCAG 4.1.3)."""
    import re
    from html import unescape

    def title(params: dict) -> str:
        return unescape(re.search(r"<title>(.*?)</title>", client.get("/", params=params).text).group(1))

    total = client.get("/api/search", params={"q": "lich su"}).json()["total"]
    assert total > 0 and title({"q": "lich su"}).startswith(f"lich su – {total} kết quả – Tìm kiếm")
    assert title({"q": "zzzzqqq"}).startswith("zzzzqqq – không tìm thấy tài liệu nào – ")
    assert title({"q": '(so tay'}).startswith('Lỗi – (so tay – Tìm kiếm')
    fuzzy = client.get("/api/search", params={"q": "lich su viet namm"}).json()
    assert fuzzy["fuzzy"] and f"{fuzzy['total']} kết quả gần đúng – " in title({"q": "lich su viet namm"})


def test_hit_details_are_separated_in_the_text_not_only_by_css(client):
    """Author, publisher, year and type were adjacent spans, separated by CSS ::before only: copied, read
    without the style sheet (a slow connection that dropped it, a text browser) they ran together
    ("Trần Trọng Kim2019")."""
    import re
    from html import unescape

    page = client.get("/", params={"q": "lich su viet nam"}).text
    meta = re.search(r'<p class="hit-meta">(.*?)</p>', page, re.S).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", meta)).split() == ["Trần", "Trọng", "Kim", "·", "2019", "·", "Sách"]


def test_a_new_search_keeps_the_chosen_order(client):
    """Sorted by newest, a new query typed in the box came back by relevance: the box's form carried the
    filters but not the order."""
    page = client.get("/", params={"q": "lich su", "sort": "-year"}).text
    form = page.split('<form class="search-form"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="sort" value="-year">' in form
    plain = client.get("/", params={"q": "lich su"}).text
    assert 'name="sort"' not in plain.split('<form class="search-form"', 1)[1].split("</form>", 1)[0]


def test_a_query_the_page_cannot_read_marks_the_box_invalid_and_points_to_the_reason(client):
    """The reason was shown above the results but not tied to the box: a screen reader in the box heard
    neither that it was wrong nor why (WCAG 3.3.1, 4.1.2)."""
    import re

    page = client.get("/", params={"q": 'title: (abc'}).text
    box = re.search(r'<input id="q"[^>]*>', page, re.S).group(0)
    assert 'aria-invalid="true"' in box
    described = re.search(r'aria-describedby="([^"]+)"', box).group(1).split()
    assert described[0] == "q-error" and "q-hint" in described
    assert re.search(r'id="q-error"[^>]*>[^<]*Không hiểu câu tìm', page)
    assert "aria-invalid" not in client.get("/", params={"q": "lich su"}).text


def test_pages_and_answers_are_compressed_for_slow_connections(client):
    """A page of 20 hits was 48 KB sent uncompressed, about a second on a phone's slow connection;
    gzip makes it a ninth. A client that does not ask for gzip still gets plain text."""
    for path, params in (("/", {"q": "lich su viet nam"}), ("/api/search", {"q": "lich su viet nam"})):
        compressed = client.get(path, params=params, headers={"Accept-Encoding": "gzip"})
        assert compressed.headers.get("content-encoding") == "gzip", path
        assert int(compressed.headers["content-length"]) < len(compressed.content) / 2, path
        plain = client.get(path, params=params, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.content == compressed.content


def test_pages_forbid_framing_and_scripts_and_every_answer_forbids_sniffing(client):
    """No header said how a browser may treat our answers: another site could frame the librarians'
    pages (clickjacking), a browser could sniff a JSON answer holding record text as HTML, and a
    search's words went to a library's OPAC in the Referer."""
    for path in ("/?q=lich+su", "/records/ls1", "/status", "/records/no-such-id"):
        response = client.get(path)
        policy = response.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy, path
        assert "script-src" not in policy and "style-src 'self'" in policy, path  # no script, our CSS only
        assert response.headers.get("x-frame-options") == "DENY", path
    for path in ("/", "/api/search", "/api/records/ls1", "/api/search.atom", "/widget.js", "/static/style.css",
                 "/oai?verb=Identify", "/api/records/no-such-id", "/docs"):
        response = client.get(path)
        assert response.headers.get("x-content-type-options") == "nosniff", path
        assert response.headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
    # The widget runs in the partner's page (no frame): nothing of ours restricts that page; /docs keeps
    # its CDN scripts and only loses framing.
    widget = client.get("/widget.js", headers={"Origin": "https://partner.example"})
    assert "content-security-policy" not in widget.headers and "x-frame-options" not in widget.headers
    assert client.get("/docs").headers["content-security-policy"] == "frame-ancestors 'none'"


def test_openapi_explains_every_field_and_parameter(client):
    """A partner's developer reads /openapi.json, not our code: each response field has a
    description or a value in its schema's example, each parameter a description, and the
    search documents what it refuses (400: more than 100 filter values) and 503."""
    schema = client.get("/openapi.json").json()
    unexplained = []
    for name, model in schema["components"]["schemas"].items():
        examples = model.get("examples") or []
        for field, spec in model.get("properties", {}).items():
            if not (spec.get("description") or "enum" in spec or any(field in example for example in examples)):
                unexplained.append(f"{name}.{field}")
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            unexplained += [f"{method} {path} ?{p['name']}" for p in operation.get("parameters", [])
                            if not p.get("description")]
    assert unexplained == [], unexplained
    for path in ("/api/search", "/api/search.atom"):
        responses = schema["paths"][path]["get"]["responses"]
        assert "100 filter values" in responses["400"]["description"] and "503" in responses
    assert "null" in schema["components"]["schemas"]["LibraryOut"]["properties"]["union_records"]["description"]
    assert schema["components"]["schemas"]["SearchResponse"]["examples"][0]["indexed"] is True


@pytest.mark.parametrize("params, shown", [
    ({"page": "0"}, "Số trang (page) phải từ 1, nhận 0."),
    ({"page": "abc"}, "Số trang (page) phải từ 1, nhận 'abc'."),
    ({"size": "1000"}, "Số kết quả mỗi trang (size) phải từ 1 đến 50, nhận 1000."),
    ({"sort": "bogus"}, "Cách sắp xếp (sort) phải là một trong: Phù hợp nhất"),
])
def test_a_page_size_or_sort_the_search_refuses_is_named_not_blamed_on_the_words(client, params, shown):
    """/?q=lich+su&page=0 said "Không hiểu câu tìm: page: …" though the words were fine; the box was marked invalid."""
    import re

    response = client.get("/", params={"q": "lich su", "language": "vie", **params})
    text = _page_error(response)
    assert text.startswith(shown) and "câu tìm" not in text, text
    assert "aria-invalid" not in response.text  # the words in the box are not what is wrong
    again = re.search(r'<a href="([^"]+)">Tìm lại với mặc định</a>', response.text).group(1)
    assert client.get(again.replace("&amp;", "&")).status_code == 200 and "language=vie" in again


@pytest.mark.parametrize("empty", ["sort", "page", "size", "library"])
def test_an_empty_optional_parameter_a_form_sends_is_its_default(client, empty):
    """A form's unchosen select sends `sort=`; it was a 400 "Không hiểu câu tìm: sort: …"."""
    import re

    plain = client.get("/", params={"q": "lich su"})
    sent = client.get("/", params={"q": "lich su", empty: ""})
    assert sent.status_code == plain.status_code == 200
    total = re.compile(r'id="total">(\d+)<')
    assert total.search(sent.text).group(1) == total.search(plain.text).group(1)


@pytest.mark.parametrize("params", [{"q": "xyzzyqwv"}, {"q": "lich su", "page": "99"}])
def test_a_page_without_hits_has_no_order_form_and_no_empty_list(client, params):
    """A search that found nothing (or a page past the last) showed the order form and an empty
    <ol class="hits">, which a screen reader announces as a list of 0 items."""
    page = client.get("/", params=params)
    assert page.status_code == 200 and '<p class="empty">' in page.text
    assert 'class="sort-form"' not in page.text and '<ol class="hits"' not in page.text
    found = client.get("/", params={"q": "lich su"}).text
    assert 'class="sort-form"' in found and '<ol class="hits"' in found


def _search_form_fields(page: str) -> list[tuple[str, str]]:
    """The hidden fields the search box's form sends with the words."""
    form = page.split('<form class="search-form"', 1)[1].split("</form>", 1)[0]
    return [(name, html.unescape(value)) for name, value
            in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)]


def _hit_ids(page: str) -> list[str]:
    return re.findall(r'<li class="hit" id="hit-([^"]+)"', page)


IN_FORCE = [("library", "tv-tinh"), ("language", "vie"), ("sort", "-year"), ("size", "1")]


@pytest.mark.parametrize("asked, kept", [
    ([("q", "title:("), *IN_FORCE], IN_FORCE),  # the words refused
    ([("q", "lich su"), *IN_FORCE[:-1], ("size", "0")], IN_FORCE[:-1]),  # the size refused
    ([("q", "lich su"), *IN_FORCE, ("library", "tv-tihn")], IN_FORCE),  # one filter refused
])
def test_a_refused_search_keeps_the_filters_order_and_size_in_force_for_the_corrected_one(client, asked, kept):
    """A query the page refused (400) kept only the order: the librarian corrected the words, pressed
    Tìm, and the search ran unfiltered over the whole catalogue."""
    page = client.get("/", params=asked)
    assert page.status_code == 400
    assert sorted(_search_form_fields(page.text)) == sorted(kept)
    # A chip for each filter kept; taking one off keeps the rest.
    chips = [set(parse_qsl(urlsplit(html.unescape(href)).query))
             for href in re.findall(r'<a class="chip" href="([^"]+)"', page.text)]
    filters = [field for field in kept if field[0] in ("library", "language")]
    assert chips == [{asked[0], *kept} - {chosen} for chosen in filters]
    # The librarian corrects the words and presses Tìm: the search runs as the first was meant to.
    corrected = client.get("/", params=[("q", "lich su"), *_search_form_fields(page.text)]).text
    intended = client.get("/", params=[("q", "lich su"), *kept]).text
    assert _hit_ids(corrected) == _hit_ids(intended) and _hit_ids(corrected)


def test_the_page_offers_every_year_the_search_counted(store, settings):
    """The page kept the 30 newest years of the 39 the API counted: books of 1952-1994 could not be
    chosen by year. The older ones are behind "Xem thêm", open once one of them is chosen."""
    catalog = index_records(store, settings, [union(f"y{year}", f"Địa chí {year}", year=year)
                                              for year in range(1952, 2026, 2)])
    with search_client(settings, catalog) as client:
        counted = [v["value"] for v in client.get("/api/search").json()["facets"]["year"]]
        page = client.get("/").text
        facet = page.split('id="facet-year"', 1)[1].split("</section>", 1)[0]
        assert re.findall(r'data-value="(\d+)"', facet) == counted
        shown, more = facet.split('<details class="facet-more">', 1)
        assert len(re.findall(r'data-value="', shown)) == 30 and "<summary>" in more
        oldest = client.get("/", params={"year": counted[-1]}).text
        assert '<details class="facet-more" open>' in oldest.split('id="facet-year"', 1)[1]
