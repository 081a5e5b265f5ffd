"""Full-text search: Breton-aware analysis, page documents, the index behind an alias, queries.

The web layer needs only what is exported here; see each module for why it works as it does.
"""

from __future__ import annotations

from heritage.search.api import search, search_item, suggest_terms
from heritage.search.client import connect
from heritage.search.documents import Word, item_documents, page_document
from heritage.search.hits import (
    FacetValue,
    Hit,
    ItemSearchResult,
    Match,
    PageMatches,
    SearchResult,
    TermCount,
)
from heritage.search.index import delete_item, drop_index, ensure_index, index_item, reindex
from heritage.search.layout import Box
from heritage.search.query import Filters, SearchRequest, Sort, parse_query

__all__ = [
    "Box",
    "FacetValue",
    "Filters",
    "Hit",
    "ItemSearchResult",
    "Match",
    "PageMatches",
    "SearchRequest",
    "SearchResult",
    "Sort",
    "TermCount",
    "Word",
    "connect",
    "delete_item",
    "drop_index",
    "ensure_index",
    "index_item",
    "item_documents",
    "page_document",
    "parse_query",
    "reindex",
    "search",
    "search_item",
    "suggest_terms",
]
