"""IIIF Content State 1.0: a shareable view (a region of a page of a document) as one URL parameter.

A content state is an Annotation with the motivation ``contentState`` whose target is the canvas,
with an ``#xywh=`` fragment for the region, ``partOf`` its manifest. In a URL it travels as the
``iiif-content`` parameter, *content-state-encoded* (spec §6): percent-encoded as JavaScript's
``encodeURIComponent`` does, then base64url without padding, so the reader's script and this
module make the same string. Pure functions: no I/O, easy to test exhaustively.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from heritage.errors import InvalidInputError

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
PARAMETER = "iiif-content"
MAX_ENCODED = 8000
"""A content state in a URL stays far below what browsers and proxies accept (about 8 KB)."""

_URI_COMPONENT_SAFE = "-_.!~*'()"  # what encodeURIComponent leaves as is, besides letters and digits
_XYWH = re.compile(r"^(\d{1,6}),(\d{1,6}),(\d{1,6}),(\d{1,6})$")

Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class View:
    """A canvas of a manifest, and optionally a region of it in canvas pixels."""

    manifest: str
    canvas: str
    region: Region | None = None


def parse_xywh(text: str) -> Region:
    """A region written ``x,y,w,h`` in whole pixels, with a width and height above zero."""
    match = _XYWH.match(text.strip())
    if not match:
        raise InvalidInputError(f"a region is written x,y,w,h in whole pixels, got {text!r}")
    x, y, w, h = (int(v) for v in match.groups())
    if w == 0 or h == 0:
        raise InvalidInputError("a region needs a width and a height above zero")
    return x, y, w, h


def clip(region: Region, width: int, height: int) -> Region | None:
    """The part of a region inside a width × height canvas, ``None`` when nothing is left."""
    x, y, w, h = region
    right, bottom = min(x + w, width), min(y + h, height)
    if x >= right or y >= bottom:
        return None
    return x, y, right - x, bottom - y


def annotation(view: View) -> dict[str, Any]:
    """The content state of a view, as the spec's simplest target form: a canvas with a fragment."""
    target = view.canvas + (f"#xywh={','.join(str(v) for v in view.region)}" if view.region else "")
    return {
        "@context": CONTEXT,
        "type": "Annotation",
        "motivation": ["contentState"],
        "target": {"id": target, "type": "Canvas", "partOf": [{"id": view.manifest, "type": "Manifest"}]},
    }


def encode(document: dict[str, Any]) -> str:
    """Content-state-encode a JSON document for a URL (spec §6.1)."""
    text = quote(json.dumps(document, ensure_ascii=False, separators=(",", ":")), safe=_URI_COMPONENT_SAFE)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode(value: str) -> Any:
    """The JSON behind an encoded content state; a plain URI (allowed unencoded) comes back as is."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if len(value) > MAX_ENCODED or len(value) % 4 == 1:
        raise InvalidInputError("the content state is not a base64url string of a sensible length")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
        return json.loads(unquote(raw))
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise InvalidInputError("the content state could not be decoded") from e


def _target(state: Any) -> Any:
    """The resource a content state points at, whichever of the spec's forms it takes."""
    if isinstance(state, dict) and state.get("type") == "Annotation":
        target = state.get("target")
        return target[0] if isinstance(target, list) and target else target
    return state


def _split(uri: str) -> tuple[str, Region | None]:
    base, _, fragment = uri.partition("#")
    if fragment.startswith("xywh="):
        return base, parse_xywh(fragment.removeprefix("xywh="))
    return base, None


def _part_of(resource: dict[str, Any]) -> str:
    for parent in resource.get("partOf") or []:
        if isinstance(parent, dict) and parent.get("type") == "Manifest" and isinstance(parent.get("id"), str):
            return str(parent["id"])
    return ""


def _selected_region(selector: Any) -> Region | None:
    selectors = selector if isinstance(selector, list) else [selector]
    for one in selectors:
        if isinstance(one, dict) and one.get("type") == "FragmentSelector":
            value = str(one.get("value", ""))
            if value.startswith("xywh="):
                return parse_xywh(value.removeprefix("xywh="))
    return None


def view_of(state: Any) -> View:
    """The canvas, manifest and region a decoded content state shows.

    Understands a canvas target with or without ``#xywh``, a SpecificResource with a
    FragmentSelector, and a bare canvas URI; a manifest alone or anything else is refused.
    """
    target = _target(state)
    if isinstance(target, str):
        canvas, region = _split(target)
        return View("", canvas, region)
    if not isinstance(target, dict):
        raise InvalidInputError("the content state has no target")
    if target.get("type") == "SpecificResource" and isinstance(target.get("source"), dict | str):
        source = target["source"]
        source_id = source if isinstance(source, str) else str(source.get("id", ""))
        canvas, region = _split(source_id)
        manifest = _part_of(source) if isinstance(source, dict) else ""
        return View(manifest or _part_of(target), canvas, _selected_region(target.get("selector")) or region)
    if target.get("type") == "Canvas" and isinstance(target.get("id"), str):
        canvas, region = _split(target["id"])
        return View(_part_of(target), canvas, region)
    raise InvalidInputError("the content state does not point at a page")


def canvas_ids(canvas: str, base: str) -> tuple[str, str] | None:
    """The (item id, page id) of one of our canvas URIs, ``None`` for a canvas from elsewhere."""
    prefix, marker = f"{base}/iiif/", "/canvas/"
    if not canvas.startswith(prefix) or marker not in canvas:
        return None
    item_id, _, page_id = canvas.removeprefix(prefix).partition(marker)
    return (item_id, page_id) if item_id and page_id and "/" not in item_id + page_id else None
