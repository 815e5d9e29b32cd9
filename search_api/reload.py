"""A running server picks up its edited configuration file, without a restart.

The managing department adds a library to the registry, renames one or corrects its
OPAC link in unioncat.toml; the nightly `unioncat update` harvests and indexes it.
The server, started once and left running, kept answering with the registry it read
at start: the new library had no name in hits and facets, the old link stayed.  Now
the first request after the file changes (looked at most every `RECHECK_S`: a few
kilobytes read) reads it again and swaps the app's context, so every later request
sees the new registry and `[api]` settings together; answers cached under the old
ones go with the old context.

A file that no longer validates is not applied: the server keeps the configuration
it has, logs why, and tries again when the file next changes.  So does one whose
`data_dir` moved (the catalogue and index the server holds open are the old ones).
The address it listens on, the CORS origins and the region in the OpenAPI title are
fixed when it starts: a change to them is applied at the next restart, and the log says
so.  A library's type and district are in the index too (its facets and filters): hits
show a new one at once, facets once the index is rebuilt (`unioncat update` does it),
and the log says that too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from config.errors import ConfigError
from config.settings import Settings, load_settings
from index.search import SearchIndex
from search_api.context import AppContext, RenderedAnswers

log = logging.getLogger(__name__)

RECHECK_S = 2.0
# [api] settings read only when the server starts: the socket and the CORS middleware.
RESTART_ONLY: tuple[str, ...] = ("host", "port", "cors_origins")

def config_bytes(path: Path) -> bytes | None:
    """The file's content (a few kilobytes), None if it cannot be read: an edit that keeps the size
    within one tick of the file system's clock changes no stat field, but it changes this."""
    try:
        return path.read_bytes()
    except OSError:
        return None


class ConfigReloader:
    """Re-read `ctx.settings.config_path` when it changes (see the module docstring)."""

    def __init__(self, state: object, clock: Callable[[], float] = time.monotonic):
        self._state = state  # the app's `state`, whose `ctx` is replaced
        self._clock = clock
        path = state.ctx.settings.config_path  # type: ignore[attr-defined]
        self._path: Path | None = path
        self._read = config_bytes(path) if path is not None else None  # as last read
        self._next_check = clock() + RECHECK_S

    def check(self) -> None:
        """Reload when the file changed since it was last read; cheap enough for every request."""
        if self._path is None or self._clock() < self._next_check:
            return
        self._next_check = self._clock() + RECHECK_S
        content = config_bytes(self._path)
        if content == self._read:
            return
        self._read = content
        self.reload()

    def reload(self) -> None:
        old: AppContext = self._state.ctx  # type: ignore[attr-defined]
        try:
            settings = load_settings(self._path)
        except ConfigError as exc:
            log.error("configuration not reloaded: %s; still serving the configuration read before, "
                      "until the file is corrected", exc)
            return
        if settings.data_dir != old.settings.data_dir:
            log.error("configuration %s not reloaded: data_dir changed from %s to %s; restart `unioncat serve` "
                      "to serve the other catalogue", self._path, old.settings.data_dir, settings.data_dir)
            return
        fixed = [f"[api] {name}" for name in RESTART_ONLY
                 if getattr(settings.api, name) != getattr(old.settings.api, name)]
        if settings.region != old.settings.region:
            fixed.append("region (in the OpenAPI title)")
        if fixed:
            log.warning("configuration %s: %s changed; applied when `unioncat serve` restarts",
                        self._path, ", ".join(fixed))
        if moved := _facets_changed(old.settings, settings):
            log.warning("configuration %s: the type or district of %s changed: hits show it now, the library "
                        "type and district facets and filters once `unioncat update` (or `unioncat index`) has "
                        "rebuilt the index", self._path, ", ".join(moved))
        try:
            self._state.ctx = context_for(settings, old)  # type: ignore[attr-defined]
        except Exception:  # nothing a request must pay for: the server goes on as it was
            log.exception("configuration %s not reloaded; still serving the configuration read before", self._path)
            return
        log.info("configuration %s reloaded: %d libraries", self._path, len(settings.libraries))


def _facets_changed(old: Settings, new: Settings) -> list[str]:
    """Libraries whose type or district changed: the index holds those as facets (index/document.py)."""
    before = {lib.id: (lib.type, lib.district) for lib in old.libraries}
    return [lib.id for lib in new.libraries if lib.id in before and before[lib.id] != (lib.type, lib.district)]


def context_for(settings: Settings, old: AppContext) -> AppContext:
    """The context of new settings over the same catalogue: a new search index object, as its
    cached answers hold the library names and links of the old registry."""
    return replace(old, settings=settings, search_index=SearchIndex(settings),
                   rendered=RenderedAnswers(settings.api))


class ReloadConfig:
    """ASGI middleware: `ConfigReloader.check` before each HTTP request."""

    def __init__(self, app: ASGIApp, reloader: ConfigReloader):
        self.app = app
        self.reloader = reloader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.reloader.check()
        await self.app(scope, receive, send)
