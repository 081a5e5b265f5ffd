"""The workspace's upload: a form that works without JavaScript, and a streamed path for it.

Without JavaScript the form posts files and description together as multipart (Starlette
spools each file to disk past 1 MB, within the limits passed below; the whole body may hold
no more than one file may). With ``upload.js`` each
file is PUT alone as its raw body to ``/workspace/uploads/{batch}/{name}`` (streamed straight
into the batch, with a progress bar), then the description is posted to
``/workspace/uploads/{batch}/finish``. Either way the item is stored as a draft and its jobs
queued; if Redis is down it is stored anyway and queued when Redis is back (``heritage.enqueue``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from jinja2.filters import do_filesizeformat
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp

from heritage import audit, enqueue
from heritage.config import Config
from heritage.errors import HeritageError, InvalidInputError, NotFoundError
from heritage.ingest import uploads
from heritage.ingest.items import METADATA_FILE
from heritage.model import Collection, DublinCore, collection_slug
from heritage.store import Store
from heritage.web import auth
from heritage.web.auth import archivist_only, current, render_private
from heritage.web.i18n import gettext as _
from heritage.web.metadata_form import (
    metadata_form,
    metadata_values,
    parse_collection,
    parse_metadata_form,
    submitted_values,
)

LOG = logging.getLogger(__name__)
CHUNK = 1 << 20
MAX_FIELDS = 60
MAX_FIELD_BYTES = 64 * 1024
Handler = Callable[[Request], Any]


def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    async def read() -> AsyncIterator[bytes]:
        while chunk := await upload.read(CHUNK):
            yield chunk

    return read()


def _with_defaults(form: FormData, base: dict[str, Any]) -> FormData:
    """The submitted form, with what it left empty (or at its default choice) taken from an
    uploaded metadata.json: the form wins wherever the archivist typed or chose something."""
    if not base:
        return form
    submitted, blank = submitted_values(form), metadata_values(None)
    defaults = metadata_values(DublinCore.from_json(base, default_title="-"))
    defaults["title"] = str(base.get("title", ""))
    merged = {k: v for k, v in submitted.items() if k != "languages"}
    for name in ("title", "creator", "date", "publisher", "subject", "source", "description", "type", "rights"):
        if not str(submitted[name]).strip() or submitted[name] == blank[name]:
            merged[name] = defaults[name] or submitted[name]
    languages = [str(code) for code in submitted["languages"]]  # type: ignore[attr-defined]
    if not languages and not str(submitted["language_other"]).strip():
        languages = [str(code) for code in defaults["languages"]]  # type: ignore[attr-defined]
        merged["language_other"] = defaults["language_other"]
    items = [(k, str(v)) for k, v in merged.items()] + [("language", code) for code in languages]
    return FormData([*items, ("collection_new", str(form.get("collection_new") or ""))])


def _collection(form: FormData, store: Store) -> tuple[Collection | None, dict[str, str]]:
    """An existing collection from the list, or a new one by name."""
    new_name = str(form.get("collection_new") or "").strip()
    if new_name:
        try:
            slug = collection_slug(new_name[:200])
        except InvalidInputError:
            return None, {"collection_new": _("Give the new collection a name with at least one letter or digit.")}
        existing = {c.slug: c for c in store.collections()}
        return existing.get(slug, Collection(slug, new_name[:200])), {}
    slug, errors = parse_collection(form, store.collections())
    return (store.load_collection(slug) if slug else None), errors


def _form_body_limit(config: Config) -> int:
    """The largest multipart body taken without JavaScript: one file at its limit, with room for
    the description's fields and the multipart framing."""
    return config.max_file_bytes + MAX_FIELDS * MAX_FIELD_BYTES


def form_limited(config: Config, store: Store, handler: Handler) -> Handler:
    """Parse a logged-in archivist's multipart body with the upload's limits before the guard
    does (it reads the CSRF field from the same, cached, form); anonymous requests are left to
    the guard, which refuses them without reading the body. A body without a length, or larger
    than `_form_body_limit`, gets 413 before Starlette spools any of it to disk."""

    @functools.wraps(handler)
    async def limited(request: Request) -> Response:
        if auth.is_archivist(request) and request.headers.get("content-type", "").startswith("multipart/form-data"):
            length, limit = request.headers.get("content-length", ""), _form_body_limit(config)
            if not (length.isascii() and length.isdigit()) or int(length) > limit:
                message = _(
                    "Without JavaScript one upload carries at most %(size)s in all: send fewer files at a time, "
                    "or turn JavaScript on to send each file on its own."
                ) % {"size": do_filesizeformat(limit)}
                return _page(request, config, store, files_error=message, status=413)
            try:
                await request.form(
                    max_files=config.max_upload_files + 1, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES
                )
            except HTTPException as e:
                return _page(request, config, store, files_error=str(e.detail), status=400)
        response: Response = await handler(request)
        return response

    return limited


