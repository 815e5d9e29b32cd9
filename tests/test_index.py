"""The index stage on a real store and a real Tantivy index in tmp_path.

Helpers here (`LIBRARIES`, `union`, `index_records`) are reused by test_api*.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from config.errors import QueryError
from index import SearchIndex, SearchParams, build_index, current_version
from index.query import build_query, match_query
from index.query_language import parse_query
from store import CatalogStore, Holding, UnionRecord

try:  # tests/ as a package, or as a plain directory on sys.path (pytest's default rootdir handling)
    from tests.conftest import make_settings
except ModuleNotFoundError:
    from conftest import make_settings

LIBRARIES = [
    {"id": "tv-tinh", "name": "Thư viện tỉnh Hậu Giang", "type": "provincial", "district": "Vị Thanh",
     "protocol": "oai-pmh", "url": "http://127.0.0.1:9/oai", "metadata_prefix": "marc21",
     "opac_url": "https://opac.tinh.example/record/{id}"},
    {"id": "tv-long-my", "name": "Thư viện huyện Long Mỹ", "type": "district", "district": "Long Mỹ",
     "protocol": "marc-file", "url": "long-my.mrc"},
    {"id": "thpt-vi-thanh", "name": "Trường THPT Vị Thanh", "type": "school", "district": "Vị Thanh",
     "protocol": "marc-file", "url": "thpt.mrc"},
]


def union(uid: str, title: str, libraries: tuple[str, ...] = ("tv-tinh",), **fields) -> UnionRecord:
    """A union record held by `libraries`, one holding each with a call number."""
    holdings = [Holding(library=lib, call_number=f"959.7 {uid.upper()}", record_id=f"{lib}:{uid}")
                for lib in libraries]
    return UnionRecord(id=uid, title=title, holdings=holdings, members=[f"{lib}:{uid}" for lib in libraries],
                       **fields)


def index_records(store: CatalogStore, settings, records: list[UnionRecord], **save) -> SearchIndex:
    store.save_clusters({}, records, **save)
    build_index(store, settings)
    return SearchIndex(settings)


def ids(search_index: SearchIndex, q: str = "", **params) -> list[str]:
    return [hit["id"] for hit in search_index.search(SearchParams(q=q, **params)).hits]


@pytest.fixture
def settings(data_dir: Path):
    return make_settings(data_dir, LIBRARIES)


@pytest.fixture
def catalog(store, settings) -> SearchIndex:
    """A small catalogue covering diacritics, ISBNs, facets and editions."""
    return index_records(store, settings, [
        union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), authors=["Trần Trọng Kim"], year=2019,
              isbn=["9786045678909"], language="vie", subjects=["Lịch sử"], publisher="Nxb. Văn học",
              work_key="lich su viet nam / tran"),
        union("ls2", "Lich su dia phuong Hau Giang", ("tv-long-my",), year=2005, language="vie"),
        union("ls3", "Lịch sử Việt Nam", ("thpt-vi-thanh",), authors=["Trần Trọng Kim"], year=1999,
              edition="Tái bản lần 2", language="vie", work_key="lich su viet nam / tran"),
        union("dg1", "Con đường tơ lụa", ("tv-tinh",), authors=["Peter Frankopan"], year=2020, language="vie"),
        union("dg2", "Dương lịch và âm lịch", ("thpt-vi-thanh",), year=2012, language="vie",
              subjects=["Thiên văn học"]),
        union("en1", "The history of Vietnam", ("tv-tinh",), authors=["Keith Taylor"], year=2013,
              language="eng", isbn=["9780306406157"], material_type="book"),
        union("map1", "Bản đồ hành chính tỉnh Hậu Giang", ("tv-tinh", "tv-long-my", "thpt-vi-thanh"),
              year=2010, language="vie", material_type="map", notes=["Tỷ lệ 1:100.000"]),
    ])


def test_unaccented_query_finds_vietnamese_title(catalog):
    assert set(ids(catalog, "lich su viet nam")[:2]) == {"ls1", "ls3"}


def test_query_with_marks_ranks_exact_spelling_above_folded_only_match(catalog):
    found = ids(catalog, "Lịch sử")
    assert set(found) >= {"ls1", "ls2", "ls3"}
    assert found.index("ls2") > found.index("ls1") and found.index("ls2") > found.index("ls3")


def test_query_without_marks_ranks_unmarked_spelling_first(catalog):
    assert ids(catalog, "lich su dia phuong")[0] == "ls2"


def test_duong_with_marks_prefers_that_word_and_unmarked_finds_all(catalog):
    found = ids(catalog, "đường")
    assert found[0] == "dg1"
    assert set(ids(catalog, "duong")) == {"dg1", "dg2"}
    assert ids(catalog, "dương")[0] == "dg2"


def test_isbn_with_hyphens_and_isbn10_find_the_record(catalog):
    assert ids(catalog, "978-604-567-890-9") == ["ls1"]
    assert ids(catalog, "isbn:978-604-567-890-9") == ["ls1"]
    assert ids(catalog, "6045678907") == ["ls1"]
    assert ids(catalog, "isbn:0-306-40615-2") == ["en1"]
    # A wrong check digit is no ISBN-10: mapped to the 13 it found another book (review).
    assert ids(catalog, "isbn:0-306-40615-X") == []


def test_fielded_terms_search_their_field_only(catalog):
    assert set(ids(catalog, "author:tran")) == {"ls1", "ls3"}
    assert ids(catalog, "title:thien") == []
    assert ids(catalog, "subject:thien van") == ["dg2"]
    assert ids(catalog, "subject:thiên") == ["dg2"]
    assert ids(catalog, "publisher:van hoc") == ["ls1"]


def test_year_terms_and_ranges(catalog):
    assert set(ids(catalog, "year:2019")) == {"ls1"}
    assert set(ids(catalog, "lich su year:1990..2000")) == {"ls3"}
    assert set(ids(catalog, "year:2010-2013")) == {"map1", "dg2", "en1"}
    assert set(ids(catalog, "lich su 2019")) == {"ls1"}


def test_quoted_phrase_needs_adjacent_words(catalog):
    assert set(ids(catalog, '"viet nam"')) == {"ls1", "ls3"}
    assert ids(catalog, '"nam viet"') == []


def test_minus_excludes(catalog):
    assert set(ids(catalog, "lich su")) == {"ls1", "ls2", "ls3"}
    assert set(ids(catalog, "lich su -dia")) == {"ls1", "ls3"}


# Scripts whose words hold marks the tokenizer may keep or split (Hindi vowel signs and
# virama, Thai), Greek final sigma, circled letters, an underscore, a word too long to index.
OWN_TITLES = ["हिन्दी साहित्य का इतिहास", "ภาษาไทย ๑", "ΣΊΣΥΦΟΣ και Σίσυφος", "Ⓐ Ⓑ tác_giả",
              "x" * 150 + " ngắn gọn", "Nguyễn Du: Truyện Kiều (1820)"]


def test_every_record_is_found_by_its_own_title_in_any_script(store, settings):
    """The query side splits text with the index's own analyzer, so no script falls between them."""
    search_index = index_records(store, settings, [union(f"t{n}", title) for n, title in enumerate(OWN_TITLES)])
    for n, title in enumerate(OWN_TITLES):
        assert ids(search_index, title)[:1] == [f"t{n}"], title
        assert ids(search_index, f'title:"{title}"') == [f"t{n}"], title


