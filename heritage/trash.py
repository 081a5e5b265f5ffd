"""Deleted items wait in ``trash/`` of the data directory until an administrator empties it.

Deleting never destroys anything: the item is first made invisible (withdrawn from the public
site and search if it was public, its public IIIF files and tiles taken out of sight), then its
whole folder, masters included, moves to ``trash/<item>/`` in one rename, with a note saying who
deleted it and when. Restoring moves it back as a draft whose missing derivatives are to be made
again. Emptying the trash is the only place in the code where masters are ever removed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from heritage import pipeline
from heritage.config import Config
from heritage.errors import NotFoundError, StoreError
from heritage.model import Item, is_id
from heritage.store import Store, now

NOTE = "trashed.json"  # who deleted the item and when, inside its folder in the trash


@dataclass(frozen=True)
class Entry:
    """One deleted item as the trash lists it."""

    item: Item
    deleted_by: str
    deleted_at: str
    was_public: bool
    master_bytes: int

    @property
    def pages(self) -> int:
        return len(self.item.pages)


def trash_dir(store: Store) -> Path:
    return store.root / "trash"


def _entry_dir(store: Store, item_id: str) -> Path:
    if not is_id(item_id):
        raise NotFoundError(f"no item {item_id!r} in the trash")
    return trash_dir(store) / item_id


def _master_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in (folder / "masters").iterdir()) if (folder / "masters").is_dir() else 0


def move_to_trash(store: Store, config: Config, item_id: str, user: str) -> Entry:
    """Hide the item from everyone but archivists, then move its folder into the trash whole."""
    item = store.load_item(item_id)
    was_public = not store.is_draft(item_id) and store.manifest_path(item_id).exists()
    pipeline.make_draft(store, config, item_id)  # from here on no publish job announces it again
    source = store.item_dir(item_id)
    dest = _entry_dir(store, item_id)
    entry = Entry(item, user, now(), was_public, _master_bytes(source))
    with store.lock(pipeline.VISIBILITY_LOCK):
        pipeline.remove_public_files(store, item)
        store.write_json(source / NOTE, {"deleted_by": user, "deleted_at": entry.deleted_at, "was_public": was_public})
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            raise StoreError(f"the trash already holds an item {item_id}")
        os.rename(source, dest)
    return entry


def _load(store: Store, folder: Path) -> Entry:
    try:
        item = Item.from_json(json.loads((folder / "item.json").read_text()))
        note = json.loads((folder / NOTE).read_text())
    except FileNotFoundError:
        raise NotFoundError(f"no item {folder.name!r} in the trash") from None
    return Entry(item, note["deleted_by"], note["deleted_at"], note["was_public"], _master_bytes(folder))


def find(store: Store, item_id: str) -> Entry:
    return _load(store, _entry_dir(store, item_id))


def entries(store: Store) -> list[Entry]:
    """Everything in the trash, the latest deletion first."""
    root = trash_dir(store)
    if not root.is_dir():
        return []
    found = [_load(store, p) for p in root.iterdir() if is_id(p.name) and (p / NOTE).exists()]
    return sorted(found, key=lambda e: (e.deleted_at, e.item.id), reverse=True)


def restore(store: Store, item_id: str) -> Item:
    """Move an item back from the trash as a draft; the caller queues what must be made again.

    A job that was running when the item was deleted may have left a few status files under the
    item's old place; they are debris (no ``item.json``) and are cleared out of the way first."""
    folder = _entry_dir(store, item_id)
    found = _load(store, folder)
    dest = store.item_dir(item_id)
    if (dest / "item.json").exists():
        raise StoreError(f"an item {item_id} is already in the store")
    store.remove_dir(dest)
    (folder / NOTE).unlink()
    os.rename(folder, dest)
    store.set_draft(item_id, True)
    return found.item


def empty(store: Store) -> list[Entry]:
    """Delete for good everything in the trash, masters included; returns what was removed."""
    removed = entries(store)
    for gone in removed:
        for page in gone.item.pages:  # tiles a job still running at deletion may have written
            store.remove_dir(store.image_dir(page.id))
        store.remove_dir(_entry_dir(store, gone.item.id))
    return removed


def describe(gone: Entry) -> str:
    """One line for the audit log: enough to know later what was destroyed."""
    masters = len({page.master for page in gone.item.pages})
    return (
        f"{gone.item.metadata.title!r}: {gone.pages} pages, {masters} master files ({gone.master_bytes} bytes), "
        f"deleted by {gone.deleted_by} at {gone.deleted_at}"
    )
