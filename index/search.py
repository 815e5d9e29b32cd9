"""Search the live index: parameters in, hits and facet counts out.

`SearchIndex` follows the CURRENT pointer and the live version's commits with
a cheap check per request (two `stat` calls), so `unioncat index` running in
another process shows up without a restart.  Hits are rendered from the JSON
stored in each document (index/hits.py); SQLite is never touched while searching.
The query with its filters and the facet counts are index/filtered.py's.

Answers are cached per index generation, as Solr's query result and filter
caches are: the same search answers from memory until the index changes, and
a new page or sort order of a search reuses its facet counts (the facet
aggregation costs as much as the search itself: cProfile at 300,000 records).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tantivy

from config.errors import ParameterError, QueryError, SearchIndexError
from config.settings import Settings
from index.arrivals import arrival_libraries, newest_at
from index.build import CURRENT_NAME, current_version, open_index
from index.cache import LruCache, cache_bytes
from index.code_filters import check_code_filters, code_values
from index.facets import FILTERS
from index.filtered import full_query, search_facets
from index.hits import render_hit
from index.keyboard import keyboard_query
from index.params import MAX_RESULT_WINDOW, SearchParams, filter_value
from index.query import build_query, match_query
from index.query_language import Node, parse_query
from index.record_ids import asks_for_an_id, id_query, typed_id
from index.query_words import positive_chain, positive_words, split_phrases, typo_candidates, word_leaves
from index.run_together import with_split_words
from index.registry_filters import check_registry_filters, registry_spelling, registry_values
from index.volumes import volume_order, volumes_in_order
from index.schema import (ADDED_FIELD, RANK_WEIGHT_FIELD, TEXT_FIELDS, TITLE_SORT_FIELD, YEAR_FIELD, exact_words)
from index.suggest import SUGGEST_FROM_HITS, suggest, unknown_words
from store.text import nfc, visible_query

# A fuzzy search ranked by its suggested spelling: the fuzzy score, scaled down by this, breaks ties.
FUZZY_TIE_BREAK = 0.001


@dataclass
class SearchResult:
    """Hits of one page, the total, facet counts within the filtered set, and the fuzzy flag."""

    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    page: int = 1
    size: int = 20
    fuzzy: bool = False
    suggestion: str | None = None
    params: SearchParams = field(default_factory=SearchParams)
    # False while there is nothing to search (no index built yet, or one of no records): a total of 0
    # then says nothing about the query, and the page and the widget say the catalogue is not ready.
    indexed: bool = True


class SearchIndex:
    """Read side of the index; safe to share between request threads."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._registry = settings.library_map()  # hits are enriched with it as they are read
        # What library=, library_type=, district=, language= and material_type= accept.
        self._known_filter_values = registry_values(settings) | code_values()
        self._lock = threading.Lock()
        self._version: Path | None = None
        self._index: tantivy.Index | None = None
        self._stamp: tuple[int, int] | None = None
        # CURRENT's stat and the version it named: CURRENT is replaced, never rewritten in
        # place, so an unchanged stat means an unchanged pointer and the file is not read again.
        self._pointer: tuple[int, int, int] | None = None
        self._pointed: Path | None = None
        # Bumped whenever the searcher changes: cache keys start with it, so no stale answer is served.
        self._generation = 0
        self._answers = LruCache(settings.api.cached_searches, cache_bytes(settings.api, "answers"))
        self._facet_counts = LruCache(settings.api.cached_searches, cache_bytes(settings.api, "facets"))

    # ---- following new versions and commits ----------------------------------------

    def _meta_stamp(self, version: Path) -> tuple[int, int] | None:
        try:
            stat = (version / "meta.json").stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size

    def _live_version(self) -> Path | None:
        """current_version(), reading CURRENT only when its stat changed (one stat per request)."""
        index_dir = self._settings.index_dir
        try:
            stat = (index_dir / CURRENT_NAME).stat()
        except OSError:
            self._pointer = self._pointed = None
            return None
        pointer = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if pointer != self._pointer or self._pointed is None:
            self._pointer, self._pointed = pointer, current_version(index_dir)
        return self._pointed

    def reload(self) -> bool:
        """Pick up a new CURRENT or a new commit; returns True when the searcher changed."""
        with self._lock:
            version = self._live_version()
            if version is None:
                changed = self._index is not None
                self._version = self._index = self._stamp = None
                self._forget_answers(changed)
                return changed
            stamp = self._meta_stamp(version)
            if version == self._version and stamp == self._stamp:
                return False
            if version != self._version or self._index is None:
                self._index = open_index(version)
                self._version = version
            else:
                self._index.reload()
            self._stamp = stamp
            self._forget_answers(True)
            return True

    def _forget_answers(self, changed: bool) -> None:
        if changed:
            self._generation += 1
            self._answers.clear()
            self._facet_counts.clear()

    def _current(self) -> tantivy.Index | None:
        return self._snapshot()[0]

    def _snapshot(self) -> tuple[tantivy.Index | None, int]:
        """The live index and its generation, read together."""
        try:
            self.reload()
        except (SearchIndexError, ValueError, OSError):
            # The version we held was pruned under us: follow CURRENT afresh once.
            with self._lock:
                self._version = self._index = self._stamp = self._pointer = self._pointed = None
            self.reload()
        with self._lock:
            return self._index, self._generation

    @property
    def version(self) -> str | None:
        return self._version.name if self._version else None

    # ---- queries --------------------------------------------------------------------

    def cached(self, params: SearchParams) -> SearchResult | None:
        """The live index's cached answer to `params`, or None: never searches, so an
        event loop may call it and send only the misses to a worker thread."""
        _, generation = self._snapshot()
        return self._answers.get((generation, params))

    def search(self, params: SearchParams) -> SearchResult:
        """Run one search; raises QueryError for input the API must reject.

        The answer may be shared with other callers (see the module docstring): read it, don't change it.
        """
        index, generation = self._snapshot()
        if (q := visible_query(params.q)) != params.q:
            # "Lị\u200bch sử" pasted from a web page was "lị" and "ch sử"; the records' text has none (index/document.py).
            params = replace(params, q=q)
        if params.district:
            params = replace(params, district=tuple(self.registry_spelling("district", filter_value(v, "district"))
                                                    for v in params.district))
        answer = self._answers.get((generation, params))  # only valid parameters are ever cached
        if answer is not None:
            return answer
        params.validate(self._settings)
        tree = parse_query(params.q) if params.q.strip() else None
        searcher = index.searcher() if index is not None else None
        check_code_filters(params.q, params.filters())
        check_registry_filters(params.q, params.filters(), self._known_filter_values,
                               lambda name, value: searcher is not None and searcher.doc_freq(name, value) > 0)
        if searcher is None or searcher.num_docs == 0:  # the answer's shape still names every facet
            return SearchResult(0, [], {name: [] for name in FILTERS}, params.page, params.size, params=params,
                                indexed=False)
        answer = self._answer(searcher, index.schema, generation, tree, params)
        self._answers.put((generation, params), answer)
        return answer

    def registry_spelling(self, name: str, value: str) -> str:
        """`value` of filter `name` as the registry spells it (index.registry_filters.registry_spelling)."""
        return registry_spelling(self._known_filter_values, name, value)

    def _answer(self, searcher: tantivy.Searcher, schema: tantivy.Schema, generation: int, tree: Node | None,
                params: SearchParams) -> SearchResult:
        tree = with_split_words(searcher, schema, tree) if tree is not None else None  # "vietnam" is "viet nam"
        words = _highlighted(tree) if tree is not None else ([], [])
        if (named := id_query(searcher, schema, params.q)) is not None:
            query, union_id = named
            if not union_id and tree is not None:  # a number is a record's and a title's word: both are found
                query = tantivy.Query.boolean_query([(tantivy.Occur.Should, query),
                                                     (tantivy.Occur.Should, build_query(schema, tree))])
            return self._run(searcher, schema, query, params, frozenset(), words, generation)
        if asks_for_an_id(params.q):
            raise QueryError(params.q, f"không có bản ghi nào mang mã {typed_id(params.q)!r}: kiểm tra lại mã (mã mục "
                                       "lục liên hợp như trang bản ghi ghi, mã bản ghi thư viện:số, hoặc số bản ghi của "
                                       "thư viện), hoặc tìm theo nhan đề (no record has this id)")
        result = self._run(searcher, schema, tree, params, frozenset(), words, generation)
        if result.total or tree is None:
            return result
        tried = [(params.q, tree)]  # what the typo search may read: the query, after its keyboard reading
        read = self._keyboard_reading(searcher, schema, params, tree)
        if read is not None:
            found = self._run(searcher, schema, read[1], replace(params, q=read[0]), frozenset(),
                              _highlighted(read[1]), generation)
            if found.total:
                found.fuzzy, found.suggestion, found.params = True, read[0], params
                return found
            # "ddaats rungf phuwowng nam": "rungf" (rùng) is a slip for "rwngf" (rừng), a typo of "đất
            # rungf phương nam"; each word alone was found, together nothing.
            tried.insert(0, read)
        # Then a word some record holds may be the typo, when the words alone find nothing: "vit" of "lich su
        # vit nam" is some record's "vịt", "lang" of "khoai lang tap 2" a record's "lnag" (a misspelt title).
        for held_typo in (False, True):
            for q, parsed in tried:
                typos = self._held_word_typo(searcher, schema, params, parsed) if held_typo else None
                if held_typo and typos is None:
                    continue
                fuzzy = self._typo_search(searcher, schema, replace(params, q=q) if q != params.q else params,
                                          parsed, generation, typos)
                if fuzzy is not None:
                    fuzzy.params = params
                    fuzzy.suggestion = fuzzy.suggestion or (q if q != params.q else None)
                    return fuzzy
        return result

    def _held_word_typo(self, searcher: tantivy.Searcher, schema: tantivy.Schema, params: SearchParams,
                        tree: Node) -> frozenset[str] | None:
        """The unknown words of an AND query and the bare word some record holds that, read with a typo,
        lets the query find the most records; None when none does, or the words find something by
        themselves (without filters, years and excluded words): no hit because of those is the answer
        (index/query.py).

        One held word at a time: all of them at once made "khoai lang tap 2" "khoai đăng tâm 2".  Every
        held word is tried, not the first that finds something: "kinh van hao" read "kinh" as the typo
        and offered "hình van hao", Trần Văn Hạo's "Hình học 12", over the three "Kính vạn hoa" (review)."""
        words = positive_chain(tree)
        if words is None or searcher.search(match_query(schema, words), limit=1, count=True).count:
            return None
        unknown = unknown_words(searcher, typo_candidates(tree))
        best, found = None, 0
        # Not a phrase's words: `"nam viet"` holds both, in another order than any record; that is the answer.
        for word in dict.fromkeys(word for word, _ in typo_candidates(tree, phrases=False) if word not in unknown):
            typos = unknown | {word}
            query = full_query(self._settings, schema, split_phrases(tree, typos), params, typos, scoring=False)
            count = searcher.search(query, limit=1, count=True).count
            if count > found:
                best, found = typos, count
        return best

    def _keyboard_reading(self, searcher: tantivy.Searcher, schema: tantivy.Schema, params: SearchParams,
                          tree: Node) -> tuple[str, Node] | None:
        """The query with its words read as Telex or VNI typed with the keyboard off (index/keyboard.py), parsed;
        None when no word reads as a syllable the catalogue holds.

        First the words no record holds ("lichj suwr vieetj nam" is "lịch sử việt nam"); then, when
        those were Telex but the reading finds nothing, also the words some record holds as typed:
        "Muaf khoo" is "Mùa khô", though "khoo" is Adam Khoo's.  A query with no unknown Telex word
        is never read, so English words the catalogue holds ("cats" spells "cát") stay as typed."""
        def held(word: str) -> bool:  # in some record's searchable text, marks and all
            return any(searcher.doc_freq(field, term) for term in exact_words(word) for field in TEXT_FIELDS)

        leaves = word_leaves(tree)
        read = keyboard_query(nfc(params.q), unknown_words(searcher, leaves), held)
        parsed = _parsed(read)
        if parsed is None:
            return None
        reading = full_query(self._settings, schema, parsed, params, frozenset(), scoring=False)
        if not searcher.search(reading, limit=1, count=True).count:
            more = keyboard_query(read, frozenset(word for word, _ in leaves), held)
            if (reparsed := _parsed(more)) is not None:
                read, parsed = more, reparsed
        return read, parsed

    def _typo_search(self, searcher: tantivy.Searcher, schema: tantivy.Schema, params: SearchParams, tree: Node,
                     generation: int, typos: frozenset[str] | None = None) -> SearchResult | None:
        """`params` searched with the typos of its words (those no record holds, unless `typos` says which)
        allowed, and the query spelled as the hits spell it as the suggestion; None when it has no typo or
        finds nothing."""
        if typos is None:
            typos = unknown_words(searcher, typo_candidates(tree))
        if not typos:
            return None
        words = _highlighted(tree)
        tree = split_phrases(tree, typos)
        # The suggestion comes from the SUGGEST_FROM_HITS best hits whatever page, size and order this
        # is, so every page ranks alike: page 1 at size 1 took it from one hit, page 2 from five, and
        # sorted by title "nguyen duu" asked "nguyen cửu?" (the first title A–Z), by relevance "nguyen du?".
        own = params.page == 1 and params.size >= SUGGEST_FROM_HITS and params.sort == "relevance"
        first = params if own else replace(params, page=1, size=SUGGEST_FROM_HITS, sort="relevance")
        fuzzy = self._run(searcher, schema, tree, first, typos, words, generation)
        if not fuzzy.total:
            return None
        suggestion = suggest(params.q, fuzzy.hits, typos)
        ranking = _parsed(suggestion)
        if ranking is not None or first is not params:
            fuzzy = self._run(searcher, schema, tree, params, typos, words, generation, ranking)
        fuzzy.fuzzy = True
        fuzzy.suggestion = suggestion
        for hit in fuzzy.hits:
            hit.pop("_suggest", None)
        return fuzzy

    def _run(self, searcher: tantivy.Searcher, schema: tantivy.Schema, tree: Node | tantivy.Query | None,
             params: SearchParams, fuzzy: frozenset[str], words: tuple[list[str], list[str]],
             generation: int, ranking: Node | None = None) -> SearchResult:
        """One page of hits and the facets; `fuzzy`: the folded words that may match with a typo.

        `ranking` (the suggested spelling of a fuzzy search) ranks the hits it matches as it would
        rank them, without adding hits; the fuzzy score only breaks its ties and orders the rest.
        A typo search has no title-phrase or title-start bonus of its own: "truyn kieu" put
        "The tale of Kieu" above "Truyện Kiều"."""
        query = full_query(self._settings, schema, tree, params, fuzzy)
        if ranking is not None:
            query = tantivy.Query.boolean_query([
                (tantivy.Occur.Must, tantivy.Query.boost_query(query, FUZZY_TIE_BREAK)),
                (tantivy.Occur.Should, build_query(schema, ranking, frozenset()))])
        order: dict[str, Any] = {}
        if params.sort == "relevance":
            order = {"weight_by_field": RANK_WEIGHT_FIELD}
        elif params.sort in ("year", "-year"):
            order = {"order_by_field": YEAR_FIELD,
                     "order": tantivy.Order.Asc if params.sort == "year" else tantivy.Order.Desc}
        elif params.sort == "title":
            order = {"order_by_field": TITLE_SORT_FIELD, "order": tantivy.Order.Asc}
        elif params.sort == "new":
            order = {"order_by_field": ADDED_FIELD, "order": tantivy.Order.Desc}
        offset = (params.page - 1) * params.size
        # With a library filter, what is new *there* (index/arrivals.py).
        libraries = arrival_libraries(self._settings, params.filters()) if params.sort == "new" else ()
        newest = None
        try:
            if libraries and offset < MAX_RESULT_WINDOW:
                newest = newest_at(searcher, schema, full_query(self._settings, schema, tree, params, fuzzy, scoring=False),
                                   libraries, offset, min(params.size, MAX_RESULT_WINDOW - offset))
            if offset >= MAX_RESULT_WINDOW:  # past the paging depth: only a page past the last hit is served (empty)
                found, page = searcher.search(query, limit=1, count=True), []
                if found.count > offset:
                    raise ParameterError(params.q, "page", f"chỉ xem được {MAX_RESULT_WINDOW} kết quả đầu: với size="
                                                           f"{params.size}, page tối đa "
                                                           f"{math.ceil(MAX_RESULT_WINDOW / params.size)} (paging "
                                                           f"reaches the first {MAX_RESULT_WINDOW} hits)")
            elif newest is not None:
                found = searcher.search(query, limit=1, count=True)
                page = searcher.search(newest.query, limit=min(params.size, MAX_RESULT_WINDOW - offset),
                                       offset=newest.offset, count=False).hits
            else:
                found = searcher.search(query, limit=min(params.size, MAX_RESULT_WINDOW - offset), offset=offset,
                                        count=True, **order)
                page = found.hits
            hits = [render_hit(searcher, address, self._registry, score if params.sort == "relevance" else None, words, fuzzy)
                    for score, address in page]
            for hit, (score, _) in zip(hits, page) if newest is not None else ():  # the day it came there
                hit["added"] = newest.days.get(score, hit["added"])
            if params.sort in ("relevance", "year", "-year"):
                hits = volumes_in_order(hits)
            # Facet counts depend on the query and filters only, not on the page or the order.
            facets_key = (generation, params.q, tuple(params.filters().items()), fuzzy)
            facets = self._facet_counts.get(facets_key)
            if facets is None:
                facets = search_facets(searcher, self._settings, schema, tree, params, fuzzy)
                self._facet_counts.put(facets_key, facets)
        except ValueError as exc:
            raise QueryError(params.q, f"tìm kiếm thất bại: {exc}") from exc
        return SearchResult(found.count, hits, facets, params.page, params.size, params=params)

    # ---- single documents -----------------------------------------------------------

    def by_work_key(self, work_key: str, exclude_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Other editions and volumes: records sharing a work key, newest first, the volumes of one
        year in their order (`volume_order`)."""
        index = self._current()
        if index is None or not work_key:
            return []
        searcher, schema = index.searcher(), index.schema
        query = tantivy.Query.term_query(schema, "work_key", work_key)
        found = searcher.search(query, limit=limit + 1, order_by_field=YEAR_FIELD, order=tantivy.Order.Desc)
        hits = [render_hit(searcher, address, self._registry, None) for _, address in found.hits]
        hits.sort(key=lambda hit: (-(hit["year"] or 0), volume_order(hit["part"])))
        return [hit for hit in hits if hit["id"] != exclude_id][:limit]

    def num_docs(self) -> int:
        index = self._current()
        return index.searcher().num_docs if index is not None else 0


def _highlighted(tree: Node) -> tuple[list[str], list[str]]:
    """The words a hit highlights: all positive ones, and for the title those a title is searched for."""
    return positive_words(tree), positive_words(tree, "title")


def _parsed(suggestion: str | None) -> Node | None:
    """The suggested query, parsed to rank a fuzzy search's hits (None when there is none or it does not parse)."""
    try:
        return parse_query(suggestion) if suggestion else None
    except QueryError:
        return None
