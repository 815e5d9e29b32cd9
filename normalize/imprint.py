"""The imprint of a MARC record: which 264/260 is the publication, its place, publisher and year."""

from __future__ import annotations

from normalize import values
from normalize.marcrecord import Field, MarcRecord
from normalize.text import clean_field


def publication(marc: MarcRecord) -> Field | None:
    """The imprint: 264 of publication (ind2 1), else 260, else another 264 but a copyright
    notice (ind2 4), which names no place or publisher and whose date is not the year published."""
    fields = marc.get("264")
    for field in fields:
        if field.ind2 == "1":
            return field
    return next(iter(marc.get("260")), None) or next((f for f in fields if f.ind2 != "4"), None)


def publisher_part(field: Field | None, code: str) -> str | None:
    """The place ($a) or publisher ($b) of the imprint, without the brackets of a supplied one; None
    for the cataloguer's note that it is unknown ("[s.n.]", "[K.nxb.]")."""
    if field is None:
        return None
    value = clean_field(field.get(code) or "")
    if not value or values.unknown_publisher(value):
        return None
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1].strip()
    # "[Washington, D.C. :" + "$b Acme]": a bracket supplied over two subfields opens in one, closes in the other.
    if value.startswith("[") and "]" not in value:
        value = value[1:].strip()
    if value.endswith("]") and "[" not in value:
        value = value[:-1].strip()
    return clean_field(value) or None


def publication_year(marc: MarcRecord, pub: Field | None) -> int | None:
    """008/07-10, else the first year of 264/260 $c.

    A record copied for a reprint (Koha, Libol) keeps the 008 of the one it was copied from:
    008 said 2019 while 260 $c said 2021 beside 250 "Tái bản lần thứ 5", and the reprint
    was split from other libraries' copies of it (review).  So where 250 states an edition and
    the imprint's $c names one year only ("2021", "c2021.", "[2021]"), later than 008's, the
    imprint's year is taken.  An imprint naming a year earlier than 008's, or several
    ("2019, c2018"), leaves 008's.
    """
    f008 = marc.control("008")
    if f008[6:7] not in ("b", "n", "q"):
        year = values.year_from_008(f008)
        if year is not None:
            restated = values.single_year(pub.get("c") or "") if pub is not None and marc.get("250") else None
            return restated if restated is not None and restated > year else year
    candidates = [pub] if pub is not None else []
    candidates += marc.get("264") + marc.get("260")
    for field in candidates:
        for value in field.get_all("c"):
            year = values.year_from_text(value)
            if year is not None:
                return year
    return None
