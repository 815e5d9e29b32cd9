"""Why records are together: `GET /api/records/{id}/why` over real HTTP, and `unioncat dedupe explain`."""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote

import httpx
import pytest
from typer.testing import CliRunner

from config import DedupeSettings
from dedupe import cluster_records, run_dedupe
from harvester.cli import app as cli_app
from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.dedupe_helpers import rec
from tests.test_api import serve_in_thread


def _codes(field: str, code: str) -> str:
    """The label of no code: each shown as itself (tests of what explanations compare, not of labels)."""
    return code


def _records():
    return [
        rec("tv-tinh:1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"]),
        rec("th-01:7", "Dat rung phuong Nam", authors=["Doan Gioi"], year=2018),
        rec("th-02:8", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"]),
        rec("th-03:9", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2019),
        rec("thcs-02:3", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015),
    ]


@pytest.fixture
def catalog(store, data_dir):
    settings = make_settings(data_dir)
    store.save_normalized(_records())
    run_dedupe(store, settings)
    return settings, store


@pytest.fixture
def client(catalog):
    settings, store = catalog
    build_index(store, settings)
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        with httpx.Client(base_url=url, timeout=10) as http:
            yield http


def test_why_lists_each_member_with_key_score_and_decision(client, catalog):
    _, store = catalog
    union_id = store.cluster_assignments()["tv-tinh:1"]
    response = client.get(f"/api/records/{union_id}/why")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == union_id
    members = {m["record_id"]: m for m in body["members"]}
    assert set(members) == {"tv-tinh:1", "th-01:7", "th-02:8"}
    assert members["th-01:7"]["library"] == "th-01" and members["th-01:7"]["title"] == "Dat rung phuong Nam"
    assert members["th-01:7"]["subtitle"] is None and members["th-01:7"]["part"] is None
    assert members["th-02:8"]["found_by"].startswith("isbn:") and members["th-02:8"]["score"] > 90
    assert "title" in members["th-01:7"]["decision"] and "authors" in members["th-01:7"]["decision"]


def test_why_names_the_guards_a_match_passed_and_what_it_could_not_check(client, catalog):
    _, store = catalog
    union_id = store.cluster_assignments()["tv-tinh:1"]
    members = {m["record_id"]: m for m in client.get(f"/api/records/{union_id}/why").json()["members"]}
    assert members["th-02:8"]["guards"].startswith("guards passed: material Sách (book); year 2018")
    # Neither record states pages or language: the librarian sees they were not compared.
    assert members["th-02:8"]["guards"].endswith("not checked (left out by one or both): pages, language")
    alone = store.cluster_assignments()["th-03:9"]
    assert client.get(f"/api/records/{alone}/why").json()["members"][0]["guards"] is None


def test_a_pair_a_librarian_forced_together_is_not_said_to_pass_guards_it_fails():
    from dedupe.explain import guards_note

    one = rec("a:1", "Tắt đèn", authors=["Ngô Tất Tố"], year=2001, pages=120, language="vie")
    other = rec("b:1", "Tắt đèn", authors=["Ngô Tất Tố"], year=2019, pages=300, language="vie")
    note = guards_note(one, other, DedupeSettings(), _codes)
    assert note == "hard guards not applied (forced together by a librarian); they refuse: year 2001 vs 2019"


def test_why_names_the_guard_that_kept_a_record_out(client, catalog):
    _, store = catalog
    other = store.cluster_assignments()["th-03:9"]
    member = client.get(f"/api/records/{other}/why").json()["members"][0]
    assert member["record_id"] == "th-03:9" and "year 2018 vs 2019" in member["decision"]


def test_why_of_an_unknown_id_is_404_json(client):
    response = client.get("/api/records/nothing-here/why")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_why_of_a_merged_away_id_redirects(client, catalog):
    _, store = catalog
    union_id = store.cluster_assignments()["tv-tinh:1"]
    store.save_clusters({}, [], aliases={"uoldmerged00": union_id})
    response = client.get("/api/records/uoldmerged00/why")
    assert response.status_code == 301 and response.headers["location"] == f"/api/records/{union_id}/why"


