"""Pages and documents for other sites: the embed viewer, oEmbed, and citation downloads.

``/embed/{id}`` and ``/embed/{id}/{n}`` are a light viewer made to sit in an iframe on a course
page or a blog: the page image (deep zoom with script, a static image without), page turning,
and the credit line linking back to the reader. They alone may be framed by any site, so they
carry their own content security policy. ``/oembed`` tells oEmbed consumers (WordPress, Moodle,
forums) how to embed a reader URL; ``/cite/{id}/{n}.ris|.bib`` feed reference managers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.errors import HeritageError
from heritage.iiif import content_state, urls
from heritage.store import Store
from heritage.web import cite
from heritage.web.catalogue import Catalogue, Entry
from heritage.web.reader import _attribution, _entry, _image_url, _manifest, _page_number, _srcset, page_path
from heritage.web.reader_metadata import content_language, rights_label
from heritage.web.reader_text import page_text
from heritage.web.site import CSP, render

EMBED_CSP = CSP.replace("frame-ancestors 'self'", "frame-ancestors *")
"""The site's policy, except that any site may frame these pages: that is what they are for."""
OEMBED_MAX_AGE = 3600
_OURS = re.compile(r"^/(?:items|embed)/([^/]+)(?:/(\d+))?/?$")
_CITATION_TYPES = {"ris": "application/x-research-info-systems", "bib": "application/x-bibtex"}


def _region(raw: str | None, width: int, height: int) -> str:
    """An ``xywh`` query value made safe for the page (clipped to it), or "" for none or nonsense."""
    if not raw:
        return ""
    try:
        region = content_state.clip(content_state.parse_xywh(raw), width, height)
    except HeritageError:
        return ""
    return ",".join(str(v) for v in region) if region else ""


def _embed_context(config: Config, store: Store, entry: Entry, number: int, region: str) -> dict[str, Any]:
    item = entry.item
    image = entry.images[number - 1]
    alto = store.item_public_dir(item.id) / "alto" / f"{image.page.id}.xml"
    credit_label, credit, provider = _attribution(_manifest(store, item.id))
    static_w, static_h = min(image.sizes)
    count = len(entry.images)
    reader = page_path(item.id, number) + (f"?xywh={region}" if region else "")
    return {
        "dc": item.metadata,
        "content_lang": content_language(item.metadata),
        "number": number,
        "count": count,
        "image": image,
        "static": {"src": _image_url(image.page.id, f"{static_w},{static_h}"), "srcset": _srcset(image)},
        "static_size": (static_w, static_h),
        "info": f"{urls.image_service('', image.page.id)}/info.json",
        "text": page_text(alto, image.width, image.height, ()),
        "region": region,
        "prev": cite.embed_path(item.id, number - 1) if number > 1 else "",
        "next": cite.embed_path(item.id, number + 1) if number < count else "",
        "reader": config.base_url + reader,
        "credit_label": credit_label,
        "credit": credit,
        "provider": provider,
        "rights_label": rights_label(item.metadata.rights),
    }


def _page_of(catalogue: Catalogue, url: str, base_url: str) -> tuple[Entry, int]:
    """The published item and page a reader or embed URL of ours names; 404 for anything else."""
    parts = urlsplit(url)
    ours = urlsplit(base_url)
    if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc) or not parts.path.startswith(ours.path):
        raise HTTPException(404)
    match = _OURS.match(parts.path[len(ours.path.rstrip("/")) :])
    if not match:
        raise HTTPException(404)
    entry = _entry(catalogue, match.group(1))
    return entry, _page_number(match.group(2) or "1", len(entry.images))


