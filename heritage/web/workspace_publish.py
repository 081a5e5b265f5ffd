"""Deciding what the public sees: publish, unpublish, delete to the trash, and the trash itself.

Each handler calls one core function (``pipeline.make_public``/``make_draft``, ``trash``) and
records who did it in the audit log. Deleting asks first, on its own page naming the item and
its page count; only an administrator sees the trash, restores from it or empties it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heritage import audit, jobs, pipeline, trash
from heritage.config import Config
from heritage.store import Store
from heritage.web import i18n
from heritage.web.auth import admin_only, archivist_only, current, render_private
from heritage.web.workspace_forms import confirmed, done, read_form


def item_path(item_id: str) -> str:
    return f"/workspace/items/{item_id}"


def routes(config: Config, store: Store) -> list[BaseRoute]:
    def user(request: Request) -> str:
        return current(request).user.username

    @archivist_only
    async def publish(request: Request) -> Response:
        item = store.load_item(request.path_params["item_id"])
        pipeline.make_public(store, config, item.id)
        audit.record(store, user(request), "publish", item.id, item.metadata.title)
        return done(item_path(item.id), "published")

    @archivist_only
    async def unpublish(request: Request) -> Response:
        item = store.load_item(request.path_params["item_id"])
        pipeline.make_draft(store, config, item.id)
        audit.record(store, user(request), "unpublish", item.id, item.metadata.title)
        return done(item_path(item.id), "unpublished")

    def delete_page(request: Request, item_id: str, error: str = "", status_code: int = 200) -> Response:
        item = store.load_item(item_id)
        public = not store.is_draft(item_id) and store.manifest_path(item_id).exists()
        context: dict[str, object] = {"section": "items", "item": item, "public": public, "error": error}
        return render_private(request, "workspace_delete.html", context, status_code=status_code)

    @archivist_only
    async def delete(request: Request) -> Response:
        item_id = request.path_params["item_id"]
        if request.method == "GET":
            return delete_page(request, item_id)
        if not confirmed(await read_form(request)):
            message = i18n.gettext("Tick the box to confirm the deletion; nothing was deleted.")
            return delete_page(request, item_id, message, status_code=400)
        gone = trash.move_to_trash(store, config, item_id, user(request))
        detail = f"{gone.item.metadata.title!r}, {gone.pages} pages" + (", was public" if gone.was_public else "")
        audit.record(store, user(request), "delete", item_id, detail)
        return done("/workspace", "deleted")

    def trash_page(request: Request, error: str = "", status_code: int = 200) -> Response:
        context: dict[str, object] = {"section": "trash", "entries": trash.entries(store), "error": error}
        return render_private(request, "workspace_trash.html", context, status_code=status_code)

    @admin_only
    async def trash_list(request: Request) -> Response:
        return trash_page(request)

    @admin_only
    async def restore(request: Request) -> Response:
        item_id = request.path_params["item_id"]
        trash.find(store, item_id)
        redis = jobs.connect(config)  # before anything moves: with Redis down nothing changes
        item = trash.restore(store, item_id)
        jobs.enqueue_item(config, store, item, redis)
        audit.record(store, user(request), "restore", item.id, item.metadata.title)
        return done(item_path(item.id), "restored")

    @admin_only
    async def empty(request: Request) -> Response:
        if not confirmed(await read_form(request)):
            message = i18n.gettext("Tick the box to confirm; the trash was not emptied.")
            return trash_page(request, message, status_code=400)
        for gone in trash.empty(store):
            audit.record(store, user(request), "empty trash", gone.item.id, trash.describe(gone))
        return done("/workspace/trash", "emptied")

    return [
        Route("/workspace/items/{item_id}/publish", publish, methods=["POST"]),
        Route("/workspace/items/{item_id}/unpublish", unpublish, methods=["POST"]),
        Route("/workspace/items/{item_id}/delete", delete, methods=["GET", "POST"]),
        Route("/workspace/trash", trash_list),
        Route("/workspace/trash/empty", empty, methods=["POST"]),
        Route("/workspace/trash/{item_id}/restore", restore, methods=["POST"]),
    ]
