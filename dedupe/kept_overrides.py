"""The librarians' overrides a store run applies: the file's, or the ones applied last when it is gone.

A missing overrides file used to read as "no overrides": a deploy that did not copy it, or a
config moved without it, merged every `[[different]]` pair again and made aliases of their ids,
with exit code 0 (review).  Decisions are kept across runs, so each run keeps the text it applied
in the store, and a run that cannot find or read the file applies that text again and warns (in
`unioncat status`, its JSON and /status).  So does a file that is there but not valid (a TOML typo,
an entry naming one record, an unknown table): one slip in it no longer stopped the dedupe stage for
every library, leaving the night's records unsearchable (review).  A file that is there and empty is
a librarian removing every entry: applied like any other.  No `overrides_path` configured means no overrides.
"""

from __future__ import annotations

from pathlib import Path

from dedupe.overrides import NO_OVERRIDES, Overrides, OverridesError, parse_overrides, read_overrides_text
from store.catalog import CatalogStore


def overrides_to_apply(store: CatalogStore, path: Path | None) -> tuple[Overrides, tuple[str, str], tuple[str, ...]]:
    """(the overrides to apply; the (file, text) they came from, for `CatalogStore.keep_applied_overrides`
    once the run is done; a warning when the file could not be read)."""
    if path is None:
        return NO_OVERRIDES, ("", ""), ()
    text: str | None = None
    try:
        text = read_overrides_text(path)
        return parse_overrides(text, path), (str(path), text), ()
    except (FileNotFoundError, OverridesError) as exc:
        why = "overrides file not found" if isinstance(exc, FileNotFoundError) else str(exc).removeprefix(f"{path}: ")
        # Read but not valid (a TOML typo, an entry of one id): mended by the librarian, not restored.
        advice = ("mend the file" if text is not None else
                  "restore the file (check [dedupe] overrides_path, relative to the config file)")
        kept = store.applied_overrides() or ("", "")
        overrides = parse_overrides(kept[1], path)
        if not overrides.record_ids():
            return overrides, kept, (f"{path}: {why}, so no librarians' overrides were applied (none were applied "
                                     f"before either); {advice}",)
        return overrides, kept, (
            f"{path}: {why}; the librarians' decisions applied last ({len(overrides.same)} [[same]] and "
            f"{len(overrides.different)} [[different]] pairs, read from {kept[0]}) were kept, not undone: "
            f"{advice}, or leave an empty file there to remove them",)
