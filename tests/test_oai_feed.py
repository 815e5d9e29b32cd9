"""GET /oai: the union catalogue as an OAI-PMH repository, harvested over real HTTP with sickle."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pymarc
import pytest
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import BadArgument, BadResumptionToken, CannotDisseminateFormat, IdDoesNotExist, \
    NoRecordsMatch, NoSetHierarchy

from config import load_settings
from dedupe.merge import merge_cluster
from index import SearchIndex, build_index
from search_api import create_app, oai
from store import CatalogStore
from store.feed import earliest_datestamp, feed_entry
from normalize import normalize_raw
from normalize.text import clean_field
from store.models import Holding, Link, Name, RawRecord, Record, UnionRecord
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, union
from tests.test_normalize_support import data_field, marc_record

OAI_NS = {"oai": "http://www.openarchives.org/OAI/2.0/"}


def _union(uid: str, title: str, **fields) -> UnionRecord:
    return UnionRecord(id=uid, title=title, members=[f"tv-tinh:{uid}"],
                       holdings=[Holding(library="tv-tinh", call_number=f"959.7 {uid}", record_id=f"tv-tinh:{uid}")],
                       **fields)


@pytest.fixture
def feed(tmp_path, monkeypatch) -> Iterator[tuple[str, CatalogStore]]:
    monkeypatch.setattr(oai, "PAGE_SIZE", 2)  # five records: three pages
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [
            _union("UC1", "Lịch sử Việt Nam", subtitle="Từ nguồn gốc đến thế kỷ X", year=2019, isbn=["9786041234560"],
                   names=[Name(name="Trần Trọng Kim", dates="1883-1953", relators=["tác giả"])],
                   authors=["Trần Trọng Kim"], publisher="Nxb. Trẻ", place="Tp. Hồ Chí Minh", language="vie",
                   subjects=["Lịch sử -- Việt Nam"], classification=["DDC 959.7"], pages=300),
            *(_union(f"UC{i}", f"Sách số {i}") for i in range(2, 6)),
        ])
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            yield url, store


def test_list_records_pages_through_every_union_record_as_marcxml(feed):
    url, _ = feed
    client = Sickle(f"{url}/oai")
    identify = client.Identify()
    assert identify.baseURL == f"{url}/oai" and identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.repositoryName == "Mục lục liên hợp thư viện Hậu Giang"
    assert identify.deletedRecord == "persistent"  # union_records rows are flagged, never removed
    assert {f.metadataPrefix for f in client.ListMetadataFormats()} == {"marc21", "marcxml", "oai_dc"}
    records = list(client.ListRecords(metadataPrefix="marc21"))
    assert sorted(r.header.identifier for r in records) == [f"oai:unioncat:UC{i}" for i in range(1, 6)]
    first = next(r for r in records if r.header.identifier == "oai:unioncat:UC1")
    marc = pymarc.parse_xml_to_array(_marc_file(first.xml))[0]
    assert marc["245"].get_subfields("a", "b") == ["Lịch sử Việt Nam :", "Từ nguồn gốc đến thế kỷ X"]
    assert marc["100"].get_subfields("a", "d", "e") == ["Trần Trọng Kim", "1883-1953", "tác giả"]
    assert marc["020"]["a"] == "9786041234560" and marc["082"]["a"] == "959.7"
    assert marc["264"].get_subfields("a", "b", "c") == ["Tp. Hồ Chí Minh :", "Nxb. Trẻ,", "2019"]
    assert marc["650"].get_subfields("a", "x") == ["Lịch sử", "Việt Nam"]
    # The holding library by its registry name, with its call number; the record's page on this site.
    assert marc["852"].get_subfields("a", "h") == ["Thư viện tỉnh Hậu Giang", "959.7 UC1"]
    assert marc["856"]["u"] == f"{url}/records/UC1"
    assert marc.leader[6:8] == "am" and marc["008"].data[7:11] == "2019" and marc["008"].data[35:38] == "vie"
    dc = client.GetRecord(identifier="oai:unioncat:UC1", metadataPrefix="oai_dc").metadata
    assert dc["title"] == ["Lịch sử Việt Nam : Từ nguồn gốc đến thế kỷ X"] and dc["date"] == ["2019"]
    assert "URN:ISBN:9786041234560" in dc["identifier"]


def test_incremental_harvest_sees_changes_and_deletions_after_from(feed):
    url, store = feed
    built = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)  # seconds granularity: the changes below are stamped after `since`
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.save_clusters({}, [_union("UC2", "Sách số 2, in lần 2"), _union("UC6", "Sách mới")],
                        removed_ids=["UC3"], aliases={"UC4": "UC2"})
    client = Sickle(f"{url}/oai")
    headers = {h.identifier: h.deleted for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": since})}
    # Changed and new records, the withdrawn one and the merged-away one (as deleted): nothing else.
    assert headers == {"oai:unioncat:UC2": False, "oai:unioncat:UC6": False, "oai:unioncat:UC3": True,
                       "oai:unioncat:UC4": True}
    before = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", until=built)}
    assert before == {"oai:unioncat:UC1", "oai:unioncat:UC5"}
    deleted = client.GetRecord(identifier="oai:unioncat:UC3", metadataPrefix="marc21")
    assert deleted.deleted and deleted.header.datestamp >= since


def test_protocol_errors_are_oai_errors_not_http_errors(feed):
    url, _ = feed
    client = Sickle(f"{url}/oai")
    with pytest.raises(CannotDisseminateFormat):
        next(iter(client.ListRecords(metadataPrefix="mods")))
    with pytest.raises(IdDoesNotExist):
        client.GetRecord(identifier="oai:unioncat:NOPE", metadataPrefix="marc21")
    with pytest.raises(NoSetHierarchy):
        next(iter(client.ListSets()))
    with pytest.raises(BadResumptionToken):
        next(iter(client.ListRecords(resumptionToken="metadataPrefix%3Dmarc21%26after%3Dx%26cursor%3D2")))
    with pytest.raises(BadArgument):
        next(iter(client.ListRecords(metadataPrefix="marc21", **{"from": "2026-13-45"})))
    repeated = httpx.get(f"{url}/oai?verb=Identify&verb=Identify", timeout=10)
    assert repeated.status_code == 200 and _error_code(repeated.content) == "badArgument"
    posted = httpx.post(f"{url}/oai", data={"verb": "GetRecord", "identifier": "oai:unioncat:UC5",
                                            "metadataPrefix": "oai_dc"}, timeout=10)
    assert b"S\xc3\xa1ch s\xe1\xbb\x91 5" in posted.content and _error_code(posted.content) is None


def test_from_and_until_are_taken_in_the_two_forms_of_the_protocol_and_echoed_as_sent(feed):
    """OAI-PMH 2.0 §3.3: YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ; §3.2: <request> holds the values sent."""
    url, _ = feed
    for query in ("from=2020-01-01&until=2030-12-31", "from=2020-01-01T00:00:00Z&until=2030-12-31T23:59:59Z"):
        body = httpx.get(f"{url}/oai?verb=ListIdentifiers&metadataPrefix=oai_dc&{query}", timeout=10).content
        request = etree.fromstring(body).find("oai:request", OAI_NS)
        assert _error_code(body) is None
        assert "&".join(f"{name}={request.get(name)}" for name in ("from", "until")) == query
    for bad in ("2026-11-28T13:51:40.5Z", "2026-11-28T13:51:40.999Z", "0001-01-01T00:00Z"):
        body = httpx.get(f"{url}/oai", params={"verb": "ListRecords", "metadataPrefix": "marc21", "from": bad},
                         timeout=10).content
        assert _error_code(body) == "badArgument" and bad.encode() in body
        assert etree.fromstring(body).find("oai:request", OAI_NS).attrib == {}  # bare, as §3.6 asks


def _marc_file(oai_record: etree._Element) -> io.BytesIO:
    """The MARCXML inside an OAI-PMH <record>, as a file pymarc reads."""
    record = oai_record.find(".//{http://www.loc.gov/MARC21/slim}record")
    return io.BytesIO(b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + etree.tostring(record) + b"</collection>")


def _error_code(body: bytes) -> str | None:
    found = etree.fromstring(body).find("oai:error", OAI_NS)
    return found.get("code") if found is not None else None


def test_a_catalogue_from_before_the_feed_dates_its_records_when_upgraded(tmp_path):
    """A version 1 database (no seq_times) is upgraded in place: what it holds is dated once, at the upgrade."""
    path = tmp_path / "catalog.sqlite3"
    with CatalogStore(path) as store:
        store.save_clusters({}, [_union("UC1", "Sách cũ")])
        store._conn.execute("DROP TABLE seq_times")
        store._conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    upgraded_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with CatalogStore(path) as store:
        entry = feed_entry(store, "UC1")
        assert entry is not None and entry.datestamp >= upgraded_at
        assert earliest_datestamp(store) == entry.datestamp  # the same every time it is asked, not "now"
        time.sleep(1.1)
        assert feed_entry(store, "UC1").datestamp == entry.datestamp


def test_odd_characters_in_a_record_or_a_request_keep_the_xml_well_formed(feed):
    """Control characters (left by a legacy encoding) have no place in XML 1.0: the record is
    still sent, without them; markup is text; a character beyond the BMP is kept."""
    url, store = feed
    store.save_clusters({}, [_union("UC7", "Truyện\x01 Kiều <script>alert(1)</script> 𠀧", notes=["Ghi\x0bchú"],
                                    authors=["Nguyễn\x1f Du"], subjects=["Văn học\x08"])])
    client = Sickle(f"{url}/oai")
    marc = pymarc.parse_xml_to_array(_marc_file(client.GetRecord(identifier="oai:unioncat:UC7",
                                                                 metadataPrefix="marc21").xml))[0]
    assert marc["245"]["a"] == "Truyện Kiều <script>alert(1)</script> 𠀧" and marc["500"]["a"] == "Ghichú"
    assert marc["100"]["a"] == "Nguyễn Du" and marc["650"]["a"] == "Văn học"
    dc = client.GetRecord(identifier="oai:unioncat:UC7", metadataPrefix="oai_dc").metadata
    assert dc["title"] == ["Truyện Kiều <script>alert(1)</script> 𠀧"] and dc["creator"] == ["Nguyễn Du"]
    assert len(list(client.ListRecords(metadataPrefix="oai_dc"))) == 6
    # A request holding such a character is answered with an OAI error, not an HTTP 500.
    for query in ("verb=GetRecord&metadataPrefix=marc21&identifier=oai:unioncat:UC%017", "verb=Identify%01",
                  "verb=Identify&%01=1"):
        response = httpx.get(f"{url}/oai?{query}", timeout=10)
        assert response.status_code == 200 and _error_code(response.content) in {"idDoesNotExist", "badVerb",
                                                                                  "badArgument"}, query


def _tokens(url: str, verb: str) -> list[etree._Element | None]:
    """Each page's <resumptionToken> element of one list, pages followed as a harvester does."""
    found, query = [], {"verb": verb, "metadataPrefix": "oai_dc"}
    while True:
        page = etree.fromstring(httpx.get(f"{url}/oai", params=query, timeout=10).content)
        token = page.find(f"oai:{verb}/oai:resumptionToken", OAI_NS)
        found.append(token)
        if token is None or not token.text:
            return found
        query = {"verb": verb, "resumptionToken": token.text}


