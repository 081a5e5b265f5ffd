"""The dynamic image service over the store: which pages it shows, where their sources are, the cache.

The same visibility rule as the static tree: a page is shown only while its static image folder
is published (withdrawing an item removes it), so a cached rendering of a withdrawn page is never
served. Called from a worker thread: rendering blocks.
"""

from __future__ import annotations

import threading
from pathlib import Path

from heritage.config import Config
from heritage.errors import NotFoundError
from heritage.iiif.dynamic import JPEG_QUALITY, Master, Pyramid, info_document, render
from heritage.iiif.dynamic_cache import DiskCache
from heritage.iiif.dynamic_request import Limits, Plan, parse_request
from heritage.model import Page, is_id
from heritage.store import Store


class ImageService:
    def __init__(self, store: Store, config: Config) -> None:
        self.store = store
        self.max_pixels = config.max_pixels
        self.limits = Limits(config.iiif_max_width, config.iiif_max_width, config.iiif_max_area)
        self.cache = DiskCache(store.public / "cache", store.tmp, config.iiif_cache_bytes)
        self._pages: dict[str, tuple[str, Page]] = {}
        self._pages_lock = threading.Lock()

    def pyramid(self, page_id: str) -> Pyramid:
        """The page's static service, if the page is published; NotFoundError otherwise."""
        if not is_id(page_id):
            raise NotFoundError(f"no published image {page_id!r}")
        return Pyramid.read(self.store.image_dir(page_id))

    def info(self, service_id: str, page_id: str) -> dict[str, object]:
        return info_document(service_id, self.pyramid(page_id), self.limits)

    def plan(self, page_id: str, region: str, size: str, rotation: str, quality_format: str) -> Plan:
        pyramid = self.pyramid(page_id)
        return parse_request(region, size, rotation, quality_format, (pyramid.width, pyramid.height), self.limits)

    def image(self, page_id: str, plan: Plan, jpeg_quality: int = JPEG_QUALITY) -> Path:
        """The cached file for `plan`, rendered first if it is not cached yet."""
        pyramid = self.pyramid(page_id)
        tiled = (pyramid.directory / "info.json").stat().st_mtime_ns  # a page tiled again (rotated) is new
        path = self.cache.path("iiif", f"{page_id}/{tiled}/{plan.key()}/q{jpeg_quality}", f".{plan.format}")
        if not self.cache.hit(path):
            data = render(plan, pyramid, lambda: self.master(page_id), jpeg_quality)
            self.cache.put(path, lambda tmp: tmp.write_bytes(data))
        return path

    def master(self, page_id: str) -> Master:
        """Where a page's master is: looked up in the item records, rescanned only for a new page."""
        with self._pages_lock:
            if page_id not in self._pages:
                for item_id in self.store.item_ids():
                    for page in self.store.load_item(item_id).pages:
                        self._pages[page.id] = (item_id, page)
            if page_id not in self._pages:
                raise NotFoundError(f"no page {page_id!r}")
            item_id, _ = self._pages[page_id]
        page = self.store.load_item(item_id).page(page_id)  # as it is now: an archivist may have turned it
        return Master(self.store.master_path(item_id, page), page.frame, self.max_pixels, page.rotation)
