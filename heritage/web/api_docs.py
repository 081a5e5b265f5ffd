"""The OpenAPI 3.1 document of the public JSON API, served at ``/api/openapi.json``.

It describes what the handlers really answer (``search_api.py``, the static IIIF tree, the
dynamic image service, the bulk export), with schemas strict enough that a test driving the
live server with schemathesis catches a drifted field, a wrong type or an undocumented status.
Our own objects forbid extra fields; IIIF documents only require what their specs require, so
the IIIF extensions we may add later do not break clients.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.model import ID_LENGTH
from heritage.search.query import MAX_FILTER_VALUES, MAX_PAGE_SIZE, MAX_QUERY_CHARS, Sort
from heritage.search.terms import MAX_TERM_CHARS
from heritage.web import export_route

OPENAPI_PATH = "/api/openapi.json"
DOCUMENT_MAX_AGE = 3600
ID = f"^[abcdefghijkmnpqrstuvwxyz23456789]{{{ID_LENGTH}}}$"
JSON_TYPES = ("application/json", "application/ld+json")
"""IIIF documents are JSON-LD with a profile when the client asks for it, plain JSON otherwise."""

_STRING = {"type": "string"}
_URI = {"type": "string", "format": "uri"}
_COUNT = {"type": "integer", "minimum": 0}
_POSITIVE = {"type": "integer", "minimum": 1}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: tuple[str, ...] | None = None, closed: bool = True) -> dict[str, Any]:
    """An object schema; ``required`` defaults to every property, ``closed`` forbids others."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def _const(value: str) -> dict[str, str]:
    return {"type": "string", "const": value}


def _array(items: dict[str, Any], **limits: int) -> dict[str, Any]:
    return {"type": "array", "items": items, **limits}


def _json(schema: dict[str, Any], description: str, media_types: tuple[str, ...] = ("application/json",)) -> dict:
    return {"description": description, "content": {t: {"schema": schema} for t in media_types}}


def _error(status: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{status}"}


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    return parameter


def _path(name: str, pattern: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": pattern},
    }


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], errors: tuple[str, ...]) -> dict:
    responses = {"200": ok, **{code: _error(code) for code in errors}}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


ITEM_ID = _path("item_id", ID, "A published item's id.")
PAGE_ID = _path("page_id", ID, "A published page's id.")
SLUG = _path("slug", "^[a-z0-9-]{1,60}$", "A collection's slug, as in /collections/{slug}.")
FILTER_VALUES = _array({"type": "string", "minLength": 1, "maxLength": 200}, maxItems=MAX_FILTER_VALUES)
YEAR = {"type": "integer", "minimum": -9999, "maximum": 9999}
PAGE = _query("page", _POSITIVE, "Result page, from 1.")


def _search_parameters() -> list[dict[str, Any]]:
    return [
        _query(
            "q",
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            'Words (all must match), "quoted phrases" and -exclusions; empty lists every page.',
        ),
        _query("collection", FILTER_VALUES, "Collection slugs; any of them."),
        _query("language", FILTER_VALUES, "ISO 639 language codes; any of them."),
        _query("type", FILTER_VALUES, "Dublin Core types; any of them."),
        _query("rights", FILTER_VALUES, "Rights URIs; any of them."),
        _query("from", YEAR, "Earliest year, inclusive."),
        _query("to", YEAR, "Latest year, inclusive; not before `from`."),
        _query("sort", {"type": "string", "enum": [s.value for s in Sort]}, "Relevance, oldest or newest first."),
        PAGE,
        _query("page_size", {**_POSITIVE, "maximum": MAX_PAGE_SIZE}, "Hits per page; page × page_size ≤ 10000."),
    ]


