"""run_normalize: the incremental normalize stage over the catalog store."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from pydantic import BaseModel

from config import LibraryConfig
from store import CatalogStore, Rejected, record_id
from store.workers import default_workers, map_in_workers

from normalize.normalizer import STAGE, RawItem, raw_item
from normalize.pool import ChunkResult, normalize_batch

MAX_REPORTED_REJECTS = 100
# Raise it when a change to the mapping should reach the records already stored (a field
# read differently, a value normalised anew): the next run normalizes every library's
# records again, as after an `opac_url` change.  2: LCCNs, uniform titles, meetings under
# corporate names, thousands in page counts, Roman numerals, oai_dc years and imprints,
# invalid ISSNs kept, lost or withdrawn Koha items left out.  3: ISBNs with odd dashes and
# spaces, 852 $j accession numbers as copies, unknown-imprint phrases, roles and academic titles
# typed into names, keywords split on ";", NFD text never taken for a legacy font, DSpace and
# Vietnamese dc:types, several languages in one value, the pages of a set of volumes paged each.
# 4: MARC-8 escapes held to the end of their field, two MARC-8 marks over one letter composed in
# either order, a 245 ind2 that skips no article ignored.  5: bytes that were not UTF-8 inside a
# UTF-8 page or file, which the harvester now keeps as code points (store/straybytes.py) instead of
# reading them as cp1258, read as cp1252 or cp1258 by the field and then repaired as TCVN3/VNI;
# only records that held such bytes change.  6: MARC 21 non-sort markers (NSB/NSE, MARC-8 0x88/0x89,
# which were dropped) set the sort title; 653 keywords typed as a comma list are one subject each.
# 7: a marked syllable ending in -c/-ch/-p/-t without a tone is not Vietnamese, so a TCVN3 name
# such as "Ng« TÊt Tè" (Ngô Tất Tố) is converted like the rest of its record.
# 8: the syllable test is the one dedupe uses (store/syllables.py): rhymes as spelled, k/gh/ngh only
# before e, ê, i, y; TCVN3 remnants such as "tÝch", "kÕ", "Céng" no longer pass for Vietnamese.
# 9: a MARC-8 escape to a set MARC-8 does not define (ESC ( Z) no longer drops the rest of its field;
# oai_dc elements in no namespace (or dcterms') are read, not rejected as "no dc:title".
# 10: an oai_dc map typed DCMI "Image" (extent "1 bản đồ") is a map, as its MARC copies are;
# a name ends with one full stop ("Kiyosaki, Robert T..", "Nguyễn Như Ý." were shown as typed).
# 11: a record without a 001 (its id a SHA-1) has no OPAC link.
# 12: an ALL-CAPS title keeps the capitals of the places, bodies and acronyms it names (normalize/proper_names.py).
# 13: in a TCVN3/VNI record, a field whose legacy letters look like symbols ("Th¬", "C« T«": Thơ, Cô Tô)
# converts with its record, and in a record with no Unicode Vietnamese so does one that spells Vietnamese
# as it stands ("Ký sù": Ký sự; VNI "Thô": Thơ).
# 14: an ISBN a digit short or over ("978604111222") is kept in invalid_isbn with a repair note, not dropped;
# a valid ISBN typed in 020 $z as well as $a is no longer listed among the invalid ones.
# 15: an `opac_url` with `{oai_id}` on a marc-file library links by Koha's biblionumber (999 $c), not the 001.
# 16: 041 $a beats 008/35-37 where they differ (Koha's default 008 says "eng"); a component part (leader/07
# a or b) is an "article" with its host item (773) kept (normalize/material.py, normalize/host.py); a thesis
# (008/24-27 m, or a 502 note) is a "thesis", and its 502 note is kept; an e-book (008/23 o or s, 245 $h
# "[Tài liệu điện tử]") is "electronic", and 856 $u http(s) links are kept (normalize/links.py); an ALL-CAPS
# title keeps the capitals of the names its record gives (headings, 600/610/611/630, 245 $c), of
# "Mác - Lênin", "Chủ tịch Hồ Chí Minh" and of languages after "tiếng" (normalize/proper_names.py).
# 246 varying titles kept (`other_titles`); a reprint's imprint year (one sure year in 264/260 $c, later than
# 008/07-10, with an edition in 250) beats the 008 copied from the earlier printing's record.
# 17: Ð/ð (U+00D0/U+00F0, eth) pasted for Đ/đ in a Vietnamese word is written Đ/đ (normalize.text.vietnamese_d).
# 18: with no 041, an 008/35-37 "eng" (Koha's default template) over a title written in Vietnamese
# (two marked Vietnamese words, half the title's words at least) is "vie", noted in the repairs (normalize/language.py).
# 19: an e-book (008/23 o or s, 245 $h "[Tài liệu điện tử]") is "ebook", a text online, not "electronic",
# the leader's computer file (normalize/material.py).
# 20: bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and noncharacters (U+FFFE,
# U+FFFF …) dropped from text as zero-width characters are (normalize/text.py): an unterminated RLO in
# an author reversed the rest of the hit's line on the results page.
# 21: an article's 773 kept subfield by subfield ($a $t $d $g $x $z $w: Record.host_item) beside its one line
# (`host`), so that the OAI-PMH feed writes a 773 back (normalize/host.py).
# 22: a subfield over 100,000 characters (a 60 MB note) is cut at a word, with a warning (normalize/limits.py).
# 23: a TCVN3 field whose legacy letters all look like symbols glued into words ("Th¬", "C« T«", "§¶ng", "To¸n")
# converts alone, in a record whose other fields are Unicode too (legacy._symbols_glued_into_words).
# 24: one word that reads as legacy among words that are no Vietnamese ("I´m a stranger", "Cuisine thaï") no
# longer decides a field alone (legacy._lone_word_among_foreign); a legacy record still converts it.
# 25: a legacy word beside another Vietnamese word converts alone ("Tin häc Excel 2010"), and dashes and dots
# glued to a word ("Nam B–", "Ban B·") are no TCVN3 letters to the symbols rule (review).
# 26: a cut with no word's end near the limit says so ("cut to", not "cut at a word to") and keeps an emoji
# whole (normalize/limits.py; review).
# 27: a component part's host item says whether the host is a book (leader/07 a) or a serial (b): the feed
# wrote every chapter without an ISBN as a serial's article (Record.host_item.in_book; review).
# 28: the cut at the limit keeps a Khmer vowel sign, a keycap and an emoji tag sequence with their character
# (mark categories Mn, Mc, Me; tags), as it kept a Vietnamese tone (second diff review).
# 29: a TCVN3 title of two glued-symbol words or more beside a program's name ("Gi¸o tr×nh Excel 2010")
# converts alone (legacy._symbols_glued_into_words; review).
RULES_VERSION = 29


class NormalizeSummary(BaseModel):
    """What one normalize run did, for the CLI and `unioncat status`."""

    normalized: int = 0
    rejected: int = 0
    deleted: int = 0
    converted_legacy: int = 0  # fields whose TCVN3/VNI text was converted to Unicode
    rejects: list[Rejected] = []  # the first MAX_REPORTED_REJECTS
    # Records normalized with a field cut for its size (normalize/limits.py), the first MAX_REPORTED_REJECTS:
    # what the operator should ask the library to fix.
    problems: list[str] = []
    problems_found: int = 0  # all of them: the list stops at MAX_REPORTED_REJECTS and says how many it left out


class _Batch:
    """Raw records read from the store, up to one store transaction's worth."""

    def __init__(self) -> None:
        self.items: list[RawItem] = []
        self.deleted: list[str] = []
        # The watermark once this batch is saved: every raw record with seq <= done_seq
        # is in this batch or an earlier one.
        self.done_seq = 0

    def __len__(self) -> int:
        return len(self.items) + len(self.deleted)


