"""The Starlette application: a list of routes, exception handlers and templates.

Handlers parse the request, call one core function and render; the IIIF tree itself is static
files written by the workers.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.templating import Jinja2Templates

from heritage.config import Config
from heritage.iiif import urls
from heritage.iiif.manifest import thumbnail
from heritage.model import is_id
from heritage.pipeline import page_images, published_items
from heritage.search.client import connect
from heritage.store import Store
from heritage.web import search_api
from heritage.web.iiif_files import DOCUMENT_MAX_AGE, IIIFFiles, json_media_type

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_SLUG = re.compile(r"^[a-z0-9-]{1,60}$")


def create_app(config: Config | None = None) -> Starlette:
    config = config or Config.from_env()
    store = Store(config.data_dir).ensure()
    client = connect(config.opensearch_url)

    async def home(request: Request) -> Response:
        entries = [
            {
                "item": item,
                "manifest": urls.manifest(config.base_url, item.id),
                "thumbnail": thumbnail(config.base_url, image),
            }
            for item in published_items(store)
            for image in page_images(store, item)[:1]
        ]
        return TEMPLATES.TemplateResponse(request, "home.html", {"entries": entries})

    async def collection(request: Request) -> Response:
        slug = request.path_params.get("slug", "")
        if slug and not _SLUG.match(slug):
            raise HTTPException(404)
        path = store.collection_path(slug)
        if not path.exists():
            raise HTTPException(404)
        return Response(
            path.read_bytes(),
            media_type=json_media_type(str(path), request.headers.get("accept", "")),
            headers={"cache-control": f"public, max-age={DOCUMENT_MAX_AGE}", "vary": "Accept"},
        )

    async def image_base(request: Request) -> Response:
        """Image API 3: the base URI of an image redirects to its info.json."""
        page_id = request.path_params["page_id"]
        if not is_id(page_id) or not (store.image_dir(page_id) / "info.json").exists():
            raise HTTPException(404)
        return RedirectResponse(f"{urls.image_service(config.base_url, page_id)}/info.json", status_code=303)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def not_found(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        if request.url.path.startswith("/iiif/"):
            return JSONResponse({"error": "not found" if status == 404 else "error"}, status_code=status)
        return TEMPLATES.TemplateResponse(request, "error.html", {"status": status}, status_code=status)

    routes = [
        Route("/", home),
        Route("/healthz", healthz),
        Route("/iiif/collection", collection),
        Route("/iiif/collection/{slug}", collection),
        Route("/iiif/image/{page_id}", image_base),
        *search_api.routes(config, store, client),
        Mount("/iiif", IIIFFiles(directory=store.iiif, check_dir=False)),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"], allow_headers=["*"]),
        Middleware(GZipMiddleware, minimum_size=1024),
    ]
    return Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: not_found})