def _page(
    request: Request,
    config: Config,
    store: Store,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    files_error: str = "",
    batch: str = "",
    status: int = 200,
) -> Response:
    uploaded = [p.name for p in uploads.batch_files(store, batch, current(request).user.username)] if batch else []
    form_values = values or metadata_values(None)
    return render_private(
        request,
        "workspace_upload.html",
        {
            "section": "upload",
            "metadata_form": metadata_form(form_values, errors, store.collections()),
            "collection_new": form_values.get("collection_new", ""),
            "files_error": files_error,
            "batch": batch or uploads.new_batch_id(),
            "uploaded": uploaded,
            "action": f"/workspace/uploads/{batch}/finish" if uploaded else "/workspace/upload",
            "max_file_bytes": config.max_file_bytes,
            "max_files": config.max_upload_files,
        },
        status_code=status,
    )


def routes(config: Config, store: Store) -> list[BaseRoute]:
    def values_of(form: FormData) -> dict[str, Any]:
        return submitted_values(form) | {"collection_new": str(form.get("collection_new") or "")}

    async def store_batch(request: Request, batch: str, form: FormData) -> Response:
        """Describe and store an uploaded batch: the form again on a mistake, else the new item."""
        user = current(request).user.username
        try:
            full = _with_defaults(form, uploads.uploaded_metadata(store, batch, user))
        except InvalidInputError as e:
            uploads.discard(store, batch)
            return _page(request, config, store, values_of(form), files_error=str(e), status=400)
        metadata, errors = parse_metadata_form(full)
        collection, collection_errors = _collection(full, store)
        errors |= collection_errors
        if metadata is None or errors:
            return _page(request, config, store, values_of(full), errors, batch=batch, status=400)
        try:
            item = uploads.finish(store, config, batch, user, metadata, collection)
        except InvalidInputError as e:
            uploads.discard(store, batch)
            return _page(request, config, store, values_of(full), files_error=str(e), status=e.http_status)
        queued = enqueue.queue_item(config, store, item.id)
        audit.record(store, user, "upload", item.id, f"{len(item.pages)} pages: {item.metadata.title}")
        if queued:
            return RedirectResponse(f"/workspace/items/{item.id}", status_code=303)
        return render_private(
            request, "workspace_upload_stored.html", {"section": "upload", "item": item}, status_code=202
        )

    @archivist_only
    async def upload_page(request: Request) -> Response:
        return _page(request, config, store)

    @archivist_only
    async def upload_form(request: Request) -> Response:
        """Without JavaScript: the files and the description in one multipart POST."""
        form = await request.form()
        user = current(request).user.username
        batch = uploads.new_batch_id()
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        if not files:
            return _page(
                request, config, store, values_of(form), files_error=_("Choose the files to upload."), status=400
            )
        try:
            for upload in files:
                await uploads.receive(store, config, batch, user, upload.filename or "", _chunks(upload), upload.size)
        except HeritageError as e:
            uploads.discard(store, batch)
            return _page(request, config, store, values_of(form), files_error=str(e), status=e.http_status)
        return await store_batch(request, batch, form)

    @archivist_only
    async def put_file(request: Request) -> Response:
        """With JavaScript: one file as the raw body, streamed to disk as it arrives."""
        length = request.headers.get("content-length", "")
        try:
            received = await uploads.receive(
                store,
                config,
                request.path_params["batch"],
                current(request).user.username,
                request.path_params["filename"],
                request.stream(),
                int(length) if length.isdigit() else None,
            )
        except HeritageError as e:
            return JSONResponse({"error": str(e)}, status_code=e.http_status)
        except ClientDisconnect:
            return Response(status_code=400)
        return JSONResponse({"name": received.name, "size": received.size}, status_code=201)

    @archivist_only
    async def finish(request: Request) -> Response:
        batch = request.path_params["batch"]
        user = current(request).user.username
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
        try:
            names = [p.name for p in uploads.batch_files(store, batch, user)]
        except NotFoundError:
            names = []
        if not [n for n in names if n != METADATA_FILE]:
            return _page(request, config, store, values_of(form), files_error=_("No files were uploaded."), status=400)
        return await store_batch(request, batch, form)

    return [
        Route("/workspace/upload", upload_page, methods=["GET"]),
        Route("/workspace/upload", form_limited(config, store, upload_form), methods=["POST"]),
        Route("/workspace/uploads/{batch}/finish", finish, methods=["POST"]),
        Route("/workspace/uploads/{batch}/{filename:path}", put_file, methods=["PUT"]),
    ]


def _housekeeping(config: Config, store: Store) -> None:
    """One pass of the background task; whatever goes wrong is logged, never fatal to the site."""
    try:
        enqueue.queue_pending(config, store)
        uploads.clean_stale(store)
    except Exception:  # noqa: BLE001 - the next pass tries again; the web app must keep serving
        LOG.exception("queueing the items stored while Redis was down failed")


def lifespan(config: Config, store: Store) -> Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[None]]:
    """While the app runs: queue items stored when Redis was down, drop abandoned uploads."""

    async def keep_queueing() -> None:
        while True:
            await anyio.to_thread.run_sync(_housekeeping, config, store)
            await anyio.sleep(enqueue.RETRY_SECONDS)

    @contextlib.asynccontextmanager
    async def run(app: ASGIApp) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(keep_queueing)
            yield
            tasks.cancel_scope.cancel()

    return run
