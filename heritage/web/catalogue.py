"""What the public can see, held in memory: published items with their page images.

Reading every item's JSON from disk on each request would make the home and collection pages
cost O(library). The root IIIF Collection is rewritten on every publish and withdrawal, so its
modification time says when this view is stale; checking it costs one ``stat`` per request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from heritage.iiif.manifest import PageImage
from heritage.model import Collection, Item, is_id
from heritage.pipeline import page_images, published_items
from heritage.store import Store


@dataclass(frozen=True)
class Entry:
    item: Item
    images: list[PageImage]
    published: str  # when the item was last published, ISO 8601


@dataclass(frozen=True)
class Snapshot:
    entries: list[Entry]  # newest publication first
    by_id: dict[str, Entry]
    collections: dict[str, Collection]  # by slug, only those with published items
    public_pages: frozenset[str]

    def is_public_path(self, path: str) -> bool:
        """Whether a file of the IIIF tree belongs to a published item (or to no item at all).

        An allow-list: the files of a draft, or of an item still being processed, are hidden
        until its publication rewrites the collections and so this snapshot."""
        parts = path.strip("/").split("/")
        if parts[0] == "image":
            return len(parts) > 1 and parts[1] in self.public_pages
        if is_id(parts[0]):
            return parts[0] in self.by_id
        return True

    def in_collection(self, slug: str) -> list[Entry]:
        return [e for e in self.entries if e.item.collection == slug]


class Catalogue:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._version: int | None = None
        self._snapshot = Snapshot([], {}, {}, frozenset())

    def _version_now(self) -> int | None:
        try:
            return os.stat(self.store.collection_path()).st_mtime_ns
        except FileNotFoundError:
            return None

    def snapshot(self) -> Snapshot:
        version = self._version_now()
        if version != self._version:
            self._snapshot = self._load()
            self._version = version
        return self._snapshot

    def _load(self) -> Snapshot:
        entries = [
            Entry(item, page_images(self.store, item), self.store.publish_status(item.id).updated)
            for item in published_items(self.store)
        ]
        entries.sort(key=lambda e: (e.published, e.item.id), reverse=True)
        used = {e.item.collection for e in entries}
        collections = {c.slug: c for c in self.store.collections() if c.slug in used}
        pages = frozenset(page.id for e in entries for page in e.item.pages)
        return Snapshot(entries, {e.item.id: e for e in entries}, collections, pages)
