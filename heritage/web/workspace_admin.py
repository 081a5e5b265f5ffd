"""The workspace's publishing and administration routes, and the audit log view.

Publishing and the trash live in ``workspace_publish``, collections in ``workspace_collections``,
accounts in ``workspace_users``; this module gathers their routes and shows the audit log: every
change people made, newest first, 50 a page, narrowed to one item (its pages included) or one user.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heritage import audit
from heritage.config import Config
from heritage.model import is_id
from heritage.store import Store
from heritage.web import workspace_collections, workspace_publish, workspace_users
from heritage.web.auth import archivist_only, render_private
from heritage.web.browse_cards import page_param, pager

AUDIT_PER_PAGE = 50
FILTER_CHARS = 100


def audit_view(store: Store) -> Route:
    @archivist_only
    async def audit_log(request: Request) -> Response:
        target = request.query_params.get("item", "").strip()[:FILTER_CHARS]
        user = request.query_params.get("user", "").strip()[:FILTER_CHARS]
        page = page_param(request.query_params.get("page"))
        found = [e for e in audit.entries(store, target or None) if not user or e.user == user]
        shown = found[(page - 1) * AUDIT_PER_PAGE : page * AUDIT_PER_PAGE]
        context = {
            "section": "audit",
            "entries": shown,
            "total": len(found),
            "item": target,
            "user": user,
            "pager": pager(page, len(found), AUDIT_PER_PAGE),
            "item_link": lambda value: value.split("/")[0] if is_id(value.split("/")[0]) else "",
        }
        return render_private(request, "workspace_audit.html", context)

    return Route("/workspace/audit", audit_log)


def routes(config: Config, store: Store) -> list[BaseRoute]:
    return [
        *workspace_publish.routes(config, store),
        *workspace_collections.routes(config, store),
        *workspace_users.routes(config, store),
        audit_view(store),
    ]