def test_cli_explain_shows_key_score_and_decision(catalog, data_dir):
    _, store = catalog
    union_id = store.cluster_assignments()["tv-tinh:1"]
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", union_id])
    assert result.exit_code == 0, result.output
    assert "th-02:8: found by ISBN 9786041234567, match score 95.0/100; matches" in result.output
    assert "\n    guards passed: material Sách (book); year 2018" in result.output
    assert "\n    title: Dat rung phuong Nam (2018)\n" in result.output
    result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "--rebuild"])
    assert result.exit_code == 0 and "full run" in result.output
    result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config)])
    assert result.exit_code == 0 and "re-examined 0" in result.output


def test_each_member_is_explained_by_a_match_inside_its_own_union_record():
    """A yearless record taken out as ambiguous must not stay the reason another member joined."""
    title, authors = "Truyện Kiều", ["Nguyễn Du"]
    records = [rec("a:0", title, authors=authors, publisher="Văn học", pages=200),
               rec("a:1", title, authors=authors, year=2010, publisher="Văn học", pages=200),
               rec("b:1", title, authors=authors, year=2010),
               rec("c:1", title, authors=authors, year=2012, publisher="Văn học", pages=200)]
    clustering = cluster_records(records, DedupeSettings())
    cluster_of = clustering.cluster_of()
    assert cluster_of["a:1"] == cluster_of["b:1"] != cluster_of["a:0"]
    for rid, explanation in clustering.explanations.items():
        if explanation.decision.startswith("matches "):
            other = explanation.decision.split()[1].rstrip(":")
            assert cluster_of[other] == cluster_of[rid], (rid, explanation)


def test_why_of_an_id_merged_away_between_its_two_reads_redirects(store, data_dir):
    """Dedupe, another process, merges `a` into `b` while the route reads: 301 (or 200), never 404."""
    from tests.test_index import LIBRARIES, union

    settings = make_settings(data_dir, LIBRARIES)
    store.save_clusters({"tv-tinh:a": ("a", "isbn", 1.0, "match"), "tv-long-my:b": ("b", "isbn", 1.0, "match")},
                        [union("a", "Alpha"), union("b", "Beta", ("tv-long-my",))])
    build_index(store, settings)
    real_get = store.get_union_record

    def get_then_dedupe_merges(union_id):
        answer = real_get(union_id)
        store.get_union_record = real_get
        with CatalogStore(store.path) as dedupe_process:
            dedupe_process.save_clusters(
                {"tv-tinh:a": ("b", "isbn", 1.0, "match"), "tv-long-my:b": ("b", "isbn", 1.0, "match")},
                [union("b", "Beta", ("tv-tinh", "tv-long-my"))], aliases={"a": "b"})
        return answer

    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        store.get_union_record = get_then_dedupe_merges
        response = httpx.get(url + "/api/records/a/why", follow_redirects=False)
    assert response.status_code in (200, 301), (response.status_code, response.text)


def test_the_guards_note_names_the_two_publishers_and_a_subtitle_one_record_left_out():
    # A match of two houses named alike said only "guards passed", and a subtitle ignored was not named (review).
    from config import DedupeSettings
    from dedupe.explain import guards_checked
    from dedupe.features import record_features
    from tests.dedupe_helpers import rec

    from dedupe.spelling import shown_values

    settings = DedupeSettings()
    records = (rec("a:1", "Toán 6", subtitle="Kết nối tri thức", publisher="Nxb. Giáo dục Việt Nam", year=2021),
               rec("b:1", "Toán 6", publisher="Giáo dục", year=2021))
    one, other = (record_features(index, record, settings) for index, record in enumerate(records))
    checked, unknown = guards_checked(one, other, settings,
                                      (shown_values(records[0], one), shown_values(records[1], other)), _codes)
    assert "publisher 'Nxb. Giáo dục Việt Nam' / 'Giáo dục'" in checked
    assert "subtitle" in unknown


