"""A field of absurd size is cut at a word before the costly steps, with a warning; the raw record stays whole."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from harvester.cli import app
from normalize.limits import MAX_SUBFIELD_CHARS, OMISSION
from store import RawRecord
from store.xmlns import MARC_NS

try:
    from tests.test_normalize_support import as_tcvn3_mojibake
except ImportError:
    from test_normalize_support import as_tcvn3_mojibake


SENTENCE = "Những nguyên tắc cơ bản của lịch sử tỉnh Hậu Giang thời kỳ đổi mới. "
SOURCE = "/srv/exports/tinh.xml record 1 (line 1)"


def _export(path: Path, note: str) -> Path:
    """A library's MARCXML export: record 1 with `note` as its 500 $a, record 2 an ordinary one."""
    def field(tag: str, ind: str, *pairs: str) -> str:
        subfields = "".join(f'<subfield code="{code}">{value}</subfield>'
                            for code, value in zip(pairs[::2], pairs[1::2]))
        return f'<datafield tag="{tag}" ind1="{ind[0]}" ind2="{ind[1]}">{subfields}</datafield>'

    records = [
        ("1", field("245", "10", "a", "LỊCH SỬ HẬU GIANG /", "c", "Nguyễn Văn A.")
         + field("100", "1 ", "a", "Nguyễn, Văn A.") + field("500", "  ", "a", note)
         + field("650", " 7", "a", "Lịch sử", "z", "Hậu Giang")),
        ("2", field("245", "10", "a", "Chí Phèo")),
    ]
    body = "".join(f'<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">{local_id}'
                   f"</controlfield>{fields}</record>" for local_id, fields in records)
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="{MARC_NS}">{body}</collection>',
                    encoding="utf-8")
    return path


def _config(data_dir: Path, export: Path) -> str:
    config = data_dir / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n\n[[libraries]]\nid = "tv-tinh"\nname = "Thư viện tỉnh"\n'
                      f'type = "provincial"\ndistrict = "Vị Thanh"\nprotocol = "marc-file"\nurl = "{export}"\n',
                      encoding="utf-8")
    return str(config)


def test_a_note_of_megabytes_is_cut_at_a_word_with_a_warning_and_kept_whole_raw(tmp_path, store, data_dir):
    """A 60 MB 500 $a took the normalize run to 1.4 GB: every step copied it, and dedupe, the index
    and the OAI feed carried it."""
    note = SENTENCE * 45_000  # 3 MB
    export = _export(tmp_path / "tinh.xml", note)
    config = _config(data_dir, export)
    assert CliRunner().invoke(app, ["harvest", "--config", config]).exit_code == 0
    result = CliRunner().invoke(app, ["normalize", "--config", config])
    assert result.exit_code == 0 and "normalized 2" in result.output, result.output

    records = {r.id: r for r in store.iter_records()}
    cut = records["tv-tinh:1"]
    [kept] = cut.notes
    assert len(kept) <= MAX_SUBFIELD_CHARS and kept.endswith(OMISSION)
    body = kept.removesuffix(OMISSION)
    assert note.startswith(body) and note[len(body)] == " ", "cut at the end of a word"
    assert len(body) > MAX_SUBFIELD_CHARS - 1_000
    # The rest of the record went through every step as usual.
    assert (cut.title, cut.responsibility, cut.authors) == ("Lịch sử Hậu Giang", "Nguyễn Văn A.", ["Nguyễn Văn A"])
    assert cut.subjects == ["Lịch sử -- Hậu Giang"]
    [note_repair] = [r for r in cut.repairs if r.startswith("500$a:")]
    assert f"{len(note):,}" in note_repair
    assert records["tv-tinh:2"].title == "Chí Phèo" and not records["tv-tinh:2"].repairs

    # The operator is told which record of which file, which field, and what to do: on the run's
    # output and in `unioncat status`.
    [stored] = [r for _, r in store.raw_changed_since(0, "tv-tinh") if r.local_id == "1"]
    warning = f"{stored.source}: record tv-tinh:1: {note_repair}"
    assert str(export) in warning
    assert warning in result.stderr
    assert "shorten the field in the library system" in result.stderr
    status = json.loads(CliRunner().invoke(app, ["status", "--config", config, "--format", "json"]).output)
    [stage] = [s for s in status["stages"] if s["stage"] == "normalize"]
    assert any(w.startswith(warning) for w in stage["warnings"])

    # Nothing is lost: the harvested record keeps the whole note.
    [whole] = etree.fromstring(stored.payload, etree.XMLParser(huge_tree=True)).xpath(
        "//*[local-name()='datafield'][@tag='500']/*/text()")
    assert whole == note


def test_an_oai_dc_description_of_megabytes_is_cut_too(tmp_path, store, data_dir):
    note = SENTENCE * 45_000
    payload = ('<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Luận văn</dc:title>'
               f"<dc:description>{note}</dc:description></oai_dc:dc>").encode("utf-8")
    store.save_harvest_page([RawRecord(library="tv-tinh", local_id="d1", format="oai_dc", payload=payload,
                                       source=SOURCE)])
    config = _config(data_dir, tmp_path / "none.xml")
    result = CliRunner().invoke(app, ["normalize", "--config", config])
    assert result.exit_code == 0, result.output
    [record] = store.iter_records()
    [kept] = record.notes
    assert len(kept) <= MAX_SUBFIELD_CHARS and note.startswith(kept.removesuffix(OMISSION))
    assert f"{SOURCE}: record tv-tinh:d1: dc:description: {len(note):,} characters" in result.stderr


