"""Filters whose values come from the registry (library, library type, district) or a code table
(language, material type) refuse a value neither holds: a partner's embed code with a typo
(`data-library="tv-tihn"`) showed an empty list, as if the library held nothing, instead of saying
what is wrong; `material_type=boook` was a silent 0 where `library_type=provincal` was a 400.

Free-form filters (subject, year) keep answering 0 hits for a value nothing has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import httpx
import pytest

from config.errors import QueryError
from index import SearchParams
from search_api import create_app
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union


@pytest.fixture
def settings(data_dir):
    return make_settings(data_dir, LIBRARIES)


@pytest.fixture
def catalog(store, settings):
    return index_records(store, settings, [
        union("a", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), year=2019, language="vie"),
        union("b", "Truyện Kiều", ("thpt-vi-thanh",), year=2001, language="vie")])


@pytest.fixture
def client(store, settings, catalog) -> Iterator[httpx.Client]:
    with serve_in_thread(create_app(settings, store, catalog)) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


@pytest.mark.parametrize("name, value, named", [
    ("library", "tv-tihn", "tv-tinh"),            # the closest id is named
    ("library", "no-such-library", "tv-long-my"),  # else every accepted id
    ("library_type", "provincal", "provincial"),
    ("library_type", "museum", "armed_forces"),
    ("district", "Vi Thanh", "Vị Thanh"),
    ("district", "Phụng Hiệp", "Long Mỹ"),
    ("material_type", "boook", "book"),
    ("material_type", "hologram", "serial"),
    ("language", "xyz", "vie"),
])
def test_a_registry_filter_value_the_registry_lacks_is_400_naming_it_and_the_accepted(client, name, value, named):
    response = client.get("/api/search", params={"q": "lich su", name: value})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "FilterError" and body["status"] == 400
    assert value in body["reason"] and named in body["reason"] and name in body["reason"]
    atom = client.get("/api/search.atom", params={name: value})
    assert atom.status_code == 400 and value in atom.text


def test_registry_filter_values_it_holds_still_filter_in_any_case_or_form(catalog):
    assert catalog.search(SearchParams(library=("TV-Tinh",))).total == 1
    assert catalog.search(SearchParams(library_type=("school", "district"))).total == 2
    assert catalog.search(SearchParams(district=("Long Mỹ",))).total == 1
    # A type no library of this registry has is still a type: it filters to nothing.
    assert catalog.search(SearchParams(library_type=("armed_forces",))).total == 0


def test_free_form_filter_values_nothing_has_still_answer_no_hits(catalog):
    for filters in ({"subject": ("Không có",)}, {"year": ("1800",)}):
        assert catalog.search(SearchParams(**filters)).total == 0, filters


def test_a_known_code_no_record_has_is_no_hits_and_a_code_a_record_has_filters(store, settings):
    """The code tables (index/labels.py) are what a filter may name before any record has it; a code
    only records have (a language without a label) still filters them."""
    from index.labels import LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI

    catalog = index_records(store, settings, [union("it", "Il nome della rosa", language="ita", material_type="book")])
    assert "ita" not in LANGUAGE_LABELS_VI
    assert catalog.search(SearchParams(language=("ita",))).total == 1
    unheld = [{"language": (code,)} for code in LANGUAGE_LABELS_VI if code != "ita"] + \
             [{"material_type": (code,)} for code in MATERIAL_TYPE_LABELS_VI if code != "book"]
    assert [filters for filters in unheld if catalog.search(SearchParams(**filters)).total != 0] == []


@pytest.mark.parametrize("name, value", [("year", "abc"), ("year", "2020-2010"), ("decade", "x")])
def test_a_year_filter_that_is_no_year_is_named_as_the_filter_not_as_the_words(client, name, value):
    """`year=abc` was a QueryError on the query ("query 'lich su': năm không hợp lệ"), and the page said
    "Không hiểu câu tìm" of the librarian's words."""
    body = client.get("/api/search", params={"q": "lich su", name: value}).json()
    assert (body["status"], body["error"]) == (400, "FilterError")
    assert body["reason"].startswith(f"{name}={value!r}")
    page = client.get("/", params={"q": "lich su", name: value})
    assert page.status_code == 400 and "Không hiểu câu tìm" not in page.text
    assert f"{name}=" in page.text and 'href="/?q=lich+su"' in page.text  # the way on without it


def test_fullwidth_digits_are_a_year_in_a_filter_and_a_year_term(client):
    """`year=２０１５` and `year:１９９８` (an East Asian input method's digits) were refused, while an ISBN took them."""
    fullwidth = str.maketrans("0123456789-", "０１２３４５６７８９－")

    def total(**params) -> int:
        response = client.get("/api/search", params=params)
        assert response.status_code == 200, response.text
        return response.json()["total"]

    for params in ({"year": "2019"}, {"year": "2000-2019"}, {"decade": "2010"}, {"q": "year:2019"},
                   {"q": "lich su year:2000..2019"}):
        typed = {name: value.translate(fullwidth) for name, value in params.items()}
        assert total(**typed) == total(**params) > 0, typed