def test_the_explanations_name_a_chain_of_matches_joining_every_member():
    """Two groups, one matched by ISBN and one by title and author, joined by one pair: each member
    named only its own group's match, and no line said how the groups met (review: "Nhật ký trong tù")."""
    book = dict(authors=["Hồ Chí Minh"], year=2015, publisher="Văn học", pages=232)
    isbn = ["9786046921677"]
    records = [rec("a:1", "Nhật ký trong tù", **book), rec("a:2", "Nhật ký trong tù", **book),
               rec("a:3", "Nhật ký trong tù", **book), rec("b:1", "Nhật ký trong tù", isbn=isbn, **book),
               rec("b:2", "Nhật ký trong tù", isbn=isbn, **book), rec("b:3", "Nhật ký trong tù", isbn=isbn, **book)]
    clustering = cluster_records(records, DedupeSettings())
    assert len(clustering.clusters) == 1
    linked = {rid: set() for rid in clustering.explanations}
    for rid, explanation in clustering.explanations.items():
        for found in re.findall(r"^matches (\S+?): |by its match with (\S+) \(", explanation.decision):
            other = "".join(found)
            linked[rid].add(other)
            linked[other].add(rid)
    reached, todo = set(), ["a:1"]
    while todo:
        rid = todo.pop()
        if rid not in reached:
            reached.add(rid)
            todo.extend(linked[rid])
    assert reached == set(clustering.explanations), {rid: e.decision for rid, e in clustering.explanations.items()}


def test_a_refusal_names_the_union_record_of_the_member_it_conflicts_with():
    """"not joined with lib-e:E1's union record: translators differ (lib-c:C1 vs lib-d:D1)" named a copy
    without a translator, which agreed with C1: the record named is the one on the other side that conflicts."""
    book = dict(authors=["Hugo, Victor"], year=2016, publisher="Văn học", pages=800)
    records = [rec("lib-a:A1", "Những người khốn khổ", responsibility="Victor Hugo ; Huỳnh Lý dịch",
                   isbn=["9786041234567"], **book),
               rec("lib-c:C1", "Những người khốn khổ", responsibility="Victor Hugo ; Nguyễn Văn Vĩnh dịch", **book),
               rec("lib-e:E1", "Những người khốn khổ", responsibility="Victor Hugo", isbn=["9786041234567"], **book)]
    clustering = cluster_records(records, DedupeSettings())
    decisions = {rid: explanation.decision for rid, explanation in clustering.explanations.items()}
    assert clustering.cluster_of()["lib-a:A1"] == clustering.cluster_of()["lib-e:E1"], decisions
    assert "not joined with lib-a:A1's union record: translators differ" in decisions["lib-c:C1"], decisions
    assert "not joined with lib-c:C1's union record: translators differ" in decisions["lib-e:E1"], decisions


def test_keys_are_printed_as_a_librarian_reads_them(catalog, data_dir):
    _, store = catalog
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    for union_id in set(store.cluster_assignments().values()):
        result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", union_id])
        assert result.exit_code == 0, result.output
        for line in result.output.splitlines():
            assert not re.search(r"found by (part|title|isbn|issn|id):|\|[ayp]=|None", line), line


def test_a_copy_without_author_or_year_names_the_same_title_it_was_not_joined_with(store, data_dir):
    """"tv-phung-hiep:NH001: no matching record" although thpt-long-my:S001 has the same title (review):
    neither has an author or a year, so no key put them side by side and nothing said why they stay apart."""
    settings = make_settings(data_dir)
    store.save_normalized([rec("tv-phung-hiep:NH001", "Dế Mèn phiêu lưu ký", responsibility="Tô Hoài"),
                           rec("thpt-long-my:S001", "Dế mèn phiêu lưu ký")])
    run_dedupe(store, settings)
    store.save_normalized([rec("tv-tinh:D1", "Dế mèn phiêu lưu ký", publisher="Kim Đồng")])
    run_dedupe(store, settings)  # a nightly run: the new copy's region is found by its keys
    clusters = store.cluster_assignments()
    assert len({clusters[rid] for rid in ("tv-phung-hiep:NH001", "thpt-long-my:S001", "tv-tinh:D1")}) == 3
    # Each names the nearest of the other two (all score title 100; a tie names the smaller id).
    nearest = {"tv-phung-hiep:NH001": "thpt-long-my:S001", "thpt-long-my:S001": "tv-phung-hiep:NH001",
               "tv-tinh:D1": "thpt-long-my:S001"}
    for record_id, other in nearest.items():
        [(_, found_by, score, decision)] = store.cluster_members(clusters[record_id])
        assert decision.startswith(f"no matching record; nearest candidate {other}: title 100, no author"), decision


