"""The item reader: one page of a published document, its text, search inside it, downloads.

Every state has its own URL: ``/items/{id}`` is page 1, ``/items/{id}/{n}`` page n, ``?q=``
searches inside the document. The page works without script (a static image with its text
layer); ``reader.js`` upgrades it to deep zoom. Only published items are shown to the public (the
catalogue snapshot is the list of what it may see); a logged-in archivist also previews drafts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from opensearchpy import OpenSearch
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.iiif import content_state, urls
from heritage.iiif.manifest import PageImage
from heritage.model import Item
from heritage.pipeline import page_images
from heritage.store import Store
from heritage.web import cite, i18n, visibility
from heritage.web.catalogue import Catalogue, Entry
from heritage.web.reader_metadata import content_language, metadata_rows, rights_label
from heritage.web.reader_search import DocumentSearch, search_document
from heritage.web.reader_text import page_text
from heritage.web.site import render

TEXT_MAX_AGE = 300


@dataclass(frozen=True)
class Download:
    label: str
    href: str


def _entry(catalogue: Catalogue, item_id: str) -> Entry:
    entry = catalogue.snapshot().by_id.get(item_id)
    if entry is None:
        raise HTTPException(404)
    return entry


def _visible_entry(request: Request, store: Store, catalogue: Catalogue, item_id: str) -> Entry:
    """A published item for everyone; a processed draft too for a logged-in archivist (a preview)."""
    entry = catalogue.snapshot().by_id.get(item_id)
    if entry is not None:
        return entry
    if not visibility.require_item(request, item_id) and store.manifest_path(item_id).exists():
        item = store.load_item(item_id)
        return Entry(item, page_images(store, item), store.publish_status(item_id).updated)
    raise HTTPException(404)


def _page_number(raw: str, count: int) -> int:
    """A page number as written in its one canonical form ('3', never '03' or '+3')."""
    if not raw.isdigit() or str(int(raw)) != raw or not 1 <= int(raw) <= count:
        raise HTTPException(404)
    return int(raw)


def _optional_int(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise HTTPException(404)
    return int(raw)


def page_path(item_id: str, number: int) -> str:
    return f"/items/{item_id}" if number == 1 else f"/items/{item_id}/{number}"


def _image_url(page_id: str, size: str) -> str:
    return f"{urls.image_service('', page_id)}/full/{size}/0/default.jpg"


@lru_cache(maxsize=256)
def _cached_manifest(path: Path, mtime_ns: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _manifest(store: Store, item_id: str) -> dict[str, Any]:
    path = store.manifest_path(item_id)
    return _cached_manifest(path, path.stat().st_mtime_ns)


def _attribution(manifest: dict[str, Any]) -> tuple[str, str, str]:
    """The manifest's required statement (label, value) and the provider's name, in the reader's language."""
    statement = manifest.get("requiredStatement", {})
    label, _ = i18n.pick(statement.get("label", {}))
    value, _ = i18n.pick(statement.get("value", {}))
    providers = manifest.get("provider", [])
    provider, _ = i18n.pick(providers[0].get("label", {})) if providers else ("", "none")
    return label, value, provider


def _downloads(config: Config, item: Item, image: PageImage) -> list[Download]:
    page_id = image.page.id
    largest = image.sizes[-1]
    sizes = [
        Download(i18n.gettext("Image, %(w)s × %(h)s pixels") % {"w": w, "h": h}, _image_url(page_id, f"{w},{h}"))
        for w, h in image.sizes[:-1]
    ]
    return [
        *sizes,
        Download(
            i18n.gettext("Image, largest (%(w)s × %(h)s pixels)") % {"w": largest[0], "h": largest[1]},
            _image_url(page_id, "max"),
        ),
        Download(i18n.gettext("Text of this page (.txt)"), urls.text("", item.id, page_id)),
        Download(i18n.gettext("Text of the whole document (.txt)"), f"/items/{item.id}/text.txt"),
        Download(i18n.gettext("OCR of this page with word positions (ALTO XML)"), urls.alto("", item.id, page_id)),
        Download(i18n.gettext("IIIF manifest"), urls.manifest(config.base_url, item.id)),
    ]


def _srcset(image: PageImage) -> str:
    return ", ".join(f"{_image_url(image.page.id, f'{w},{h}')} {w}w" for w, h in image.sizes)


def _thumbnails(entry: Entry) -> list[dict[str, Any]]:
    thumbs = []
    for number, image in enumerate(entry.images, start=1):
        w, h = min(image.sizes)
        src = _image_url(image.page.id, f"{w},{h}")
        thumbs.append({"number": number, "href": page_path(entry.item.id, number), "src": src, "w": w, "h": h})
    return thumbs


def _description(entry: Entry, number: int, excerpt: str) -> str:
    dc = entry.item.metadata
    about = ", ".join([*dc.creator, dc.date] if dc.date else dc.creator)
    where = i18n.gettext("Page %(n)s of %(total)s") % {"n": number, "total": len(entry.images)}
    head = f"{dc.title} ({about})" if about else dc.title
    return f"{head}. {where}." + (f" {excerpt}" if excerpt else "")


def _region(raw: str | None, image: PageImage) -> str:
    """A ``?xywh=x,y,w,h`` region clipped to the page, as the viewer's ``data-region``; "" if none."""
    if not raw:
        return ""
    region = content_state.clip(content_state.parse_xywh(raw), image.width, image.height)
    return ",".join(str(v) for v in region) if region else ""