def _schemas() -> dict[str, Any]:
    language_map = {"type": "object", "additionalProperties": _array(_STRING), "minProperties": 1}
    box = _object({"x": _COUNT, "y": _COUNT, "w": _COUNT, "h": _COUNT})
    facet_values = _array(_object({"value": _STRING, "count": _POSITIVE}))
    service_ref = _object({"id": _URI, "type": _STRING}, required=("id", "type"), closed=False)
    return {
        "Error": _object({"error": {"type": "string", "minLength": 1}}),
        "LanguageMap": language_map,
        "Box": box,
        "Hit": _object(
            {
                "item_id": {"type": "string", "pattern": ID},
                "page_id": {"type": "string", "pattern": ID},
                "page_number": _POSITIVE,
                "title": _STRING,
                "date": _STRING,
                "collection": _STRING,
                "snippet": {"type": "string", "description": "HTML: escaped text, matches in <mark>."},
                "boxes": _array(_ref("Box")),
                "manifest": _URI,
                "canvas": _URI,
            }
        ),
        "SearchResult": _object(
            {
                "total": _COUNT,
                "page": _POSITIVE,
                "page_size": {**_POSITIVE, "maximum": MAX_PAGE_SIZE},
                "hits": _array(_ref("Hit"), maxItems=MAX_PAGE_SIZE),
                "facets": _object({name: facet_values for name in ("collection", "language", "decade", "type")}),
            }
        ),
        "Suggestions": _object({"q": _STRING, "terms": _array(_object({"term": _STRING, "count": _POSITIVE}))}),
        "Manifest": _object(
            {
                "@context": _const("http://iiif.io/api/presentation/3/context.json"),
                "id": _URI,
                "type": _const("Manifest"),
                "label": _ref("LanguageMap"),
                "rights": _URI,
                "items": _array(_ref("Canvas"), minItems=1),
            },
            required=("@context", "id", "type", "label", "items"),
            closed=False,
        ),
        "Canvas": _object(
            {
                "id": _URI,
                "type": _const("Canvas"),
                "width": _POSITIVE,
                "height": _POSITIVE,
                "items": _array(
                    _object(
                        {"id": _URI, "type": _const("AnnotationPage"), "items": _array(_ref("Annotation"), minItems=1)},
                        closed=False,
                    ),
                    minItems=1,
                ),
            },
            closed=False,
        ),
        "Annotation": _object(
            {"id": _URI, "type": _const("Annotation"), "motivation": _STRING, "target": {}},
            required=("id", "type", "target"),
            closed=False,
        ),
        "Collection": _object(
            {
                "@context": _const("http://iiif.io/api/presentation/3/context.json"),
                "id": _URI,
                "type": _const("Collection"),
                "label": _ref("LanguageMap"),
                "items": _array(
                    _object(
                        {"id": _URI, "type": _const("Manifest"), "label": _ref("LanguageMap")},
                        closed=False,
                    )
                ),
            },
            closed=False,
        ),
        "ImageInfo": _object(
            {
                "@context": _const("http://iiif.io/api/image/3/context.json"),
                "id": _URI,
                "type": _const("ImageService3"),
                "protocol": _const("http://iiif.io/api/image"),
                "profile": {"type": "string", "enum": ["level0", "level1", "level2"]},
                "width": _POSITIVE,
                "height": _POSITIVE,
                "maxWidth": _POSITIVE,
                "maxHeight": _POSITIVE,
                "maxArea": _POSITIVE,
                "sizes": _array(_object({"width": _POSITIVE, "height": _POSITIVE})),
                "tiles": _array(
                    _object(
                        {"width": _POSITIVE, "height": _POSITIVE, "scaleFactors": _array(_POSITIVE, minItems=1)},
                        required=("width", "scaleFactors"),
                    )
                ),
                "extraQualities": _array(_STRING),
                "extraFormats": _array(_STRING),
                "extraFeatures": _array(_STRING),
            },
            required=("@context", "id", "type", "protocol", "profile", "width", "height"),
            closed=False,
        ),
        "SearchAnnotationPage": _object(
            {
                "@context": _const("http://iiif.io/api/search/2/context.json"),
                "id": _URI,
                "type": _const("AnnotationPage"),
                "items": _array(
                    _object(
                        {
                            "id": _URI,
                            "type": _const("Annotation"),
                            "motivation": _const("highlighting"),
                            "body": _object(
                                {"type": _const("TextualBody"), "value": _STRING, "format": _const("text/plain")}
                            ),
                            "target": {"type": "string", "pattern": "#xywh=[0-9]+,[0-9]+,[0-9]+,[0-9]+$"},
                        }
                    )
                ),
                "annotations": _array(
                    _object({"type": _const("AnnotationPage"), "items": _array(_ref("Annotation"))}, closed=False)
                ),
                "ignored": _array(_STRING),
                "partOf": _object({"id": _URI, "type": _const("AnnotationCollection"), "total": _COUNT}),
                "next": _URI,
                "prev": _URI,
            },
            required=("@context", "id", "type", "items", "partOf"),
        ),
        "TermPage": _object(
            {
                "@context": _const("http://iiif.io/api/search/2/context.json"),
                "id": _URI,
                "type": _const("TermPage"),
                "items": _array(
                    _object({"value": _STRING, "total": _POSITIVE, "service": _array(service_ref, minItems=1)})
                ),
                "ignored": _array(_STRING),
            },
            required=("@context", "id", "type", "items"),
        ),
    }


