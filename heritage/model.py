"""Items, pages, Dublin Core and processing states, with their JSON form; no I/O.

Metadata arrives from archivists and from files they drop in, so everything that enters here is
checked once: only strings, bounded in size, no control characters, rights as a known licence
URI. Past this module the rest of the code can trust it.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from heritage.errors import InvalidInputError

_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
ID_LENGTH = 12
ID_PATTERN = re.compile(rf"^[{_ID_ALPHABET}]{{{ID_LENGTH}}}$")

MAX_VALUE_CHARS = 4000
MAX_VALUES = 50

# Multi-valued Dublin Core elements are lists; the others hold one value.
DC_LIST_FIELDS = ("creator", "publisher", "language", "subject")
DC_TEXT_FIELDS = ("title", "date", "type", "source", "rights", "description")
DC_FIELDS = ("title", "creator", "date", "publisher", "language", "type", "subject", "source", "rights", "description")

# No licence given: say so with the standard statement rather than guessing a licence.
RIGHTS_UNDETERMINED = "http://rightsstatements.org/vocab/UND/1.0/"
_RIGHTS_PATTERN = re.compile(
    r"^(http://creativecommons\.org/(licenses|publicdomain)/[a-z0-9.+-]+(/[0-9.]+)?(/[a-z]{2})?/"
    r"|http://rightsstatements\.org/vocab/[A-Za-z-]+/1\.0/)$"
)
_LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def canonical_rights(uri: str) -> str:
    """IIIF Presentation 3 requires the http:// form of Creative Commons and RightsStatements URIs."""
    return re.sub(r"^https://(creativecommons\.org|rightsstatements\.org)/", r"http://\1/", uri)


def new_id() -> str:
    """Opaque, URL-safe and unambiguous when read aloud (no 0/o, 1/l)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(ID_LENGTH))


def is_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))


def clean_text(value: Any, name: str) -> str:
    """Refuse non-strings, strip control and bidi-override characters, bound the length."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidInputError(f"metadata field {name!r} must be text, got {type(value).__name__}")
    value = unicodedata.normalize("NFC", _CONTROL.sub("", value)).strip()
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidInputError(f"metadata field {name!r} is longer than {MAX_VALUE_CHARS} characters")
    return value