def _spelled_catalog(store, data_dir):
    book = dict(authors=["Trần Văn Hạo"], year=2015, publisher="Nxb. Giáo dục")
    store.save_normalized([
        rec("th-1:A", "Toán 10", part="Quyển thượng", **book), rec("th-2:B", "Toán 10", part="Quyển hạ", **book),
        rec("th-1:C", "Toán 6", series=["Kết nối tri thức với cuộc sống"], **book),
        rec("th-2:D", "Toán 6", series=["Cánh diều"], **book),
        rec("tv-tinh:1", "Số đỏ", authors=["Vũ Trọng Phụng"], year=2016, publisher="Nxb. Văn học", pages=220),
        rec("th-3:E", "Số đỏ", authors=["Vũ Trọng Phụng"], year=2016, publisher="Văn học", pages=220)])
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    return settings, config


def test_explanations_print_values_as_the_records_spell_them(store, data_dir):
    """"part ha vs thuong", "textbook series ket noi tri thuc vs canh dieu", "publisher 'van hoc'" (review)."""
    settings, config = _spelled_catalog(store, data_dir)
    clusters = store.cluster_assignments()
    shown = {}
    for record_id in ("th-1:A", "th-1:C", "tv-tinh:1"):
        result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", clusters[record_id]])
        assert result.exit_code == 0, result.output
        shown[record_id] = result.output
    assert "part 'thượng' vs 'hạ'" in shown["th-1:A"], shown["th-1:A"]
    assert "textbook series 'Kết nối tri thức' vs 'Cánh diều'" in shown["th-1:C"], shown["th-1:C"]
    assert "publisher 'Nxb. Văn học' / 'Văn học'" in shown["tv-tinh:1"], shown["tv-tinh:1"]
    assert re.search(r"found by (title|title spelled with the same consonants as) 'Số đỏ'( \([^)]*\))?, author "
                     r"word '(Vũ|Phụng)', match score [\d.]+/100", shown["tv-tinh:1"]), shown["tv-tinh:1"]
    assert "\nmatch score: 0-100, 0.4 × title similarity + 0.4 × authors similarity" in shown["tv-tinh:1"]
    for output in shown.values():
        assert not re.search(r"\b(thuong|ha|ket noi|canh dieu|van hoc|so do)\b", output), output
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        why = httpx.get(f"{url}/api/records/{clusters['th-1:A']}/why").json()
        match = httpx.get(f"{url}/api/records/{clusters['tv-tinh:1']}/why").json()
    assert "part 'thượng' vs 'hạ'" in why["members"][0]["decision"]
    # /why keeps the key itself, as the run stored it.
    assert {re.sub(r"\|.*", "", member["found_by"]) for member in match["members"]} <= {"title:so do", "part:s d"}
    assert all("|a=" in member["found_by"] for member in match["members"])