def _dimension(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= 10_000:
        raise HTTPException(400)
    return int(raw)


def _thumbnail(entry: Entry, number: int, maxwidth: int | None, maxheight: int | None) -> tuple[str, int, int]:
    """The largest static size of the page within the consumer's limits (the smallest if none fits)."""
    image = entry.images[number - 1]
    fitting = [(w, h) for w, h in image.sizes if (not maxwidth or w <= maxwidth) and (not maxheight or h <= maxheight)]
    w, h = max(fitting) if fitting else min(image.sizes)
    return _image_url(image.page.id, f"{w},{h}"), w, h


def oembed_document(
    config: Config, store: Store, entry: Entry, number: int, maxwidth: int | None, maxheight: int | None
) -> dict[str, Any]:
    """An oEmbed 1.0 ``rich`` response: the embed iframe, with a thumbnail as ``photo`` would give."""
    item = entry.item
    image = entry.images[number - 1]
    _, credit, provider = _attribution(_manifest(store, item.id))
    url = config.base_url + page_path(item.id, number)
    c = cite.citation(item, number, len(entry.images), url, credit, provider)
    width, height = cite.embed_size(image.width, image.height, maxwidth, maxheight)
    thumb, thumb_w, thumb_h = _thumbnail(entry, number, maxwidth, maxheight)
    document: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": item.metadata.title + (f" ({c.where})" if c.where else ""),
        "provider_name": provider,
        "provider_url": urls.provider(config.base_url),
        "cache_age": OEMBED_MAX_AGE,
        "html": cite.iframe(config.base_url + cite.embed_path(item.id, number), item.metadata.title, width, height),
        "width": width,
        "height": height,
        "thumbnail_url": config.base_url + thumb,
        "thumbnail_width": thumb_w,
        "thumbnail_height": thumb_h,
    }
    if item.metadata.creator:
        document["author_name"] = ", ".join(item.metadata.creator)
    return document


def routes(config: Config, store: Store, catalogue: Catalogue) -> list[Route]:
    def show(request: Request, entry: Entry, number: int) -> Response:
        image = entry.images[number - 1]
        region = _region(request.query_params.get("xywh"), image.width, image.height)
        context = _embed_context(config, store, entry, number, region)
        response = render(request, "embed.html", context, canonical=page_path(entry.item.id, number))
        response.headers["content-security-policy"] = EMBED_CSP
        return response

    def embed_item(request: Request) -> Response:
        return show(request, _entry(catalogue, request.path_params["item_id"]), 1)

    def embed_page(request: Request) -> Response:
        entry = _entry(catalogue, request.path_params["item_id"])
        return show(request, entry, _page_number(request.path_params["n"], len(entry.images)))

    def oembed(request: Request) -> Response:
        params = request.query_params
        if params.get("format", "json") == "xml":
            return PlainTextResponse("oEmbed answers in JSON only", status_code=501)
        if params.get("format", "json") != "json":
            raise HTTPException(400)
        entry, number = _page_of(catalogue, params.get("url", ""), config.base_url)
        maxwidth, maxheight = _dimension(params.get("maxwidth")), _dimension(params.get("maxheight"))
        document = oembed_document(config, store, entry, number, maxwidth, maxheight)
        headers = {"cache-control": f"public, max-age={OEMBED_MAX_AGE}", "access-control-allow-origin": "*"}
        return JSONResponse(document, headers=headers)

    def citation_file(request: Request) -> Response:
        entry = _entry(catalogue, request.path_params["item_id"])
        number = _page_number(request.path_params["n"], len(entry.images))
        extension = request.path_params["extension"]
        if extension not in _CITATION_TYPES:
            raise HTTPException(404)
        _, credit, provider = _attribution(_manifest(store, entry.item.id))
        url = config.base_url + page_path(entry.item.id, number)
        c = cite.citation(entry.item, number, len(entry.images), url, credit, provider)
        text = cite.ris(c) if extension == "ris" else cite.bibtex(c)
        filename = f"{entry.item.id}-{number}.{extension}"
        headers = {"content-disposition": f'attachment; filename="{filename}"', "vary": "Accept-Language, Cookie"}
        return Response(text, media_type=f"{_CITATION_TYPES[extension]}; charset=utf-8", headers=headers)

    return [
        Route("/embed/{item_id}", embed_item),
        Route("/embed/{item_id}/{n}", embed_page),
        Route("/oembed", oembed),
        Route("/cite/{item_id}/{n}.{extension}", citation_file),
    ]
