"""The partner-site widget in headless Chromium, embedded on pages served from other origins on 127.0.0.1.

The API runs on one port; two tiny http.servers on other ports serve the same
partner page.  One origin is in `api.cors_origins` and gets results; the other
is not, and the browser refuses it the API's answers (CORS).
"""

from __future__ import annotations

import contextlib
import json
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser_helpers import headless_chromium, require_chromium

from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.e2e_helpers import free_port
from tests.sub_path_proxy import behind_sub_path
from tests.test_api import serve_in_thread
from store.models import Holding, UnionRecord
from tests.test_index import LIBRARIES, union

require_chromium()

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

XSS_TITLE = "<img src=x onerror=\"window.pwned=1\"> Sổ tay <script>window.pwned=2</script>"
PARTNER_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường THCS</title>
<style>li {{ color: rgb(255, 0, 0) !important; }} input {{ display: none; }}
.sidebar div {{ color: rgb(255, 0, 0); font-size: 9px; text-transform: uppercase; }}</style></head>
<body><h1>Thư viện trường</h1><ol><li id="host-li">host list item</li></ol>
<div class="sidebar"><div id="catalog" data-unioncat-search data-size="5"></div></div>
<script src="{api}/widget.js"></script></body></html>"""
# A college's page in English on a white background.
ENGLISH_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>College library</title></head>
<body style="background:#fff"><h1>Library</h1><div id="catalog" data-unioncat-search></div>
<script src="{api}/widget.js"></script></body></html>"""
# A school site with a dark theme: light text on a dark page.
DARK_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title>
<style>body {{ background: #1e1e1e; color: #eee; }}</style></head>
<body><div id="catalog" data-unioncat-search></div><script src="{api}/widget.js"></script></body></html>"""
# A site with a strict Content-Security-Policy: our script and API allowed, no inline styles anywhere.
CSP_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src {api}; connect-src {api}; style-src 'self'">
<title>Trường</title></head>
<body><div id="catalog" data-unioncat-search></div><script src="{api}/widget.js"></script></body></html>"""
# A partner who asks for more hits than the API gives in one page, and one with a typo.
SIZES_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head>
<body><div id="catalog" data-unioncat-search data-size="500"></div><div id="typo" data-unioncat-search data-size="-5">
</div><script src="{api}/widget.js"></script></body></html>"""
# A district library's own page: its newest titles before any search, and searches of its holdings only.
LIBRARY_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Thư viện huyện</title></head>
<body><div id="catalog" data-unioncat-search data-library="tv-long-my" data-new="3"></div>
<script src="{api}/widget.js"></script></body></html>"""
# A partner's sidebar of list items: the first container an <li>, which cannot take a shadow root.
LIST_ITEM_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head>
<body><ul><li id="item" data-unioncat-search data-size="2"></li></ul><div id="catalog" data-unioncat-search></div>
<script src="{api}/widget.js"></script></body></html>"""
# Another script on the partner's page has made one container unusable (it throws when given a shadow root).
BROKEN_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head>
<body><div id="taken" data-unioncat-search></div><div id="catalog" data-unioncat-search></div>
<script>document.getElementById("taken").attachShadow = function () {{ throw new TypeError("taken by a slider"); }};
</script><script src="{api}/widget.js"></script></body></html>"""
# A partner page written right to left.
RTL_PAGE = """<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>مكتبة</title></head>
<body><h1>مكتبة</h1><div id="catalog" data-unioncat-search></div><script src="{api}/widget.js"></script></body></html>"""
# A page whose own script replaced the global URL (an old polyfill, a framework's router).
OWN_URL_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang</title>
<script>window.URL = function () {{ throw new Error("the page's own URL"); }};</script></head>
<body><div id="catalog" data-unioncat-search></div><script src="{api}/widget.js"></script></body></html>"""
# A CMS page that puts the container in 200 ms after load, and moves a list of widgets already mounted.
LATE_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head>
<body><ul id="list"><li id="item" data-unioncat-search></li></ul><div id="slot"></div>
<script src="{api}/widget.js"></script>
<script>setTimeout(function () {{
  var box = document.createElement("section"), host = document.createElement("div");
  host.id = "catalog"; host.setAttribute("data-unioncat-search", ""); box.appendChild(host);
  document.getElementById("slot").appendChild(box);
  document.body.appendChild(document.getElementById("list"));
  document.getElementById("later").setAttribute("data-unioncat-search", "");
}}, 200);</script><div id="later"></div></body></html>"""
# The same with a typo in its library id.
TYPO_LIBRARY_PAGE = LIBRARY_PAGE.replace('data-library="tv-long-my"', 'data-library="tv-long-mi"')
# A title holding a web address: one "word" wider than a phone.
LONG_TITLE = "Cẩm nang https://thuvien.haugiang.example/opac/cam-nang-bandoc-truongthcs-vithanh-2024"
# Three copies in one library (two call numbers), one in another.
COPIES = [Holding(library="tv-tinh", call_number="895.9221 HO258", location="Kho mượn", record_id="tv-tinh:1"),
          Holding(library="tv-tinh", call_number="895.9221 HO258", location="Kho mở", record_id="tv-tinh:1"),
          Holding(library="tv-tinh", call_number="895.9221 H", location="Kho đọc", record_id="tv-tinh:2"),
          Holding(library="tv-long-my", call_number="895.9 H", record_id="tv-long-my:7")]


@contextlib.contextmanager
def _serve_directory(directory, port: int) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Iterator[dict[str, str]]:
    """The API (allowing one partner origin) and two partner sites, all on 127.0.0.1."""
    work = tmp_path_factory.mktemp("widget")
    allowed_port, other_port = free_port(), free_port()
    settings = make_settings(work / "data", LIBRARIES,
                             api={"cors_origins": [f"http://127.0.0.1:{allowed_port}"], "max_query_chars": 700})
    (work / "data").mkdir()
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [
            union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), authors=["Trần Trọng Kim"], year=2019),
            union("xss", XSS_TITLE, ("tv-long-my",), authors=["<b>Ai</b>"], year=2001),
            union("en1", "The history of Vietnam", ("tv-tinh",), language="eng", year=2013),
            union("v1", "Nam Bộ kháng chiến", ("tv-tinh",), part="Tập 1", year=2010),
            union("v2", "Nam Bộ kháng chiến", ("tv-tinh",), part="Tập 2", year=2010),
            union("url", LONG_TITLE, ("tv-tinh",), year=2024),
            # Indexed before normalize dropped bidi controls: an RLO left open in the author.
            union("rlo", "Cẩm nang bạn đọc", ("tv-tinh",), authors=["Lê \u202eVăn Tám"], publisher="Nxb Trẻ",
                  year=2019),
            UnionRecord(id="nk1", title="Nhật ký trong tù", holdings=COPIES,
                        members=["tv-tinh:1", "tv-tinh:2", "tv-long-my:7"]),
        ])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as api:
            page_dir = work / "partner"
            page_dir.mkdir()
            (page_dir / "index.html").write_text(PARTNER_PAGE.format(api=api), encoding="utf-8")
            for name, page in (("en.html", ENGLISH_PAGE), ("dark.html", DARK_PAGE), ("csp.html", CSP_PAGE),
                               ("sizes.html", SIZES_PAGE), ("library.html", LIBRARY_PAGE),
                               ("typo-library.html", TYPO_LIBRARY_PAGE), ("list-item.html", LIST_ITEM_PAGE),
                               ("broken.html", BROKEN_PAGE), ("rtl.html", RTL_PAGE),
                               ("late.html", LATE_PAGE), ("own-url.html", OWN_URL_PAGE)):
                (page_dir / name).write_text(page.format(api=api), encoding="utf-8")
            with _serve_directory(page_dir, allowed_port) as allowed, _serve_directory(page_dir, other_port) as other:
                yield {"api": api, "allowed": allowed, "other": other}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with headless_chromium(tmp_path_factory.mktemp("chromium-widget-profile")) as driver:
        yield driver


