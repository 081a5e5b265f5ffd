"""What an archivist can do to an item after ingest: retry, re-read, reorder, rotate, remove,
replace pages, and describe it again.

Each operation checks its input before touching anything, then changes ``item.json`` under the
item's lock (two archivists never lose each other's change) with one atomic save, and queues
only the work it needs. Workers may be busy with the item meanwhile: jobs look pages up by id,
a job for a page that was removed does nothing, a result made from a page that was rotated or
replaced is thrown away (``pipeline``), and a publish job overtaken by a repair leaves the work
to the one queued behind the new page jobs (``jobs``). Masters are never deleted: a removed or
replaced page's file stays in the store.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from heritage import jobs, pipeline
from heritage.config import Config
from heritage.errors import InvalidInputError, NotFoundError
from heritage.ingest.images import EXTENSIONS, check_image
from heritage.ingest.items import safe_display_name
from heritage.model import DublinCore, Item, Page, Stage, StageState, StageStatus, new_id
from heritage.ocr import MODELS
from heritage.status import item_status
from heritage.store import Store, now

ROTATIONS = (90, 180, 270)
OCR_LANGUAGES = tuple(MODELS)
"""Languages an archivist may ask Tesseract to read with (each maps to a model)."""


def stall_after(config: Config) -> float:
    """A job marked running this long after its start has lost its worker (as `heritage status`)."""
    return config.job_timeout + 60.0


def _page(item: Item, page_id: str) -> Page:
    try:
        return item.page(page_id)
    except KeyError:
        raise NotFoundError(f"item {item.id} has no page {page_id!r}") from None


def all_pages_done(store: Store, item: Item) -> bool:
    return all(store.stage_status(item.id, p.id, s).state is StageState.DONE for p in item.pages for s in Stage)


def republish(store: Store, config: Config, item_id: str) -> bool:
    """Rebuild the manifest (and, for a public item, its search documents and collections) from
    the stored OCR and tiles, now, if every page is done; else the publish job queued behind the
    pages will. A failure is recorded as the publish job's would be, for "retry" to pick up."""
    item = store.load_item(item_id)
    if not all_pages_done(store, item):
        return False
    attempts = store.publish_status(item_id).attempts + 1
    store.set_publish_status(item_id, StageStatus(StageState.RUNNING, attempts, updated=now()))
    try:
        pipeline.publish(store, config, item_id)
    except Exception as e:  # noqa: BLE001 - whatever failed, the archivist sees why and can retry
        store.set_publish_status(item_id, StageStatus(StageState.FAILED, attempts, jobs.error_text(e), now()))
        return False
    store.set_publish_status(item_id, StageStatus(StageState.DONE, attempts, updated=now()))
    return True


def retry_failed(store: Store, config: Config, item_id: str) -> int:
    """Queue again every failed (or stalled) stage of the item, and its publish; the number of
    page stages queued. Refused when nothing failed."""
    redis = jobs.connect(config)
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        status = item_status(store, item, stall_after(config))
        work = [
            (page.page_id, stage)
            for page in status.pages
            for stage, stage_status in page.stages.items()
            if stage_status.state is StageState.FAILED
        ]
        if not work and status.publish.state is not StageState.FAILED:
            raise InvalidInputError("nothing has failed in this item")
        jobs.enqueue_stages(config, store, item, work, redis)
    return len(work)


def rerun_ocr(store: Store, config: Config, item_id: str, languages: list[str]) -> None:
    """Read every page again with these languages' models ([] = the item's metadata languages);
    the tiles stay as they are."""
    unknown = [code for code in languages if code not in OCR_LANGUAGES]
    if unknown:
        raise InvalidInputError(f"no OCR model for the language {unknown[0]!r}; choose from {', '.join(OCR_LANGUAGES)}")
    redis = jobs.connect(config)
    with store.lock(f"item-{item_id}"):
        item = replace(store.load_item(item_id), ocr_languages=list(dict.fromkeys(languages)))
        store.save_item(item)
        jobs.enqueue_stages(config, store, item, [(page.id, Stage.OCR) for page in item.pages], redis)


