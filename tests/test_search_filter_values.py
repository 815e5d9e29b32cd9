"""Filters whose values come from the registry (library, library type, district) refuse a value it
does not hold: a partner's embed code with a typo (`data-library="tv-tihn"`) showed an empty list,
as if the library held nothing, instead of saying what is wrong.

Free-form filters (year, language, subject, ...) keep answering 0 hits for a value nothing has.
"""

from __future__ import annotations

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
    for filters in ({"language": ("xyz",)}, {"material_type": ("hologram",)}, {"subject": ("Không có",)},
                    {"year": ("1800",)}):
        assert catalog.search(SearchParams(**filters)).total == 0, filters


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