def test_a_key_is_printed_with_the_words_of_the_record_that_carries_it():
    from dedupe.keys import key_text

    kieu = rec("a:1", "Truyện Kiều", authors=["Nguyễn Du"], publisher="Nxb. Kim Đồng")
    assert key_text("part:trn k|a=nguyen|y=2015", kieu) == \
        "title spelled with the same consonants as 'Truyện Kiều' (catches a typo in a vowel or a doubled letter), " \
        "author word 'Nguyễn', year 2015"
    assert key_text("title:truyen kieu|p=kim", kieu) == "title 'Truyện Kiều', publisher word 'Kim'"
    giao_trinh = rec("b:1", "Giáo trình kinh tế chính trị")
    assert key_text("part:giao trinh|y=2019", giao_trinh) == "the words 'Giáo trình' of the title, year 2019"
    assert key_text("part:trn k|a=nguyen") == "shortened title 'trn k', author word 'nguyen'"  # no record: the key


def test_explanations_print_the_edition_statement_the_records_give(store, data_dir):
    """"edition 4" when both records said "Tái bản lần thứ 3" (review): the number dedupe compares counts
    printings, so a reprint's is one more than the record states, and a spelled ordinal was a digit."""
    book = dict(authors=["Tô Hoài"], year=2019, publisher="Kim Đồng", pages=144)
    kieu = dict(authors=["Ngô Tất Tố"], year=2015, publisher="Văn học", pages=200)
    in_subtitle = "Tái bản lần thứ 4"  # no 250: stated after the title
    records = [rec("tv-tinh:E1", "Dế mèn phiêu lưu ký", edition="Tái bản lần thứ 3", **book),
               rec("th-1:E2", "Dế mèn phiêu lưu ký", edition="Tái bản lần thứ 3", **book),
               rec("th-2:E3", "Dế mèn phiêu lưu ký", edition="Tái bản lần thứ 5", **book),
               rec("th-3:E4", "Tắt đèn", edition="Tái bản lần thứ hai", **kieu),
               rec("th-4:E5", "Tắt đèn", edition="Tái bản lần thứ hai", **kieu),
               rec("th-5:E6", "Tắt đèn", subtitle=f"Tiểu thuyết ({in_subtitle})", **kieu)]
    store.save_normalized(records)
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    clusters = store.cluster_assignments()
    printed = []
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        for union_id in sorted(set(clusters.values())):
            result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", union_id])
            assert result.exit_code == 0, result.output
            why = httpx.get(f"{url}/api/records/{union_id}/why").json()["members"]
            printed += [line for line in result.output.splitlines() if "edition" in line]
            printed += [text for member in why for text in (member["decision"], member["guards"] or "")
                        if "edition" in text]
    statements = {record.edition for record in records} | {in_subtitle}
    mentions = [mention for line in printed for mention in re.findall(r"edition ('[^']*'(?: (?:/|vs) '[^']*')?)", line)]
    # The matches' guards and the refusals (other printings of the same title) name the editions.
    assert any(" vs " in mention for mention in mentions) and any(" vs " not in mention for mention in mentions)
    assert any(in_subtitle in mention for mention in mentions), mentions
    for mention in mentions:
        assert set(re.findall(r"'([^']*)'", mention)) <= statements, mention
    for line in printed:
        assert not re.search(r"edition \d", line), line


def test_a_title_found_by_its_consonants_is_explained_in_a_librarians_words(store, data_dir):
    """"found by the consonants of the title 'Khao học 5'" was catalogue jargon (review): the key that
    survives a typo in a vowel says so."""
    book = dict(authors=["Bùi Phương Nga"], year=2020, publisher="Giáo dục Việt Nam")
    store.save_normalized([rec("th-1:K1", "Khoa học 5", **book), rec("th-2:K2", "Khao học 5", **book)])
    run_dedupe(store, make_settings(data_dir))
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    union_id = store.cluster_assignments()["th-1:K1"]
    members = store.cluster_members(union_id)
    assert [row[0] for row in members] == ["th-1:K1", "th-2:K2"]
    result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", union_id])
    assert result.exit_code == 0, result.output
    titles = {"th-1:K1": "Khoa học 5", "th-2:K2": "Khao học 5"}
    by_consonants = [record_id for record_id, found_by, _, _ in members
                     if found_by.startswith("part:") and not re.search(r"[aeiouy]", found_by[5:].split("|")[0])]
    assert by_consonants, members
    for record_id in by_consonants:
        assert (f"{record_id}: found by title spelled with the same consonants as {titles[record_id]!r} "
                "(catches a typo in a vowel or a doubled letter)") in result.output, result.output
    assert "consonants of the title" not in result.output


