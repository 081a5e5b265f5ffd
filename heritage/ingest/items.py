"""Turn a folder or an image file into a stored item: validate everything first, then store once.

Nothing reaches the store until every file of the item has passed, so a bad page leaves the
store exactly as it was. Ids are new and opaque; the archivist's file names are kept only as
display text, cleaned of paths and control characters.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from heritage.errors import InvalidInputError, NotFoundError
from heritage.ingest.images import EXTENSIONS, CheckedImage, check_image
from heritage.model import Collection, DublinCore, Item, Page, collection_slug, new_id
from heritage.store import Store, now

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".jp2", ".j2k", ".jpf", ".jpx"})
METADATA_FILE = "metadata.json"
MAX_METADATA_BYTES = 1 << 20


@dataclass(frozen=True)
class IngestPlan:
    """What one PATH argument will become, and what was left out of it."""

    source: Path
    images: list[Path]
    metadata: DublinCore
    skipped: list[str] = field(default_factory=list)


def safe_display_name(name: str) -> str:
    """The last path component only, NFC, without control or bidi characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = unicodedata.normalize("NFC", re.sub(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]", "", base))
    return base.strip().lstrip(".")[:200] or "page"


def natural_key(name: str) -> list[object]:
    """Sort page files as people number them: 2 before 10."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def read_metadata(path: Path | None, default_title: str) -> DublinCore:
    if path is None:
        return DublinCore.from_json({}, default_title=default_title)
    if path.stat().st_size > MAX_METADATA_BYTES:
        raise InvalidInputError(f"{path.name}: larger than {MAX_METADATA_BYTES:,} bytes")
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise InvalidInputError(f"{path.name}: not UTF-8 text") from e
    except json.JSONDecodeError as e:
        raise InvalidInputError(f"{path.name}: invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}") from e
    return DublinCore.from_json(data, default_title=default_title)


def plan(path: Path) -> IngestPlan:
    """Find the page images and metadata of one PATH argument, in file-name order."""
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder")
    title = safe_display_name(path.stem if path.is_file() else path.name)
    if path.is_file():
        return IngestPlan(path, [path], read_metadata(None, title))
    images, skipped = [], []
    for entry in sorted(path.iterdir(), key=lambda p: natural_key(p.name)):
        if entry.name.startswith(".") or entry.name == METADATA_FILE:
            continue
        if entry.suffix.lower() in IMAGE_SUFFIXES:
            images.append(entry)
        else:
            skipped.append(entry.name)
    if not images:
        raise InvalidInputError(f"{path}: no page images (JPEG, PNG, TIFF or JPEG 2000) in this folder")
    metadata_path = path / METADATA_FILE
    return IngestPlan(path, images, read_metadata(metadata_path if metadata_path.exists() else None, title), skipped)


def build_item(checked: list[CheckedImage], metadata: DublinCore, collection: str) -> tuple[Item, dict[str, Path]]:
    """One page per frame; a multi-page TIFF is one master shared by several pages."""
    pages: list[Page] = []
    sources: dict[str, Path] = {}
    for image in checked:
        master = f"{new_id()}.{EXTENSIONS[image.format]}"
        sources[master] = image.path
        for frame, (width, height) in enumerate(image.frames):
            pages.append(
                Page(
                    id=new_id(),
                    master=master,
                    frame=frame,
                    sha256=image.sha256,
                    format=image.format,
                    width=width,
                    height=height,
                    original_name=safe_display_name(image.path.name),
                )
            )
    item = Item(id=new_id(), metadata=metadata, pages=pages, collection=collection, created=now())
    return item, sources


def ensure_collection(store: Store, name: str) -> None:
    if not name:
        return
    slug = collection_slug(name)
    try:
        store.load_collection(slug)
    except NotFoundError:
        store.save_collection(Collection(slug=slug, name=name.strip()))


def ingest(
    store: Store,
    ingest_plan: IngestPlan,
    collection: str,
    max_pixels: int,
    max_bytes: int,
    draft: bool = False,
) -> Item:
    """Validate every file, then store the item in one step and record its collection."""
    checked = [check_image(path, max_pixels, max_bytes) for path in ingest_plan.images]
    slug = collection_slug(collection) if collection else ""
    item, sources = build_item(checked, ingest_plan.metadata, slug)
    store.create_item(item, sources, draft=draft)
    ensure_collection(store, collection)
    return item
