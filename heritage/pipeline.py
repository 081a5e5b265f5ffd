"""The work done for each item, stage by stage, independent of the job queue that schedules it.

Each stage reads the store and writes its result atomically, so running a stage twice, or
again after a crash, gives the same result and never exposes a half-written file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from heritage import activity
from heritage.config import Config
from heritage.iiif import urls
from heritage.iiif.manifest import PageImage, as_plain_text, build_collection, build_manifest, entry_for
from heritage.iiif.tiles import write_tiles
from heritage.imaging import pixel_limit
from heritage.model import Item, Page, Stage, StageState, StageStatus
from heritage.ocr import ocr_page
from heritage.ocr.alto import Word, parse_words
from heritage.search.client import connect
from heritage.search.documents import item_documents
from heritage.search.index import delete_item, ensure_index, index_item
from heritage.store import Store, now

_TURN = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
"""A clockwise turn (``Page.rotation``) as Pillow's transposition (which counts counter-clockwise)."""
VISIBILITY_LOCK = "visibility"
"""Held while an item's public state changes (publish job, publish, unpublish, delete), so a publish
job finishing at the same moment can never put a withdrawn, draft or deleted item back in search."""
ALL_ITEMS_LABEL = {"br": ["An holl zielloù"], "fr": ["Tous les documents"], "en": ["All documents"]}


def needs_working_copy(image: Image.Image, page: Page) -> bool:
    """Tesseract reads the master itself unless it is a later frame, rotated by EXIF, or exotic."""
    if page.frame or page.rotation or getattr(image, "n_frames", 1) > 1 or page.format == "JPEG2000":
        return True
    if image.getexif().get(0x0112, 1) != 1:
        return True
    return image.mode not in ("1", "L", "RGB")


@contextlib.contextmanager
def working_image(store: Store, config: Config, item: Item, page: Page) -> Iterator[Path]:
    """The page as a plain upright 8-bit file Tesseract can read (usually the master itself)."""
    master = store.master_path(item.id, page)
    with pixel_limit(config.max_pixels), Image.open(master) as image:
        if not needs_working_copy(image, page):
            yield master
            return
        image.seek(page.frame)
        upright = ImageOps.exif_transpose(image)
        if page.rotation:
            upright = upright.transpose(_TURN[page.rotation])
        if upright.mode not in ("1", "L", "RGB"):
            upright = upright.convert("L" if upright.mode.startswith(("I", "L", "LA")) else "RGB")
        with store.staging_dir("ocr-input") as staged:
            path = staged / "page.png"
            upright.save(path, compress_level=1)
            try:
                yield path
            finally:
                shutil.rmtree(staged, ignore_errors=True)


def run_ocr(store: Store, config: Config, item_id: str, page_id: str) -> None:
    item = store.load_item(item_id)
    page = item.page(page_id)
    public_name = urls.image_service(config.base_url, page.id)  # its full size is the ALTO's pixel space
    with working_image(store, config, item, page) as source:
        result = ocr_page(
            source,
            item.ocr_languages or item.metadata.language,
            public_name,
            tesseract=config.tesseract,
            tessdata=config.tessdata,
        )
    latest = store.load_item(item_id)
    if _still_current(latest, page) and latest.ocr_languages == item.ocr_languages:
        store.write_ocr(item_id, page_id, result.alto, result.text)


def _still_current(latest: Item, page: Page) -> bool:
    """Whether a result made from ``page`` still applies: an archivist who rotated, replaced or
    removed the page (or chose other OCR languages) meanwhile queued a new job, whose result
    must not be overwritten by this older one."""
    return page in latest.pages