def test_notes_are_searchable_through_all_fields(catalog):
    assert ids(catalog, "ty le") == ["map1"]


def test_an_isbn_printed_with_a_wrong_check_digit_is_found_as_text(store, settings):
    search_index = index_records(store, settings, [
        union("s1", "Số đỏ", isbn=["9786041234567"], invalid_isbn=["6041234500"]), union("s2", "Tắt đèn")])
    assert ids(search_index, "6041234500") == ["s1"]
    # `isbn:` finds it as the number printed too (the isbn field holds only valid ISBNs: it finds no other book).
    assert ids(search_index, "isbn:6041234500") == ["s1"]


def test_an_isbn_with_a_wrong_check_digit_printed_with_spaces_is_found_as_a_valid_one_is(store, settings):
    """A valid ISBN typed as ISO 2108 prints it with spaces ("978 604 1 23456 7") was found, one with a wrong
    check digit not: its groups stayed words, all required and held by no record (review)."""
    from index.document import is_valid_isbn
    wrong, valid = "9786041234560", "9786041234567"
    assert not is_valid_isbn(wrong) and is_valid_isbn(valid)
    search_index = index_records(store, settings, [
        union("s1", "Số đỏ", invalid_isbn=[wrong]), union("s2", "Tắt đèn", isbn=[valid]),
        union("s3", "Vang bóng một thời", invalid_isbn=["6041234500"])])
    for isbn, book in ((wrong, "s1"), (valid, "s2")):
        spaced = " ".join((isbn[:3], isbn[3:6], isbn[6], isbn[7:12], isbn[12]))
        hyphenated = spaced.replace(" ", "-")
        for q in (isbn, hyphenated, spaced, f"isbn:{spaced}", f"ISBN {spaced}", f"isbn:{hyphenated}"):
            assert ids(search_index, q) == [book], q
    # An ISBN-10 with a wrong check digit, in its four printed groups, too.
    assert ids(search_index, "604 1 23450 0") == ids(search_index, "604-1-23450-0") == ["s3"]


