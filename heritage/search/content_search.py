"""IIIF Content Search 2.0 and 1.0: the services a manifest declares and the responses they give.

Both versions are served because viewers differ: Clover reads 2.0; Mirador 4 and Universal
Viewer 4 find a service by its 1.0 ``profile`` and parse 1.0 (``sc:AnnotationList`` with
``resources`` and ``hits``). Pure functions over the search core's results; boxes come from the
ALTO word positions, one per line of a match, so a phrase across two lines gets two boxes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from heritage.iiif import urls
from heritage.iiif.search_services import PRESENTATION2_CONTEXT, SEARCH1_CONTEXT, SEARCH2_CONTEXT
from heritage.search.hits import ItemSearchResult, Match, TermCount

SEARCH_PARAMETERS = frozenset({"q"})
"""What we honour; ``motivation``, ``date``, ``user`` (and anything else) are listed in ``ignored``."""
PAGING_PARAMETER = "page"


def ignored(params: Mapping[str, str]) -> list[str]:
    return sorted(name for name in params if name not in SEARCH_PARAMETERS and name != PAGING_PARAMETER)


def _xywh(canvas: str, box: Any) -> str:
    return f"{canvas}#xywh={box.x},{box.y},{box.w},{box.h}"


def _matches(base: str, item_id: str, result: ItemSearchResult) -> Iterable[tuple[str, str, Match]]:
    """(annotation id stem, canvas id, match) for every match, in reading order."""
    for page in result.pages:
        canvas = urls.canvas(base, item_id, page.page_id)
        for number, match in enumerate(page.matches, start=1):
            yield f"{urls.search_annotation(base, item_id, page.page_id)}-{number}", canvas, match


def query_url(service: str, q: str, page: int = 1) -> str:
    """The canonical URL of a search (or autocomplete) request: the response's own id."""
    params = {"q": q, PAGING_PARAMETER: page} if page > 1 else {"q": q}
    return f"{service}?{urlencode(params)}"


def _paging(service: str, q: str, page: int, has_next: bool) -> dict[str, str]:
    links = {}
    if has_next:
        links["next"] = query_url(service, q, page + 1)
    if page > 1:
        links["prev"] = query_url(service, q, page - 1)
    return links


def search2_response(
    base: str, item_id: str, q: str, result: ItemSearchResult, ignored_params: list[str], page: int, has_next: bool
) -> dict[str, Any]:
    service = urls.search2(base, item_id)
    request_url = query_url(service, q, page)
    items: list[dict[str, Any]] = []
    context: list[dict[str, Any]] = []
    for stem, canvas, match in _matches(base, item_id, result):
        ids = []
        for line, box in enumerate(match.boxes, start=1):
            annotation_id = f"{stem}-{line}"
            ids.append(annotation_id)
            items.append(
                {
                    "id": annotation_id,
                    "type": "Annotation",
                    "motivation": "highlighting",
                    "body": {"type": "TextualBody", "value": match.text, "format": "text/plain"},
                    "target": _xywh(canvas, box),
                }
            )
        for annotation_id in ids:
            context.append(
                {
                    "id": f"{annotation_id}-context",
                    "type": "Annotation",
                    "motivation": "contextualizing",
                    "target": {
                        "type": "SpecificResource",
                        "source": annotation_id,
                        "selector": [
                            {
                                "type": "TextQuoteSelector",
                                "prefix": match.before,
                                "exact": match.text,
                                "suffix": match.after,
                            }
                        ],
                    },
                }
            )
    response: dict[str, Any] = {
        "@context": SEARCH2_CONTEXT,
        "id": request_url,
        "type": "AnnotationPage",
        "items": items,
    }
    if context:
        response["annotations"] = [{"type": "AnnotationPage", "items": context}]
    if ignored_params:
        response["ignored"] = ignored_params
    response["partOf"] = {"id": query_url(service, q), "type": "AnnotationCollection", "total": result.total_pages}
    response.update(_paging(service, q, page, has_next))
    return response


def search1_response(
    base: str, item_id: str, q: str, result: ItemSearchResult, ignored_params: list[str], page: int, has_next: bool
) -> dict[str, Any]:
    service = urls.search1(base, item_id)
    request_url = query_url(service, q, page)
    resources: list[dict[str, Any]] = []
    hits: list[dict[str, Any]] = []
    for stem, canvas, match in _matches(base, item_id, result):
        ids = [f"{stem}-{line}" for line in range(1, len(match.boxes) + 1)]
        for annotation_id, box in zip(ids, match.boxes, strict=True):
            resources.append(
                {
                    "@id": annotation_id,
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "resource": {"@type": "cnt:ContentAsText", "chars": match.text},
                    "on": _xywh(canvas, box),
                }
            )
        hits.append(
            {
                "@type": "search:Hit",
                "annotations": ids,
                "match": match.text,
                "before": match.before,
                "after": match.after,
            }
        )
    within: dict[str, Any] = {"@type": "sc:Layer", "total": result.total_pages}
    if ignored_params:
        within["ignored"] = ignored_params
    response: dict[str, Any] = {
        "@context": [PRESENTATION2_CONTEXT, SEARCH1_CONTEXT],
        "@id": request_url,
        "@type": "sc:AnnotationList",
        "within": within,
        "resources": resources,
        "hits": hits,
    }
    response.update(_paging(service, q, page, has_next))
    return response


def autocomplete2_response(
    base: str, item_id: str, q: str, terms: list[TermCount], ignored_params: list[str]
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "@context": SEARCH2_CONTEXT,
        "id": query_url(urls.autocomplete2(base, item_id), q),
        "type": "TermPage",
        "items": [
            {
                "value": t.term,
                "total": t.count,
                "service": [{"id": query_url(urls.search2(base, item_id), t.term), "type": "SearchService2"}],
            }
            for t in terms
        ],
    }
    if ignored_params:
        response["ignored"] = ignored_params
    return response


def autocomplete1_response(
    base: str, item_id: str, q: str, terms: list[TermCount], ignored_params: list[str]
) -> dict[str, Any]:
    return {
        "@context": SEARCH1_CONTEXT,
        "@id": query_url(urls.autocomplete1(base, item_id), q),
        "@type": "search:TermList",
        "ignored": ignored_params,
        "terms": [
            {"match": t.term, "url": query_url(urls.search1(base, item_id), t.term), "count": t.count} for t in terms
        ],
    }