@dataclass(frozen=True)
class DublinCore:
    title: str
    creator: list[str] = field(default_factory=list)
    date: str = ""
    publisher: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)
    type: str = "Text"
    subject: list[str] = field(default_factory=list)
    source: str = ""
    rights: str = RIGHTS_UNDETERMINED
    description: str = ""

    @classmethod
    def from_json(cls, data: Any, default_title: str = "") -> DublinCore:
        if not isinstance(data, dict):
            raise InvalidInputError("metadata must be a JSON object")
        unknown = sorted(set(data) - set(DC_FIELDS))
        if unknown:
            raise InvalidInputError(f"unknown metadata fields: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name in DC_LIST_FIELDS:
            raw = data.get(name, [])
            raw = [raw] if isinstance(raw, str) else raw
            if not isinstance(raw, list) or len(raw) > MAX_VALUES:
                raise InvalidInputError(f"metadata field {name!r} must be text or a list of at most {MAX_VALUES}")
            values[name] = [v for v in (clean_text(x, name) for x in raw) if v]
        for name in DC_TEXT_FIELDS:
            if name in data:
                values[name] = clean_text(data[name], name)
        values["title"] = values.get("title") or clean_text(default_title, "title")
        if not values["title"]:
            raise InvalidInputError("metadata needs a title")
        values["rights"] = canonical_rights(values.get("rights") or RIGHTS_UNDETERMINED)
        if not _RIGHTS_PATTERN.match(values["rights"]):
            raise InvalidInputError(
                f"rights must be a Creative Commons or RightsStatements.org URI, got {values['rights']!r}"
            )
        values["language"] = [code.lower() for code in values["language"]]
        for code in values["language"]:
            if not _LANGUAGE_PATTERN.match(code):
                raise InvalidInputError(f"language must be an ISO 639 code such as 'br' or 'fr', got {code!r}")
        values["type"] = values.get("type") or "Text"
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    id: str
    master: str  # file name inside the item's masters/ folder
    frame: int  # frame of a multi-page master (TIFF), 0 otherwise
    sha256: str
    format: str  # Pillow's format name: JPEG, PNG, TIFF, JPEG2000
    width: int  # as displayed (and tiled, and OCR'd): after EXIF orientation and `rotation`
    height: int
    original_name: str  # the archivist's file name, for display only
    rotation: int = 0  # degrees clockwise to turn the master upright (0, 90, 180, 270), after EXIF

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        return cls(**data)


@dataclass(frozen=True)
class Original:
    """An uploaded file kept as a master beside the page images made from it (a PDF)."""

    master: str  # file name inside the item's masters/ folder
    sha256: str
    format: str  # "PDF"
    original_name: str  # the archivist's file name, for display only
    pages: list[str] = field(default_factory=list)  # ids of the pages rendered from it, in order

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Original:
        return cls(**data)


@dataclass(frozen=True)
class Item:
    id: str
    metadata: DublinCore
    pages: list[Page]
    collection: str = ""  # a collection slug, or "" for none
    created: str = ""
    ocr_languages: list[str] = field(default_factory=list)  # models chosen by an archivist; [] = from metadata
    originals: list[Original] = field(default_factory=list)  # uploaded PDFs the pages were rendered from

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "collection": self.collection,
            "created": self.created,
            "ocr_languages": self.ocr_languages,
            "metadata": self.metadata.to_json(),
            "pages": [p.to_json() for p in self.pages],
            "originals": [o.to_json() for o in self.originals],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return cls(
            id=data["id"],
            collection=data.get("collection", ""),
            created=data.get("created", ""),
            ocr_languages=data.get("ocr_languages", []),
            metadata=DublinCore(**data["metadata"]),
            pages=[Page.from_json(p) for p in data["pages"]],
            originals=[Original.from_json(o) for o in data.get("originals", [])],
        )

    def page(self, page_id: str) -> Page:
        for page in self.pages:
            if page.id == page_id:
                return page
        raise KeyError(page_id)


@dataclass(frozen=True)
class Collection:
    slug: str
    name: str
    description: str = ""  # what archivists say about it; the IIIF Collection's summary

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def collection_slug(name: str) -> str:
    """A readable URL segment from a collection name ('Barzaz Breiz' -> 'barzaz-breiz')."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    if not slug:
        raise InvalidInputError(f"collection name {name!r} needs at least one letter or digit")
    return slug


class Stage(StrEnum):
    """The per-page jobs, each tracked on its own so two workers never write the same record."""

    OCR = "ocr"
    TILES = "tiles"


class StageState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    DONE = "done"
    FAILED = "failed"


class ItemState(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    PUBLISHED = "published"
    FAILED = "failed"


@dataclass(frozen=True)
class StageStatus:
    state: StageState
    attempts: int = 0
    error: str = ""
    updated: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state.value, "attempts": self.attempts, "error": self.error, "updated": self.updated}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StageStatus:
        return cls(StageState(data["state"]), data.get("attempts", 0), data.get("error", ""), data.get("updated", ""))


def page_state(stages: dict[Stage, StageStatus]) -> str:
    """One word for a page: failed beats running beats queued; done only when every stage is."""
    states = [stages[s].state if s in stages else StageState.QUEUED for s in Stage]
    if StageState.FAILED in states:
        return "failed"
    if all(s is StageState.DONE for s in states):
        return "done"
    for stage in Stage:
        status = stages.get(stage)
        if status and status.state in (StageState.RUNNING, StageState.RETRYING):
            return stage.value
    return "queued" if not any(s is StageState.DONE for s in states) else "processing"
