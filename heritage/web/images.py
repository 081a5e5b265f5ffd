"""Routes for images made on request: the dynamic IIIF Image API 3 service and the document PDF.

Rendering blocks, so it runs in the thread pool, at most one render per core at a time (each holds
its source pixels and its result in memory); cached results are streamed from disk.
"""

from __future__ import annotations

import asyncio
import os

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.iiif import urls
from heritage.iiif.dynamic_request import FORMATS
from heritage.iiif.dynamic_service import ImageService
from heritage.pdf import document_pdf
from heritage.store import Store
from heritage.web import visibility
from heritage.web.iiif_files import DOCUMENT_MAX_AGE, TILE_MAX_AGE, json_media_type

_CORS = {"access-control-allow-origin": "*"}


def routes(config: Config, store: Store) -> list[Route]:
    service = ImageService(store, config)
    renders = asyncio.Semaphore(os.cpu_count() or 1)

    async def base(request: Request) -> Response:
        """Image API 3: the base URI of an image redirects to its info.json."""
        page_id = request.path_params["page_id"]
        visibility.require_page(request, page_id)
        service.pyramid(page_id)
        target = f"{urls.dynamic_image_service(config.base_url, page_id)}/info.json"
        return RedirectResponse(target, status_code=303, headers=_CORS)

    async def info(request: Request) -> Response:
        page_id = request.path_params["page_id"]
        public = visibility.require_page(request, page_id)
        document = service.info(urls.dynamic_image_service(config.base_url, page_id), page_id)
        headers = {**_CORS, "cache-control": f"public, max-age={DOCUMENT_MAX_AGE}", "vary": "Accept"}
        media_type = json_media_type("info.json", request.headers.get("accept", ""))
        return visibility.keep_private(JSONResponse(document, media_type=media_type, headers=headers), public)

    async def image(request: Request) -> Response:
        params = request.path_params
        public = visibility.require_page(request, params["page_id"])
        plan = service.plan(params["page_id"], params["region"], params["size"], params["rotation"], params["image"])
        async with renders:
            path = await run_in_threadpool(service.image, params["page_id"], plan)
        headers = {**_CORS, "cache-control": f"public, max-age={TILE_MAX_AGE}"}
        return visibility.keep_private(FileResponse(path, media_type=FORMATS[plan.format], headers=headers), public)

    async def pdf(request: Request) -> Response:
        item_id = request.path_params["item_id"]
        public = visibility.require_item(request, item_id)
        async with renders:
            path = await run_in_threadpool(document_pdf, store, service, item_id)
        headers = {**_CORS, "cache-control": f"public, max-age={DOCUMENT_MAX_AGE}"}
        response = FileResponse(path, media_type="application/pdf", filename=f"{item_id}.pdf", headers=headers)
        return visibility.keep_private(response, public)

    return [
        Route("/iiif/dynamic/{page_id}", base, methods=["GET", "HEAD"]),
        Route("/iiif/dynamic/{page_id}/info.json", info, methods=["GET", "HEAD"]),
        Route("/iiif/dynamic/{page_id}/{region}/{size}/{rotation}/{image}", image, methods=["GET", "HEAD"]),
        Route("/iiif/{item_id}/document.pdf", pdf, methods=["GET", "HEAD"]),
    ]
