"""The site search results page: hits with snippets and their boxes on the page thumbnail,
facets, sort, pages, spelling suggestions when nothing is found.

The query parameters are those of the site's stable search URLs (``year_from``, ``year_to``);
anything that cannot be searched is a 400 page with the reason. When OpenSearch is down the
page says so with status 503, keeping the query in the box; browsing does not need it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from opensearchpy import OpenSearch
from starlette.requests import Request
from starlette.responses import Response

from heritage.config import Config
from heritage.errors import InvalidInputError, ServiceUnavailableError
from heritage.search.api import search
from heritage.search.hits import Hit, SearchResult
from heritage.search.layout import Box
from heritage.search.query import Filters, SearchRequest, Sort
from heritage.search.spelling import Spelling, suggest_spellings
from heritage.web import i18n
from heritage.web.browse_cards import Thumbnail, page_param, pager, thumbnail
from heritage.web.catalogue import Catalogue, Snapshot
from heritage.web.facets import (
    ActiveFilter,
    FacetGroup,
    Params,
    active_filters,
    adder,
    facet_label,
    group,
    url,
    value_label,
    without,
)
from heritage.web.site import render

PAGE_SIZE = 20
HIT_THUMBNAIL_WIDTH = 120
VALUE_FILTERS = ("collection", "language", "type", "rights")
YEARS = ("year_from", "year_to")


@dataclass(frozen=True)
class HitView:
    href: str
    title: str
    date: str
    collection: str
    page_number: int
    snippet: str  # HTML built escaped by the search core
    thumbnail: Thumbnail | None
    width: int  # the page image's size, the coordinate space of ``boxes``
    height: int
    boxes: list[Box]

    @property
    def rects(self) -> Markup:
        """The boxes as SVG rects, built once here from integers rather than escaped one
        attribute at a time in a template loop (a common word has dozens per page)."""
        return Markup(
            "".join(
                f'<rect x="{int(b.x)}" y="{int(b.y)}" width="{int(b.w)}" height="{int(b.h)}"'
                ' vector-effect="non-scaling-stroke"/>'
                for b in self.boxes
            )
        )


def year_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInputError(f"{name} must be a year such as 1846, got {raw[:40]!r}") from None


def search_request(request: Request) -> SearchRequest:
    """The core's request from this page's query parameters; bad values raise InvalidInputError."""
    params = request.query_params
    try:
        sort = Sort(params.get("sort") or Sort.RELEVANCE.value)
    except ValueError:
        raise InvalidInputError(f"sort must be one of {', '.join(s.value for s in Sort)}") from None
    values = {name: tuple(dict.fromkeys(v for v in params.getlist(name) if v)) for name in VALUE_FILTERS}
    filters = Filters(**values, year_from=year_param(request, "year_from"), year_to=year_param(request, "year_to"))
    return SearchRequest(
        q=params.get("q", ""), filters=filters, sort=sort, page=page_param(params.get("page")), page_size=PAGE_SIZE
    )


def hit_view(hit: Hit, snapshot: Snapshot, href: str) -> HitView:
    entry = snapshot.by_id.get(hit.item_id)
    image = entry.images[hit.page_number - 1] if entry and 0 < hit.page_number <= len(entry.images) else None
    collection = snapshot.collections.get(hit.collection)
    return HitView(
        href=href,
        title=hit.title,
        date=hit.date,
        collection=collection.name if collection else hit.collection,
        page_number=hit.page_number,
        snippet=hit.snippet,
        thumbnail=thumbnail(image, HIT_THUMBNAIL_WIDTH) if image else None,
        width=image.width if image else 0,
        height=image.height if image else 0,
        boxes=hit.boxes,
    )


def _decades(path: str, params: Params, result: SearchResult, filters: Filters) -> FacetGroup:
    """Decades as year ranges: a link sets ``year_from``/``year_to`` to the decade."""
    rest = [(k, v) for k, v in params if k not in (*YEARS, "page")]

    def link(value: str) -> str:
        start = int(value)
        if (filters.year_from, filters.year_to) == (start, start + 9):
            return url(path, rest)
        return url(path, [*rest, ("year_from", str(start)), ("year_to", str(start + 9))])

    counts = [(v.value, v.count) for v in result.facets.get("decade", [])]
    active = [v for v, _ in counts if (filters.year_from, filters.year_to) == (int(v), int(v) + 9)]
    return group("decade", counts, active, link)


def search_facets(
    path: str, params: Params, result: SearchResult, request: SearchRequest, snapshot: Snapshot
) -> list[FacetGroup]:
    def collection_name(slug: str) -> str:
        found = snapshot.collections.get(slug)
        return found.name if found else slug

    labels: dict[str, Callable[[str], str] | None] = {"collection": collection_name, "language": None, "type": None}
    groups = [
        group(
            name,
            [(v.value, v.count) for v in result.facets.get(name, [])],
            getattr(request.filters, name),
            adder(path, params, name),
            label,
        )
        for name, label in labels.items()
    ]
    groups.append(_decades(path, params, result, request.filters))
    return [g for g in groups if g.links]


def search_filters(path: str, params: Params, snapshot: Snapshot, filters: Filters) -> list[ActiveFilter]:
    """The active filters, each removable; the year range as one."""

    def label(name: str, value: str) -> str:
        found = snapshot.collections.get(value) if name == "collection" else None
        return found.name if found else value_label(name, value)

    active = active_filters(path, params, VALUE_FILTERS, label)
    if filters.year_from is not None or filters.year_to is not None:
        start, end = (("" if y is None else str(y)) for y in (filters.year_from, filters.year_to))
        years = f"{start}–{end}"
        active.append(ActiveFilter(f"{facet_label('year')}: {years}", without(path, params, *YEARS)))
    return active


def _spellings(client: OpenSearch, alias: str, q: str) -> list[Spelling]:
    """Suggestions are a help, not the page: a failure to get them shows none."""
    try:
        return suggest_spellings(client, alias, q)
    except (ServiceUnavailableError, InvalidInputError):
        return []


def hit_href(hit: Hit, q: str) -> str:
    """The reader at the hit's page, searching the same words inside the document."""
    return f"/items/{hit.item_id}/{hit.page_number}?{urlencode({'q': q})}"


