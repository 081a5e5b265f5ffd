"""Home, collection and search result pages.

Home and collection pages are built from the catalogue in memory (no OpenSearch), so they keep
working when search is down; the search page is in ``browse_search.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from opensearchpy import OpenSearch
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from heritage.config import Config
from heritage.model import Collection
from heritage.web import browse_search
from heritage.web.browse_cards import Thumbnail, by_date, card, page_param, pager, thumbnail
from heritage.web.catalogue import Catalogue, Snapshot
from heritage.web.facets import COLLECTION_FACETS, active_filters, collection_facets, value_label
from heritage.web.site import render

RECENT = 4
"""Newest items on the home page: few, so the first visit stays under 100 KB with thumbnails."""
PER_PAGE = 24


@dataclass(frozen=True)
class CollectionCard:
    href: str
    name: str
    count: int
    thumbnail: Thumbnail | None


def collection_cards(snapshot: Snapshot) -> list[CollectionCard]:
    """Every collection with published items, by name; its thumbnail is its newest item's, which
    the home page's recent additions often show too (one download for both)."""
    cards = []
    for collection in sorted(snapshot.collections.values(), key=lambda c: c.name.casefold()):
        entries = snapshot.in_collection(collection.slug)
        image = entries[0].images[0] if entries and entries[0].images else None
        cards.append(
            CollectionCard(
                f"/collections/{collection.slug}", collection.name, len(entries), thumbnail(image) if image else None
            )
        )
    return cards


def _collection(snapshot: Snapshot, slug: str) -> Collection:
    found = snapshot.collections.get(slug)
    if found is None:
        raise HTTPException(404)
    return found


def routes(config: Config, client: OpenSearch, catalogue: Catalogue) -> list[Route]:
    async def home(request: Request) -> Response:
        snapshot = catalogue.snapshot()
        context = {
            "collections": collection_cards(snapshot),
            "recent": [card(e) for e in snapshot.entries[:RECENT]],
            "total": len(snapshot.entries),
        }
        return render(request, "home.html", context)

    async def collections(request: Request) -> Response:
        return render(request, "collections.html", {"collections": collection_cards(catalogue.snapshot())})

    async def collection(request: Request) -> Response:
        snapshot = catalogue.snapshot()
        found = _collection(snapshot, request.path_params["slug"])
        entries = by_date(snapshot.in_collection(found.slug))
        params = request.query_params.multi_items()
        page = page_param(request.query_params.get("page"))
        path = request.url.path
        groups, shown = collection_facets(path, params, entries)
        paged = pager(page, len(shown), PER_PAGE)
        if page > paged.pages:
            raise HTTPException(404)
        filtered = any(k in COLLECTION_FACETS for k, _ in params)
        canonical = path + (f"?page={page}" if page > 1 and not filtered else "")
        context = {
            "collection": found,
            "count": len(entries),
            "shown": len(shown),
            "cards": [card(e) for e in shown[(page - 1) * PER_PAGE : page * PER_PAGE]],
            "facets": groups,
            "active": active_filters(path, params, COLLECTION_FACETS, value_label),
            "pager": paged,
            "filtered": filtered,
        }
        return render(request, "collection.html", context, canonical=canonical)

    return [
        Route("/", home),
        Route("/collections", collections),
        Route("/collections/{slug}", collection),
        Route("/search", browse_search.handler(config, client, catalogue)),
    ]