def _widget(browser, url: str, page: str = "index.html"):
    browser.get(f"{url}/{page}")
    host = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "catalog"))  # or a page's script adds it
    root = WebDriverWait(browser, 20).until(lambda d: d.execute_script("return arguments[0].shadowRoot", host))
    return host, root


def _search(browser, root, text: str) -> str:
    box = root.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys(text, Keys.ENTER)
    status = root.find_element(By.CSS_SELECTOR, ".status")
    WebDriverWait(browser, 20).until(lambda d: status.text and status.text != "Đang tìm…")
    return status.text


def test_widget_on_an_allowed_origin_searches_with_isolated_styles(sites, browser):
    host, root = _widget(browser, sites["allowed"])
    assert host.find_elements(By.CSS_SELECTOR, "*") == []  # nothing in the light DOM: all inside the shadow root
    assert root.find_element(By.CSS_SELECTOR, "input[type=search]").is_displayed()  # host's `input {display:none}`
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    hit = root.find_element(By.CSS_SELECTOR, "li.hit")
    link = hit.find_element(By.CSS_SELECTOR, "a.title")
    assert link.text == "Lịch sử Việt Nam" and link.get_attribute("href") == sites["api"] + "/records/ls1"
    assert "Thư viện tỉnh Hậu Giang (959.7 LS1)" in hit.text
    # the host's `li { color: red !important }` does not reach the widget, and ours do not leak out
    assert hit.value_of_css_property("color") != "rgba(255, 0, 0, 1)"
    assert browser.find_element(By.ID, "host-li").value_of_css_property("color") == "rgba(255, 0, 0, 1)"