@pytest.mark.parametrize("q, words", [("Luật giáo dục 2019 2020 1 2", ["2019", "2020", "1", "2"]),
                                      ("Quyết định 1234 567 89 0", ["1234", "567", "89", "0"]),
                                      ("2019 2020 1 2 kinh tế", ["2019", "2020", "1", "2"])])
def test_number_words_beside_other_words_are_no_isbn_with_a_wrong_check_digit(q, words):
    """Four groups of ten digits beside other words were joined into an ISBN that no record holds, where they
    are years, parts and decree numbers (review): only a wrong-check-digit ISBN alone in the query is one."""
    from index.query_language import leaves, parse_query
    found = [clause.text for clause in leaves(parse_query(q)) if clause.kind != "isbn"]
    assert [clause.kind for clause in leaves(parse_query(q))].count("isbn") == 0
    assert all(word in " ".join(found) for word in words), found


@pytest.mark.parametrize("q", ['title:(("', "*", "((", "isbn:", "year:abc", "year:2020..2010", " ".join(["a"] * 65),
                               # nested NOTs: 960 of them overflowed Tantivy's stack and killed the server
                               "-" * 960 + "lich", "-" * 995 + "lich", "NOT " * 240 + "lich",
                               "(-" * 11 + "lich" + ")" * 11])
def test_unusable_query_raises_query_error(catalog, q):
    with pytest.raises(QueryError):
        catalog.search(SearchParams(q=q))


@pytest.mark.parametrize("q", ['"', 'title:"', "a:b:c", "AND OR NOT", "title:lịch)(", "[1 TO 2]", "~2 ^3",
                               "http://example.com/x?y=1", "-", "- -a", "\\", "\x00lich", "lịch*", "tác_giả",
                               "year:..2000", "ISBN 978-604", "author:", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "x" * 300])
def test_odd_user_text_answers_or_raises_query_error(catalog, q):
    try:
        result = catalog.search(SearchParams(q=q))
    except QueryError:
        return
    assert result.total >= 0


def test_facet_counts_without_filters(catalog):
    facets = catalog.search(SearchParams()).facets
    counts = {name: {v["value"]: v["count"] for v in values} for name, values in facets.items()}
    assert counts["library"] == {"tv-tinh": 4, "tv-long-my": 3, "thpt-vi-thanh": 3}
    assert counts["library_type"] == {"provincial": 4, "district": 3, "school": 3}
    assert counts["district"] == {"Vị Thanh": 6, "Long Mỹ": 3}
    assert counts["language"] == {"vie": 6, "eng": 1}
    assert counts["material_type"] == {"book": 6, "map": 1}
    assert counts["year"]["2019"] == 1 and sum(counts["year"].values()) == 7
    labels = {v["value"]: v["label"] for v in facets["library_type"]}
    assert labels["provincial"] == "Thư viện tỉnh"
    assert {v["value"]: v["label"] for v in facets["language"]}["vie"] == "Tiếng Việt"


def test_every_material_type_normalize_gives_has_a_vietnamese_label():
    from index.labels import MATERIAL_TYPE_LABELS_VI
    from normalize.dc import _DC_TYPES
    from normalize.values import _TYPE_OF_RECORD
    produced = {*_TYPE_OF_RECORD.values(), "serial", *_DC_TYPES.values(), "unknown"}
    assert sorted(produced - set(MATERIAL_TYPE_LABELS_VI)) == []


def test_a_filter_value_in_decomposed_unicode_matches_its_facet(catalog):
    import unicodedata
    nfd = unicodedata.normalize("NFD", "Lịch sử")
    assert ids(catalog, subject=(nfd,)) == ids(catalog, subject=("Lịch sử",)) == ["ls1"]


