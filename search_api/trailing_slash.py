"""`/records/ID/` redirected to `/records/ID` by a path-only Location.

Starlette's `redirect_slashes` builds its redirect from the request's Host header: `Host:
evil.example` got `location: http://evil.example/records/ID`, and a cache keeping that answer sends
readers to the client's site.  The catalogue's links never come from Host (README, `[api]
public_url`); a path keeps the reader on whatever address they used, as the merged-record
redirects (routes/records.py) already do.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.context import site_path


class TrailingSlashRedirect:
    """ASGI middleware: a path a route takes once its final slashes go is a 307 to that path.

    Run with the application's `redirect_slashes=False`, so this is the only such redirect."""

    def __init__(self, app: ASGIApp, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else "/"
        bare = {**scope, "path": path.rstrip("/")}
        if path.endswith("/") and path != "/" and self._routed(bare):
            await RedirectResponse(_location(scope), status_code=307)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _routed(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is not Match.NONE for route in self.router.routes)


def _location(scope: Scope) -> str:
    """The path without its final slashes, percent-encoded (`%`, `?`, `#` of an id stay in the path),
    and the query; one leading slash, as `//host/...` is another site's address to a browser; under
    the path of `[api] public_url`, where a reverse proxy serves the catalogue."""
    path = site_path(scope["app"].state.ctx.settings) + "/" + quote(scope["path"].strip("/"))
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path
