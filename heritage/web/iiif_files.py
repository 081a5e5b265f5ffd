"""Serve the static IIIF tree (tiles, info.json, manifests, collections, ALTO) as the specs ask.

The files are written once by the workers; this only adds what clients need on top: CORS for
viewers on other origins, the IIIF JSON-LD media types when asked for, and cache lifetimes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
TILE_MAX_AGE = 86400
DOCUMENT_MAX_AGE = 300


def json_media_type(path: str, accept: str) -> str:
    """JSON-LD with the right profile when the client asks for it, plain JSON otherwise."""
    if "application/ld+json" not in accept:
        return "application/json"
    context = IMAGE_CONTEXT if path.endswith("info.json") else PRESENTATION_CONTEXT
    return f'application/ld+json;profile="{context}"'


class IIIFFiles(StaticFiles):
    """``public(path)`` says whether a file belongs to a published item; drafts' files are on disk
    like the others but only an ``archivist(scope)`` gets them, and never from a shared cache."""

    def __init__(self, *, public: Callable[[str], bool], archivist: Callable[[Scope], bool], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.public = public
        self.archivist = archivist

    async def get_response(self, path: str, scope: Scope) -> Response:
        if self.public(path):
            return await super().get_response(path, scope)
        if not self.archivist(scope):
            raise HTTPException(404)
        response = await super().get_response(path, scope)
        response.headers["cache-control"] = "private, no-store"
        return response

    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = os.fspath(full_path)
        if path.endswith(".json"):
            response.headers["content-type"] = json_media_type(path, Headers(scope=scope).get("accept", ""))
            response.headers["vary"] = "Accept"
            response.headers["cache-control"] = f"public, max-age={DOCUMENT_MAX_AGE}"
        elif path.endswith(".xml"):
            response.headers["content-type"] = "application/xml"
            response.headers["cache-control"] = f"public, max-age={DOCUMENT_MAX_AGE}"
        elif path.endswith(".txt"):
            response.headers["content-type"] = "text/plain; charset=utf-8"
            response.headers["cache-control"] = f"public, max-age={DOCUMENT_MAX_AGE}"
        else:
            response.headers["cache-control"] = f"public, max-age={TILE_MAX_AGE}"
        response.headers["access-control-allow-origin"] = "*"
        return response