def test_a_code_filter_in_capitals_is_the_code(catalog):
    """Library ids, library types, languages and material types are lower-case codes: `language=VIE`,
    as a partner site's form or a hand-typed URL may send it, found nothing."""
    assert ids(catalog, language=("VIE",)) == ids(catalog, language=("vie",)) != []
    assert ids(catalog, library=("TV-Tinh",), material_type=("MAP",)) == ["map1"]
    english = catalog.search(SearchParams(language=("ENG",)))
    assert {v["value"]: v["count"] for v in english.facets["language"]}["eng"] == english.total > 0


def counts_of(result) -> dict[str, dict[str, int]]:
    return {name: {v["value"]: v["count"] for v in values} for name, values in result.facets.items()}


def test_facet_counts_are_within_filters(catalog):
    """Within the other facets' filters; a facet whose own filter is set counts its values as the
    alternatives they are (`library=a&library=b`: either), each as many records as ticking it alone gives."""
    result = catalog.search(SearchParams(library=("tv-long-my",)))
    assert result.total == 3
    counts = counts_of(result)
    assert counts["material_type"] == {"book": 2, "map": 1}
    assert counts["library"] == counts_of(catalog.search(SearchParams()))["library"]
    assert counts["library"]["tv-long-my"] == 3
    for library, count in counts["library"].items():
        assert catalog.search(SearchParams(library=(library,))).total == count
    both = catalog.search(SearchParams(library=("tv-long-my", "thpt-vi-thanh"), material_type=("book",)))
    assert counts_of(both)["library"] == counts_of(catalog.search(SearchParams(material_type=("book",))))["library"]
    assert counts_of(both)["material_type"]["book"] == both.total
    result = catalog.search(SearchParams(q="lich su", library_type=("school", "district")))
    assert {h["id"] for h in result.hits} == {"ls1", "ls2", "ls3"}
    assert catalog.search(SearchParams(district=("Long Mỹ",), year=("2000-2010",))).total == 2
    assert catalog.search(SearchParams(year=("2019", "2020"))).total == 2
    assert catalog.search(SearchParams(language=("eng",), library=("tv-tinh",))).total == 1


def test_sorting_by_year_and_title(catalog):
    newest = ids(catalog, sort="-year")
    assert newest[:2] == ["dg1", "ls1"]
    assert ids(catalog, sort="year")[0] == "ls3"
    titles = [h["title"] for h in catalog.search(SearchParams(sort="title")).hits]
    assert titles[0] == "Bản đồ hành chính tỉnh Hậu Giang" and titles[-1] == "The history of Vietnam"


def test_paging_returns_disjoint_pages(catalog):
    first, second = ids(catalog, size=4, page=1), ids(catalog, size=4, page=2)
    assert len(first) == 4 and len(second) == 3 and not set(first) & set(second)


def test_hits_carry_holdings_with_library_names_and_opac_links(catalog):
    hit = catalog.search(SearchParams(q="isbn:9786045678909")).hits[0]
    assert hit["title"] == "Lịch sử Việt Nam" and hit["authors"] == ["Trần Trọng Kim"] and hit["year"] == 2019
    by_library = {h["library"]: h for h in hit["holdings"]}
    assert by_library["tv-tinh"]["library_name"] == "Thư viện tỉnh Hậu Giang"
    assert by_library["tv-tinh"]["opac_url"] == "https://opac.tinh.example/record/ls1"
    assert by_library["tv-long-my"]["opac_url"] is None
    assert by_library["tv-long-my"]["call_number"] == "959.7 LS1"


def test_typo_falls_back_to_fuzzy_and_says_so(catalog):
    result = catalog.search(SearchParams(q="frankopna"))
    assert result.fuzzy and [h["id"] for h in result.hits] == ["dg1"]
    assert not catalog.search(SearchParams(q="frankopan")).fuzzy


def test_other_editions_share_the_work_key(catalog):
    assert [h["id"] for h in catalog.by_work_key("lich su viet nam / tran", exclude_id="ls1")] == ["ls3"]


def test_search_before_any_index_is_empty(settings):
    result = SearchIndex(settings).search(SearchParams(q="lich su"))
    assert result.total == 0 and result.hits == []


