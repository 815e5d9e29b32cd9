"""/docs and /redoc behind a reverse proxy at a sub-path (`[api] public_url` with a path).

FastAPI's documentation pages load the schema from the request's `root_path` + /openapi.json, and
the schema names that root path as its server: with none, Swagger UI behind a proxy at /mucluc
fetched /openapi.json from the portal's root and its "Try it out" called /api/search there.  The
proxy passes requests on without the prefix, so only these three answers are told it; routing
is unchanged (a path that does not start with the root path is matched as it is).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from search_api.context import site_path

SCHEMA_PATHS = ("/docs", "/redoc", "/openapi.json")


class DocsUnderSitePath:
    """ASGI middleware: give the documentation's requests the public_url's path as their root path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in SCHEMA_PATHS and not scope.get("root_path"):
            # The settings in force now: a reload replaces `app.state.ctx`.
            prefix = site_path(scope["app"].state.ctx.settings).rstrip("/")
            if prefix:
                scope = {**scope, "root_path": prefix}
        await self.app(scope, receive, send)