def test_file_mode_cuts_the_note_and_says_so_on_stderr(tmp_path):
    note = SENTENCE * 45_000
    export = _export(tmp_path / "tinh.xml", note)
    output = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(export), "--output", str(output)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [len(r["notes"]) for r in records] == [1, 0]
    assert len(records[0]["notes"][0]) <= MAX_SUBFIELD_CHARS
    assert f"{export}: warning: record 1 (1): 500$a: {len(note):,} characters" in result.stderr


@pytest.mark.parametrize("typed", [str, as_tcvn3_mojibake])
def test_normalizing_keeps_no_note_in_memory_after_its_record(typed):
    """Notes seldom repeat, yet went through clean_field's cache of 8,192 values (and legacy.readings' of
    4,096): with a note near the 100,000-character cut in each record, 1,000 records took a run from
    291 MB to 705 MB (from 197 MB to 271 MB in TCVN3)."""
    from normalize.pool import normalize_chunk

    def item(n: int) -> tuple[str, str, str, bytes, str]:
        note = f"{n}. " + typed(SENTENCE * 200)  # about 14,000 characters, each note its own
        payload = (f'<record xmlns="{MARC_NS}"><leader>00000nam a2200000 a 4500</leader>'
                   f'<controlfield tag="001">{n}</controlfield><datafield tag="245" ind1="1" ind2="0">'
                   f'<subfield code="a">Sách {n}</subfield></datafield><datafield tag="500" ind1=" " ind2=" ">'
                   f'<subfield code="a">{note}</subfield></datafield></record>').encode("utf-8")
        return "tv-tinh", str(n), "marcxml", payload, f"tinh.xml record {n}"

    items = [item(n) for n in range(40)]
    normalize_chunk([item(-1)], {})  # imports and first-use tables, before counting
    tracemalloc.start()
    try:
        result = normalize_chunk(items, {})
        assert len(result.records) == 40
        del result
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    notes_bytes = sum(len(payload) for _, _, _, payload, _ in items)
    assert held < notes_bytes / 20, f"{held:,} bytes still held after {notes_bytes:,} bytes of records"


def test_past_the_listed_warnings_the_run_says_how_many_more_it_left_out(tmp_path, store, data_dir, monkeypatch):
    """The warnings stopped at the first MAX_REPORTED_REJECTS without a word of the rest: an export with
    thousands of absurd notes read as one with a hundred."""
    from normalize import run as normalize_run

    monkeypatch.setattr(normalize_run, "MAX_REPORTED_REJECTS", 1)  # so that two records of long notes are past it
    export = _export(tmp_path / "tinh.xml", SENTENCE * 2_000)  # records 1 and 2 below, both cut
    export.write_text(export.read_text(encoding="utf-8").replace(
        "Chí Phèo</subfield></datafield>",
        f'Chí Phèo</subfield></datafield><datafield tag="500" ind1=" " ind2=" "><subfield code="a">'
        f"{SENTENCE * 2_000}</subfield></datafield>"), encoding="utf-8")
    config = _config(data_dir, export)
    assert CliRunner().invoke(app, ["harvest", "--config", config]).exit_code == 0
    summary = normalize_run.run_normalize(store, {})
    assert summary.problems_found == 2 and len(summary.problems) == 2, summary.problems
    assert "record tv-tinh:" in summary.problems[0]
    assert summary.problems[1] == "and 1 more records with a field cut for its size (only the first 1 are listed)"


@pytest.mark.parametrize("unit", ["ệ", "e\u0323\u0302", "👩\u200d👩\u200d👧", "👍🏽", "❤\ufe0f", "1\ufe0f\u20e3", "កា",
                                  "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"])
def test_text_without_a_space_is_cut_at_the_limit_between_whole_characters(unit):
    """One endless word (no space near the limit) is cut at the limit itself: never between a letter and its
    marks, nor inside an emoji joined by ZWJ or followed by its skin tone or variation selector (review)."""
    from normalize.limits import cut_text

    limit = MAX_SUBFIELD_CHARS - len(OMISSION)
    # Letters before the units so that the limit falls inside one of them.
    lead = "x" * next((n for n in range(1, len(unit) + 1) if (limit - n) % len(unit)), 1)
    kept = cut_text(lead + unit * (2 * MAX_SUBFIELD_CHARS // len(unit))).removesuffix(OMISSION)
    assert limit - len(unit) <= len(kept) <= limit
    body = kept.removeprefix(lead)
    assert body == unit * (len(body) // len(unit)), "cut inside a character"


def test_the_note_says_at_a_word_only_where_the_cut_was_at_one(tmp_path):
    """A note of one endless word said "cut at a word" (review)."""
    spaced = _export(tmp_path / "spaced.xml", SENTENCE * 2_000)
    endless = _export(tmp_path / "endless.xml", "ệ" * 120_000)
    for export, wording in ((spaced, "characters, cut at a word to"), (endless, "characters, cut to")):
        output = tmp_path / f"{export.stem}.jsonl"
        result = CliRunner().invoke(app, ["normalize", "--input", str(export), "--output", str(output)])
        assert result.exit_code == 0, result.output
        [note] = [n for n in json.loads(output.read_text(encoding="utf-8").splitlines()[0])["repairs"]
                  if n.startswith("500$a")]
        assert f"120,000 {wording}" in note if export is endless else wording in note, note