def test_incremental_update_shows_changes_and_deletions(store, settings, catalog):
    store.save_clusters({}, [union("ls2", "Địa chí Hậu Giang", ("tv-long-my",), year=2006)],
                        removed_ids=["dg1"])
    summary = build_index(store, settings)
    assert not summary.rebuilt and summary.indexed == 1 and summary.deleted == 1 and summary.documents == 6
    assert ids(catalog, "dia chi") == ["ls2"]
    assert ids(catalog, "dia phuong") == []
    assert ids(catalog, "frankopan") == []
    assert build_index(store, settings).indexed == 0  # nothing changed since the mark


def test_answers_are_cached_until_the_index_changes(store, settings, catalog):
    first = catalog.search(SearchParams(q="lich su"))
    assert catalog.search(SearchParams(q="lich su")) is first
    other_page = catalog.search(SearchParams(q="lich su", size=1, page=2, sort="year"))
    assert other_page.facets is first.facets and other_page.hits != first.hits
    store.save_clusters({}, [union("ls4", "Lịch sử Hậu Giang", ("tv-tinh",), year=2021)])
    build_index(store, settings)
    after = catalog.search(SearchParams(q="lich su"))
    assert after.total == first.total + 1 and "ls4" in [h["id"] for h in after.hits]
    library_counts = {v["value"]: v["count"] for v in after.facets["library"]}
    assert library_counts["tv-tinh"] == {v["value"]: v["count"] for v in first.facets["library"]}["tv-tinh"] + 1


def test_a_night_without_changes_leaves_the_index_and_its_cached_answers_alone(store, settings, catalog):
    first = catalog.search(SearchParams(q="lich su"))
    live = current_version(settings.index_dir)
    files = {path.name: path.stat().st_mtime_ns for path in live.iterdir()}
    summary = build_index(store, settings)  # nothing changed since the last run
    assert summary.indexed == summary.deleted == 0 and summary.documents == 7
    assert {path.name: path.stat().st_mtime_ns for path in live.iterdir()} == files
    assert catalog.search(SearchParams(q="lich su")) is first


def test_without_a_cache_every_search_runs(data_dir, catalog):
    uncached = SearchIndex(make_settings(data_dir, LIBRARIES, api={"cached_searches": 0}))
    first = uncached.search(SearchParams(q="lich su"))
    again = uncached.search(SearchParams(q="lich su"))
    assert again is not first and again.hits == first.hits and again.facets == first.facets == \
        catalog.search(SearchParams(q="lich su")).facets


def test_rebuild_swaps_version_and_prunes_older_ones(store, settings, catalog):
    assert len(ids(catalog)) == 7  # the reader now holds the first version open
    first = current_version(settings.index_dir)
    assert build_index(store, settings, rebuild=True).rebuilt
    second = current_version(settings.index_dir)
    assert second != first and first.exists()
    build_index(store, settings, rebuild=True)
    assert not first.exists() and second.exists()
    assert len(ids(catalog)) == 7


def test_a_new_name_url_or_opac_link_shows_without_a_rebuild(store, data_dir, catalog):
    # Names and OPAC links are read from the registry when a hit is shown; a library's new
    # server address changes nothing indexed: none of them is worth re-indexing a million records.
    changed = [dict(LIBRARIES[0], name="Thư viện tỉnh (mới)", url="https://new.tinh.example/oai",
                    opac_url="https://opac2.tinh.example/{id}")] + LIBRARIES[1:]
    settings = make_settings(data_dir, changed)
    assert not build_index(store, settings).rebuilt
    hit = SearchIndex(settings).search(SearchParams(q="con duong")).hits[0]
    assert hit["holdings"][0]["library_name"] == "Thư viện tỉnh (mới)"
    assert hit["holdings"][0]["opac_url"].startswith("https://opac2.tinh.example/")


def test_a_library_moved_to_another_district_or_type_forces_a_rebuild(store, data_dir, catalog):
    moved = [dict(LIBRARIES[0], district="Long Mỹ", type="district")] + LIBRARIES[1:]
    settings = make_settings(data_dir, moved)
    assert build_index(store, settings).rebuilt
    search_index = SearchIndex(settings)
    held = set(ids(search_index, library=("tv-tinh",)))
    assert held and held <= set(ids(search_index, district=("Long Mỹ",)))
    assert held <= set(ids(search_index, library_type=("district",)))
    assert not ids(search_index, library_type=("provincial",))


def test_missing_index_directory_means_full_rebuild(store, settings, catalog):
    import shutil

    shutil.rmtree(settings.index_dir)
    summary = build_index(store, settings)
    assert summary.rebuilt and summary.documents == 7


