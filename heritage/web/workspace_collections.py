"""Collections in the workspace: list them, create one with a name and a description, edit it.

A collection's slug is made once from its first name and never changes, so its public URL and
its IIIF Collection id stay put when it is renamed. Saving rewrites the IIIF Collections at once,
and after a rename the manifests of its items (their ``partOf``), so the new name and the
description (the Collection's ``summary``) are public immediately.
"""

from __future__ import annotations

from collections import Counter

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from heritage import audit, pipeline
from heritage.config import Config
from heritage.errors import InvalidInputError, NotFoundError
from heritage.model import Collection, collection_slug
from heritage.store import Store
from heritage.web import i18n
from heritage.web.auth import archivist_only, current, render_private
from heritage.web.workspace_forms import done, read_form, text

NAME_CHARS = 200
DESCRIPTION_CHARS = 4000


def _fields(form: FormData) -> tuple[str, str]:
    """The name and description typed, checked; InvalidInputError says what is wrong."""
    name = text(form, "name", "name", NAME_CHARS, required=True)
    return name, text(form, "description", "description", DESCRIPTION_CHARS)


def routes(config: Config, store: Store) -> list[BaseRoute]:
    def items_by_collection() -> tuple[Counter[str], Counter[str]]:
        """How many items each collection holds, and how many of them the public sees."""
        every: Counter[str] = Counter()
        public: Counter[str] = Counter()
        for item_id in store.item_ids():
            slug = store.load_item(item_id).collection
            every[slug] += 1
            if not store.is_draft(item_id) and store.manifest_path(item_id).exists():
                public[slug] += 1
        return every, public

    def list_page(request: Request, error: str = "", values: tuple[str, str] = ("", ""), status: int = 200) -> Response:
        every, public = items_by_collection()
        context: dict[str, object] = {
            "section": "collections",
            "collections": store.collections(),
            "counts": every,
            "public": public,
            "error": error,
            "values": {"name": values[0], "description": values[1]},
        }
        return render_private(request, "workspace_collections.html", context, status_code=status)

    @archivist_only
    async def collections(request: Request) -> Response:
        if request.method == "GET":
            return list_page(request)
        form = await read_form(request)
        raw = (str(form.get("name", ""))[:NAME_CHARS], str(form.get("description", ""))[:DESCRIPTION_CHARS])
        try:
            name, description = _fields(form)
            slug = collection_slug(name)
        except InvalidInputError as e:
            return list_page(request, str(e), raw, status=400)
        try:
            store.load_collection(slug)
        except NotFoundError:
            pass
        else:
            message = i18n.gettext("A collection with this name already exists.")
            return list_page(request, message, raw, status=400)
        store.save_collection(Collection(slug, name, description))
        pipeline.write_collections(store, config)
        audit.record(store, current(request).user.username, "create collection", slug, name)
        return done(f"/workspace/collections/{slug}", "created")

    def edit_page(request: Request, collection: Collection, error: str = "", status: int = 200) -> Response:
        members = [item for item in map(store.load_item, store.item_ids()) if item.collection == collection.slug]
        context: dict[str, object] = {
            "section": "collections",
            "collection": collection,
            "members": members,
            "error": error,
        }
        return render_private(request, "workspace_collection.html", context, status_code=status)

    @archivist_only
    async def collection(request: Request) -> Response:
        found = store.load_collection(_slug(request.path_params["slug"]))
        if request.method == "GET":
            return edit_page(request, found)
        form = await read_form(request)
        try:
            name, description = _fields(form)
        except InvalidInputError as e:
            typed = Collection(found.slug, str(form.get("name", ""))[:NAME_CHARS], str(form.get("description", "")))
            return edit_page(request, typed, str(e), status=400)
        store.save_collection(Collection(found.slug, name, description))
        if name != found.name:
            await run_in_threadpool(pipeline.rename_in_manifests, store, config, found.slug)
        pipeline.write_collections(store, config)
        audit.record(store, current(request).user.username, "edit collection", found.slug, name)
        return done(f"/workspace/collections/{found.slug}", "saved")

    return [
        Route("/workspace/collections", collections, methods=["GET", "POST"]),
        Route("/workspace/collections/{slug}", collection, methods=["GET", "POST"]),
    ]


def _slug(raw: str) -> str:
    """Only a slug as ``collection_slug`` makes it: anything else (``..``, ``%2F``) is no collection."""
    try:
        if collection_slug(raw) == raw:
            return raw
    except InvalidInputError:
        pass
    raise NotFoundError(f"no collection {raw[:60]!r}")