def test_a_rule_of_the_partner_page_that_matches_the_host_does_not_style_the_widget(sites, browser):
    """`.sidebar div {...}` beats the widget's :host rules; inherited properties must still not flow in."""
    host, root = _widget(browser, sites["allowed"])
    assert host.value_of_css_property("font-size") == "9px"  # the rule does match the host element
    style = browser.execute_script("var s = getComputedStyle(arguments[0]); "
                                   "return [s.color, s.fontSize, s.textTransform];",
                                   root.find_element(By.CSS_SELECTOR, "label"))
    assert style == ["rgb(27, 27, 27)", "16px", "none"]


# Counts the API answers the widget has read and acted on: its handlers run in the microtasks after
# Response.json() resolves, so a task queued at that moment runs after them.
ANSWERS_HANDLED_JS = """window.answersHandled = 0; var json = Response.prototype.json;
Response.prototype.json = function () {
  return json.call(this).finally(function () { setTimeout(function () { window.answersHandled++; }); });
};"""


def test_only_the_newest_search_is_shown(sites, browser):
    """Two searches sent before the first answer: the older answer must not be drawn too."""
    _, root = _widget(browser, sites["allowed"])
    browser.execute_script(ANSWERS_HANDLED_JS + "var root = arguments[0], input = root.querySelector('input'), "
                           "form = root.querySelector('form'); input.value = 'lich su'; form.requestSubmit(); "
                           "input.value = 'so tay'; form.requestSubmit();", root)
    # Until both answers are handled, not a fixed sleep: the older one may come last, and a sleep is
    # either slow or, on a loaded machine, too short to see it drawn.
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return window.answersHandled") == 2)
    titles = [a.get_attribute("textContent") for a in root.find_elements(By.CSS_SELECTOR, "li.hit a.title")]
    assert titles == [XSS_TITLE] and len(root.find_elements(By.CSS_SELECTOR, ".more")) == 1


def test_widget_inserts_record_text_as_text(sites, browser):
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, "so tay") == "Tìm thấy 1 tài liệu"
    link = root.find_element(By.CSS_SELECTOR, "li.hit a.title")
    assert link.text == XSS_TITLE
    assert root.find_elements(By.CSS_SELECTOR, "li.hit img, li.hit script, li.hit b") == []
    assert browser.execute_script("return window.pwned === undefined")


def test_a_page_on_an_origin_not_in_cors_origins_cannot_read_the_api(sites, browser):
    _, root = _widget(browser, sites["other"])
    assert _search(browser, root, "lich su") == "Không kết nối được với mục lục liên hợp."
    outcome = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "fetch(arguments[0] + '/api/search?q=lich').then(r => r.text()).then(t => done('read: ' + t.length),"
        " e => done('blocked: ' + e.name));", sites["api"])
    assert outcome == "blocked: TypeError"


def test_widget_text_is_marked_vietnamese_on_a_page_in_another_language(sites, browser):
    """Screen readers read the widget's Vietnamese with the page's language rules otherwise (WCAG 3.1.2)."""
    _, root = _widget(browser, sites["allowed"], "en.html")
    for selector in ("label", "button", ".status"):
        assert browser.execute_script("return arguments[0].matches(':lang(vi)')",
                                      root.find_element(By.CSS_SELECTOR, selector)), selector


def test_widget_lists_each_holding_library_once_with_its_call_numbers(sites, browser):
    """It repeated the library once per copy; the page counts libraries, not copies."""
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, "nhat ky") == "Tìm thấy 1 tài liệu"
    text = root.find_element(By.CSS_SELECTOR, "li.hit .holdings").text
    entries = dict(re.fullmatch(r"(.+) \((.+)\)", entry).groups() for entry in text.removeprefix("Có tại: ").split(", "))
    assert len(entries) == 2 and entries["Thư viện huyện Long Mỹ"] == "895.9 H", text
    assert sorted(entries["Thư viện tỉnh Hậu Giang"].split("; ")) == ["895.9221 H", "895.9221 HO258"], text


def _luminance(rgb: tuple[int, ...]) -> float:
    channels = [c / 255 for c in rgb]
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def test_widget_keyboard_focus_ring_has_3_to_1_contrast_on_a_white_page(sites, browser):
    """The 3px #f0a500 outline alone is 2.1:1 on white (WCAG 1.4.11 asks 3:1); a dark ring goes with it."""
    _, root = _widget(browser, sites["allowed"], "en.html")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # keyboard focus: :focus-visible applies
    focused = browser.execute_script("return arguments[0].activeElement", root)
    assert focused is not None and focused.tag_name == "input"
    outline, shadow = browser.execute_script("var s = getComputedStyle(arguments[0]); "
                                             "return [s.outlineColor, s.boxShadow];", focused)
    colours = [tuple(int(x) for x in m) for m in re.findall(r"rgba?\((\d+), (\d+), (\d+)", outline + " " + shadow)]
    best = max((1 + 0.05) / (_luminance(c) + 0.05) for c in colours)
    assert best >= 3, (outline, shadow)


