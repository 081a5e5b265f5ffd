"""The workspace's repair actions on an item: each form posts here, one ``heritage.repair`` call.

Input is checked before anything changes; a refusal answers 400 with the item page and a plain
message, and nothing is saved or queued. Every change is written to the audit log.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from heritage import audit, repair
from heritage.config import Config
from heritage.errors import InvalidInputError, TooLargeError
from heritage.ingest.items import safe_display_name
from heritage.store import Store
from heritage.web.auth import archivist_only, current
from heritage.web.i18n import gettext as _
from heritage.web.item_progress import ItemView

_CHUNK = 1 << 20


def parse_order(form: FormData, page_ids: list[str]) -> list[str]:
    """The new page order from the form: one page moved up or down (``move`` = "id:up"), or a
    number per page (``position-<id>``; equal numbers keep their present order)."""
    move = str(form.get("move", ""))
    if move:
        page_id, _sep, direction = move.partition(":")
        if page_id not in page_ids or direction not in ("up", "down"):
            raise InvalidInputError(_("Choose a page to move up or down."))
        order = list(page_ids)
        here = order.index(page_id)
        there = max(0, min(len(order) - 1, here + (-1 if direction == "up" else 1)))
        order[here], order[there] = order[there], order[here]
        return order
    positions = {}
    for index, page_id in enumerate(page_ids):
        try:
            positions[page_id] = (int(str(form.get(f"position-{page_id}", ""))), index)
        except ValueError:
            raise InvalidInputError(_("Give every page a position number.")) from None
    return sorted(page_ids, key=positions.__getitem__)


def _degrees(form: FormData) -> int:
    try:
        return int(str(form.get("degrees", "")))
    except ValueError:
        return 0


async def _save_upload(store: Store, upload: UploadFile, limit: int) -> tuple[Path, Path]:
    """Copy the uploaded image into the store's tmp/ (same filesystem), refusing past ``limit``;
    under its cleaned name, so that a refusal names the archivist's file."""
    with store.staging_dir("replace") as staged:
        path = staged / safe_display_name(upload.filename or "page")
        written = 0
        with path.open("wb") as out:
            while chunk := await upload.read(_CHUNK):
                written += len(chunk)
                if written > limit:
                    raise TooLargeError(
                        _("The file is larger than %(limit)s bytes (HERITAGE_MAX_FILE_BYTES).")
                        % {"limit": f"{limit:,}"}
                    )
                out.write(chunk)
    return staged, path


def routes(
    config: Config, store: Store, view_of: Callable[[str], ItemView], item_page: Callable[..., Response]
) -> list[BaseRoute]:
    def done(item_id: str, key: str) -> Response:
        return RedirectResponse(f"/workspace/items/{item_id}?done={key}", status_code=303)

    def refused(request: Request, view: ItemView, error: InvalidInputError) -> Response:
        return item_page(request, view, str(error), status_code=error.http_status)

    def user(request: Request) -> str:
        return current(request).user.username

    @archivist_only
    async def retry(request: Request) -> Response:
        view = view_of(request.path_params["item_id"])
        try:
            count = repair.retry_failed(store, config, view.item.id)
        except InvalidInputError:
            return refused(request, view, InvalidInputError(_("Nothing has failed in this item.")))
        audit.record(store, user(request), "retry", view.item.id, f"{count} page steps")
        return done(view.item.id, "retry")

    @archivist_only
    async def rerun_ocr(request: Request) -> Response:
        view = view_of(request.path_params["item_id"])
        form = await request.form(max_files=0, max_fields=20)
        languages = [str(v) for v in form.getlist("language")]
        try:
            repair.rerun_ocr(store, config, view.item.id, languages)
        except InvalidInputError:
            return refused(request, view, InvalidInputError(_("Choose languages from the list.")))
        audit.record(store, user(request), "rerun ocr", view.item.id, ", ".join(languages) or "from metadata")
        return done(view.item.id, "ocr")

    @archivist_only
    async def order(request: Request) -> Response:
        view = view_of(request.path_params["item_id"])
        form = await request.form(max_files=0, max_fields=len(view.item.pages) + 10)
        page_ids = [page.id for page in view.item.pages]
        try:
            new_order = parse_order(form, page_ids)
            repair.reorder_pages(store, config, view.item.id, new_order)
        except InvalidInputError as e:
            return refused(request, view, e)
        audit.record(store, user(request), "reorder", view.item.id, " ".join(new_order))
        return done(view.item.id, "order")

    def page_of(request: Request) -> tuple[ItemView, str]:
        view = view_of(request.path_params["item_id"])
        page_id = request.path_params["page_id"]
        if page_id not in {page.id for page in view.item.pages}:
            raise HTTPException(404)
        return view, page_id

    @archivist_only
    async def rotate(request: Request) -> Response:
        view, page_id = page_of(request)
        form = await request.form(max_files=0, max_fields=10)
        degrees = _degrees(form)
        try:
            repair.rotate_page(store, config, view.item.id, page_id, degrees)
        except InvalidInputError:
            return refused(request, view, InvalidInputError(_("A page turns by 90, 180 or 270 degrees.")))
        audit.record(store, user(request), "rotate", f"{view.item.id}/{page_id}", f"{degrees} degrees")
        return done(view.item.id, "rotate")

    @archivist_only
    async def remove(request: Request) -> Response:
        view, page_id = page_of(request)
        form = await request.form(max_files=0, max_fields=10)
        if form.get("confirm") != "yes":
            return refused(
                request, view, InvalidInputError(_("Tick the box to confirm that the page is to be removed."))
            )
        try:
            repair.remove_page(store, config, view.item.id, page_id)
        except InvalidInputError:
            return refused(
                request, view, InvalidInputError(_("An item keeps at least one page; delete the item instead."))
            )
        audit.record(store, user(request), "remove page", f"{view.item.id}/{page_id}")
        return done(view.item.id, "remove")

    @archivist_only
    async def replace_image(request: Request) -> Response:
        view, page_id = page_of(request)
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("image")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return refused(request, view, InvalidInputError(_("Choose an image file to replace the page with.")))
        staged: Path | None = None
        try:
            staged, path = await _save_upload(store, upload, config.max_file_bytes)
            new_page = repair.replace_page(store, config, view.item.id, page_id, path, upload.filename)
        except InvalidInputError as e:
            return refused(request, view, e)
        finally:
            if staged:
                shutil.rmtree(staged, ignore_errors=True)
        audit.record(store, user(request), "replace page", f"{view.item.id}/{page_id}", f"new page {new_page.id}")
        return done(view.item.id, "replace")

    base = "/workspace/items/{item_id}"
    return [
        Route(f"{base}/retry", retry, methods=["POST"]),
        Route(f"{base}/ocr", rerun_ocr, methods=["POST"]),
        Route(f"{base}/pages/order", order, methods=["POST"]),
        Route(f"{base}/pages/{{page_id}}/rotate", rotate, methods=["POST"]),
        Route(f"{base}/pages/{{page_id}}/remove", remove, methods=["POST"]),
        Route(f"{base}/pages/{{page_id}}/replace", replace_image, methods=["POST"]),
    ]
