"""Response models of the JSON API: they shape /openapi.json and filter what is sent.

Names follow DESIGN.md "Interfaces" (`total`, `hits`, `facets`; each hit with
`id`, `title`, `authors`, `year`, `holdings`); more fields may be added, none removed.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from store.models import Link, Name

_HOLDING_EXAMPLE = {
    "library": "tv-tinh", "library_name": "Thư viện tỉnh Hậu Giang", "library_type": "provincial",
    "library_type_label": "Thư viện tỉnh", "district": "Vị Thanh", "call_number": "959.7 L302S",
    "location": "Kho mở", "opac_url": "https://opac.example.vn/record/123", "record_id": "tv-tinh:123",
}
_HIT_EXAMPLE = {
    "id": "u8f3k2", "title": "Lịch sử Việt Nam", "subtitle": "Từ nguồn gốc đến thế kỷ XIX",
    "authors": ["Trần Trọng Kim"], "year": 2019, "publisher": "Nxb. Văn học", "isbn": ["9786049690000"],
    "language": "vie", "language_label": "Tiếng Việt", "material_type": "book", "material_type_label": "Sách",
    "holdings": [_HOLDING_EXAMPLE], "part": "Tập 1", "place": "Hà Nội", "edition": "Tái bản lần thứ 2",
    "added": "2025-01-31", "score": 12.5,
    "highlight": {"title": "<mark>Lịch</mark> <mark>sử</mark> Việt Nam", "snippet": "Trần Trọng Kim"},
}
_EDITION_EXAMPLE = {"id": "u2k9w1", "title": "Lịch sử Việt Nam", "subtitle": None, "part": "Tập 1", "year": 2008,
                    "publisher": "Nxb. Văn hóa - Thông tin", "edition": "Tái bản", "holdings": [_HOLDING_EXAMPLE]}
_LIBRARY_EXAMPLE = {
    "id": "tv-tinh", "name": "Thư viện tỉnh Hậu Giang", "type": "provincial", "type_label": "Thư viện tỉnh",
    "district": "Vị Thanh", "protocol": "oai-pmh", "opac_url": "https://opac.example.vn/record/{id}",
    "records": 41230, "deleted": 12, "union_records": 39800, "last_success": "2025-01-31T18:00:05Z",
    "errors": [],
}


class HoldingOut(BaseModel):
    """One library's copy: where it is and how to reach the library's own OPAC."""

    model_config = ConfigDict(json_schema_extra={"examples": [_HOLDING_EXAMPLE]})

    library: str = Field(description="Library id from the registry.")
    library_name: str = Field(description="Vietnamese name of the library.")
    library_type: str | None = None
    library_type_label: str | None = None
    district: str | None = None
    call_number: str | None = None
    location: str | None = None
    opac_url: str | None = Field(default=None, description="The record in the library's own OPAC, when known.")
    record_id: str | None = Field(default=None, description="Source record `library:local_id`.")


class HighlightOut(BaseModel):
    """Safe HTML: every character of record text is escaped; the only tags are <mark> around matched words."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"title": "<mark>Lịch</mark> <mark>sử</mark> Việt Nam", "snippet": "Trần Trọng Kim"}]})

    title: str = Field(description="Title and subtitle, matched words in <mark>.")
    snippet: str | None = Field(default=None, description="Words around the first match in another field "
                                                             "(authors, subjects, ...); null when none matched.")


class HitOut(BaseModel):
    """One union record in a result list."""

    model_config = ConfigDict(json_schema_extra={"examples": [_HIT_EXAMPLE]})

    id: str = Field(description="Stable union record id; use it in /api/records/{id}.")
    title: str
    subtitle: str | None = None
    part: str | None = None
    authors: list[str] = []
    year: int | None = None
    publisher: str | None = None
    place: str | None = None
    edition: str | None = None
    isbn: list[str] = []
    language: str | None = None
    language_label: str | None = None
    material_type: str | None = None
    material_type_label: str | None = None
    holdings: list[HoldingOut] = []
    added: str | None = Field(default=None, description="Day (YYYY-MM-DD, Vietnam time) the title came into the union "
                                                         "catalogue; `sort=new` lists the newest first.  With "
                                                         "`sort=new` and a `library` filter, the day it came into "
                                                         "that library (its newest copy among those chosen).")
    score: float | None = Field(default=None, description="Relevance score (only when sorted by relevance).")
    highlight: HighlightOut | None = Field(
        default=None, description="Title and a snippet as HTML: record text escaped, matched words in <mark>.")


class FacetValueOut(BaseModel):
    value: str = Field(description="Value to pass back as a filter parameter.")
    label: str = Field(description="Vietnamese label.")
    count: int = Field(description="Matching records within the current filters.")
    selected: bool = Field(default=False, description="True when this value is among the request's filters.")