def test_a_source_record_id_is_explained_through_the_union_record_that_holds_it(client, catalog, data_dir):
    """`unioncat dedupe explain tv-tinh:P-A` (a member's id, as explain prints them) said "no union record"
    with exit 2 (review); the CLI and /why both take it now and say which union record they explain."""
    _, store = catalog
    member = "th-01:7"
    union_id = store.cluster_assignments()[member]
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    by_union = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", union_id])
    by_member = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", member])
    assert by_member.exit_code == 0, by_member.output
    first, rest = by_member.output.split("\n", 1)
    assert member in first and union_id in first
    assert rest == by_union.output
    response = client.get(f"/api/records/{member}/why")
    assert response.status_code == 302 and response.headers["location"] == f"/api/records/{union_id}/why"
    assert client.get(f"/api/records/{member}/why", follow_redirects=True).json() == \
        client.get(f"/api/records/{union_id}/why").json()
    # An id that is neither says which ids are taken.
    unknown = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", "th-01:nothing"])
    assert unknown.exit_code == 2 and "source record" in unknown.output
    missing = client.get("/api/records/th-01:nothing/why")
    assert missing.status_code == 404 and "source record" in missing.json()["message"]


def test_a_source_record_id_opens_the_union_record_that_holds_it(store, data_dir):
    """/api/records/tv-tinh:P-A and its page 404ed while /why took a member's id (review): both answer
    302 (membership changes night to night) under the sub-path of `public_url`; a local id with a
    space arrives percent-encoded; an id that is neither kind says, in Vietnamese, which ids are taken."""
    settings = make_settings(data_dir, api={"public_url": "https://thuvien.example/mucluc"})
    store.save_normalized(_records() + [rec("th-04:KHO A 12", "Đất rừng phương Nam", authors=["Đoàn Giỏi"],
                                            year=2018, isbn=["9786041234567"])])
    run_dedupe(store, settings)
    build_index(store, settings)
    holder = store.cluster_assignments()
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url, \
            httpx.Client(base_url=url, timeout=10) as http:
        for member in ("th-01:7", "th-04:KHO A 12"):
            for path in ("/api/records/", "/records/"):
                response = http.get(path + quote(member, safe=":"))
                assert response.status_code == 302, (path, member, response.text)
                assert response.headers["location"] == f"/mucluc{path}{holder[member]}"
        assert holder["th-01:7"] == holder["th-04:KHO A 12"]
        for path in ("/api/records/", "/records/"):
            missing = http.get(path + "th-01:nothing")
            assert missing.status_code == 404
            message = missing.json()["message"] if path.startswith("/api") else html.unescape(missing.text)
            assert "th-01:nothing" in message and "mã bản ghi hợp nhất" in message and "thư viện" in message
        documented = http.get("/openapi.json").json()["paths"]["/api/records/{union_id}"]["get"]["responses"]
        assert "302" in documented and "source record" in documented["302"]["description"]


