"""IIIF Presentation 3 manifests and collections, built with iiif-prezi3 from what we already know.

Pure functions: widths, heights and thumbnail sizes come from the tiling job's record, never
from fetching our own ``info.json`` over HTTP (which is what prezi3's ``*_from_iiif`` helpers do).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from iiif_prezi3 import (
    Annotation,
    AnnotationBody,
    AnnotationPage,
    Canvas,
    Collection,
    Homepage,
    KeyValueString,
    Manifest,
    ManifestRef,
    Provider,
    ServiceV3,
)

from heritage.iiif import urls
from heritage.iiif.search_services import search_services
from heritage.model import Collection as HeritageCollection
from heritage.model import DublinCore, Item, Page

THUMBNAIL_WIDTH = 300
LIBRARY_NAME = {
    "br": ["Levraoueg niverel ar glad"],
    "fr": ["Bibliothèque numérique du patrimoine"],
    "en": ["Heritage digital library"],
}

_FIELD_LABELS: dict[str, dict[str, list[str]]] = {
    "title": {"br": ["Titl"], "fr": ["Titre"], "en": ["Title"]},
    "creator": {"br": ["Aozer"], "fr": ["Auteur"], "en": ["Creator"]},
    "date": {"br": ["Deiziad"], "fr": ["Date"], "en": ["Date"]},
    "publisher": {"br": ["Embanner"], "fr": ["Éditeur"], "en": ["Publisher"]},
    "language": {"br": ["Yezh"], "fr": ["Langue"], "en": ["Language"]},
    "type": {"br": ["Seurt"], "fr": ["Type"], "en": ["Type"]},
    "subject": {"br": ["Danvez"], "fr": ["Sujet"], "en": ["Subject"]},
    "source": {"br": ["Mammenn"], "fr": ["Source"], "en": ["Source"]},
    "rights": {"br": ["Gwirioù"], "fr": ["Droits"], "en": ["Rights"]},
}
_LANGUAGE_NAMES: dict[str, dict[str, list[str]]] = {
    "br": {"br": ["brezhoneg"], "fr": ["breton"], "en": ["Breton"]},
    "fr": {"br": ["galleg"], "fr": ["français"], "en": ["French"]},
    "en": {"br": ["saozneg"], "fr": ["anglais"], "en": ["English"]},
    "la": {"br": ["latin"], "fr": ["latin"], "en": ["Latin"]},
}
_ATTRIBUTION = {"br": ["Roet gant"], "fr": ["Attribution"], "en": ["Attribution"]}


@dataclass(frozen=True)
class PageImage:
    """What the tiling job recorded about a page's image service."""

    page: Page
    width: int
    height: int
    sizes: list[tuple[int, int]]


def language_map(value: str, languages: Sequence[str]) -> dict[str, list[str]]:
    """Tag a value with the item's language only when there is exactly one; else it is 'none'."""
    return {languages[0] if len(languages) == 1 else "none": [value]}


def nav_date(date: str) -> str | None:
    match = re.match(r"^(\d{4})", date)
    return f"{match.group(1)}-01-01T00:00:00Z" if match else None


