"""The dedupe stage: a full run over the store, and file mode (`unioncat dedupe --input`).

Both go through `cluster_records`.  The store run rebuilds every cluster each
night (a million records take about a minute) and keeps ids stable through
`store.cluster_assignments()`; unchanged union records are not rewritten, so the
index re-reads only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from config.settings import DedupeSettings, Settings
from dedupe.engine import cluster_records
from dedupe.errors import DedupeInputError
from dedupe.merge import merge_cluster
from store.catalog import CatalogStore
from store.models import Record, split_record_id


@dataclass(frozen=True)
class DedupeSummary:
    """What one run did, for the CLI and `unioncat update`."""

    records: int
    clusters: int
    multi_library: int
    changed: int
    candidate_pairs: int
    aliases: int = 0
    removed: int = 0
    skipped_blocks: int = 0


def run_dedupe(store: CatalogStore, settings: Settings) -> DedupeSummary:
    """Cluster every live record, merge each cluster, and save clusters and union records."""
    records = {record.id: record for record in store.iter_records()}
    previous = store.cluster_assignments()
    created = store.union_created_seq()
    clustering = cluster_records(records.values(), settings.dedupe, previous, created)
    members: dict[str, tuple[str, str, float | None, str]] = {}
    unions = []
    multi_library = 0
    preference = settings.dedupe.library_preference
    for cluster_id, member_ids in clustering.clusters.items():
        for rid in member_ids:
            explanation = clustering.explanations[rid]
            members[rid] = (cluster_id, explanation.found_by, explanation.score, explanation.decision)
        union = merge_cluster(cluster_id, [records[rid] for rid in member_ids], preference)
        unions.append(union)
        if len({holding.library for holding in union.holdings}) > 1:
            multi_library += 1
    live_before = store.union_ids() | set(previous.values())
    removed = sorted(live_before - set(clustering.clusters) - set(clustering.aliases))
    # save_clusters records an alias but leaves the merged-away union record live, where
    # it would shadow the redirect; retiring it with the removed ids makes the id answer 301.
    retired = sorted(set(removed) | (set(clustering.aliases) & live_before))
    changed = store.save_clusters(members, unions, retired, clustering.aliases)
    return DedupeSummary(
        records=len(records),
        clusters=len(clustering.clusters),
        multi_library=multi_library,
        changed=changed,
        candidate_pairs=clustering.candidate_pairs,
        aliases=len(clustering.aliases),
        removed=len(removed),
        skipped_blocks=clustering.skipped_blocks,
    )


def dedupe_file(input_path: Path, output_path: Path, settings: DedupeSettings) -> int:
    """Cluster the Records of a JSON-lines file; write one cluster per line; return the count.

    A line that is not a Record raises `DedupeInputError` naming the file and line:
    every input id must land in exactly one cluster, so none is dropped silently.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    records = read_records(input_path)
    clustering = cluster_records(records, settings)
    lines = sorted(clustering.clusters.items(), key=lambda item: item[1][0])
    with output_path.open("w", encoding="utf-8") as out:
        for cluster_id, member_ids in lines:
            out.write(json.dumps({"cluster_id": cluster_id, "members": member_ids}, ensure_ascii=False) + "\n")
    return len(lines)


def read_records(path: Path) -> list[Record]:
    """Records of a JSON-lines file; blank lines are allowed, anything else must parse."""
    records: list[Record] = []
    first_line: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DedupeInputError(path, 0, f"cannot read: {exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = _parse_line(path, number, line)
            if record.id in first_line:
                raise DedupeInputError(path, number, f"id {record.id!r} already on line {first_line[record.id]}")
            first_line[record.id] = number
            records.append(record)
    return records


def _parse_line(path: Path, number: int, line: str) -> Record:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DedupeInputError(path, number, f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise DedupeInputError(path, number, "expected a JSON object")
    if not isinstance(data.get("id"), str) or not data["id"]:
        raise DedupeInputError(path, number, "missing string field 'id'")
    if not isinstance(data.get("title"), str):
        raise DedupeInputError(path, number, f"record {data['id']!r} has no string field 'title'")
    # File-mode records may come from anywhere: fill what the pipeline would have.
    library, local_id = split_record_id(data["id"]) if ":" in data["id"] else ("", data["id"])
    data.setdefault("library", library)
    data.setdefault("local_id", local_id)
    for name in ("authors", "isbn"):
        if isinstance(data.get(name), str):
            data[name] = [data[name]]
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise DedupeInputError(path, number, f"record {data['id']!r}, field {field!r}: {first['msg']}") from exc