def _batches(store: CatalogStore, since: int, batch_size: int, library: str | None = None,
             until: int | None = None) -> Iterator[_Batch]:
    """Raw records changed after `since`, batch_size at a time, oldest change first.

    Every record of a harvest page carries the page's sequence value, and a page
    may be cut over two batches: the watermark of a batch that ends inside a page
    stays below that page, so a run stopped there does that page again rather than
    skip the rest of it (normalizing a record twice only writes the same row again).
    """
    batch = _Batch()
    done = current = since
    for row in store.raw_rows_since(since, library):
        if until is not None and (row.seq > until or row.deleted):
            continue  # `until`: a second pass over live records already normalized once
        if row.seq != current:
            done, current = current, row.seq  # every record with seq <= done has been read
        if len(batch) >= batch_size:
            batch.done_seq = done
            yield batch
            batch = _Batch()
        if row.deleted:
            batch.deleted.append(record_id(row.library, row.local_id))
        else:
            batch.items.append(raw_item(row))
    if len(batch):
        batch.done_seq = current
        yield batch


def run_normalize(store: CatalogStore, libraries: dict[str, LibraryConfig], rebuild: bool = False,
                  batch_size: int = 1000, workers: int | None = None) -> NormalizeSummary:
    """Normalize raw records changed since the last run (all of them when `rebuild`), and
    every record of a library whose `opac_url` or `holdings_tags` changed in the registry.

    Each batch is saved with its watermark, in order, so an interrupted run resumes
    where it stopped instead of starting over.  With more than one batch to do and
    `workers` > 1 (default: up to two, one per core), batches are normalized in
    worker processes while this process reads and writes the store (it does the
    first batch itself while the workers start).
    """
    summary = NormalizeSummary()
    since = 0 if rebuild else store.get_mark(STAGE)
    workers = default_workers() if workers is None else max(1, workers)
    rules = {library_id: _rules_mark(library) for library_id, library in libraries.items()}
    changed_rules = [library_id for library_id, mark in rules.items()
                     if since and store.get_mark(f"{STAGE}:rules:{library_id}") not in (0, mark)]
    _normalize(store, summary, libraries, _batches(store, since, batch_size), workers, STAGE)
    for library_id in changed_rules:
        # Its holdings rules or OPAC link changed in the registry: its other live records again
        # (those changed since `since` were just done).  A library without a mark yet (new, or
        # a store from before marks) is taken as unchanged.  No watermark moves; old rejects
        # and deletions are not counted again.
        again = NormalizeSummary()
        _normalize(store, again, libraries, _batches(store, 0, batch_size, library_id, until=since), workers, None)
        summary.normalized += again.normalized
        summary.converted_legacy += again.converted_legacy
        summary.problems += again.problems[:MAX_REPORTED_REJECTS - len(summary.problems)]
        summary.problems_found += again.problems_found
    for library_id, mark in rules.items():
        store.set_mark(f"{STAGE}:rules:{library_id}", mark)
    if (left_out := summary.problems_found - len(summary.problems)) > 0:
        summary.problems.append(f"and {left_out} more records with a field cut for its size (only the first "
                                f"{len(summary.problems)} are listed)")
    return summary