def test_the_page_that_completes_a_list_carries_an_empty_resumption_token(feed):
    """OAI-PMH 2.0 §3.5: 'the response containing the incomplete list that completes the list must
    include an empty resumptionToken element'; harvesters that wait for it stopped on a missing one."""
    url, _ = feed
    for verb in ("ListRecords", "ListIdentifiers"):
        tokens = _tokens(url, verb)
        assert len(tokens) == 3 and all(t is not None and t.text for t in tokens[:2])
        assert tokens[-1] is not None and not tokens[-1].text


def test_a_resumption_token_that_is_no_token_of_ours_is_bad_resumption_token(feed):
    url, _ = feed
    for token in ("metadataPrefix%3Dmarc21%26after%3D1.2%26from_%3Dyesterday%26cursor%3D2",  # a bad date
                  "after%3D1.2%26cursor%3D2",  # no metadataPrefix
                  "metadataPrefix%3Dmods%26after%3D1.2%26cursor%3D2"):
        response = httpx.get(f"{url}/oai", params={"verb": "ListRecords", "resumptionToken": token}, timeout=10)
        assert response.status_code == 200 and _error_code(response.content) == "badResumptionToken", token
    # oaipmh's own unofficial verb is no OAI-PMH verb.
    response = httpx.get(f"{url}/oai", params={"verb": "GetMetadata", "identifier": "oai:unioncat:UC1",
                                               "metadataPrefix": "oai_dc"}, timeout=10)
    assert response.status_code == 200 and _error_code(response.content) == "badVerb"