def reorder_pages(store: Store, config: Config, item_id: str, order: list[str]) -> bool:
    """Put the pages in this order (every page id once); nothing is read or tiled again, only the
    manifest is rebuilt. True if it was republished at once."""
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        current = [page.id for page in item.pages]
        if sorted(order) != sorted(current):
            raise InvalidInputError("the new order must name every page of the item exactly once")
        if order == current:
            return False
        by_id = {page.id: page for page in item.pages}
        store.save_item(replace(item, pages=[by_id[page_id] for page_id in order]))
        return republish(store, config, item_id)


def rotate_page(store: Store, config: Config, item_id: str, page_id: str, degrees: int) -> Page:
    """Turn a page further clockwise by 90, 180 or 270 degrees; its tiles and OCR are redone.

    ``Page.width``/``height`` stay the displayed size, so a quarter turn swaps them: they always
    match the tiles, the manifest's canvas and the ALTO's pixel space.
    """
    if degrees not in ROTATIONS:
        raise InvalidInputError("a page turns by 90, 180 or 270 degrees")
    redis = jobs.connect(config)
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        page = _page(item, page_id)
        quarter = degrees in (90, 270)
        turned = replace(
            page,
            rotation=(page.rotation + degrees) % 360,
            width=page.height if quarter else page.width,
            height=page.width if quarter else page.height,
        )
        item = replace(item, pages=[turned if p.id == page_id else p for p in item.pages])
        store.save_item(item)
        jobs.enqueue_stages(config, store, item, [(page_id, Stage.OCR), (page_id, Stage.TILES)], redis)
    return turned


def remove_page(store: Store, config: Config, item_id: str, page_id: str) -> bool:
    """Take a page out of the item (its master stays in the store); at least one page remains.
    True if the item was republished at once."""
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        _page(item, page_id)
        if len(item.pages) == 1:
            raise InvalidInputError("an item keeps at least one page; delete the item instead")
        store.save_item(replace(item, pages=[p for p in item.pages if p.id != page_id]))
        return republish(store, config, item_id)


def replace_page(store: Store, config: Config, item_id: str, page_id: str, source: Path, name: str) -> Page:
    """A new image for a page: validated, stored as a new master and a new page in the same
    place (the old master stays in the store), then read and tiled."""
    checked = check_image(source, config.max_pixels, config.max_file_bytes)
    if len(checked.frames) != 1:
        raise InvalidInputError(f"{safe_display_name(name)}: has {len(checked.frames)} pages; choose a one-page image")
    width, height = checked.frames[0]
    new_page = Page(
        id=new_id(),
        master=f"{new_id()}.{EXTENSIONS[checked.format]}",
        frame=0,
        sha256=checked.sha256,
        format=checked.format,
        width=width,
        height=height,
        original_name=safe_display_name(name),
    )
    redis = jobs.connect(config)
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        _page(item, page_id)
        store.add_master(item_id, source, new_page.master, new_page.sha256)
        item = replace(item, pages=[new_page if p.id == page_id else p for p in item.pages])
        store.save_item(item)
        jobs.enqueue_stages(config, store, item, [(new_page.id, Stage.OCR), (new_page.id, Stage.TILES)], redis)
    return new_page


def edit_metadata(store: Store, config: Config, item_id: str, metadata: DublinCore, collection: str) -> bool:
    """Describe the item again; the manifest, collections and (for a public item) the search
    documents follow from the stored OCR, never re-read. True if republished at once."""
    if collection:
        store.load_collection(collection)
    with store.lock(f"item-{item_id}"):
        item = store.load_item(item_id)
        store.save_item(replace(item, metadata=metadata, collection=collection))
        return republish(store, config, item_id)
