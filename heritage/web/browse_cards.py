"""What a list of documents shows of each: a card with a small static thumbnail, and a pager.

Thumbnails are the static ``sizes`` the tiler wrote (IIIF level 0 has no other sizes), the
smallest one wide enough for a card, so that a home page of cards stays light on a slow line.
URLs are relative to the site, so the pages work whatever host name they are served under.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from heritage.errors import InvalidInputError
from heritage.iiif import urls
from heritage.iiif.manifest import PageImage
from heritage.search.documents import year_of
from heritage.web.catalogue import Entry

CARD_WIDTH = 150
"""Pixels a card's thumbnail needs at least: cards are 10.5 rem (168 px) and up, and a slightly
soft thumbnail costs far less on a slow line than one twice as wide."""
PAGER_SPAN = 2
"""Page links shown on each side of the current page, besides the first and the last."""


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class Card:
    href: str
    title: str
    title_lang: str  # the title's language when the item has only one, else ""
    date: str
    creator: str
    pages: int
    thumbnail: Thumbnail | None


def static_size(sizes: Sequence[tuple[int, int]], min_width: int) -> tuple[int, int]:
    """The smallest static size at least ``min_width`` wide, or the largest there is."""
    wide_enough = [s for s in sizes if s[0] >= min_width]
    return min(wide_enough) if wide_enough else max(sizes)


def thumbnail(image: PageImage, min_width: int = CARD_WIDTH) -> Thumbnail | None:
    if not image.sizes:
        return None
    width, height = static_size(image.sizes, min_width)
    return Thumbnail(f"{urls.image_service('', image.page.id)}/full/{width},{height}/0/default.jpg", width, height)


def card(entry: Entry) -> Card:
    metadata = entry.item.metadata
    languages = metadata.language
    return Card(
        href=f"/items/{entry.item.id}",
        title=metadata.title,
        title_lang=languages[0] if len(languages) == 1 else "",
        date=metadata.date,
        creator=", ".join(metadata.creator),
        pages=len(entry.item.pages),
        thumbnail=thumbnail(entry.images[0]) if entry.images else None,
    )


def by_date(entries: Sequence[Entry]) -> list[Entry]:
    """A collection's reading order: oldest first, undated last, then by title; stable across
    republishing, so that page N of a collection keeps its items."""

    def key(entry: Entry) -> tuple[int, str, str]:
        year = year_of(entry.item.metadata.date)
        return (year if year is not None else 10_000, entry.item.metadata.title.casefold(), entry.item.id)

    return sorted(entries, key=key)


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    links: list[int | None]  # page numbers to link, None where some are left out

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None


def pager(page: int, total: int, per_page: int) -> Pager:
    """Page links around ``page``: the first, the last, and ``PAGER_SPAN`` either side."""
    pages = max(1, math.ceil(total / per_page))
    shown = sorted({1, pages, *range(max(1, page - PAGER_SPAN), min(pages, page + PAGER_SPAN) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and links[-1] is not None and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return Pager(page, pages, links)


def page_param(raw: str | None) -> int:
    """The ``page`` query parameter: a whole number from 1, 1 when absent."""
    if raw is None or raw == "":
        return 1
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise InvalidInputError(f"page must be a whole number from 1, got {raw[:40]!r}")
    return int(raw)
