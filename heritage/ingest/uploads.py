"""Uploads from the workspace: files streamed to disk one by one, then stored as one draft item.

A batch is a folder ``uploads/<batch>/`` of the data directory, owned by the archivist who
opened it. Each file arrives as a stream of chunks written straight to a hidden ``.part`` file
(never held in memory), counted against ``HERITAGE_MAX_FILE_BYTES`` as it comes, and renamed
to its name only once complete: a refused or cut-off stream leaves nothing behind, and a batch
left with no file disappears. Finishing a batch checks every file as ``heritage ingest`` does,
turns each PDF into page images (the PDF is kept as a master too), and stores one draft item.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from heritage.config import Config
from heritage.errors import InvalidInputError, NotFoundError, TooLargeError
from heritage.ingest import pdf_pages
from heritage.ingest.images import CheckedImage, check_image, sniff_format
from heritage.ingest.items import (
    MAX_METADATA_BYTES,
    METADATA_FILE,
    build_item,
    natural_key,
    safe_display_name,
)
from heritage.model import Collection, DublinCore, Item, Original, is_id, new_id
from heritage.store import Store, sha256_file

UPLOADS_DIR = "uploads"
OWNER_FILE = "owner"
FILES_DIR = "files"
MAX_NAME_BYTES = 240  # a file name on disk is at most 255 bytes; leave room
STALE_SECONDS = 2 * 86400  # a batch nobody touched for two days was abandoned
_SNIFF_BYTES = 16
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True)
class Received:
    name: str
    size: int


def uploads_root(store: Store) -> Path:
    return store.root / UPLOADS_DIR


def new_batch_id() -> str:
    return new_id()


def _batch_path(store: Store, batch_id: str) -> Path:
    if not is_id(batch_id):
        raise NotFoundError(f"no upload {batch_id!r}")
    return uploads_root(store) / batch_id


def upload_name(raw: str) -> str:
    """The archivist's file name, refused when it could reach outside the batch or hide itself."""
    name = unicodedata.normalize("NFC", raw).strip()
    shown = _INVISIBLE.sub("?", name)[:80]
    if not name:
        raise InvalidInputError("a file has no name")
    if "/" in name or "\\" in name:
        raise InvalidInputError(f"{shown}: a file name may not contain / or \\ (folders are not kept, only files)")
    if name.startswith("."):
        raise InvalidInputError(f"{shown}: a file name may not start with a dot")
    if _INVISIBLE.search(name):
        raise InvalidInputError(f"{shown}: the file name contains invisible or control characters; rename the file")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise InvalidInputError(f"{shown}…: the file name is too long (at most {MAX_NAME_BYTES} bytes)")
    return name


def _open_batch(store: Store, batch_id: str, owner: str) -> Path:
    """The batch's folder, made on its first file; another archivist's batch is not found."""
    path = _batch_path(store, batch_id)
    (path / FILES_DIR).mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError), (path / OWNER_FILE).open("x") as f:
        f.write(owner)
    if (path / OWNER_FILE).read_text() != owner:
        raise NotFoundError(f"no upload {batch_id!r}")
    return path


def batch_files(store: Store, batch_id: str, owner: str) -> list[Path]:
    """The complete files of a batch, in natural file-name order (page 2 before page 10)."""
    path = _batch_path(store, batch_id)
    if not (path / OWNER_FILE).exists() or (path / OWNER_FILE).read_text() != owner:
        return []
    files = [p for p in (path / FILES_DIR).iterdir() if not p.name.startswith(".")]
    return sorted(files, key=lambda p: natural_key(p.name))


def discard(store: Store, batch_id: str) -> None:
    store.remove_dir(_batch_path(store, batch_id))


def _discard_if_empty(store: Store, batch_id: str, owner: str) -> None:
    if not batch_files(store, batch_id, owner):
        discard(store, batch_id)


def _check_start(name: str, head: bytes) -> None:
    """Refuse at the first bytes what can never be a page (a text file named .tif), not after gigabytes."""
    if name == METADATA_FILE:
        return
    if sniff_format(head) is None and not head.startswith(pdf_pages.PDF_SIGNATURE):
        raise InvalidInputError(
            f"{name}: not a JPEG, PNG, TIFF or JPEG 2000 image nor a PDF (judged by its content, not its name)"
        )


async def receive(
    store: Store,
    config: Config,
    batch_id: str,
    owner: str,
    raw_name: str,
    chunks: AsyncIterator[bytes],
    declared_length: int | None = None,
) -> Received:
    """Stream one file into the batch; on any failure (limit, bad start, cut-off) nothing remains."""
    name = upload_name(raw_name)
    limit = MAX_METADATA_BYTES if name == METADATA_FILE else config.max_file_bytes
    if declared_length is not None and declared_length > limit:
        raise _too_large(name, declared_length, limit)
    path = _open_batch(store, batch_id, owner)
    target = path / FILES_DIR / name
    if not target.exists() and len(batch_files(store, batch_id, owner)) >= config.max_upload_files:
        raise TooLargeError(
            f"{name}: one upload holds at most {config.max_upload_files:,} files (HERITAGE_MAX_UPLOAD_FILES)"
        )
    part = path / FILES_DIR / f".{uuid.uuid4().hex}.part"
    try:
        size = await _write(part, name, chunks, limit)
        if size == 0:
            raise InvalidInputError(f"{name}: the file is empty (0 bytes)")
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        _discard_if_empty(store, batch_id, owner)
        raise
    return Received(name, size)