def test_a_record_written_while_a_harvest_ran_is_in_the_next_harvest_from_its_response_date(feed):
    """A harvester's next `from` is the responseDate of its last harvest (DESIGN, Harvesting facts).
    A dedupe run writes its union records in one long transaction; they were dated when it began, so
    a harvest during the run, which could not see them yet, gave a later `from` and they were never sent."""
    url, store = feed
    seen: dict[str, str] = {}

    def written_during_a_harvest() -> Iterator[UnionRecord]:
        time.sleep(1.1)
        page = etree.fromstring(httpx.get(f"{url}/oai", params={"verb": "Identify"}, timeout=10).content)
        seen["responseDate"] = page.find("oai:responseDate", OAI_NS).text
        yield _union("UC8", "Sách ghi trong lúc thu thập")

    store.save_clusters({}, written_during_a_harvest())
    client = Sickle(f"{url}/oai")
    headers = [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": seen["responseDate"]})]
    assert headers == ["oai:unioncat:UC8"]


def test_identifiers_carry_the_catalogue_s_own_namespace(tmp_path):
    """oai-identifiers name the repository's domain: two provinces' feeds must not both say oai:unioncat:."""
    settings = make_settings(tmp_path / "data", LIBRARIES, api={"oai_namespace": "thuvien.haugiang.gov.vn"})
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("UC1", "Lịch sử Việt Nam")])
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            client = Sickle(f"{url}/oai")
            assert [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc")] == \
                ["oai:thuvien.haugiang.gov.vn:UC1"]
            assert client.GetRecord(identifier="oai:thuvien.haugiang.gov.vn:UC1", metadataPrefix="oai_dc").metadata
            with pytest.raises(IdDoesNotExist):
                client.GetRecord(identifier="oai:unioncat:UC1", metadataPrefix="oai_dc")


def test_a_post_body_far_larger_than_any_oai_request_is_refused_unread(feed):
    """POST /oai read the whole body into memory whatever its size: a few requests of a gigabyte
    each could exhaust the server's memory.  OAI-PMH arguments fit in a few hundred bytes."""
    url, _ = feed
    form = {"content-type": "application/x-www-form-urlencoded"}
    huge = httpx.post(f"{url}/oai", content=b"verb=Identify&x=" + b"x" * 2_000_000, headers=form, timeout=10)
    assert huge.status_code == 413
    streamed = httpx.post(f"{url}/oai", content=iter([b"verb=Identify&x="] + [b"x" * 65536] * 40), headers=form,
                          timeout=10)  # chunked: no Content-Length to refuse it by
    assert streamed.status_code == 413
    normal = httpx.post(f"{url}/oai", content=b"verb=Identify", headers=form, timeout=10)
    assert normal.status_code == 200 and b"<Identify>" in normal.content


def test_serve_warns_when_the_feed_has_no_contact_address_or_public_address(tmp_path):
    """OAI-PMH requires an adminEmail: without [api] admin_emails the feed names admin@localhost, and
    the operator is told so when the server starts, not by a harvester months later.  Likewise the
    feed's baseURL: without [api] public_url it is the address serve listens on, which behind a
    proxy no harvester can reach."""
    from tests.e2e_helpers import ServerProcess
    from tests.test_harvest_report import write_config

    config = write_config(tmp_path / "unioncat.toml", "http://127.0.0.1:9/oai", "http://127.0.0.1:9/oai")
    CatalogStore(load_settings(config).db_path).close()  # serve refuses to start without a catalogue
    server = ServerProcess(config)
    identify = Sickle(f"{server.base_url}/oai").Identify()
    server.stop()
    assert identify.adminEmail == "admin@localhost"
    assert identify.baseURL == f"{server.base_url}/oai"
    said = server.proc.stdout.read()
    assert "admin_emails is not set" in said
    assert f"public_url is not set: the links of /opensearch.xml, /oai and the Atom feed name {server.base_url}" in said
    with_contact = tmp_path / "with-contact.toml"
    with_contact.write_text(config.read_text(encoding="utf-8").replace(
        "[harvest]", '[api]\nadmin_emails = ["quantri@thuvien.example"]\npublic_url = "https://thuvien.example"'
                     '\n\n[harvest]'), encoding="utf-8")
    quiet = ServerProcess(with_contact)
    identify = Sickle(f"{quiet.base_url}/oai").Identify()
    assert identify.adminEmail == "quantri@thuvien.example"
    assert identify.baseURL == "https://thuvien.example/oai"
    quiet.stop()
    said = quiet.proc.stdout.read()
    assert "admin_emails" not in said and "public_url" not in said


def test_marc_008_gives_the_day_the_record_entered_the_catalogue_and_005_its_last_change(feed):
    """MARC 21 008/00-05 is the date entered on file, which an edit does not move; 005 is the last change.
    A receiving catalogue that sorts or weeds by 008 saw every edited record as new."""
    url, store = feed
    # The five records came in on a night long ago: 20:00 UTC is already the next day in Vietnam.
    store._conn.execute("UPDATE seq_times SET at = '2025-01-15T20:00:00Z'")
    store.save_clusters({}, [_union("UC2", "Sách số 2, in lần 2")])
    client = Sickle(f"{url}/oai")
    edited = pymarc.parse_xml_to_array(_marc_file(client.GetRecord(identifier="oai:unioncat:UC2",
                                                                   metadataPrefix="marc21").xml))[0]
    today = datetime.now(UTC).strftime("%Y%m%d")
    assert edited["008"].data[:6] == "250116" and edited["005"].data[:8] == today
    untouched = pymarc.parse_xml_to_array(_marc_file(client.GetRecord(identifier="oai:unioncat:UC3",
                                                                      metadataPrefix="marc21").xml))[0]
    assert untouched["008"].data[:6] == "250116" and untouched["005"].data[:14] == "20250115200000"


def test_varying_titles_and_online_links_reach_the_feed(tmp_path):
    """The union record's 246 titles and its e-book's 856 links were kept by normalize and shown on
    the page, but the feed the national union catalogue harvests left them out."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [
            _union("EB1", "Giáo trình kinh tế vĩ mô", material_type="ebook",
                   other_titles=["Macroeconomics"], links=[Link(url="https://thuvien.example/eb1.pdf", label="Toàn văn")]),
        ])
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            client = Sickle(f"{url}/oai")
            ebook = pymarc.parse_xml_to_array(_marc_file(client.GetRecord(
                identifier="oai:unioncat:EB1", metadataPrefix="marc21").xml))[0]
            dc_ebook = client.GetRecord(identifier="oai:unioncat:EB1", metadataPrefix="oai_dc").metadata
    assert [f["a"] for f in ebook.get_fields("246")] == ["Macroeconomics"]
    # The resource itself (856 4-0) apart from its record on this site (856 4-2).
    online = [f for f in ebook.get_fields("856") if f.indicators[1] == "0"]
    assert [(f["u"], f["y"]) for f in online] == [("https://thuvien.example/eb1.pdf", "Toàn văn")]
    assert [f["u"] for f in ebook.get_fields("856") if f.indicators[1] == "2"] == [f"{url}/records/EB1"]
    assert "https://thuvien.example/eb1.pdf" in dc_ebook["identifier"]
    # A text online, not a computer file: leader a (language material), 008/23 o (online), dc:type Text.
    assert ebook.leader[6:8] == "am" and ebook["008"].data[23] == "o" and len(ebook["008"].data) == 40
    assert dc_ebook["type"] == ["Text"]


def _component_part(library: str, local_id: str, leader_type: str, host: pymarc.Field) -> Record:
    """A component part as a member library catalogues it, normalized as the pipeline does."""
    raw = marc_record(data_field("245", "10", "a", f"Bài {local_id} về giáo dục đạo đức cho học sinh"),
                      data_field("260", "  ", "c", "2019"), host, leader_type=leader_type, control_001=local_id)
    record = normalize_raw(RawRecord(library=library, local_id=local_id, format="marcxml",
                                     payload=pymarc.record_to_xml(raw, namespace=True), source="test"), None)
    assert isinstance(record, Record), record
    return record


def test_an_article_s_journal_goes_out_as_a_773_host_item_entry_with_its_parts(tmp_path):
    """The feed wrote an article's host as one 580 note ("Trích từ: Tạp chí Giáo dục, Số 5 (2019), tr. 12-18"):
    the national union catalogue links a component part to its journal or book by MARC 21's 773, whose
    $t, $g, $d, $x, $z and $w a program reads (first indicator 0: display the note)."""
    journal = data_field("773", "0 ", "t", "Tạp chí Giáo dục.", "d", "Hà Nội : Bộ Giáo dục và Đào tạo, 2019.",
                         "g", "Số 5 (2019), tr. 12-18.", "x", "2354-0753", "w", "(VN-HGI)TC0012")
    book = data_field("773", "0 ", "a", "Trường Đại học Cần Thơ.", "t", "Kỷ yếu hội thảo giáo dục Hậu Giang",
                      "d", "Cần Thơ : Nxb. Đại học Cần Thơ, 2020", "g", "Tập 2", "g", "tr. 45-60",
                      "z", "978-604-965-123-4")
    article = _component_part("tv-tinh", "HG0101", "ab", journal)
    # The same article at another library, which typed neither the imprint nor the pages nor the ISSN.
    copy = _component_part("tv-long-my", "LM0101", "ab",
                           data_field("773", "0 ", "t", "Tạp chí Giáo dục", "g", "Số 5 (2019)"))
    chapter = _component_part("tv-tinh", "HG0102", "aa", book)
    settings = make_settings(tmp_path / "data", LIBRARIES)
    unions = [merge_cluster("AR1", [copy, article]), merge_cluster("CH1", [chapter])]
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, unions)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            client = Sickle(f"{url}/oai")
            harvested = {r.header.identifier: r for r in client.ListRecords(metadataPrefix="marc21")}
            dublin_core = {uid: client.GetRecord(identifier=f"oai:unioncat:{uid}", metadataPrefix="oai_dc").metadata
                           for uid in ("AR1", "CH1")}
    for merged, source in zip(unions, (journal, book)):
        marc = pymarc.parse_xml_to_array(_marc_file(harvested[f"oai:unioncat:{merged.id}"].xml))[0]
        assert [field.tag for field in marc.get_fields("580", "773")] == ["773"]
        # Leader/07 as the members catalogued it: b for the journal's article, a for the book's chapter.
        assert marc.leader[7] == ("b" if source is journal else "a"), marc.leader
        host = marc["773"]
        assert host.indicators[0] == "0"
        # Every subfield the member with the fullest host typed, as normalize cleans a displayed value.
        assert sorted((s.code, s.value) for s in host.subfields) == \
            sorted((s.code, clean_field(s.value)) for s in source.subfields)
        assert dublin_core[merged.id]["source"] == [merged.host]  # oai_dc keeps the host as one line


@pytest.mark.parametrize("preferred", ["tv-tinh", "tv-long-my"])
def test_a_chapter_goes_out_whole_and_as_a_chapter_whichever_library_is_preferred(tmp_path, preferred):
    """Two copies of a chapter with the same host line, one adding the book's ISBN and control number ($z,
    $w): the merge kept the preferred member's 773, so the feed dropped $z and $w, and with them the
    chapter's leader/07 a, when the other library was preferred; and a chapter whose 773 names no ISBN
    went out as a serial's article (b) though every member said a (review)."""
    host = ("t", "Kỷ yếu hội thảo giáo dục Hậu Giang", "d", "Cần Thơ : Nxb. Đại học Cần Thơ, 2020", "g", "tr. 45-60")
    plain = _component_part("tv-tinh", "HG0103", "aa", data_field("773", "0 ", *host))
    full = _component_part("tv-long-my", "LM0103", "aa",
                           data_field("773", "0 ", *host, "z", "978-604-965-123-4", "w", "(VN-HG)000123"))
    bare = _component_part("tv-tinh", "HG0104", "aa", data_field("773", "0 ", "t", "Tuyển tập truyện ngắn Nam Bộ"))
    settings = make_settings(tmp_path / "data", LIBRARIES, dedupe={"library_preference": [preferred]})
    unions = [merge_cluster("CH2", [plain, full], settings.dedupe.library_preference),
              merge_cluster("CH3", [bare], settings.dedupe.library_preference)]
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, unions)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            harvested = {r.header.identifier: r for r in Sickle(f"{url}/oai").ListRecords(metadataPrefix="marc21")}
    chapter = pymarc.parse_xml_to_array(_marc_file(harvested["oai:unioncat:CH2"].xml))[0]
    assert chapter.leader[7] == "a", chapter.leader
    assert (chapter["773"].get("z"), chapter["773"].get("w")) == ("978-604-965-123-4", "(VN-HG)000123")
    no_isbn = pymarc.parse_xml_to_array(_marc_file(harvested["oai:unioncat:CH3"].xml))[0]
    assert no_isbn.leader[7] == "a" and no_isbn["773"].get("t") == "Tuyển tập truyện ngắn Nam Bộ", no_isbn.leader


