"""The Starlette application: a list of routes, middleware, exception handlers.

Handlers parse the request, call one core function and render; the IIIF tree itself is static
files written by the workers. Reader pages are rendered on the server in the visitor's language.
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Scope

from heritage.accounts import Accounts
from heritage.config import Config
from heritage.errors import HeritageError
from heritage.harvest.routes import routes as harvest_routes
from heritage.iiif import urls
from heritage.search.client import connect
from heritage.store import Store
from heritage.web import (
    api_docs,
    auth,
    browse,
    embed,
    i18n,
    images,
    reader,
    search_api,
    seo,
    visibility,
    workspace_admin,
    workspace_items,
    workspace_upload,
)
from heritage.web.assets import STATIC_DIR, AssetFiles
from heritage.web.catalogue import Catalogue
from heritage.web.iiif_files import DOCUMENT_MAX_AGE, IIIFFiles, json_media_type
from heritage.web.site import LanguageMiddleware, render, safe_next

_SLUG = re.compile(r"^[a-z0-9-]{1,60}$")
LANGUAGE_COOKIE_AGE = 365 * 86400
NOT_COMPRESSED = ("image/*", "application/pdf", "application/zip", "application/gzip", "text/event-stream")
"""Already compressed (or streamed): gzip would spend CPU for nothing."""


def create_app(config: Config | None = None) -> Starlette:
    config = config or Config.from_env()
    store = Store(config.data_dir).ensure()
    client = connect(config.opensearch_url)
    catalogue = Catalogue(store)

    def iiif_public(path: str) -> bool:
        return catalogue.snapshot().is_public_path(path)

    def archivist(scope: Scope) -> bool:
        return auth.is_archivist(Request(scope))

    async def collection_json(request: Request) -> Response:
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
        visibility.require_page(request, page_id)
        if not (store.image_dir(page_id) / "info.json").exists():
            raise HTTPException(404)
        return RedirectResponse(f"{urls.image_service(config.base_url, page_id)}/info.json", status_code=303)

    async def switch_language(request: Request) -> Response:
        """Remember the reader's choice in a first-party cookie (not tracking) and go back."""
        language = request.query_params.get("lang", "")
        target = safe_next(request.query_params.get("next"))
        response = RedirectResponse(target, status_code=303)
        if language in i18n.LANGUAGES:
            response.set_cookie(
                i18n.COOKIE, language, max_age=LANGUAGE_COOKIE_AGE, samesite="lax", httponly=True, path="/"
            )
        return response

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def error_page(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            status = exc.status_code
        elif isinstance(exc, HeritageError):
            status = exc.http_status
        else:
            status = 500
        if request.url.path.startswith(("/iiif/", "/api/")):
            return JSONResponse({"error": "not found" if status == 404 else "error"}, status_code=status)
        if status == 401 and request.method == "GET":
            return auth.login_redirect(request)
        message = str(exc) if isinstance(exc, HeritageError) and status in (400, 413) else None
        response = render(request, "error.html", {"status": status, "message": message}, status_code=status)
        if status == 503:
            response.headers["retry-after"] = "30"
        return response

    routes = [
        *browse.routes(config, client, catalogue),
        *reader.routes(config, store, client, catalogue),
        *seo.routes(config, catalogue),
        Route("/language", switch_language),
        Route("/login", auth.login, methods=["GET", "POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/logout/everywhere", auth.logout_everywhere, methods=["POST"]),
        *workspace_items.routes(config, store),
        *workspace_upload.routes(config, store),
        *workspace_admin.routes(config, store),
        Route("/healthz", healthz),
        Route("/iiif/collection", collection_json),
        Route("/iiif/collection/{slug}", collection_json),
        Route("/iiif/image/{page_id}", image_base),
        *search_api.routes(config, store, client),
        *images.routes(config, store),
        *harvest_routes(config, store),
        *api_docs.routes(config),
        *embed.routes(config, store, catalogue),
        Mount("/iiif", IIIFFiles(directory=store.iiif, check_dir=False, public=iiif_public, archivist=archivist)),
        Mount("/static", AssetFiles(directory=STATIC_DIR)),
    ]
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS"], allow_headers=["*"]),
        Middleware(GZipMiddleware, minimum_size=512, compresslevel=6, exclude_content_types=NOT_COMPRESSED),
        Middleware(LanguageMiddleware, default=config.default_language),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: error_page, HeritageError: error_page, 500: error_page},
        lifespan=workspace_upload.lifespan(config, store),
    )
    app.state.config = config
    app.state.accounts = Accounts(store)
    app.state.catalogue = catalogue
    return app
