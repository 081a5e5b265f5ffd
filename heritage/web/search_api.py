"""Search over HTTP: the site's JSON API and IIIF Content Search 2.0 and 1.0 for each item.

Handlers turn query parameters into the search core's requests and its results into JSON; a bad
query is a 400 with the reason, OpenSearch down is a 503 with the reason, and the client
reconnects by itself when the node is back (nothing to restart).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from opensearchpy import OpenSearch
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.errors import HeritageError, InvalidInputError, NotFoundError
from heritage.iiif import urls
from heritage.model import is_id
from heritage.search import content_search
from heritage.search.api import search, search_item, suggest_terms
from heritage.search.query import Filters, SearchRequest, Sort
from heritage.store import Store
from heritage.web import visibility

ITEM_PAGE_SIZE = 100
SUGGESTIONS = 10


def _int_param(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be a whole number, got {raw[:40]!r}") from None


def _count_param(request: Request, name: str, default: int) -> int:
    """A page number or size: the default only when absent, so 0 reaches the core and is refused."""
    value = _int_param(request, name, default)
    return default if value is None else value


def _values(request: Request, name: str) -> tuple[str, ...]:
    return tuple(v for v in request.query_params.getlist(name) if v)


def search_request(request: Request) -> SearchRequest:
    sort_raw = request.query_params.get("sort", Sort.RELEVANCE.value)
    try:
        sort = Sort(sort_raw)
    except ValueError:
        raise InvalidInputError(f"sort must be one of {', '.join(s.value for s in Sort)}") from None
    filters = Filters(
        collection=_values(request, "collection"),
        language=_values(request, "language"),
        type=_values(request, "type"),
        rights=_values(request, "rights"),
        year_from=_int_param(request, "from", None),
        year_to=_int_param(request, "to", None),
    )
    return SearchRequest(
        q=request.query_params.get("q", ""),
        filters=filters,
        sort=sort,
        page=_count_param(request, "page", 1),
        page_size=_count_param(request, "page_size", 20),
    )


def _error(error: HeritageError) -> JSONResponse:
    headers = {"retry-after": "30"} if error.http_status == 503 else {}
    return JSONResponse({"error": str(error)}, status_code=error.http_status, headers=headers)


Handler = Callable[[Request], Any]


def _guarded(handler: Handler) -> Handler:
    """Expected failures become their HTTP status with the message; bugs stay 500s."""

    async def run(request: Request) -> Response:
        try:
            response: Response = await run_in_threadpool(handler, request)  # OpenSearch calls block
        except HeritageError as e:
            return _error(e)
        return visibility.keep_private(response, getattr(request.state, "public", True))

    return run


def routes(config: Config, store: Store, client: OpenSearch) -> list[Route]:
    base = config.base_url

    def published_item(request: Request) -> str:
        item_id = request.path_params["item_id"]
        if not is_id(item_id) or not store.manifest_path(item_id).exists():
            raise NotFoundError(f"no published item {item_id!r}")
        request.state.public = visibility.require_item(request, item_id)  # a draft's answer is not cached
        return item_id

    def api_search(request: Request) -> Response:
        result = search(client, config.index, search_request(request)).to_json()
        for hit in result["hits"]:
            hit["manifest"] = urls.manifest(base, hit["item_id"])
            hit["canvas"] = urls.canvas(base, hit["item_id"], hit["page_id"])
        return JSONResponse(result)

    def api_suggest(request: Request) -> Response:
        terms = suggest_terms(client, config.index, request.query_params.get("q", ""), limit=SUGGESTIONS)
        return JSONResponse(
            {"q": request.query_params.get("q", ""), "terms": [{"term": t.term, "count": t.count} for t in terms]}
        )

    def item_search(request: Request) -> tuple[str, str, int, Any, list[str], bool]:
        item_id = published_item(request)
        q = request.query_params.get("q", "")
        page = _count_param(request, "page", 1)
        result = search_item(client, config.index, item_id, q, page=page, page_size=ITEM_PAGE_SIZE)
        has_next = page * ITEM_PAGE_SIZE < result.total_pages
        return item_id, q, page, result, content_search.ignored(request.query_params), has_next

    def search2(request: Request) -> Response:
        item_id, q, page, result, ignored, has_next = item_search(request)
        return JSONResponse(content_search.search2_response(base, item_id, q, result, ignored, page, has_next))

    def search1(request: Request) -> Response:
        item_id, q, page, result, ignored, has_next = item_search(request)
        return JSONResponse(content_search.search1_response(base, item_id, q, result, ignored, page, has_next))

    def item_terms(request: Request) -> tuple[str, str, Any, list[str]]:
        item_id = published_item(request)
        q = request.query_params.get("q", "")
        terms = suggest_terms(client, config.index, q, item_id=item_id, limit=SUGGESTIONS)
        return item_id, q, terms, content_search.ignored(request.query_params)

    def autocomplete2(request: Request) -> Response:
        item_id, q, terms, ignored = item_terms(request)
        return JSONResponse(content_search.autocomplete2_response(base, item_id, q, terms, ignored))

    def autocomplete1(request: Request) -> Response:
        item_id, q, terms, ignored = item_terms(request)
        return JSONResponse(content_search.autocomplete1_response(base, item_id, q, terms, ignored))

    return [
        Route("/api/search", _guarded(api_search)),
        Route("/api/suggest", _guarded(api_suggest)),
        Route("/iiif/{item_id}/search", _guarded(search2)),
        Route("/iiif/{item_id}/search1", _guarded(search1)),
        Route("/iiif/{item_id}/autocomplete", _guarded(autocomplete2)),
        Route("/iiif/{item_id}/autocomplete1", _guarded(autocomplete1)),
    ]
