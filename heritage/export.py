"""The bulk export: every published item's Dublin Core, links and OCR text in one ZIP file.

Aggregators and researchers take the whole library in one download instead of crawling it. The
archive is built from the store on the first request after a change and kept on disk: its name
carries the modification time of the root IIIF Collection, which every publish and withdrawal
rewrites, so a stale export is never served and an unchanged library is never zipped twice.

Layout of the archive::

    catalogue.json                      the library: when, from where, and one entry per item
    items/<item>/metadata.json          Dublin Core, collection, manifest and reader URLs, pages
    items/<item>/text/<nnnn>.txt        the OCR text of page nnnn (1-based, as in the reader)

The ZIP is written entry by entry into a temporary file under ``tmp/`` (memory stays bounded by
one item's text) and moved into place with ``os.replace``, so a reader never meets half a file.
"""

from __future__ import annotations

import json
import os
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from heritage.harvest.oai_dc import item_url
from heritage.iiif import urls
from heritage.model import Item
from heritage.pipeline import published_items
from heritage.store import Store, now

EXPORT_DIR = "exports"
"""Under the data directory, beside ``public/``: derived, rebuildable, safe to delete."""
PREFIX = "library-"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ItemExport:
    """One published item as it goes into the archive: its metadata document and page texts."""

    metadata: dict[str, Any]
    texts: list[tuple[str, bytes]]  # (archive name, text) per page, in reading order


def export_dir(store: Store) -> Path:
    return store.root / EXPORT_DIR


def library_version(store: Store) -> str:
    """What the export is keyed by: the root Collection's mtime in ns, or ``empty`` before any publish."""
    try:
        return str(os.stat(store.collection_path()).st_mtime_ns)
    except FileNotFoundError:
        return "empty"


def export_path(store: Store, version: str) -> Path:
    return export_dir(store) / f"{PREFIX}{version}.zip"


def page_text_name(item_id: str, number: int) -> str:
    return f"items/{item_id}/text/{number:04d}.txt"


def item_metadata(base: str, item: Item) -> dict[str, Any]:
    """The item's entry: Dublin Core as catalogued, where to find it, and each page's text file."""
    return {
        "id": item.id,
        "collection": item.collection,
        "manifest": urls.manifest(base, item.id),
        "url": item_url(base, item.id),
        "dublin_core": item.metadata.to_json(),
        "pages": [
            {
                "number": number,
                "id": page.id,
                "width": page.width,
                "height": page.height,
                "text": page_text_name(item.id, number),
                "canvas": urls.canvas(base, item.id, page.id),
            }
            for number, page in enumerate(item.pages, start=1)
        ],
    }


def read_item(store: Store, base: str, item: Item) -> ItemExport | None:
    """The item's metadata and published page texts, or None if it was withdrawn meanwhile.

    Every file is read before anything is written, so an item withdrawn during the build is left
    out whole rather than half in the archive.
    """
    public = store.item_public_dir(item.id)
    try:
        texts = [
            (page_text_name(item.id, number), (public / "text" / f"{page.id}.txt").read_bytes())
            for number, page in enumerate(item.pages, start=1)
        ]
    except FileNotFoundError:
        return None
    return ItemExport(item_metadata(base, item), texts)


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def write_export(store: Store, base: str, target: IO[bytes]) -> int:
    """Write the archive of every published item to ``target``; return how many items it holds."""
    entries = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for item in published_items(store):
            exported = read_item(store, base, item)
            if exported is None:
                continue
            archive.writestr(f"items/{item.id}/metadata.json", _json_bytes(exported.metadata))
            for name, text in exported.texts:
                archive.writestr(name, text)
            entries.append({"id": item.id, "title": item.metadata.title, "metadata": f"items/{item.id}/metadata.json"})
        catalogue = {
            "format": FORMAT_VERSION,
            "generated": now(),
            "base_url": base,
            "collection": urls.collection(base),
            "items": entries,
        }
        archive.writestr("catalogue.json", _json_bytes(catalogue))
    return len(entries)


def current_export(store: Store, base: str) -> Path:
    """The export of the library as it is now: the cached file, or a new one built and swapped in.

    Builds are serialised under a lock, so concurrent first requests build it once; older
    exports are removed after the swap (a download still reading one keeps its open file).
    """
    version = library_version(store)
    path = export_path(store, version)
    if path.exists():
        return path
    with store.lock("export"):
        if path.exists():
            return path
        tmp = store.tmp / f"{uuid.uuid4().hex}.export.zip"
        try:
            with tmp.open("wb") as f:
                write_export(store, base, f)
                f.flush()
                os.fsync(f.fileno())
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        for old in export_dir(store).glob(f"{PREFIX}*.zip"):
            if old != path:
                old.unlink(missing_ok=True)
    return path