class SearchResponse(BaseModel):
    """A page of hits, the total, and facet counts within the applied filters."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "total": 1, "page": 1, "size": 20, "sort": "relevance", "q": "lich su viet nam", "fuzzy": False,
        "suggestion": None, "indexed": True, "hits": [_HIT_EXAMPLE],
        "facets": {"library": [{"value": "tv-tinh", "label": "Thư viện tỉnh Hậu Giang", "count": 1,
                                "selected": False}]},
    }, {
        "total": 0, "page": 1, "size": 20, "sort": "relevance", "q": "kieu or conan", "fuzzy": False,
        "operators": "kieu OR conan", "indexed": True, "hits": [], "facets": {"library": []},
    }]})

    total: int
    page: int
    size: int
    sort: str
    q: str
    fuzzy: bool = Field(default=False, description="True when nothing matched exactly and typos were allowed.")
    suggestion: str | None = Field(default=None, description="With `fuzzy`: the query spelled as the hits spell it.")
    operators: str | None = Field(default=None, description="With `total` 0: the query with a lower-case or/and/not "
                                                          "between two words written as the operator (`kieu or "
                                                          "conan`: `kieu OR conan`), to offer; the words were "
                                                          "searched as typed. Null otherwise.")
    indexed: bool = Field(default=True, description="False while the catalogue has nothing to search (before the "
                                                    "first `unioncat index`, or an index of no records): `total` 0 "
                                                    "then says the catalogue is not ready, not that nothing matched.")
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="library, library_type, district, year, decade (value 2010-2019), language, material_type, "
                    "subject; each value's `value` is passed back as the filter of the same name.")


class EditionOut(BaseModel):
    """Another union record of the same work (the same `work_key`): another edition, or another
    volume of a set (`part`), newest first and the volumes of one year in their order."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EDITION_EXAMPLE]})

    id: str
    title: str
    subtitle: str | None = Field(default=None, description="Other title information (245 $b): where a set's "
                                                           "volumes are catalogued \"Toán 12 : $b Tập 1\", "
                                                           "what tells them apart.")
    part: str | None = Field(default=None, description="Volume/part as catalogued (245 $n $p): tells the "
                                                       "volumes of a set apart; null for a one-volume edition.")
    year: int | None = None
    publisher: str | None = None
    edition: str | None = None
    holdings: list[HoldingOut] = []


class RecordOut(HitOut):
    """A union record with every holding library and its other editions."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_HIT_EXAMPLE, "score": None, "highlight": None, "uniform_title": None, "alternate_titles": [],
        "names": [{"name": "Trần Trọng Kim", "kind": "personal", "role": "main", "dates": "1883-1953",
                   "relators": [], "vernacular": None}],
        "responsibility": "Trần Trọng Kim", "pages": 588, "invalid_isbn": [], "issn": [], "invalid_issn": [],
        "other_ids": [], "subjects": ["Lịch sử", "Việt Nam"], "classification": ["DDC 959.7"], "series": [],
        "notes": [], "members": ["tv-tinh:123", "tv-long-my:LM4521"], "work_key": "lich su viet nam / kim",
        "other_editions": [_EDITION_EXAMPLE],
    }]})

    uniform_title: str | None = Field(default=None, description="Uniform title (MARC 130/240), when catalogued.")
    alternate_titles: list[str] = Field(default=[], description="The title in another script (MARC 880).")
    other_titles: list[str] = Field(default=[], description="Varying forms of the title (MARC 246): cover, "
                                                        "spine, parallel titles.")
    names: list[Name] = Field(default=[], description="The name heading behind each of `authors`: kind, role, "
                                                      "dates, relators ($e terms, $4 codes), own-script form.")
    responsibility: str | None = None
    pages: int | None = None
    invalid_isbn: list[str] = Field(default=[], description="ISBNs as printed, with a wrong check digit or a digit short or over.")
    issn: list[str] = []
    invalid_issn: list[str] = Field(default=[], description="ISSNs as printed, with a wrong check digit.")
    other_ids: list[str] = []
    subjects: list[str] = []
    classification: list[str] = []
    host: str | None = Field(default=None, description="The journal or book an article was printed in (MARC 773): "
                                                      "title, issue, pages, ISSN.")
    links: list[Link] = Field(default=[], description="Where the resource is online (MARC 856 $u, http(s) "
                                                   "only), with its link text when the record gives one.")
    series: list[str] = []
    notes: list[str] = []
    members: list[str] = Field(default=[], description="Source records merged into this union record.")
    work_key: str = Field(default="", description="Folded title and the first author's name words: "
                                                  "`other_editions` share it.")
    other_editions: list[EditionOut] = []


class LibraryOut(BaseModel):
    """A library of the registry with its harvest counts."""

    model_config = ConfigDict(json_schema_extra={"examples": [_LIBRARY_EXAMPLE]})

    id: str
    name: str
    type: str
    type_label: str
    district: str
    protocol: str
    opac_url: str | None = None
    records: int = Field(description="Live source records harvested.")
    deleted: int = 0
    union_records: int | None = Field(default=0, description="Union records this library holds, in the index; "
                                                           "null (unknown) while the index cannot be opened.")
    last_success: str | None = None
    errors: list[str] = []


class LibrariesResponse(BaseModel):
    """Every library of the registry, also while the search index cannot be opened."""

    # /openapi.json drops null values from examples (FastAPI writes the schema with exclude_none),
    # so the answer without an index is described in `index_error` and `union_records`, not shown.
    model_config = ConfigDict(json_schema_extra={"examples": [{"libraries": [_LIBRARY_EXAMPLE]}]})

    libraries: list[LibraryOut] = Field(description="In the registry's order.")
    index_error: str | None = Field(default=None, description="Why the search index cannot be opened, when it "
                                                              "cannot: `union_records` are then null.")


class HealthResponse(BaseModel):
    """The server answers and its search index opens (else 503)."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"status": "ok", "union_records": 39800, "index_documents": 39800, "index_version": "v31-1795825614"}]})

    status: str = Field(default="ok", description="Always ok: a server that cannot search answers 503.")
    union_records: int = Field(description="Union records searchable now (documents in the live index).")
    index_documents: int = Field(default=0, description="The same count as `union_records`.")
    index_version: str | None = Field(default=None, description="The live index's directory name, new when the "
                                                                "index is rebuilt; null while there is no index.")


class ErrorResponse(BaseModel):
    """Every error answer of the API."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": "QueryError", "message": "query 'title:': sau title: cần một từ để tìm (title: needs a word)",
         "status": 400, "reason": "sau title: cần một từ để tìm (title: needs a word)"}]})

    error: str
    message: str
    status: int
    reason: str | None = Field(default=None, description="QueryError only: what is wrong, without the query.")
