"""Hypothesis: normalize_raw never raises, whatever bytes or subfield text it gets."""

from __future__ import annotations

import pymarc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import RawRecord, Record, Rejected

from normalize import normalize_raw

try:
    from tests.test_normalize_support import data_field, iso2709, marc_record
except ImportError:
    from test_normalize_support import data_field, iso2709, marc_record

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(fmt: str, payload: bytes) -> Record | Rejected:
    result = normalize_raw(RawRecord(library="x", local_id="1", format=fmt, payload=payload))
    assert isinstance(result, Record | Rejected)
    if isinstance(result, Record):
        assert Record.model_validate_json(result.to_json_line()) == result
    return result


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["marcxml", "iso2709", "oai_dc"]))
def test_arbitrary_bytes_never_raise(payload, fmt):
    run(fmt, payload)


def _valid_iso2709() -> bytes:
    return iso2709(marc_record(data_field("245", "10", "a", "Truyện Kiều /", "c", "Nguyễn Du."),
                               data_field("020", "  ", "a", "0306406152"),
                               f008="190101s2019    vm            000 0 vie d"), "a")


@SETTINGS
@given(st.data())
def test_damaged_iso2709_never_raises(data):
    payload = bytearray(_valid_iso2709())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(payload) - 1))
        payload[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(payload)))
    run("iso2709", bytes(payload[:cut]) if data.draw(st.booleans()) else bytes(payload))


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
_TAGS = st.sampled_from(["020", "022", "035", "041", "082", "084", "100", "245", "250", "260", "264", "300",
                         "490", "500", "650", "653", "700", "852", "952"])


@SETTINGS
@given(st.lists(st.tuples(_TAGS, st.lists(st.tuples(st.sampled_from("abcdhnopvxyz2"), _TEXT),
                                          min_size=1, max_size=4)), max_size=10),
       st.text(alphabet="0123456789 u|abcs", min_size=0, max_size=40))
def test_arbitrary_subfield_text_never_raises(fields, f008):
    built = [data_field(tag, "10", *[x for pair in subs for x in pair]) for tag, subs in fields]
    record = marc_record(*built, f008=f008 or None)
    run("iso2709", iso2709(record, "a"))
    try:
        payload = pymarc.record_to_xml(record)
    except ValueError:  # lxml refuses control characters in XML text: no MARCXML to test
        return
    run("marcxml", payload)
