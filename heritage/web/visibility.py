"""What a request may see: published items for everyone, drafts too for a logged-in archivist.

Drafts are processed like every other item, so their tiles, manifests and text are on disk; the
checks here are what turn them into 404s for the public. A draft shown to an archivist is marked
``private, no-store`` so no shared cache keeps a copy for the next visitor.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from heritage.model import is_id
from heritage.web import auth
from heritage.web.catalogue import Catalogue

PRIVATE = "private, no-store"


def catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


def public_item(request: Request, item_id: str) -> bool:
    return item_id in catalogue(request).snapshot().by_id


def public_page(request: Request, page_id: str) -> bool:
    return page_id in catalogue(request).snapshot().public_pages


def _require(request: Request, value: str, public: Callable[[Request, str], bool]) -> bool:
    if is_id(value) and public(request, value):
        return True
    if is_id(value) and auth.is_archivist(request):
        return False
    raise HTTPException(404)


def require_item(request: Request, item_id: str) -> bool:
    """Raise 404 unless the item is public or the visitor an archivist; True if it is public."""
    return _require(request, item_id, public_item)


def require_page(request: Request, page_id: str) -> bool:
    """The same for one page image: its item's visibility decides."""
    return _require(request, page_id, public_page)


def keep_private(response: Response, public: bool) -> Response:
    if not public:
        response.headers["cache-control"] = PRIVATE
    return response