def thumbnail_size(sizes: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """The smallest static size at least THUMBNAIL_WIDTH wide (or the largest there is)."""
    wide_enough = [s for s in sizes if s[0] >= THUMBNAIL_WIDTH]
    return min(wide_enough) if wide_enough else max(sizes)


def _image_service(base: str, page_id: str) -> ServiceV3:
    return ServiceV3(id=urls.image_service(base, page_id), type="ImageService3", profile="level0")


def thumbnail(base: str, image: PageImage) -> dict[str, Any]:
    width, height = thumbnail_size(image.sizes)
    service = urls.image_service(base, image.page.id)
    return {
        "id": f"{service}/full/{width},{height}/0/default.jpg",
        "type": "Image",
        "format": "image/jpeg",
        "width": width,
        "height": height,
        "service": [{"id": service, "type": "ImageService3", "profile": "level0"}],
    }


def _metadata(dc: DublinCore) -> list[KeyValueString]:
    entries: list[KeyValueString] = []
    for name, label in _FIELD_LABELS.items():
        raw = getattr(dc, name)
        values = raw if isinstance(raw, list) else [raw]
        values = [v for v in values if v]
        if not values:
            continue
        if name == "language":
            for code in values:
                entries.append(KeyValueString(label=label, value=_LANGUAGE_NAMES.get(code, {"none": [code]})))
            continue
        entries.append(KeyValueString(label=label, value={"none": values}))
    return entries


def _canvas(base: str, item: Item, number: int, image: PageImage) -> Canvas:
    page = image.page
    canvas_id = urls.canvas(base, item.id, page.id)
    service = urls.image_service(base, page.id)
    max_width, max_height = image.sizes[-1]  # what `full/max` serves; tiles give full resolution
    body = AnnotationBody(
        id=f"{service}/full/max/0/default.jpg",
        type="Image",
        format="image/jpeg",
        width=max_width,
        height=max_height,
        service=[
            _image_service(base, page.id),
            ServiceV3(id=urls.dynamic_image_service(base, page.id), type="ImageService3", profile="level2"),
        ],
    )
    painting = Annotation(id=f"{canvas_id}/annotation", motivation="painting", body=body, target=canvas_id)
    canvas = Canvas(
        id=canvas_id,
        label={"none": [str(number)]},
        width=image.width,
        height=image.height,
        items=[AnnotationPage(id=f"{canvas_id}/page", items=[painting])],
        thumbnail=[thumbnail(base, image)],
        seeAlso=[
            {
                "id": urls.alto(base, item.id, page.id),
                "type": "Dataset",
                "format": "application/xml",
                "profile": "http://www.loc.gov/standards/alto/v4/alto.xsd",
                "label": {"none": ["ALTO XML"]},
            }
        ],
        rendering=[
            {
                "id": urls.text(base, item.id, page.id),
                "type": "Text",
                "format": "text/plain",
                "label": {"br": ["Testenn ar bajenn"], "fr": ["Texte de la page"], "en": ["Page text"]},
            }
        ],
    )
    return canvas


def _provider(base: str) -> Provider:
    return Provider(
        id=urls.provider(base) + "about",
        label=LIBRARY_NAME,
        homepage=[Homepage(id=urls.provider(base), type="Text", label=LIBRARY_NAME, format="text/html")],
    )


def build_manifest(
    base: str, item: Item, images: Sequence[PageImage], collection: HeritageCollection | None
) -> dict[str, Any]:
    dc = item.metadata
    manifest = Manifest(
        id=urls.manifest(base, item.id),
        label=language_map(dc.title, dc.language),
        metadata=_metadata(dc),
        rights=dc.rights,
        requiredStatement=KeyValueString(label=_ATTRIBUTION, value={"none": [_attribution(dc)]}),
        provider=[_provider(base)],
        thumbnail=[thumbnail(base, images[0])],
        items=[_canvas(base, item, n, image) for n, image in enumerate(images, start=1)],
    )
    manifest.service = search_services(base, item.id)
    if dc.description:
        manifest.summary = {"none": [dc.description]}
    date = nav_date(dc.date)
    if date:
        manifest.navDate = date
    if collection is not None:
        manifest.partOf = [
            {"id": urls.collection(base, collection.slug), "type": "Collection", "label": {"none": [collection.name]}}
        ]
    return plain_text_values(json.loads(manifest.json()))


def _attribution(dc: DublinCore) -> str:
    parts = [dc.source] if dc.source else []
    parts.append(f"Licence: {dc.rights}")
    return " — ".join(parts)


@dataclass(frozen=True)
class CollectionEntry:
    item_id: str
    label: dict[str, list[str]]
    thumbnail: dict[str, Any]


_TEXT_PROPERTIES = frozenset({"label", "summary", "value"})


def as_plain_text(value: str) -> str:
    """A value viewers would take for HTML (Presentation 3 §4.3: it starts with < and ends with >)
    is archivists' text that happens to look like markup: escape it inside a ``<span>`` so every
    viewer shows the characters instead of running them."""
    stripped = value.strip()
    if stripped.startswith("<") and stripped.endswith(">"):
        return f"<span>{html.escape(value, quote=False)}</span>"
    return value


def plain_text_values(node: Any, key: str = "") -> Any:
    """Apply ``as_plain_text`` to every string of every language map in a IIIF document."""
    if isinstance(node, dict):
        if key in _TEXT_PROPERTIES and all(isinstance(v, list) for v in node.values()):
            return {lang: [as_plain_text(v) if isinstance(v, str) else v for v in vs] for lang, vs in node.items()}
        return {k: plain_text_values(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [plain_text_values(v, key) for v in node]
    return node


def entry_for(base: str, item: Item, first_image: PageImage) -> CollectionEntry:
    return CollectionEntry(
        item.id, language_map(item.metadata.title, item.metadata.language), thumbnail(base, first_image)
    )


def build_collection(
    base: str,
    entries: Sequence[CollectionEntry],
    label: dict[str, list[str]],
    slug: str = "",
    summary: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    collection = Collection(
        id=urls.collection(base, slug),
        label=label,
        **({"summary": summary} if summary else {}),
        provider=[_provider(base)],
        items=[
            ManifestRef(id=urls.manifest(base, e.item_id), type="Manifest", label=e.label, thumbnail=[e.thumbnail])
            for e in entries
        ],
    )
    return plain_text_values(json.loads(collection.json()))