def test_class_numbers_reach_the_feed_in_the_tag_and_scheme_the_source_gave_them(tmp_path):
    """A 084 whose $2 names its scheme in words ("Khung phân loại 19 lớp", 636 of the demo's records)
    went out as `$a phân loại 19 lớp 63 $2 Khung`: the feed cut the union record's entry at its first space."""
    source = [("082", "04", "959.7", None), ("080", "  ", "94(597)", None), ("050", " 4", "DS556.5", None),
              ("084", "  ", "63", "Khung phân loại 19 lớp"), ("084", "  ", "9(V) 2", "khung19"),
              ("084", "  ", "V23", None)]
    raw = marc_record(data_field("245", "00", "a", "Kỹ thuật trồng lúa"),
                      *(data_field(tag, ind, "a", number, *(("2", scheme) if scheme else ()))
                        for tag, ind, number, scheme in source))
    normalized = normalize_raw(RawRecord(library="tv-tinh", local_id="HG0001", format="marcxml",
                                         payload=pymarc.record_to_xml(raw, namespace=True), source="test"), None)
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("CL1", normalized.title, classification=normalized.classification)])
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            sent = Sickle(f"{url}/oai").GetRecord(identifier="oai:unioncat:CL1", metadataPrefix="marc21")
    marc = pymarc.parse_xml_to_array(_marc_file(sent.xml))[0]
    fed = [(f.tag, f.indicators[0] + f.indicators[1], f.get("a"), f.get("2"))
           for f in marc.get_fields("082", "080", "050", "084")]
    assert sorted(fed) == sorted(source)


