"""Search inside one document for the reader: the listed pages and the current page's hits.

Results come in reading order, twenty pages at a time. The reader lists the result page
that holds the page being read, so a visitor arriving from a site search hit on page 240 sees
that hit highlighted and its neighbours listed. A search that cannot run (OpenSearch down, a
query with nothing to search) becomes a notice on a reader that otherwise works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opensearchpy import OpenSearch

from heritage.errors import InvalidInputError, ServiceUnavailableError
from heritage.search.api import search_item
from heritage.search.hits import ItemSearchResult, PageMatches
from heritage.search.layout import Box
from heritage.search.query import MAX_WINDOW
from heritage.web.i18n import gettext as _

LISTING_SIZE = 20
"""Matching pages listed at a time: each carries its page's word layout, so keep answers small."""
MAX_LISTINGS = MAX_WINDOW // LISTING_SIZE


@dataclass(frozen=True)
class DocumentSearch:
    q: str
    result: ItemSearchResult | None = None
    listing_page: int = 1  # which LISTING_SIZE matching pages are listed
    current: list[Box] = field(default_factory=list)  # hit boxes on the page being read
    notice: str = ""  # why the search could not run

    @property
    def listing_pages(self) -> int:
        total = self.result.total_pages if self.result else 0
        return min(MAX_LISTINGS, max(1, -(-total // LISTING_SIZE)))


def _boxes(pages: list[PageMatches], number: int) -> list[Box]:
    return [box for page in pages if page.page_number == number for match in page.matches for box in match.boxes]


def _search(client: OpenSearch, alias: str, item_id: str, q: str, listing: int) -> ItemSearchResult:
    return search_item(client, alias, item_id, q, page=listing, page_size=LISTING_SIZE)


def _listing(client: OpenSearch, alias: str, item_id: str, q: str, number: int) -> tuple[int, ItemSearchResult]:
    """The result page that holds page ``number``, or where it would be: results are in reading
    order, so a binary search over result pages finds it in a few requests even in a long book."""
    first = _search(client, alias, item_id, q, 1)
    low, high = 1, min(MAX_LISTINGS, max(1, -(-first.total_pages // LISTING_SIZE)))
    found = (1, first)
    while low <= high:
        middle = (low + high) // 2
        result = first if middle == 1 else _search(client, alias, item_id, q, middle)
        if not result.pages:
            high = middle - 1
        elif result.pages[-1].page_number < number:
            found = (middle, result)
            low = middle + 1
        else:
            found = (middle, result)
            if result.pages[0].page_number <= number:
                break
            high = middle - 1
    return found


def search_document(
    client: OpenSearch, alias: str, item_id: str, q: str, number: int, listing: int | None
) -> DocumentSearch:
    """Hits of ``q`` in the item; ``listing`` picks a result page, else the one holding ``number``."""
    try:
        if listing is None:
            listing, result = _listing(client, alias, item_id, q, number)
            current = _boxes(result.pages, number)
        else:
            result = _search(client, alias, item_id, q, listing)
            current = _boxes(result.pages, number) or _boxes(
                _listing(client, alias, item_id, q, number)[1].pages, number
            )
    except ServiceUnavailableError:
        return DocumentSearch(q, notice=_("Search is unavailable for a moment. The document can still be read."))
    except InvalidInputError:
        return DocumentSearch(q, notice=_("This search cannot be run: try other words."))
    return DocumentSearch(q, result, listing, current)