def test_a_source_record_id_with_a_slash_or_in_another_normal_form_opens_its_union_record(store, data_dir):
    """`tv-evil2:HG%2F2019%2F0001` 404ed on the API, its /why and its page (the server decodes %2F before
    routing), and a local id harvested in NFD was not found when typed in NFC (security review): each
    is reached raw and percent-encoded, in either normal form, as `unioncat dedupe explain` reaches it."""
    decomposed = unicodedata.normalize("NFD", "th-05:Kho Nguyễn 1")
    store.save_normalized(_records() + [
        rec("th-04:HG/2019/0001", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"]),
        rec(decomposed, "Tắt đèn", authors=["Ngô Tất Tố"], year=2015)])
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    build_index(store, settings)
    holder = store.cluster_assignments()
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url, \
            httpx.Client(base_url=url, timeout=10) as http:
        for member, stored in (("th-04:HG/2019/0001", "th-04:HG/2019/0001"), ("th-05:Kho Nguyễn 1", decomposed),
                               (decomposed, decomposed)):
            for written in (quote(member, safe=":"), quote(member, safe=":/")):
                for path, suffix in (("/api/records/", ""), ("/records/", ""), ("/api/records/", "/why")):
                    response = http.get(path + written + suffix)
                    assert response.status_code == 302, (path, written, suffix, response.text)
                    assert response.headers["location"] == f"{path}{holder[stored]}{suffix}"
        assert http.get("/api/records/th-04:HG/2019/0002").status_code == 404


def test_an_article_s_host_is_named_as_its_record_spells_it_in_the_checks_and_in_a_refusal():
    """Two articles' hosts decide whether they are one (match.hard_guard), but the checks a match passed left
    the host out, and a refusal printed it folded ("host tap chi giao duc so 480 vs ...")."""
    from config import DedupeSettings
    from dedupe.explain import guards_checked
    from dedupe.features import record_features
    from dedupe.match import compare
    from dedupe.spelling import readable, shown_values
    from tests.dedupe_helpers import rec

    settings = DedupeSettings()
    article = dict(material_type="article", year=2020)
    records = (rec("a:1", "Giáo dục đạo đức cho học sinh", host="Tạp chí Giáo dục, Số 480", **article),
               rec("b:1", "Giáo dục đạo đức cho học sinh", host="Tạp chí Giáo dục, Số 480, tr. 45-48", **article),
               rec("c:1", "Giáo dục đạo đức cho học sinh", host="Tạp chí Thiết bị giáo dục, Số 215", **article))
    one, same, other = (record_features(index, record, settings) for index, record in enumerate(records))
    checked, _ = guards_checked(one, same, settings, (shown_values(records[0], one), shown_values(records[1], same)),
                                _codes)
    assert "host 'Tạp chí Giáo dục, Số 480' / 'Tạp chí Giáo dục, Số 480, tr. 45-48'" in checked
    refused = compare(one, other, settings)
    assert refused.conflict
    assert readable(refused.reason, (records[0], one), (records[2], other)) == \
        "host 'Tạp chí Giáo dục, Số 480' vs 'Tạp chí Thiết bị giáo dục, Số 215'"


def test_a_local_id_ending_in_why_is_reached_with_its_slash_written_as_percent_2f(store, data_dir):
    """`th-06:HG/why` could not be reached: the server decodes %2F before routing, so
    /api/records/th-06:HG%2Fwhy was the explanation of th-06:HG (another book) and the record itself
    answered nothing.  A "/why" written as a slash is the explanation; written `%2F` it is the id's."""
    store.save_normalized(_records() + [
        rec("th-06:HG", "Tắt đèn", authors=["Ngô Tất Tố"], year=2015),
        rec("th-06:HG/why", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"])])
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    build_index(store, settings)
    holder = store.cluster_assignments()
    assert holder["th-06:HG"] != holder["th-06:HG/why"]
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url, \
            httpx.Client(base_url=url, timeout=10) as http:
        for written in (quote("th-06:HG/why", safe=":"), quote("th-06:HG/why", safe="")):
            record = http.get("/api/records/" + written)
            assert record.status_code == 302, (written, record.text)
            assert record.headers["location"] == f"/api/records/{holder['th-06:HG/why']}"
            why = http.get("/api/records/" + written + "/why")
            assert why.status_code == 302, (written, why.text)
            assert why.headers["location"] == f"/api/records/{holder['th-06:HG/why']}/why"
        # The documented URL is unchanged: a slash before "why" asks for the explanation.
        for written in ("th-06:HG/why", "th-06:HG/%77hy"):
            response = http.get("/api/records/" + written)
            assert response.headers["location"] == f"/api/records/{holder['th-06:HG']}/why", written
        documented = http.get("/openapi.json").json()["paths"]
        for path in ("/api/records/{union_id}", "/api/records/{union_id}/why"):
            assert "%2Fwhy" in documented[path]["get"]["description"]


def test_language_and_material_type_are_explained_by_their_labels_with_the_code_kept(store, data_dir):
    """/why and `dedupe explain` printed "material book", "language vie" and a refusal "material serial vs
    book": codes, where the search page shows the Vietnamese labels (index/labels.py).  The label comes
    first now and the code stays in brackets, for programs and for librarians who know the codes."""
    from index.labels import LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI
    book, serial, vie = MATERIAL_TYPE_LABELS_VI["book"], MATERIAL_TYPE_LABELS_VI["serial"], LANGUAGE_LABELS_VI["vie"]
    store.save_normalized([
        rec("tv-tinh:1", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"],
            language="vie"),
        rec("th-02:8", "Đất rừng phương Nam", authors=["Đoàn Giỏi"], year=2018, isbn=["9786041234567"],
            language="vie"),
        rec("th-03:9", "Tạp chí Văn nghệ", year=2018, material_type="book"),
        rec("ca-tinh:9", "Tạp chí Văn nghệ", year=2018, material_type="serial")])
    settings = make_settings(data_dir)
    run_dedupe(store, settings)
    build_index(store, settings)
    holder = store.cluster_assignments()
    assert holder["th-03:9"] != holder["ca-tinh:9"]
    labelled = f"material {book} (book)", f"language {vie} (vie)"
    refused = {f"material {serial} (serial) vs {book} (book)", f"material {book} (book) vs {serial} (serial)"}
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url, \
            httpx.Client(base_url=url, timeout=10) as http:
        matched = http.get(f"/api/records/{holder['th-02:8']}/why").json()["members"]
        guards = " ".join(member["guards"] or "" for member in matched)
        assert all(text in guards for text in labelled), guards
        alone = http.get(f"/api/records/{holder['ca-tinh:9']}/why").json()["members"][0]["decision"]
        assert any(text in alone for text in refused), alone
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    for record_id in ("th-02:8", "ca-tinh:9"):
        result = CliRunner().invoke(cli_app, ["dedupe", "--config", str(config), "explain", holder[record_id]])
        assert result.exit_code == 0, result.output
        if record_id == "th-02:8":
            assert all(text in result.output for text in labelled), result.output
        else:
            assert any(text in result.output for text in refused), result.output


def test_an_id_merged_into_a_record_withdrawn_since_is_gone_everywhere(store, data_dir):
    """An id merged into another union record, which its libraries then withdrew: the record answered 404 but
    /why a 301 to a /why that answered 404, and `dedupe explain` said "merged into X", then that it knew no X
    (many-nights review)."""
    settings = make_settings(data_dir)
    book = dict(authors=["Tô Hoài"], publisher="Kim Đồng", pages=144)
    store.save_normalized([rec("a:1", "Dế Mèn phiêu lưu ký", year=2015, **book),
                           rec("b:1", "Dế Mèn phiêu lưu ký", year=2019, **book)])
    run_dedupe(store, settings)
    first = store.cluster_assignments()
    assert first["a:1"] != first["b:1"]
    store.save_normalized([rec("b:1", "Dế Mèn phiêu lưu ký", year=2015, **book)])  # its year mended: one book
    run_dedupe(store, settings)
    survivor = store.cluster_assignments()["a:1"]
    [merged_away] = {first["a:1"], first["b:1"]} - {survivor}
    assert store.get_union_record(merged_away) == (None, survivor)
    store.save_normalized([], deleted_ids=["a:1", "b:1"])  # both libraries withdrew it
    run_dedupe(store, settings)
    assert store.get_union_record(merged_away) == (None, None)
    build_index(store, settings)
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        for path in (f"/api/records/{merged_away}", f"/api/records/{merged_away}/why", f"/records/{merged_away}"):
            assert httpx.get(url + path, timeout=10).status_code == 404, path
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    explained = CliRunner().invoke(cli_app, ["dedupe", "explain", merged_away, "--config", str(config)])
    assert explained.exit_code != 0 and "merged into" not in explained.output, explained.output