def _harvest_headers(settings, store: CatalogStore, since: str) -> dict[str, str]:
    """identifier → datestamp of what an incremental harvest from `since` receives from a server on `settings`."""
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        try:
            headers = Sickle(f"{url}/oai").ListIdentifiers(metadataPrefix="marc21", **{"from": since})
            return {h.identifier: h.datestamp for h in headers}
        except NoRecordsMatch:
            return {}


def _holding_libraries(settings, store: CatalogStore, uid: str) -> list[str]:
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        sent = Sickle(f"{url}/oai").GetRecord(identifier=f"oai:unioncat:{uid}", metadataPrefix="marc21")
    return [f["a"] for f in pymarc.parse_xml_to_array(_marc_file(sent.xml))[0].get_fields("852")]


def test_a_library_renamed_or_dropped_from_the_registry_dates_again_the_records_it_holds(tmp_path):
    """A name-only edit of the registry changed the 852 $a of every record the library holds but no
    datestamp: an incremental harvest never received the new name, nor the bare id of a dropped library."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [union("R1", "Địa chí Hậu Giang", ("tv-tinh", "tv-long-my")),
                                 union("R2", "Sách của Long Mỹ", ("tv-long-my",)),
                                 union("R3", "Sách của trường", ("thpt-vi-thanh",))])
        build_index(store, settings)
        assert _holding_libraries(settings, store, "R1") == ["Thư viện huyện Long Mỹ", "Thư viện tỉnh Hậu Giang"]
        time.sleep(1.1)  # seconds granularity: what follows is stamped after `since`
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert _harvest_headers(settings, store, since) == {}
        renamed = make_settings(tmp_path / "data", [{**LIBRARIES[0], "name": "Thư viện tỉnh Hậu Giang (mới)"},
                                                    *LIBRARIES[1:]])
        build_index(store, renamed)  # the nightly run after the registry edit
        assert set(_harvest_headers(renamed, store, since)) == {"oai:unioncat:R1"}
        assert "Thư viện tỉnh Hậu Giang (mới)" in _holding_libraries(renamed, store, "R1")
        time.sleep(1.1)
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        dropped = make_settings(tmp_path / "data", [lib for lib in renamed.model_dump()["libraries"]
                                                    if lib["id"] != "thpt-vi-thanh"])
        build_index(store, dropped)
        assert set(_harvest_headers(dropped, store, since)) == {"oai:unioncat:R3"}
        assert _holding_libraries(dropped, store, "R3") == ["thpt-vi-thanh"]
        build_index(store, dropped)  # a night without a registry edit dates nothing again
        assert set(_harvest_headers(dropped, store, since)) == {"oai:unioncat:R3"}


def test_a_survivor_names_the_ids_merged_into_it_and_is_dated_again_when_it_gains_or_loses_one(feed):
    """A merged-away id reached harvesters as a bare deletion: nothing said which record had absorbed it."""
    url, store = feed
    time.sleep(1.1)  # seconds granularity: the merge below is stamped after `since`
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # UC2 keeps its content: only the alias is new.
    store.save_clusters({}, [_union("UC2", "Sách số 2")], aliases={"UC4": "UC2"})
    client = Sickle(f"{url}/oai")
    headers = {h.identifier: h.deleted for h in client.ListIdentifiers(metadataPrefix="marc21", **{"from": since})}
    assert headers == {"oai:unioncat:UC2": False, "oai:unioncat:UC4": True}
    assert [f.get_subfields("z") for f in _marc_of(client, "UC2").get_fields("035")] == [["UC4"]]
    dc = client.GetRecord(identifier="oai:unioncat:UC2", metadataPrefix="oai_dc").metadata
    assert "oai:unioncat:UC4" in dc["identifier"]
    assert not [f for f in _marc_of(client, "UC3").get_fields("035")]  # a record nothing was merged into
    time.sleep(1.1)
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    store.save_clusters({}, [_union("UC4", "Sách số 4")])  # UC4 split away again: no alias any more
    headers = {h.identifier: h.deleted for h in client.ListIdentifiers(metadataPrefix="marc21", **{"from": since})}
    assert headers == {"oai:unioncat:UC2": False, "oai:unioncat:UC4": False}
    assert not _marc_of(client, "UC2").get_fields("035")


def _marc_of(client: Sickle, uid: str) -> pymarc.Record:
    return pymarc.parse_xml_to_array(_marc_file(client.GetRecord(identifier=f"oai:unioncat:{uid}",
                                                                 metadataPrefix="marc21").xml))[0]


def test_a_resumed_list_whose_rest_left_its_until_is_no_records_match_not_an_empty_list(feed):
    """Every record after page 1 edited before the harvester resumed: the answer was a <ListIdentifiers>
    holding only <resumptionToken/>, which OAI-PMH.xsd forbids (at least one header)."""
    url, store = feed
    until = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep(1.1)  # seconds granularity: the edits below are stamped after `until`
    tokens, sent = {}, set()
    for verb in ("ListIdentifiers", "ListRecords"):
        first = etree.fromstring(httpx.get(f"{url}/oai", params={"verb": verb, "metadataPrefix": "oai_dc",
                                                                 "until": until}, timeout=10).content)
        tokens[verb] = first.find(f"oai:{verb}/oai:resumptionToken", OAI_NS).text
        sent |= {h.text for h in first.iterfind(".//oai:header/oai:identifier", OAI_NS)}
    store.save_clusters({}, [_union(f"UC{i}", f"Sách số {i}, sửa") for i in range(1, 6)
                             if f"oai:unioncat:UC{i}" not in sent])
    for verb, token in tokens.items():
        rest = httpx.get(f"{url}/oai", params={"verb": verb, "resumptionToken": token}, timeout=10)
        assert _error_code(rest.content) == "noRecordsMatch"
        assert etree.fromstring(rest.content).find(f"oai:{verb}", OAI_NS) is None


def test_an_error_other_than_bad_verb_or_bad_argument_echoes_the_request_s_arguments(feed):
    """OAI-PMH 2.0 §3.2 allows a <request> without attributes for badVerb and badArgument only; a
    noRecordsMatch, idDoesNotExist, cannotDisseminateFormat, noSetHierarchy or badResumptionToken
    answer came with the base URL alone, so a harvester's log could not say which request failed."""
    url, _ = feed
    requests = {
        "noRecordsMatch": {"verb": "ListRecords", "metadataPrefix": "marc21", "from": "2099-01-01"},
        "idDoesNotExist": {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": "oai:unioncat:N\"O&<PE>"},
        "cannotDisseminateFormat": {"verb": "ListIdentifiers", "metadataPrefix": "mods"},
        "noSetHierarchy": {"verb": "ListSets"},
        "badResumptionToken": {"verb": "ListRecords", "resumptionToken": "abc"},
    }
    for code, arguments in requests.items():
        body = httpx.get(f"{url}/oai", params=arguments, timeout=10).content
        request = etree.fromstring(body).find("oai:request", OAI_NS)
        assert _error_code(body) == code and dict(request.attrib) == arguments and request.text == f"{url}/oai"
    for arguments in ({"verb": "Nope"}, {"verb": "ListRecords", "metadataPrefix": "marc21", "set": "a", "x": "1"}):
        body = httpx.get(f"{url}/oai", params=arguments, timeout=10).content
        assert _error_code(body) in ("badVerb", "badArgument")
        assert etree.fromstring(body).find("oai:request", OAI_NS).attrib == {}