async def _write(part: Path, name: str, chunks: AsyncIterator[bytes], limit: int) -> int:
    size = 0
    head = b""
    with part.open("xb") as f:
        async for chunk in chunks:
            if len(head) < _SNIFF_BYTES:
                head += chunk[: _SNIFF_BYTES - len(head)]
                if len(head) >= _SNIFF_BYTES:
                    _check_start(name, head)
            size += len(chunk)
            if size > limit:
                raise _too_large(name, size, limit, at_least=True)
            f.write(chunk)
        if head and len(head) < _SNIFF_BYTES:
            _check_start(name, head)
        f.flush()
        os.fsync(f.fileno())
    return size


def _too_large(name: str, size: int, limit: int, at_least: bool = False) -> TooLargeError:
    setting = "" if name == METADATA_FILE else " (HERITAGE_MAX_FILE_BYTES)"
    more = "more than " if at_least else ""
    return TooLargeError(f"{name}: {more}{size:,} bytes is above the limit of {limit:,}{setting}")


def uploaded_metadata(store: Store, batch_id: str, owner: str) -> dict[str, Any]:
    """The Dublin Core fields of an uploaded ``metadata.json`` (checked), or {} without one."""
    path = _batch_path(store, batch_id) / FILES_DIR / METADATA_FILE
    if not batch_files(store, batch_id, owner) or not path.exists():
        return {}
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInputError(f"{METADATA_FILE}: not valid UTF-8 JSON ({e})") from e
    DublinCore.from_json(data, default_title="untitled")  # refuses unknown fields and bad values
    return {key: value for key, value in data.items() if value not in ("", [], None)}


@dataclass
class _Checked:
    images: list[CheckedImage]
    origin: list[Path | None]  # for each image, the PDF it was rendered from
    pdfs: list[tuple[Path, str]]  # each PDF with its SHA-256, in upload order


def _check_files(files: list[Path], config: Config, rendered: Path) -> _Checked:
    checked = _Checked([], [], [])
    for number, path in enumerate(files):
        if not pdf_pages.is_pdf(path):
            checked.images.append(check_image(path, config.max_pixels, config.max_file_bytes))
            checked.origin.append(None)
            continue
        pages = pdf_pages.render_pages(
            path, rendered / f"{number:04d}", config.max_pdf_pages, config.max_pixels, config.pdf_dpi
        )
        checked.pdfs.append((path, sha256_file(path)))
        for page in pages:
            checked.images.append(check_image(page, config.max_pixels, config.max_file_bytes))
            checked.origin.append(path)
    return checked


def _with_originals(item: Item, sources: dict[str, Path], checked: _Checked) -> Item:
    """Record each PDF as a master beside the pages rendered from it (``build_item`` makes one
    page per frame of each image, in order)."""
    page_origin = [pdf for image, pdf in zip(checked.images, checked.origin, strict=True) for _ in image.frames]
    originals = []
    for path, sha in checked.pdfs:
        master = f"{new_id()}.pdf"
        sources[master] = path
        ids = [page.id for page, pdf in zip(item.pages, page_origin, strict=True) if pdf == path]
        originals.append(Original(master, sha, "PDF", safe_display_name(path.name), ids))
    return replace(item, originals=originals)


def finish(
    store: Store, config: Config, batch_id: str, owner: str, metadata: DublinCore, collection: Collection | None
) -> Item:
    """Check every file of the batch, then store them as one draft item, in file-name order;
    a new ``collection`` is created with it."""
    files = [p for p in batch_files(store, batch_id, owner) if p.name != METADATA_FILE]
    if not files:
        raise InvalidInputError("no page images or PDFs were uploaded")
    slug = collection.slug if collection else ""
    with store.staging_dir("pdf-pages") as rendered:
        checked = _check_files(files, config, rendered)
        item, sources = build_item(checked.images, metadata, slug)
        if checked.pdfs:
            item = _with_originals(item, sources, checked)
        store.create_item(item, sources, draft=True)
        if collection and collection.slug not in {c.slug for c in store.collections()}:
            store.save_collection(collection)
    shutil.rmtree(rendered, ignore_errors=True)
    discard(store, batch_id)
    return item


def clean_stale(store: Store, older_than: float = STALE_SECONDS) -> int:
    """Remove batches abandoned in the browser (never finished), so they do not fill the disk."""
    root = uploads_root(store)
    if not root.exists():
        return 0
    removed = 0
    limit = time.time() - older_than
    for batch in root.iterdir():
        newest = max((p.stat().st_mtime for p in batch.rglob("*")), default=batch.stat().st_mtime)
        if newest < limit:
            store.remove_dir(batch)
            removed += 1
    return removed