def tile_threads(limit: int, loadavg: str | None = None, cores: int | None = None) -> int:
    """Up to `limit` threads, but more than one only for cores idle right now.

    A second thread shows a page sooner on an idle machine, but where every core runs a worker it
    only takes time from another page's Tesseract: two workers tiling with two threads each gave
    34.5 pages a minute against 37.5 (bench/pipeline.py). The fourth field of /proc/loadavg counts
    the tasks runnable at this instant, this one included.
    """
    try:
        text = loadavg if loadavg is not None else Path("/proc/loadavg").read_text()
        running = int(text.split()[3].split("/")[0])
    except (OSError, IndexError, ValueError):
        return 1
    idle = (cores or len(os.sched_getaffinity(0))) - running
    return max(1, min(limit, 1 + idle))


def run_tiles(store: Store, config: Config, item_id: str, page_id: str) -> None:
    item = store.load_item(item_id)
    page = item.page(page_id)
    service_id = urls.image_service(config.base_url, page.id)
    with store.staging_dir("tiles") as staged:
        tiles = write_tiles(
            store.master_path(item_id, page),
            staged,
            service_id,
            frame=page.frame,
            max_pixels=config.max_pixels,
            threads=tile_threads(config.tile_threads),
            rotation=page.rotation,
        )
        if not _still_current(store.load_item(item_id), page):
            shutil.rmtree(staged, ignore_errors=True)
            return
        store.replace_dir(staged, store.image_dir(page.id))
    record = {"width": tiles.width, "height": tiles.height, "sizes": [list(s) for s in tiles.sizes]}
    store.write_json(store.tiles_info_path(item_id, page_id), record)


def page_images(store: Store, item: Item) -> list[PageImage]:
    images = []
    for page in item.pages:
        record = json.loads(store.tiles_info_path(item.id, page.id).read_text())
        images.append(PageImage(page, record["width"], record["height"], [tuple(s) for s in record["sizes"]]))
    return images


def publish(store: Store, config: Config, item_id: str) -> None:
    """Write the item's public folder (manifest, ALTO, text) in one swap; a draft stops there,
    seen only by archivists, until one of them makes it public."""
    item = store.load_item(item_id)
    images = page_images(store, item)
    with store.staging_dir("publish") as staged:
        for page in item.pages:
            _copy(store.ocr_path(item.id, page.id, "alto.xml"), staged / "alto" / f"{page.id}.xml")
            _copy(store.ocr_path(item.id, page.id, "txt"), staged / "text" / f"{page.id}.txt")
        with store.lock(VISIBILITY_LOCK):
            if not (store.item_dir(item.id) / "item.json").exists():  # deleted meanwhile: stays out of sight
                shutil.rmtree(staged, ignore_errors=True)
                return
            collection = store.load_collection(item.collection) if item.collection else None  # a rename waits
            manifest = build_manifest(config.base_url, item, images, collection)
            (staged / "manifest.json").write_text(_manifest_text(manifest))
            store.replace_dir(staged, store.item_public_dir(item.id))
            if not store.is_draft(item.id):
                _announce(store, config, item)


def _manifest_text(manifest: dict[str, Any]) -> str:
    """How every writer of a manifest.json spells it, so that a rewrite changes only what it means to."""
    return json.dumps(manifest, ensure_ascii=False, indent=1)


def rename_in_manifests(store: Store, config: Config, slug: str) -> int:
    """Give collection `slug`'s new name to the manifests of its items, whose `partOf` names it.

    Only that label changes: the rest of a manifest stays what its last publish wrote, since a
    repair may be waiting for its jobs. Public items are logged as updated, so that harvesters
    fetch them again (Change Discovery). Returns how many manifests were written.
    """
    collection_id = urls.collection(config.base_url, slug)
    label = {"none": [as_plain_text(store.load_collection(slug).name)]}
    written = 0
    for item_id in store.item_ids():
        path = store.manifest_path(item_id)
        with store.lock(VISIBILITY_LOCK):  # not while a publish job swaps the item's public folder
            if not path.exists():
                continue
            manifest = json.loads(path.read_text())
            parts = [part for part in manifest.get("partOf", []) if part.get("id") == collection_id]
            if not parts or all(part.get("label") == label for part in parts):
                continue
            for part in parts:
                part["label"] = label
            store.write_bytes(path, _manifest_text(manifest).encode())
            if not store.is_draft(item_id):
                activity.record_published(store, item_id, now(), slug)
        written += 1
    return written


