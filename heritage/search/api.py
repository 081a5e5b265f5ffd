"""The three searches the web layer calls: site search, search within an item, autocomplete.

Each builds its request with ``query.py``, sends it through ``translated_errors`` (so no
opensearch-py exception escapes) and turns the answer into plain dataclasses with ``hits.py``.
"""

from __future__ import annotations

from opensearchpy import OpenSearch

from heritage.search.client import translated_errors
from heritage.search.hits import (
    ItemSearchResult,
    SearchResult,
    TermCount,
    parse_item_search,
    parse_item_vocabulary,
    parse_search,
    parse_suggest,
)
from heritage.search.query import (
    SearchRequest,
    build_item_search,
    build_item_vocabulary,
    build_search,
    build_suggest,
    suggest_key,
)

ITEM_PAGE_SIZE = 100


def search(client: OpenSearch, alias: str, request: SearchRequest) -> SearchResult:
    """Pages matching the request, with snippets, boxes and facet counts."""
    body = build_search(request)
    with translated_errors(client, "searching"):
        response = client.search(index=alias, body=body)
    return parse_search(response, request)


def search_item(
    client: OpenSearch, alias: str, item_id: str, q: str, page: int = 1, page_size: int = ITEM_PAGE_SIZE
) -> ItemSearchResult:
    """Pages of one item matching ``q`` in reading order, each with its matched words' boxes
    (one per line for a phrase across lines) and the text before and after (IIIF Content Search)."""
    body = build_item_search(item_id, q, page, page_size)
    with translated_errors(client, f"searching item {item_id}"):
        response = client.search(index=alias, body=body)
    return parse_item_search(response)


def suggest_terms(
    client: OpenSearch, alias: str, prefix: str, item_id: str | None = None, limit: int = 10
) -> list[TermCount]:
    """Words starting with ``prefix`` (case, accents and apostrophe kind ignored), most frequent
    first: in one item with the number of its pages holding each (Content Search autocomplete),
    or in the whole library with the number of items holding each (``/api/suggest``)."""
    if item_id is None:
        body = build_suggest(prefix, limit)
        with translated_errors(client, "suggesting terms"):
            response = client.search(index=alias, body=body)
        return parse_suggest(response, limit)
    body = build_item_vocabulary(item_id, limit)
    key = suggest_key(prefix)
    with translated_errors(client, f"suggesting terms of item {item_id}"):
        response = client.search(index=alias, body=body)
    return parse_item_vocabulary(response, key, limit)
