"""The workspace's list of items (placeholder until the progress view lands)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heritage.config import Config
from heritage.store import Store
from heritage.web.auth import archivist_only, render_private


def routes(config: Config, store: Store) -> list[BaseRoute]:
    @archivist_only
    async def items(request: Request) -> Response:
        return render_private(request, "workspace_items.html", {"section": "items"})

    return [Route("/workspace", items)]