def _responses() -> dict[str, Any]:
    error = {"application/json": {"schema": _ref("Error")}}
    retry = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}}}
    return {
        "400": {"description": "The request cannot be answered as asked; `error` says why.", "content": error},
        "404": {"description": "No such published item, page or collection.", "content": error},
        "503": {"description": "The search service is down; try again later.", "content": error, "headers": retry},
    }


def _paths() -> dict[str, Any]:
    search_errors = ("400", "503")
    item_errors = ("400", "404", "503")
    return {
        "/api/search": _get(
            "Site search over every published page: hits with snippets and word boxes, facet counts.",
            _search_parameters(),
            _json(_ref("SearchResult"), "One page of hits."),
            search_errors,
        ),
        "/api/suggest": _get(
            "Autocomplete over the whole library: words starting with a prefix, by number of items.",
            [_query("q", {"type": "string", "minLength": 1, "maxLength": MAX_TERM_CHARS}, "A word's start.", True)],
            _json(_ref("Suggestions"), "Up to ten words, most frequent first."),
            search_errors,
        ),
        "/api/export": {
            "get": {
                "summary": "Every published item's Dublin Core, manifest URL and page texts, as one ZIP file.",
                "description": export_route.DESCRIPTION,
                "parameters": [],
                "responses": {
                    "200": {
                        "description": "The ZIP archive (`catalogue.json`, `items/<id>/metadata.json`, page texts).",
                        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
            }
        },
        "/iiif/collection": _get(
            "IIIF Presentation 3 Collection of every published item.",
            [],
            _json(_ref("Collection"), "The Collection.", JSON_TYPES),
            (),
        ),
        "/iiif/collection/{slug}": _get(
            "IIIF Presentation 3 Collection of one collection's published items.",
            [SLUG],
            _json(_ref("Collection"), "The Collection.", JSON_TYPES),
            ("404",),
        ),
        "/iiif/{item_id}/manifest.json": _get(
            "IIIF Presentation 3 Manifest of a published item.",
            [ITEM_ID],
            _json(_ref("Manifest"), "The Manifest.", JSON_TYPES),
            ("404",),
        ),
        "/iiif/{item_id}/search": _get(
            "IIIF Content Search 2.0 within one item: matches as highlighting annotations with boxes.",
            [ITEM_ID, _query("q", {"type": "string", "maxLength": MAX_QUERY_CHARS}, "Words to find."), PAGE],
            _json(_ref("SearchAnnotationPage"), "Matches in reading order, 100 pages of the item a page."),
            item_errors,
        ),
        "/iiif/{item_id}/autocomplete": _get(
            "IIIF Content Search 2.0 autocomplete within one item.",
            [ITEM_ID, _query("q", {"type": "string", "minLength": 1, "maxLength": MAX_TERM_CHARS}, "A word's start.")],
            _json(_ref("TermPage"), "The item's words starting with q, by number of its pages holding them."),
            item_errors,
        ),
        "/iiif/image/{page_id}/info.json": _get(
            "IIIF Image API 3 level-0 service of a page: static tiles and sizes.",
            [PAGE_ID],
            _json(_ref("ImageInfo"), "The image information.", JSON_TYPES),
            ("404",),
        ),
        "/iiif/dynamic/{page_id}/info.json": _get(
            "IIIF Image API 3 level-2 service of a page: any region, size, rotation and quality.",
            [PAGE_ID],
            _json(_ref("ImageInfo"), "The image information.", JSON_TYPES),
            ("404",),
        ),
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    """The whole document, with this server's base URL as its only server."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Heritage library public API",
            "version": "1.0.0",
            "description": "Search, IIIF documents and the bulk export of the heritage library. No key needed.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": base_url}],
        "paths": _paths(),
        "components": {"schemas": _schemas(), "responses": _responses()},
    }


def routes(config: Config) -> list[Route]:
    document = openapi_document(config.base_url)

    async def openapi(request: Request) -> Response:
        headers = {"cache-control": f"public, max-age={DOCUMENT_MAX_AGE}", "access-control-allow-origin": "*"}
        return JSONResponse(document, headers=headers)

    return [Route(OPENAPI_PATH, openapi, methods=["GET", "HEAD"]), *export_route.routes(config)]
