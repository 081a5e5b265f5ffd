"""The workspace's items: the list of everything in the store, one item's progress and pages,
its live status for polling, and its description form.

Handlers parse the request, call one core function (``heritage.repair`` for changes, in
``workspace_repair``) and render. Every page works without JavaScript; ``progress.js`` only
refreshes the bars and states in place while an item is in work.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from heritage import audit, repair
from heritage.config import Config
from heritage.model import is_id
from heritage.ocr import MODELS
from heritage.store import Store
from heritage.web import workspace_repair
from heritage.web.auth import archivist_only, current, render_private
from heritage.web.facets import language_name
from heritage.web.i18n import gettext as _
from heritage.web.item_progress import FILTERS, ItemView, filter_labels, item_view, matches, status_document
from heritage.web.metadata_form import (
    metadata_form,
    metadata_values,
    parse_collection,
    parse_metadata_form,
    submitted_values,
)

PAGE_SIZE = 50
MAX_PAGE = 10_000


def done_messages() -> dict[str, str]:
    """What a redirect after a successful action says (by a fixed key: no text from the URL)."""
    return {
        "retry": _("The failed steps are queued again."),
        "ocr": _("The text of every page will be read again."),
        "order": _("The pages are in their new order."),
        "rotate": _("The page is turned; its image and text are being made again."),
        "remove": _("The page is removed from the item. Its image file is kept in the store."),
        "replace": _("The new image is stored; the page is being processed."),
        "edit": _("The description is saved."),
    }


def _number(value: str | None, default: int) -> int:
    try:
        return max(1, min(MAX_PAGE, int(value or default)))
    except ValueError:
        return default


def routes(config: Config, store: Store) -> list[BaseRoute]:
    stall_after = repair.stall_after(config)

    def view_of(item_id: str) -> ItemView:
        if not is_id(item_id):
            raise HTTPException(404)
        return item_view(store, store.load_item(item_id), stall_after)

    def item_page(request: Request, view: ItemView, message: str = "", status_code: int = 200) -> Response:
        done = done_messages().get(request.query_params.get("done", ""), "")
        return render_private(
            request,
            "workspace_item.html",
            {
                "section": "items",
                "view": view,
                "message": message,
                "done": done,
                "ocr_languages": [(code, language_name(code)) for code in MODELS],
                "history": audit.entries(store, view.item.id)[:100],
            },
            status_code=status_code,
        )

    @archivist_only
    async def items(request: Request) -> Response:
        wanted = request.query_params.get("state", "")
        wanted = wanted if wanted in FILTERS else ""
        number = _number(request.query_params.get("page"), 1)
        views = [item_view(store, store.load_item(i), stall_after, False) for i in reversed(store.item_ids())]
        chosen = [v for v in views if matches(v, wanted)]
        pages = max(1, -(-len(chosen) // PAGE_SIZE))
        return render_private(
            request,
            "workspace_items.html",
            {
                "section": "items",
                "views": chosen[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
                "total": len(chosen),
                "wanted": wanted,
                "filters": filter_labels(),
                "page_number": number,
                "page_count": pages,
                "any_in_work": any(v.in_work for v in chosen),
            },
        )

    @archivist_only
    async def item(request: Request) -> Response:
        return item_page(request, view_of(request.path_params["item_id"]))

    @archivist_only
    async def status_json(request: Request) -> Response:
        document = status_document(view_of(request.path_params["item_id"]))
        return JSONResponse(document, headers={"cache-control": "private, no-store"})

    def edit_page(request: Request, item_id: str, values: dict[str, object], errors: dict[str, str]) -> Response:
        view = view_of(item_id)
        form = metadata_form(values, errors, store.collections())
        return render_private(
            request,
            "workspace_edit.html",
            {"section": "items", "view": view, "metadata_form": form},
            status_code=400 if errors else 200,
        )

    @archivist_only
    async def edit(request: Request) -> Response:
        view = view_of(request.path_params["item_id"])
        return edit_page(request, view.item.id, metadata_values(view.item.metadata, view.item.collection), {})

    @archivist_only
    async def save_metadata(request: Request) -> Response:
        item_id = view_of(request.path_params["item_id"]).item.id
        form = await request.form(max_files=0, max_fields=40)
        metadata, errors = parse_metadata_form(form)
        collection, collection_errors = parse_collection(form, store.collections())
        errors |= collection_errors
        if metadata is None or errors:
            return edit_page(request, item_id, submitted_values(form), errors)
        repair.edit_metadata(store, config, item_id, metadata, collection)
        audit.record(store, current(request).user.username, "edit metadata", item_id, metadata.title)
        return RedirectResponse(f"/workspace/items/{item_id}?done=edit", status_code=303)

    return [
        Route("/workspace", items),
        Route("/workspace/items/{item_id}", item),
        Route("/workspace/items/{item_id}/status.json", status_json),
        Route("/workspace/items/{item_id}/edit", edit),
        Route("/workspace/items/{item_id}/metadata", save_metadata, methods=["POST"]),
        *workspace_repair.routes(config, store, view_of, item_page),
    ]