def handler(config: Config, client: OpenSearch, catalogue: Catalogue) -> Callable[[Request], Response]:
    def search_page(request: Request) -> Response:
        """Synchronous, so Starlette runs it in its thread pool: OpenSearch calls block."""
        q = request.query_params.get("q", "").strip()
        snapshot = catalogue.snapshot()
        base: dict[str, Any] = {"q": q, "collections": sorted(snapshot.collections.values(), key=lambda c: c.name)}
        if not q:
            return render(request, "search.html", {**base, "state": "help"})
        wanted = search_request(request)
        try:
            result = search(client, config.index, wanted)
        except ServiceUnavailableError:
            response = render(request, "search.html", {**base, "state": "unavailable"}, status_code=503)
            response.headers["retry-after"] = "30"
            return response
        paged = pager(wanted.page, result.total, PAGE_SIZE)
        if wanted.page > paged.pages:
            raise InvalidInputError(f"page {wanted.page} is beyond the last page of results ({paged.pages})")
        path, params = request.url.path, request.query_params.multi_items()
        context = {
            **base,
            "state": "results" if result.total else "empty",
            "result": result,
            "sort": wanted.sort.value,
            "sorts": [(s.value, label) for s, label in sort_labels().items()],
            "hits": [hit_view(h, snapshot, hit_href(h, q)) for h in result.hits],
            "facets": search_facets(path, params, result, wanted, snapshot),
            "active": search_filters(path, params, snapshot, wanted.filters),
            "filters": wanted.filters,
            "pager": paged,
            "spellings": [] if result.total else _spellings(client, config.index, q),
        }
        return render(request, "search.html", context)

    return search_page


def sort_labels() -> dict[Sort, str]:
    return {
        Sort.RELEVANCE: i18n.gettext("Relevance"),
        Sort.DATE: i18n.gettext("Oldest first"),
        Sort.DATE_DESC: i18n.gettext("Newest first"),
    }