def _announce(store: Store, config: Config, item: Item) -> None:
    """Put a processed public item into search, then the collections (which show it on the site:
    so it is findable from the moment it appears), then the publication log."""
    client = connect(config.opensearch_url)
    ensure_index(client, config.index)
    index_item(client, config.index, item, page_words(store, item), refresh=True)
    write_collections(store, config)
    activity.record_published(store, item.id, now(), item.collection)


def make_public(store: Store, config: Config, item_id: str) -> None:
    """Publish a draft: at once if it is processed, else as soon as its publish job runs."""
    with store.lock(VISIBILITY_LOCK):
        store.set_draft(item_id, False)
        if store.manifest_path(item_id).exists():
            _announce(store, config, store.load_item(item_id))


def make_draft(store: Store, config: Config, item_id: str) -> None:
    """Hide an item from the public again; its files stay for the archivists' preview.

    Out of search first: with OpenSearch down nothing changes and unpublishing can be tried again."""
    with store.lock(VISIBILITY_LOCK):
        item = store.load_item(item_id)
        was_public = not store.is_draft(item_id) and store.manifest_path(item_id).exists()
        if was_public:
            delete_item(connect(config.opensearch_url), config.index, item.id, refresh=True)
        store.set_draft(item_id, True)
        if was_public:
            write_collections(store, config)
            activity.record_withdrawn(store, item.id, now(), item.collection)


def withdraw(store: Store, config: Config, item_id: str) -> None:
    """Take an item off the public site and out of search; its masters and OCR stay in the store."""
    item = store.load_item(item_id)
    delete_item(connect(config.opensearch_url), config.index, item.id, refresh=True)
    remove_public_files(store, item)
    write_collections(store, config)
    activity.record_withdrawn(store, item.id, now(), item.collection)


def remove_public_files(store: Store, item: Item) -> None:
    """Take an item's public folder and page images out of sight; its tiles are to be made again."""
    store.remove_dir(store.item_public_dir(item.id))
    for page in item.pages:
        store.remove_dir(store.image_dir(page.id))
        store.set_stage_status(item.id, page.id, Stage.TILES, StageStatus(StageState.QUEUED, updated=now()))
    store.set_publish_status(item.id, StageStatus(StageState.QUEUED, error="withdrawn", updated=now()))


def page_words(store: Store, item: Item) -> dict[str, list[Word]]:
    """Each page's OCR words with their boxes, read back from the ALTO we stored."""
    return {page.id: parse_words(store.read_ocr(item.id, page.id, "alto.xml")) for page in item.pages}


def search_documents(store: Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every published page as a search document, for rebuilding the index from the store."""
    for item in published_items(store):
        yield from item_documents(item, page_words(store, item))


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def published_items(store: Store) -> list[Item]:
    """Items the public sees: processed (their manifest is in place) and not drafts."""
    return [
        store.load_item(item_id)
        for item_id in store.item_ids()
        if store.manifest_path(item_id).exists() and not store.is_draft(item_id)
    ]


def write_collections(store: Store, config: Config) -> None:
    """Rebuild every IIIF Collection from the store under a lock, so concurrent publishes agree."""
    with store.lock("collections"):
        items = published_items(store)
        entries = {item.id: entry_for(config.base_url, item, page_images(store, item)[0]) for item in items}
        store.write_json(
            store.collection_path(),
            build_collection(config.base_url, [entries[i.id] for i in items], ALL_ITEMS_LABEL),
        )
        for collection in store.collections():
            members = [entries[i.id] for i in items if i.collection == collection.slug]
            store.write_json(
                store.collection_path(collection.slug),
                build_collection(
                    config.base_url,
                    members,
                    {"none": [collection.name]},
                    collection.slug,
                    {"none": [collection.description]} if collection.description else None,
                ),
            )