def test_a_page_that_is_no_whole_number_is_said_in_vietnamese(client):
    """`page=1.5` answered pydantic's "Input should be a valid integer…" inside the Vietnamese message."""
    for name, value in (("page", "1.5"), ("page", "abc"), ("size", "ten")):
        body = client.get("/api/search", params={"q": "lich su", name: value}).json()
        assert (body["status"], body["error"]) == (400, "InvalidParameter")
        assert "Input should" not in body["message"] and "số nguyên" in body["message"]
        assert f"{name}: " in body["message"] and repr(value) in body["message"]


def test_one_unknown_value_among_known_ones_is_refused_too(catalog):
    with pytest.raises(QueryError, match="tv-tihn"):
        catalog.search(SearchParams(library=("tv-tinh", "tv-tihn")))


def test_the_search_page_shows_the_filter_error_not_an_empty_list(client):
    page = client.get("/", params={"q": "lich su", "library": "tv-tihn"})
    assert page.status_code == 400
    assert "tv-tihn" in page.text and "tv-tinh" in page.text and 'class="hit"' not in page.text
    assert "Không hiểu câu tìm" not in page.text  # the words were understood; the filter is wrong
    assert 'role="alert"' in page.text


def test_openapi_documents_the_400_for_an_unknown_registry_value(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]
    assert "registry" in operation["responses"]["400"]["description"]
    library = next(p for p in operation["parameters"] if p["name"] == "library")
    assert "400" in library["description"]


def test_every_material_type_has_a_label_of_its_own_that_the_page_shows_and_filters_by(store, settings):
    """'visual' showed as "Tài liệu nhìn" (librarians say "Tài liệu hình ảnh"), and 'music' (a sound
    recording) and 'score' were both "Bản nhạc": the label filtered neither, the facet listed it twice."""
    from index.labels import MATERIAL_TYPE_LABELS_VI

    codes = list(MATERIAL_TYPE_LABELS_VI)
    catalog = index_records(store, settings, [union(code, f"Tài liệu {n}", material_type=code)
                                              for n, code in enumerate(codes)])
    facet = {f["value"]: f["label"] for f in catalog.search(SearchParams()).facets["material_type"]}
    assert len(set(facet.values())) == len(codes), facet
    for code in codes:
        found = catalog.search(SearchParams(material_type=(facet[code],))).hits
        assert [(h["id"], h["material_type_label"]) for h in found] == [(code, facet[code])]
    assert "nhìn" not in facet["visual"] and "hình ảnh" in facet["visual"]


@pytest.mark.parametrize("typed", ["vị thanh", "VỊ THANH", " vị Thanh ", unicodedata.normalize("NFD", "vị thanh")])
def test_a_district_in_other_capitals_is_the_registry_s_district(client, typed):
    """`district=vị thanh` was a 400 ("có phải 'Vị Thanh'?") while `library=TV-TINH` filtered in any case."""
    def selected(body: dict) -> list[str]:
        return [value["value"] for value in body["facets"]["district"] if value["selected"]]

    registry_s = client.get("/api/search", params={"district": "Vị Thanh"})
    answer = client.get("/api/search", params={"district": typed})
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == registry_s.json()["total"] > 0
    assert selected(answer.json()) == selected(registry_s.json()) == ["Vị Thanh"]
    assert client.get("/api/search.atom", params={"district": typed}).status_code == 200
    # The page: its chip and its facet box untick the district, as with the registry's spelling.
    assert client.get("/", params={"district": typed}).text == client.get("/", params={"district": "Vị Thanh"}).text


@pytest.mark.parametrize("value", ["2010s", "2010-2020", "2011-2020", "2015", "2010..2019"])
def test_a_decade_is_its_ten_years_and_its_error_suggests_only_what_it_takes(client, value):
    """`decade=2010s` was told a year range's forms, "dùng 2019 hoặc 2010-2020": decade=2019 was then
    refused, and decade=2010-2020 (eleven years) passed, counting 2020's books in the 2010s."""
    body = client.get("/api/search", params={"decade": value}).json()
    assert (body["status"], body["error"]) == (400, "FilterError"), body
    suggested = re.findall(r"\b\d{4}(?:-\d{4})?\b", body["reason"].removeprefix(f"decade={value!r}"))
    assert "2010-2019" in suggested
    for form in suggested:
        assert client.get("/api/search", params={"decade": form}).status_code == 200, (form, body["reason"])