# The colour behind an element: the first ancestor with a background, across the shadow boundary.
BACKGROUND_JS = """var node = arguments[0];
while (node) {
  if (node.nodeType === 1) { var bg = getComputedStyle(node).backgroundColor;
                              if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg; }
  node = node.parentNode || node.host;
}
return 'rgb(255, 255, 255)';"""


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_widget_text_is_readable_on_a_dark_partner_page(sites, browser):
    """The widget set its text colours (#1b1b1b) but no background: on a dark site its label, status and
    results were dark grey on near black (1.1:1; WCAG 1.4.3 asks 4.5:1)."""
    _, root = _widget(browser, sites["allowed"], "dark.html")
    _search(browser, root, "lich su")
    for selector in ("label", ".status", "li.hit a.title", "li.hit .holdings"):
        element = root.find_element(By.CSS_SELECTOR, selector)
        colour = browser.execute_script("return getComputedStyle(arguments[0]).color", element)
        background = browser.execute_script(BACKGROUND_JS, element)
        assert _contrast(_rgb(colour), _rgb(background)) >= 4.5, (selector, colour, background)


def test_widget_is_styled_on_a_page_with_a_strict_content_security_policy(sites, browser):
    """A `<style>` element is inline style: a partner's `style-src 'self'` blocked it, the widget came
    unstyled (no focus ring of its own, a grey button) and the console showed a CSP violation."""
    browser.get_log("browser")  # drop what earlier pages logged
    _, root = _widget(browser, sites["allowed"], "csp.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    button = root.find_element(By.CSS_SELECTOR, "button")
    assert browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", button) == \
        "rgb(11, 83, 148)"
    violations = [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert violations == []


def test_a_data_size_the_api_refuses_still_searches(sites, browser):
    """data-size="500" (over the API's page size) or "-5" made every search of that widget a 400, shown
    to the site's visitors as "size phải từ 1 đến 100, nhận 500"."""
    host, root = _widget(browser, sites["allowed"], "sizes.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    typo = browser.execute_script("return arguments[0].shadowRoot", browser.find_element(By.ID, "typo"))
    assert _search(browser, typo, "lich su") == "Tìm thấy 1 tài liệu"


def test_a_failing_catalogue_is_explained_to_visitors_without_its_internals(tmp_path, browser):
    """A 503 (index being rebuilt, disk trouble) showed the API's message to a school's visitors: English,
    with the server's file paths ("cannot open the search index /srv/…")."""
    from tests.test_harvest_support import Canned, FaultServer

    widget = (Path(__file__).resolve().parent.parent / "search_api" / "static" / "widget.js").read_bytes()
    port = free_port()
    page_dir = tmp_path / "partner"
    page_dir.mkdir()
    message = "cannot open the search index /srv/unioncat/index/v31: No such file or directory"
    api = FaultServer([
        Canned(widget, headers={"Content-Type": "text/javascript; charset=utf-8"}),
        Canned(json.dumps({"error": "SearchIndexError", "message": message, "status": 503}).encode(), 503,
               headers={"Content-Type": "application/json", "Access-Control-Allow-Origin": f"http://127.0.0.1:{port}"}),
    ])
    try:
        (page_dir / "index.html").write_text(ENGLISH_PAGE.format(api=api.url.removesuffix("/oai")), encoding="utf-8")
        with _serve_directory(page_dir, port) as site:
            _, root = _widget(browser, site)
            shown = _search(browser, root, "lich su")
    finally:
        api.stop()
    assert "/srv/" not in shown and "index" not in shown
    assert shown.startswith("Mục lục liên hợp tạm thời không trả lời"), shown


def test_widget_marks_a_title_in_another_language(sites, browser):
    """As on the page (WCAG 3.1.2): an English title read with Vietnamese rules is hard to understand."""
    _, root = _widget(browser, sites["allowed"])
    _search(browser, root, "history")
    assert root.find_element(By.CSS_SELECTOR, "li.hit a.title").get_attribute("lang") == "en"
    root.find_element(By.CSS_SELECTOR, "input").clear()
    _search(browser, root, "lich su")
    assert browser.execute_script("return arguments[0].matches(':lang(vi)')",
                                  root.find_element(By.CSS_SELECTOR, "li.hit a.title"))


def test_widget_results_list_holds_only_the_hits(sites, browser):
    """The "see all results" link was an item of the results list: a screen reader announced one hit more
    than there were, and after no hit at all a list of one link to nothing."""
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    assert len(root.find_elements(By.CSS_SELECTOR, "ol > li")) == 1
    assert root.find_element(By.CSS_SELECTOR, ".more a").text == "Xem tất cả kết quả"
    root.find_element(By.CSS_SELECTOR, "input").clear()
    # No hit: said as the page says it (not "Tìm thấy 0 tài liệu").
    page = httpx.get(sites["api"] + "/", params={"q": "zzzqqq"}, timeout=10).text
    assert _search(browser, root, "zzzqqq") == re.search(r'<p class="empty">(.*?)</p>', page).group(1)
    assert root.find_elements(By.CSS_SELECTOR, "ol > li, .more a") == []


def test_widget_tells_the_volumes_of_a_set_apart(sites, browser):
    """Each volume is its own record; the widget showed both as "Nam Bộ kháng chiến", two links
    of the same text to different records (WCAG 2.4.4), where the page shows ". Tập 1" and ". Tập 2"."""
    _, root = _widget(browser, sites["allowed"])
    _search(browser, root, "nam bo khang chien")
    titles = sorted(a.text for a in root.find_elements(By.CSS_SELECTOR, "li.hit a.title"))
    assert titles == ["Nam Bộ kháng chiến. Tập 1", "Nam Bộ kháng chiến. Tập 2"]


def test_a_library_page_shows_its_new_titles_and_searches_its_own_holdings(sites, browser):
    """data-new lists the library's newest titles before any search; data-library keeps every search,
    and the link to all results, to what that library holds."""
    _, root = _widget(browser, sites["allowed"], "library.html")
    WebDriverWait(browser, 20).until(lambda d: root.find_elements(By.CSS_SELECTOR, "li.hit"))
    titles = {a.text for a in root.find_elements(By.CSS_SELECTOR, "li.hit a.title")}
    assert titles == {"Lịch sử Việt Nam", XSS_TITLE, "Nhật ký trong tù"}  # held by tv-long-my; nothing else
    more = root.find_element(By.CSS_SELECTOR, ".more a").get_attribute("href")
    assert more == f"{sites['api']}/?sort=new&library=tv-long-my"
    # "Nam" is in three titles; only "Lịch sử Việt Nam" is held by tv-long-my.
    assert _search(browser, root, "nam") == "Tìm thấy 1 tài liệu"
    assert [a.text for a in root.find_elements(By.CSS_SELECTOR, "li.hit a.title")] == ["Lịch sử Việt Nam"]


def test_a_library_id_the_catalogue_lacks_is_explained_not_shown_as_an_empty_list(sites, browser):
    """data-library="tv-long-mi" (a typo) showed nothing at all, as if the library held nothing."""
    _, root = _widget(browser, sites["allowed"], "typo-library.html")
    status = root.find_element(By.CSS_SELECTOR, ".status")
    WebDriverWait(browser, 20).until(lambda d: status.text)
    assert status.text.startswith("Tiện ích tìm kiếm trên trang này đặt sai thư viện: library='tv-long-mi'")
    assert "'tv-long-my'" in status.text and not root.find_elements(By.CSS_SELECTOR, "li.hit")
    assert _search(browser, root, "nam").startswith("Tiện ích tìm kiếm trên trang này đặt sai thư viện")


def test_a_catalogue_that_never_answers_is_given_up_with_a_message(tmp_path, browser):
    """A server that accepts the search and never answers left "Đang tìm…" on the partner's page for good."""
    from tests.test_harvest_support import Canned, FaultServer

    widget = (Path(__file__).resolve().parent.parent / "search_api" / "static" / "widget.js").read_bytes()
    port = free_port()
    page_dir = tmp_path / "partner"
    page_dir.mkdir()
    api = FaultServer([Canned(widget, headers={"Content-Type": "text/javascript; charset=utf-8"}),
                       Canned(b"{}", delay_s=60, headers={"Content-Type": "application/json",
                                                          "Access-Control-Allow-Origin": f"http://127.0.0.1:{port}"})])
    try:
        (page_dir / "index.html").write_text(ENGLISH_PAGE.format(api=api.url.removesuffix("/oai")), encoding="utf-8")
        with _serve_directory(page_dir, port) as site:
            _, root = _widget(browser, site)
            root.find_element(By.CSS_SELECTOR, "input[type=search]").send_keys("lich su", Keys.ENTER)
            status = root.find_element(By.CSS_SELECTOR, ".status")
            # The widget waits 15 s (Chromium's virtual time does not run timers while a fetch is pending).
            WebDriverWait(browser, 30).until(lambda d: status.text != "Đang tìm…")
            shown = status.text
    finally:
        api.stop()
    assert shown == "Mục lục liên hợp không trả lời kịp. Xin thử lại sau."


def _list_name(browser, root) -> str:
    """The accessible name of the widget's list, from its aria-labelledby (inside the shadow root)."""
    return browser.execute_script("var list = arguments[0].querySelector('ol'), id = list.getAttribute('aria-labelledby');"
                                  "return id ? arguments[0].getElementById(id).textContent : '';", root)


def test_the_new_titles_list_is_labelled_and_not_announced_as_a_status(sites, browser):
    """Before any search, "Mới bổ sung" was put in the live status region: a screen reader announced it as
    if the visitor had done something, and the list itself had no name. The list is now named by a visible
    caption, the status region stays quiet until a search, and a search's list is named by its count."""
    _, root = _widget(browser, sites["allowed"], "library.html")
    WebDriverWait(browser, 20).until(lambda d: root.find_elements(By.CSS_SELECTOR, "li.hit"))
    status = root.find_element(By.CSS_SELECTOR, "[role=status]")
    assert status.text == ""
    caption = root.find_element(By.CSS_SELECTOR, ".caption")
    assert caption.is_displayed() and caption.text == "Tài liệu mới bổ sung"
    assert _list_name(browser, root) == "Tài liệu mới bổ sung"
    assert _search(browser, root, "nam") == "Tìm thấy 1 tài liệu"
    assert not caption.is_displayed()  # the list below is no longer the new titles
    assert _list_name(browser, root) == "Tìm thấy 1 tài liệu"


def test_a_query_the_catalogue_cannot_read_is_explained_as_on_the_page(sites, browser):
    """An unclosed parenthesis (then, a quote) showed the visitor the API's message for developers: `query
    '(so tay': thiếu dấu ) (unbalanced parentheses)`, English and their own query quoted back; the page says
    "Không hiểu câu tìm: …" with the reason only."""
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, '(so tay') == 'Không hiểu câu tìm: thiếu dấu ) (unbalanced parentheses)'


def test_widget_offers_the_suggestion_the_page_offers_after_a_typo(sites, browser):
    """After a typo the page asks "Có phải bạn muốn tìm: …?" and links the corrected search; the widget only
    said it showed approximate results. Its suggestion is a button: pressed, it searches and focus returns
    to the search box (the button itself goes away with the old results)."""
    _, root = _widget(browser, sites["allowed"])
    shown = _search(browser, root, "lich su viet namm")
    assert shown.startswith("Không tìm thấy kết quả chính xác"), shown
    button = root.find_element(By.CSS_SELECTOR, ".suggestion button")
    suggested = button.text
    assert suggested.lower() == "lich su viet nam"
    assert root.find_element(By.CSS_SELECTOR, ".suggestion").text == f"Có phải bạn muốn tìm: {suggested}?"
    button.send_keys(Keys.ENTER)
    status = root.find_element(By.CSS_SELECTOR, ".status")
    WebDriverWait(browser, 20).until(lambda d: status.text.startswith("Tìm thấy"))
    box = root.find_element(By.CSS_SELECTOR, "input[type=search]")
    assert box.get_attribute("value") == suggested
    assert browser.execute_script("return arguments[0].activeElement", root) == box
    assert root.find_elements(By.CSS_SELECTOR, ".suggestion button") == []


def test_a_title_wider_than_a_phone_wraps_inside_the_widget(sites, browser):
    """The widget resets every inherited property (`all: initial`), overflow-wrap too: a title holding a web
    address stayed one unbroken line and the partner's page scrolled sideways on a 360 px phone."""
    size = browser.get_window_size()
    browser.set_window_size(360, 740)
    try:
        _, root = _widget(browser, sites["allowed"])
        assert _search(browser, root, "cam nang bandoc") == "Tìm thấy 1 tài liệu"
        assert root.find_element(By.CSS_SELECTOR, "li.hit a.title").text == LONG_TITLE
        overflow = browser.execute_script("var d = document.documentElement; return d.scrollWidth - d.clientWidth")
        assert overflow == 0
    finally:
        browser.set_window_size(size["width"], size["height"])


def _live_region_of(browser, element):
    """The nearest ancestor a screen reader watches for changes (role=status or aria-live), or None."""
    return browser.execute_script("return arguments[0].closest('[role=status], [role=alert], [aria-live]')", element)


def test_the_suggestion_is_announced_with_the_count(sites, browser):
    """"Có phải bạn muốn tìm: …?" sat outside the widget's live region: after a typo a screen reader
    announced the approximate count and never the corrected words the visitor could search for."""
    _, root = _widget(browser, sites["allowed"])
    _search(browser, root, "lich su viet namm")
    region = root.find_element(By.CSS_SELECTOR, "[role=status]")
    suggestion = root.find_element(By.CSS_SELECTOR, ".suggestion")
    assert suggestion.text.startswith("Có phải bạn muốn tìm: ")
    assert _live_region_of(browser, suggestion) == region
    assert "Tìm thấy 1 tài liệu" in region.text and suggestion.text in region.text


def test_a_catalogue_not_indexed_yet_is_not_ready_rather_than_empty(tmp_path, browser):
    """Before the first index run every search answers 0 hits: the widget told a school's visitors
    "Tìm thấy 0 tài liệu", as if the libraries held nothing of what they asked for."""
    port = free_port()
    settings = make_settings(tmp_path / "data", LIBRARIES, api={"cors_origins": [f"http://127.0.0.1:{port}"]})
    (tmp_path / "data").mkdir()
    page_dir = tmp_path / "partner"
    page_dir.mkdir()
    with CatalogStore(settings.db_path) as store, \
            serve_in_thread(create_app(settings, store, SearchIndex(settings))) as api:
        (page_dir / "index.html").write_text(ENGLISH_PAGE.format(api=api), encoding="utf-8")
        with _serve_directory(page_dir, port) as site:
            _, root = _widget(browser, site)
            shown = _search(browser, root, "lich su")
    assert shown.startswith("Mục lục liên hợp chưa sẵn sàng để tìm"), shown
    assert "0" not in shown


def test_widget_offers_the_operator_for_a_lower_case_or_that_found_nothing(sites, browser):
    """The page offered "lich OR history" and the widget only said 0: the JSON answer had no such hint."""
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, "lich or history").startswith("Không tìm thấy tài liệu nào.")
    button = root.find_element(By.CSS_SELECTOR, ".suggestion button")
    assert root.find_element(By.CSS_SELECTOR, ".suggestion").text == "Có phải bạn muốn tìm: lich OR history?"
    button.send_keys(Keys.ENTER)
    status = root.find_element(By.CSS_SELECTOR, ".status")
    WebDriverWait(browser, 20).until(lambda d: status.text == "Tìm thấy 2 tài liệu")


def test_the_widget_box_takes_as_long_a_query_as_the_page_and_the_api(sites, browser):
    """The widget's box stopped at 500 characters where the page and the API take [api] max_query_chars."""
    import httpx

    _, root = _widget(browser, sites["allowed"])
    widget_most = int(root.find_element(By.CSS_SELECTOR, "input[type=search]").get_attribute("maxlength"))
    browser.get(sites["api"] + "/")
    page_most = int(browser.find_element(By.ID, "q").get_attribute("maxlength"))
    assert widget_most == page_most
    answers = [httpx.get(sites["api"] + "/api/search", params={"q": "lich".ljust(n)}, timeout=10).status_code
               for n in (page_most, page_most + 1)]
    assert answers == [200, 400]


# A partner asking for more new titles and hits than the catalogue gives in one page.
LARGE_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head>
<body><div id="catalog" data-unioncat-search data-new="30" data-size="30"></div>
<script src="{api}/widget.js"></script></body></html>"""


def test_a_catalogue_with_a_smaller_largest_page_keeps_the_widget_within_it(tmp_path, browser):
    """The widget capped data-size and data-new at a fixed 50: where [api] max_page_size is lower, every
    load of data-new="30" was a 400, shown to visitors as "Không hiểu câu tìm: size: …"."""
    port, max_page_size = free_port(), 2
    # default_page_size may not exceed max_page_size (config/settings.py): the widget sends its own size anyway.
    settings = make_settings(tmp_path / "data", LIBRARIES,
                             api={"cors_origins": [f"http://127.0.0.1:{port}"], "max_page_size": max_page_size,
                                  "default_page_size": max_page_size})
    (tmp_path / "data").mkdir()
    page_dir = tmp_path / "partner"
    page_dir.mkdir()
    records = [union(f"r{n}", f"Lịch sử tập {n}", year=2000 + n) for n in range(max_page_size + 2)]
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, records)
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as api:
            (page_dir / "index.html").write_text(LARGE_PAGE.format(api=api), encoding="utf-8")
            with _serve_directory(page_dir, port) as site:
                _, root = _widget(browser, site)
                WebDriverWait(browser, 20).until(lambda d: root.find_elements(By.CSS_SELECTOR, "li.hit")
                                                 or root.find_element(By.CSS_SELECTOR, ".status").text)
                new_titles = len(root.find_elements(By.CSS_SELECTOR, "li.hit"))
                refused = root.find_element(By.CSS_SELECTOR, ".status").text
                shown = _search(browser, root, "lich su")
                hits = len(root.find_elements(By.CSS_SELECTOR, "li.hit"))
    assert (new_titles, refused) == (max_page_size, "")
    assert shown == f"Tìm thấy {len(records)} tài liệu"
    assert hits == max_page_size


def test_a_widget_loaded_from_a_sub_path_searches_the_catalogue_there(tmp_path, browser):
    """Behind a reverse proxy at /mucluc the widget took its catalogue's address from the script's
    origin alone: its searches went to the portal's /api/search, not the catalogue's."""
    port = free_port()
    settings = make_settings(tmp_path / "data", LIBRARIES, api={"cors_origins": [f"http://127.0.0.1:{port}"],
                                                                "public_url": "https://tinh.example/mucluc"})
    (tmp_path / "data").mkdir()
    page_dir = tmp_path / "partner"
    page_dir.mkdir()
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [union("ls1", "Lịch sử Việt Nam", year=2019)])
        build_index(store, settings)
        with serve_in_thread(behind_sub_path(create_app(settings, store, SearchIndex(settings)), "/mucluc")) as api:
            (page_dir / "index.html").write_text(ENGLISH_PAGE.format(api=api + "/mucluc"), encoding="utf-8")
            with _serve_directory(page_dir, port) as site:
                _, root = _widget(browser, site)
                shown = _search(browser, root, "lich su")
                link = root.find_element(By.CSS_SELECTOR, "li.hit a.title").get_attribute("href")
    assert shown == "Tìm thấy 1 tài liệu"
    assert link == f"{api}/mucluc/records/ls1"


# Where a piece of text is drawn: the left edge of the first text node under `root` holding it.
TEXT_LEFT_JS = """var root = arguments[0], text = arguments[1];
var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), node;
while ((node = walker.nextNode())) {
  var at = node.data.indexOf(text);
  if (at >= 0) { var range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + text.length);
                 return range.getBoundingClientRect().left; }
}
return null;"""


def test_a_bidi_override_left_open_in_an_author_does_not_reorder_the_fields_after_it(sites, browser):
    """An unterminated RLO in an author (already indexed) reversed the rest of the hit's line, publisher and
    year drawn right to left ("Lê hcáS · 9102"), on the page and in the widget (security review): each
    field is isolated, so the fields after it stay in reading order."""
    browser.get(f"{sites['api']}/?q=cam+nang+ban+doc")
    meta = browser.find_element(By.CSS_SELECTOR, "#hit-rlo .hit-meta")
    publisher, year = (browser.execute_script(TEXT_LEFT_JS, meta, text) for text in ("Nxb Trẻ", "2019"))
    assert publisher is not None and year is not None and publisher < year, (publisher, year, meta.text)
    _, root = _widget(browser, sites["allowed"])
    assert _search(browser, root, "cam nang ban doc") == "Tìm thấy 1 tài liệu"
    meta = root.find_element(By.CSS_SELECTOR, "li.hit .meta")
    publisher, year = (browser.execute_script(TEXT_LEFT_JS, meta, text) for text in ("Nxb Trẻ", "2019"))
    assert publisher is not None and year is not None and publisher < year, (publisher, year, meta.text)


def test_a_list_item_container_gets_the_widget_and_does_not_stop_the_next_one(sites, browser):
    """An <li> cannot take a shadow root: attachShadow threw, the loop over the containers ended there and
    every widget on the page stayed empty, with nothing said. The <li> now carries the widget in a <div>
    of its own, and the container after it is mounted as well."""
    _, root = _widget(browser, sites["allowed"], "list-item.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    item = browser.find_element(By.ID, "item")
    inner = WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("var div = arguments[0].querySelector('div'); return div && div.shadowRoot", item))
    assert _search(browser, inner, "lich su") == "Tìm thấy 1 tài liệu"
    assert len(inner.find_elements(By.CSS_SELECTOR, "li.hit")) == 1


def test_a_container_that_fails_is_logged_by_name_and_the_others_still_work(sites, browser):
    """One container's failure ended the mounting of all the others, silently."""
    browser.get_log("browser")  # drop what earlier pages logged
    _, root = _widget(browser, sites["allowed"], "broken.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert len(errors) == 1 and "div#taken" in errors[0] and "taken by a slider" in errors[0], errors


def test_the_widget_reads_left_to_right_on_a_right_to_left_page(sites, browser):
    """`all: initial` resets every property but direction: on a <html dir="rtl"> page the Vietnamese widget
    was laid out right to left, its button left of the box and a hit's fields in reverse order."""
    _, root = _widget(browser, sites["allowed"], "rtl.html")
    _search(browser, root, "cam nang ban doc")
    wrapper = root.find_element(By.CSS_SELECTOR, ".unioncat")
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", wrapper) == "ltr"
    assert browser.execute_script("return arguments[0].matches(':lang(vi)')", wrapper)
    box, button = (root.find_element(By.CSS_SELECTOR, tag) for tag in ("input", "button[type=submit]"))
    assert box.rect["x"] < button.rect["x"]
    meta = root.find_element(By.CSS_SELECTOR, "li.hit .meta")
    publisher, year = (browser.execute_script(TEXT_LEFT_JS, meta, text) for text in ("Nxb Trẻ", "2019"))
    assert publisher is not None and year is not None and publisher < year, (publisher, year, meta.text)


def test_a_container_added_after_the_script_ran_gets_the_widget_once(sites, browser):
    """The widget mounted the containers present when the page loaded: one a CMS or a script inserted later
    stayed empty. A container moved after it was mounted keeps its one widget."""
    _, root = _widget(browser, sites["allowed"], "late.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
    item = browser.find_element(By.ID, "item")
    assert browser.execute_script("return arguments[0].parentNode.parentNode === document.body "
                                  "&& arguments[0].parentNode.nextElementSibling === null", item)  # moved
    assert browser.execute_script("return arguments[0].querySelectorAll('div').length", item) == 1
    # An element on the page since it loaded, given the attribute later, is a container too.
    later = browser.find_element(By.ID, "later")
    WebDriverWait(browser, 10).until(lambda _: browser.execute_script("return !!arguments[0].shadowRoot", later))


def test_the_widget_works_on_a_page_that_replaced_the_global_url(sites, browser):
    """The widget read its catalogue's address with the page's global URL: a page whose own script replaced
    it (an old polyfill, a router) got an empty widget (page review)."""
    _, root = _widget(browser, sites["allowed"], "own-url.html")
    assert _search(browser, root, "lich su") == "Tìm thấy 1 tài liệu"