def test_searches_during_rebuilds_never_fail(store, settings, catalog):
    errors: list[BaseException] = []
    done = threading.Event()

    def search_forever() -> None:
        reader = SearchIndex(settings)
        while not done.is_set():
            try:
                assert reader.search(SearchParams(q="lich su")).total >= 3
                assert reader.search(SearchParams(library=("tv-tinh",))).total == 4
            except BaseException as exc:  # noqa: BLE001 - collected and re-raised below
                errors.append(exc)
                return

    readers = [threading.Thread(target=search_forever) for _ in range(3)]
    for thread in readers:
        thread.start()
    try:
        for _ in range(6):
            build_index(store, settings, rebuild=True)
    finally:
        done.set()
        for thread in readers:
            thread.join()
    assert not errors, errors[0]


def test_reader_picks_up_incremental_commits_without_restart(store, settings, catalog):
    assert ids(catalog, "tieu thuyet") == []
    store.save_clusters({}, [union("new1", "Tiểu thuyết mới", ("tv-tinh",))])
    build_index(store, settings)
    assert ids(catalog, "tieu thuyet") == ["new1"]


def test_a_facet_count_is_exact_over_several_segments(store, settings):
    """Each segment used to pass on only its top terms: a subject rare in one lost that segment's count."""
    records = [union(f"r{i}", f"Sách {i}", subjects=[f"Chủ đề {i // 2}"]) for i in range(700)]
    search_index = index_records(store, settings, records + [union("z0", "Zeta 0", subjects=["Zeta"])])
    store.save_clusters({}, [union(f"z{i}", f"Zeta {i}", subjects=["Zeta"]) for i in range(1, 51)])
    build_index(store, settings)  # an incremental commit: a second segment
    total = search_index.search(SearchParams(subject=("Zeta",))).total
    counts = {f["value"]: f["count"] for f in search_index.search(SearchParams()).facets["subject"]}
    assert total == 51 and counts["Zeta"] == 51


def test_a_typo_equally_near_two_words_is_read_as_the_one_more_hits_hold():
    """The hits of "lich suu" all hold "sử"; one also holds "Cửu" (as near, and longer)."""
    from index.suggest import suggest

    hits = [{"_suggest": ["Lịch", "sử", "Việt", "Nam"]}, {"_suggest": ["Lịch", "sử", "đồng", "bằng", "Cửu", "Long"]},
            {"_suggest": ["Lịch", "sử", "Nam", "Bộ"]}]
    assert suggest("lịch suu", hits, frozenset({"suu"})) == "lịch sử"


def test_a_fielded_term_is_highlighted_only_where_it_was_searched(store, settings):
    search_index = index_records(store, settings, [
        union("nd1", "Nguyễn Du và Truyện Kiều", authors=["Nguyễn Du"], year=2010)])
    fielded = search_index.search(SearchParams(q='author:"nguyen du"')).hits[0]["highlight"]
    assert fielded["title"] == "Nguyễn Du và Truyện Kiều" and fielded["snippet"] == "<mark>Nguyễn</mark> <mark>Du</mark>"
    plain = search_index.search(SearchParams(q="nguyen du")).hits[0]["highlight"]
    assert plain["title"] == "<mark>Nguyễn</mark> <mark>Du</mark> và Truyện Kiều"


def test_a_typo_suggestion_keeps_field_names_and_numbers(store, settings):
    search_index = index_records(store, settings, [union("k1", "The little Kieu 2015", year=2015)])
    result = search_index.search(SearchParams(q="title:kieuu 2015"))
    assert result.fuzzy and [h["id"] for h in result.hits] == ["k1"]
    assert result.suggestion == "title:kieu 2015"  # not "little:kieu 2015"
    assert result.hits[0]["highlight"]["title"] == "The little <mark>Kieu</mark> <mark>2015</mark>"
    followed = search_index.search(SearchParams(q=result.suggestion))
    assert not followed.fuzzy and followed.total == 1
    # 2016 is not 2015 misspelt: a suggestion "title:Kieu 2016" led to no hit at all
    assert search_index.search(SearchParams(q="title:kieuu 2016")).total == 0