def _shared_view(config: Config, entry: Entry, raw: str) -> str:
    """The reader URL showing what an ``iiif-content`` content state points at in this item."""
    view = content_state.view_of(content_state.decode(raw))
    ids = content_state.canvas_ids(view.canvas, config.base_url)
    manifest = urls.manifest(config.base_url, entry.item.id)
    if ids is None or ids[0] != entry.item.id or view.manifest not in ("", manifest):
        raise HTTPException(404)
    numbers = {image.page.id: n for n, image in enumerate(entry.images, start=1)}
    if ids[1] not in numbers:
        raise HTTPException(404)
    path = page_path(entry.item.id, numbers[ids[1]])
    return path + (f"?xywh={','.join(str(v) for v in view.region)}" if view.region else "")


def _context(config: Config, store: Store, entry: Entry, number: int, search: DocumentSearch | None) -> dict[str, Any]:
    item = entry.item
    image = entry.images[number - 1]
    page_id = image.page.id
    alto = store.item_public_dir(item.id) / "alto" / f"{page_id}.xml"
    text = page_text(alto, image.width, image.height, search.current if search else ())
    required_label, required_value, provider = _attribution(_manifest(store, item.id))
    static_w, static_h = min(image.sizes)  # the viewer's lowest level: OpenSeadragon reuses it
    manifest = urls.manifest(config.base_url, item.id)
    permalink = config.base_url + page_path(item.id, number)
    citation = cite.citation(item, number, len(entry.images), permalink, required_value, provider)
    return {
        "item": item,
        "dc": item.metadata,
        "content_lang": content_language(item.metadata),
        "number": number,
        "count": len(entry.images),
        "page_id": page_id,
        "image": image,
        "static": {
            "src": _image_url(page_id, f"{static_w},{static_h}"),
            "srcset": _srcset(image),
            "w": static_w,
            "h": static_h,
        },
        "info": f"{urls.image_service('', page_id)}/info.json",
        "text": text,
        "search": search,
        "prev": page_path(item.id, number - 1) if number > 1 else "",
        "next": page_path(item.id, number + 1) if number < len(entry.images) else "",
        "item_path": f"/items/{item.id}",
        "page_path": lambda n: page_path(item.id, n),
        "with_query": lambda path: path + ("?" + urlencode({"q": search.q}) if search else ""),
        "thumbs": _thumbnails(entry),
        "rows": metadata_rows(item.metadata),
        "rights_label": rights_label(item.metadata.rights),
        "required_label": required_label,
        "required_value": required_value,
        "provider": provider,
        "downloads": _downloads(config, item, image),
        "manifest": manifest,
        "drag_and_drop": f"{manifest}?{urlencode({'manifest': manifest})}",
        "description": _description(entry, number, text.excerpt),
        "share": cite.share(config.base_url, citation, image.width, image.height),
        "oembed": f"{config.base_url}/oembed?{urlencode({'url': permalink, 'format': 'json'})}",
        "canvas": urls.canvas(config.base_url, item.id, page_id),
        "dynamic": urls.dynamic_image_service(config.base_url, page_id),
    }


def document_text(store: Store, item: Item) -> str:
    """Every page's text, each under a numbered separator, for reading or reuse offline."""
    parts = [item.metadata.title, ""]
    for number, page in enumerate(item.pages, start=1):
        text = (store.item_public_dir(item.id) / "text" / f"{page.id}.txt").read_text(encoding="utf-8")
        parts += [f"--- {number} / {len(item.pages)} ---", "", text.strip(), ""]
    return "\n".join(parts)


def routes(config: Config, store: Store, client: OpenSearch, catalogue: Catalogue) -> list[Route]:
    async def show(request: Request, entry: Entry, number: int) -> Response:
        """Rendered on the event loop: a few milliseconds of CPU with cached ALTO, which threads
        would only stretch by contending for the GIL; only the search waits in a thread."""
        q = request.query_params.get("q", "").strip()
        listing = _optional_int(request.query_params.get("hits"))
        search = (
            await run_in_threadpool(search_document, client, config.index, entry.item.id, q, number, listing)
            if q
            else None
        )
        context = _context(config, store, entry, number, search)
        context["region"] = _region(request.query_params.get("xywh"), entry.images[number - 1])
        response = render(request, "item.html", context, canonical=page_path(entry.item.id, number))
        return visibility.keep_private(response, entry.item.id in catalogue.snapshot().by_id)

    async def item_page(request: Request) -> Response:
        entry = _visible_entry(request, store, catalogue, request.path_params["item_id"])
        if request.query_params.get(content_state.PARAMETER):
            return RedirectResponse(_shared_view(config, entry, request.query_params[content_state.PARAMETER]), 303)
        jump = request.query_params.get("page")
        if jump is not None:
            number = _page_number(jump.strip(), len(entry.images))
            query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "page"])
            return RedirectResponse(page_path(entry.item.id, number) + (f"?{query}" if query else ""), status_code=303)
        return await show(request, entry, 1)

    async def numbered_page(request: Request) -> Response:
        entry = _visible_entry(request, store, catalogue, request.path_params["item_id"])
        if request.query_params.get(content_state.PARAMETER):
            return RedirectResponse(_shared_view(config, entry, request.query_params[content_state.PARAMETER]), 303)
        return await show(request, entry, _page_number(request.path_params["n"], len(entry.images)))

    def whole_text(request: Request) -> Response:
        entry = _visible_entry(request, store, catalogue, request.path_params["item_id"])
        response = PlainTextResponse(
            document_text(store, entry.item),
            media_type="text/plain; charset=utf-8",
            headers={"cache-control": f"public, max-age={TEXT_MAX_AGE}"},
        )
        return visibility.keep_private(response, entry.item.id in catalogue.snapshot().by_id)

    return [
        Route("/items/{item_id}", item_page),
        Route("/items/{item_id}/text.txt", whole_text),
        Route("/items/{item_id}/{n}", numbered_page),
    ]