def _rules_mark(library: LibraryConfig) -> int:
    """A number that changes when the registry, or a new RULES_VERSION, changes what normalize
    makes of a library's records."""
    rules = json.dumps([RULES_VERSION, library.opac_url, list(library.holdings_tags)])
    return int(hashlib.sha256(rules.encode("utf-8")).hexdigest()[:15], 16)


def _normalize(store: CatalogStore, summary: NormalizeSummary, libraries: dict[str, LibraryConfig],
               batches: Iterator[_Batch], workers: int, mark: str | None) -> None:
    # Batches are saved in order, each with its watermark; worker processes normalize
    # them meanwhile (their server first imports the normalize stage, a quarter of a
    # second on a 2-core machine, while this process does the first batch itself).
    for batch, result in map_in_workers(normalize_batch, batches, workers, libraries, preload=["normalize.pool"]):
        _flush(store, summary, batch, result, mark)


def _flush(store: CatalogStore, summary: NormalizeSummary, batch: _Batch, result: ChunkResult,
           mark: str | None) -> None:
    # result.records are StoredRecords (already JSON): save_normalized reads only their
    # id, library, local_id and model_dump_json().
    store.save_normalized(result.records, result.rejects, batch.deleted)  # type: ignore[arg-type]
    if mark is not None:
        store.set_mark(mark, batch.done_seq)
    summary.normalized += len(result.records)
    summary.rejected += len(result.rejects)
    summary.deleted += len(batch.deleted)
    summary.converted_legacy += result.converted_legacy
    summary.rejects += result.rejects[:MAX_REPORTED_REJECTS - len(summary.rejects)]
    summary.problems += result.warnings[:MAX_REPORTED_REJECTS - len(summary.problems)]
    summary.problems_found += len(result.warnings)
