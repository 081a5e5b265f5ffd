"""The data directory, system of record: the only code that reads or writes it.

Every write goes to a temporary file or folder under ``tmp/`` (same filesystem) and is then
moved into place with ``os.replace``/``rename``, so a reader or a crash never meets half a file.
Masters are copied byte for byte, checked against their SHA-256 after the copy and made
read-only; nothing ever writes to them again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heritage.errors import NotFoundError, StoreError
from heritage.model import Collection, Item, Page, Stage, StageState, StageStatus, is_id

_CHUNK = 1 << 20
DRAFT_MARK = "draft"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.items_dir = root / "items"
        self.collections_dir = root / "collections"
        self.public = root / "public"
        self.iiif = self.public / "iiif"

    def ensure(self) -> Store:
        try:
            for d in (self.tmp, self.items_dir, self.collections_dir, self.iiif / "image"):
                d.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"cannot create the data directory {self.root}: {e.strerror}") from e
        return self

    # -- atomic primitives -------------------------------------------------------------

    def _tmp_path(self, hint: str) -> Path:
        return self.tmp / f"{uuid.uuid4().hex}.{hint}"

    def write_bytes(self, path: Path, data: bytes) -> None:
        tmp = self._tmp_path(path.name)
        with tmp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, path)

    def write_json(self, path: Path, data: Any) -> None:
        self.write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode())

    @contextlib.contextmanager
    def staging_dir(self, hint: str) -> Iterator[Path]:
        """A fresh folder to fill; removed if the caller fails, left for ``replace_dir`` if not."""
        path = self._tmp_path(hint)
        path.mkdir()
        try:
            yield path
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    def replace_dir(self, staged: Path, dest: Path) -> None:
        """Swap a filled staging folder into place; the old one is moved out first, never mixed."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        old = self._tmp_path("old")
        if dest.exists():
            os.rename(dest, old)
        os.rename(staged, dest)
        shutil.rmtree(old, ignore_errors=True)

    def remove_dir(self, path: Path) -> None:
        """Make a folder disappear at once (one rename), then delete it out of sight."""
        if path.exists():
            hidden = self._tmp_path("removed")
            os.rename(path, hidden)
            shutil.rmtree(hidden, ignore_errors=True)

    def clean_tmp(self, older_than: float) -> int:
        """Remove what crashed writers left in tmp/ (never visible to readers, but it takes space)."""
        removed = 0
        limit = time.time() - older_than
        for entry in self.tmp.iterdir():
            if entry.lstat().st_mtime < limit:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                removed += 1
        return removed

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        path = self.root / f".{name}.lock"
        with path.open("a") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # -- items -------------------------------------------------------------------------

    def item_dir(self, item_id: str) -> Path:
        if not is_id(item_id):
            raise NotFoundError(f"no item {item_id!r}")
        return self.items_dir / item_id

    def master_path(self, item_id: str, page: Page) -> Path:
        return self.item_dir(item_id) / "masters" / page.master

    def create_item(self, item: Item, sources: dict[str, Path], draft: bool = False) -> None:
        """Store an item whole or not at all: masters and item.json appear in one rename."""
        with self.staging_dir("item") as staged:
            if draft:
                (staged / DRAFT_MARK).touch()
            masters = staged / "masters"
            masters.mkdir()
            for page in item.pages:
                if not (masters / page.master).exists():
                    _copy_checked(sources[page.master], masters / page.master, page.sha256)
            for original in item.originals:
                _copy_checked(sources[original.master], masters / original.master, original.sha256)
            self.write_json(staged / "item.json", item.to_json())
            (staged / "status").mkdir()
            dest = self.item_dir(item.id)
            if dest.exists():
                raise StoreError(f"item {item.id} already exists")
            os.rename(staged, dest)

    def add_master(self, item_id: str, source: Path, name: str, sha256: str) -> None:
        """Add one more master to a stored item (a replaced page's new image); none is ever removed."""
        staged = self._tmp_path(name)
        try:
            _copy_checked(source, staged, sha256)
            os.rename(staged, self.item_dir(item_id) / "masters" / name)
        finally:
            staged.unlink(missing_ok=True)

    def is_draft(self, item_id: str) -> bool:
        """Drafts are processed like any item but only archivists see them (one ``stat``)."""
        return (self.item_dir(item_id) / DRAFT_MARK).exists()

    def set_draft(self, item_id: str, draft: bool) -> None:
        mark = self.item_dir(item_id) / DRAFT_MARK
        if draft:
            mark.touch()
        else:
            mark.unlink(missing_ok=True)

    def load_item(self, item_id: str) -> Item:
        path = self.item_dir(item_id) / "item.json"
        try:
            return Item.from_json(json.loads(path.read_text()))
        except FileNotFoundError:
            raise NotFoundError(f"no item {item_id!r}") from None

    def save_item(self, item: Item) -> None:
        self.write_json(self.item_dir(item.id) / "item.json", item.to_json())

    def item_ids(self) -> list[str]:
        """Items in creation order, so listings and collections are stable."""
        items = [p for p in self.items_dir.iterdir() if is_id(p.name) and (p / "item.json").exists()]
        return [p.name for p in sorted(items, key=lambda p: ((p / "item.json").stat().st_ctime, p.name))]

    def verify_masters(self, item: Item) -> list[str]:
        """Pages whose master no longer matches its recorded checksum (should never happen)."""
        return [p.id for p in item.pages if sha256_file(self.master_path(item.id, p)) != p.sha256]

    # -- processing state --------------------------------------------------------------

    def _status_path(self, item_id: str, name: str) -> Path:
        return self.item_dir(item_id) / "status" / f"{name}.json"

    def stage_status(self, item_id: str, page_id: str, stage: Stage) -> StageStatus:
        try:
            return StageStatus.from_json(json.loads(self._status_path(item_id, f"{page_id}.{stage.value}").read_text()))
        except FileNotFoundError:
            return StageStatus(StageState.QUEUED)

    def set_stage_status(self, item_id: str, page_id: str, stage: Stage, status: StageStatus) -> None:
        self.write_json(self._status_path(item_id, f"{page_id}.{stage.value}"), status.to_json())

    def publish_status(self, item_id: str) -> StageStatus:
        try:
            return StageStatus.from_json(json.loads(self._status_path(item_id, "publish").read_text()))
        except FileNotFoundError:
            return StageStatus(StageState.QUEUED)

    def set_publish_status(self, item_id: str, status: StageStatus) -> None:
        self.write_json(self._status_path(item_id, "publish"), status.to_json())

    # -- derivatives -------------------------------------------------------------------

    def ocr_path(self, item_id: str, page_id: str, kind: str) -> Path:
        return self.item_dir(item_id) / "derived" / "ocr" / f"{page_id}.{kind}"

    def write_ocr(self, item_id: str, page_id: str, alto: bytes, text: str) -> None:
        self.write_bytes(self.ocr_path(item_id, page_id, "txt"), text.encode())
        self.write_bytes(self.ocr_path(item_id, page_id, "alto.xml"), alto)

    def read_ocr(self, item_id: str, page_id: str, kind: str) -> bytes:
        try:
            return self.ocr_path(item_id, page_id, kind).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"no OCR yet for page {page_id}") from None

    def tiles_info_path(self, item_id: str, page_id: str) -> Path:
        return self.item_dir(item_id) / "derived" / "tiles" / f"{page_id}.json"

    def image_dir(self, page_id: str) -> Path:
        return self.iiif / "image" / page_id

    def item_public_dir(self, item_id: str) -> Path:
        return self.iiif / item_id

    def manifest_path(self, item_id: str) -> Path:
        return self.item_public_dir(item_id) / "manifest.json"

    def collection_path(self, slug: str = "") -> Path:
        return self.iiif / "collection" / f"{slug}.json" if slug else self.iiif / "collection.json"

    # -- collections -------------------------------------------------------------------

    def save_collection(self, collection: Collection) -> None:
        self.write_json(self.collections_dir / f"{collection.slug}.json", collection.to_json())

    def load_collection(self, slug: str) -> Collection:
        try:
            return Collection(**json.loads((self.collections_dir / f"{slug}.json").read_text()))
        except FileNotFoundError:
            raise NotFoundError(f"no collection {slug!r}") from None

    def collections(self) -> list[Collection]:
        return [Collection(**json.loads(p.read_text())) for p in sorted(self.collections_dir.glob("*.json"))]


def _copy_checked(source: Path, target: Path, expected_sha256: str) -> None:
    """Copy a master, fsync it, re-read the copy and compare checksums before trusting it."""
    digest = hashlib.sha256()
    with source.open("rb") as src, target.open("xb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    if digest.hexdigest() != expected_sha256 or sha256_file(target) != expected_sha256:
        raise StoreError(f"{source.name} changed while it was being stored; nothing was stored")
    target.chmod(0o444)