def test_an_authors_name_as_a_phrase_ranks_his_book_above_titles_that_merely_hold_the_words(store, settings):
    """His book and a book about him (his name starting its title) come before a title with the words apart."""
    search_index = index_records(store, settings, [
        union("by", "Truyện Kiều", authors=["Nguyễn Du"]),
        union("about", "Nguyễn Du: cuộc đời và tác phẩm", authors=["Trương Chính"]),
        union("unrelated", "Du lịch phố đi bộ Nguyễn Huệ")])
    found = ids(search_index, "Nguyễn Du")
    assert set(found[:2]) == {"by", "about"} and found[2] == "unrelated"


def test_an_exclusion_does_not_switch_off_the_bonus_for_exact_marks(store, settings):
    search_index = index_records(store, settings, [
        union("micro", "Vi mô"), union("macro", "Giáo trình vĩ mô cơ bản"),
        union("other", "Kinh tế học đại cương"), union("other2", "Sách giáo khoa")])
    assert ids(search_index, 'vĩ mô') == ids(search_index, 'vĩ mô -sách') == ["macro", "micro"]
    # Quoted, a phrase written with marks is found as typed (index/query_language.py).
    assert ids(search_index, '"vĩ mô"') == ids(search_index, '"vĩ mô" -sách') == ["macro"]


def test_title_start_bonus_needs_the_marks_the_query_typed(store, settings):
    """For `vĩ mô` (macro) "Vi mô" (micro) matches only folded: it must not get the title-start
    bonus, which with a dozen holding libraries lifted it above the book spelled as typed."""
    index = index_records(store, settings, [
        union("micro", "Vi mô", tuple(f"school-{n}" for n in range(12)), year=2015, language="vie"),
        union("macro", "Giáo trình kinh tế học vĩ mô", year=2016, language="vie"),
        union("macro2", "Vĩ mô học nhập môn", year=2017, language="vie"),
    ])
    assert ids(index, "vĩ mô") == ["macro2", "macro", "micro"]
    # Typed without marks, "Vi mô" starts with the words as typed and is held the most.
    assert ids(index, "vi mo")[0] == "micro"


def test_a_lone_mark_that_splits_an_exact_word_still_finds_it(store, settings):
    """"x\u0301y": the exact field holds "x" and "y" (the lone mark splits them); folding gives "xy"."""
    index = index_records(store, settings, [union("loose", "Modern x\u0301y", language="eng")])
    assert ids(index, "y") == ["loose"]
    assert ids(index, "xy") == ["loose"]
    assert ids(index, "modern") == ["loose"]


def test_a_record_is_found_by_its_title_in_another_script_its_uniform_title_and_a_misprinted_issn(store, settings):
    index = index_records(store, settings, [
        union("wp", "Chiến tranh và hòa bình", alternate_titles=["Война и мир"], uniform_title="Voĭna i mir",
              invalid_issn=["1234-5678"]),
        union("other", "Hòa bình xanh"),
    ])
    assert ids(index, "Война") == ["wp"]
    assert ids(index, "title:мир") == ["wp"]
    assert ids(index, "voina") == ["wp"]
    assert ids(index, '"1234 5678"') == ["wp"]  # an ISSN printed with a wrong check digit, as text


@pytest.mark.parametrize("q", ["ΟΔΟΣ", "οδοσ", "οδος", "-οδοσ", "khoẻ OR ΟΔΟΣ"])
def test_a_greek_word_ending_in_sigma_is_found_and_counted_alike(store, settings, q):
    """str.lower() writes a final Σ as ς; typed or parsed apart the word keeps σ: folding makes them one."""
    index = index_records(store, settings, [union("g1", "ΟΔΟΣ ΚΑΙ ΠΟΛΙΣ"), union("v1", "Sức khoẻ")])
    tantivy_index, _ = index._snapshot()
    searcher, schema = tantivy_index.searcher(), tantivy_index.schema
    tree = parse_query(q)

    def found(query):
        return sorted((a.segment_ord, a.doc) for _, a in searcher.search(query, limit=10, count=True).hits)

    assert found(match_query(schema, tree)) == found(build_query(schema, tree))
    assert ("g1" in ids(index, q)) == (not q.startswith("-"))


@pytest.mark.parametrize(("query", "example"), [('isbn:"978 604 1235847"', "isbn:978-604-1-23584-7"),
                                                ('year:"2019"', "year:2019")])
def test_a_quoted_isbn_or_year_is_told_its_own_example(query, example):
    """An ISBN quoted was answered with "e.g. isbn:2019" (review)."""
    with pytest.raises(QueryError) as raised:
        parse_query(query)
    assert f"(e.g. {example})" in str(raised.value)
