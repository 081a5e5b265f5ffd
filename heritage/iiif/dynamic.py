"""Images on demand: an IIIF Image API 3 level-2 service beside each page's static level-0 tiles.

Every request is made from the best source at hand, never holding more than it needs:

- the static pyramid (tiles.py), at the coarsest level that still has enough pixels: a thumbnail
  is one small file, a detail a few tiles pasted together, and a reduced level is already the
  2x2 box average of the master, so neither a JPEG draft decode nor a reduce of the master is
  ever needed;
- the master, only for a full-resolution region covering at least half of the image: decoding it
  once costs about what decoding those tiles would, and it spares a second JPEG generation. It is
  read as the tiler reads it (same frame, pixel limit, colour conversion, EXIF orientation).

Results are cached on disk by the caller (`dynamic_cache.py`); this module only renders.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from heritage.errors import NotFoundError
from heritage.iiif.dynamic_request import FORMATS, QUALITIES, Limits, Plan
from heritage.iiif.tile_geometry import IMAGE_CONTEXT, Box, level_size, level_tiles, source_box
from heritage.iiif.tiles import TRANSPOSE, display_pixels, open_frame
from heritage.imaging import pixel_limit

JPEG_QUALITY = 85
MASTER_SHARE = 0.5  # a full-resolution region at least this share of the image is read from the master
_RESAMPLE = Image.Resampling.LANCZOS
_CLOCKWISE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}


@dataclass(frozen=True)
class Pyramid:
    """A page's static level-0 service, as its info.json describes it."""

    directory: Path
    width: int
    height: int
    tile_size: int
    factors: list[int]
    sizes: list[dict[str, int]]

    @classmethod
    def read(cls, directory: Path) -> Pyramid:
        try:
            info = json.loads((directory / "info.json").read_text())
        except FileNotFoundError:
            raise NotFoundError(f"no published image {directory.name!r}") from None
        tiles = info["tiles"][0]
        return cls(directory, info["width"], info["height"], tiles["width"], tiles["scaleFactors"], info["sizes"])


@dataclass(frozen=True)
class Master:
    path: Path
    frame: int
    max_pixels: int
    rotation: int = 0  # the archivist's clockwise turn (Page.rotation), after EXIF


def info_document(service_id: str, pyramid: Pyramid, limits: Limits) -> dict[str, object]:
    """The level-2 info.json: the static tile grid (so viewers ask for what the pyramid holds)."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level2",
        "width": pyramid.width,
        "height": pyramid.height,
        "maxWidth": limits.max_width,
        "maxHeight": limits.max_height,
        "maxArea": limits.max_area,
        "sizes": pyramid.sizes,
        "tiles": [{"width": pyramid.tile_size, "scaleFactors": pyramid.factors}],
        "extraQualities": [q for q in QUALITIES if q != "default"],
        "extraFormats": [f for f in FORMATS if f not in ("jpg", "png")],
        "extraFeatures": ["mirroring", "sizeUpscaling"],
    }


def render(plan: Plan, pyramid: Pyramid, master: Callable[[], Master], jpeg_quality: int = JPEG_QUALITY) -> bytes:
    """The encoded image `plan` asks for; `master` is only called when the master is the source."""
    scale = pyramid_scale(plan, pyramid.factors)
    if scale == 1 and _share(plan.region, pyramid) >= MASTER_SHARE:
        pixels, box = master_region(master(), plan.region), None
    else:
        pixels, box = pyramid_region(pyramid, plan.region, scale)
    if box is not None or pixels.size != plan.size:
        pixels = pixels.resize(plan.size, _RESAMPLE, box=box, reducing_gap=3.0)
    return encode(finish(pixels, plan), plan.format, jpeg_quality)


def pyramid_scale(plan: Plan, factors: list[int]) -> int:
    """The coarsest level whose pixels still cover the output (1 when upscaling)."""
    left, upper, right, lower = plan.region
    fit = min((right - left) / plan.size[0], (lower - upper) / plan.size[1])
    return max((f for f in factors if f <= fit), default=1)


def _share(region: Box, pyramid: Pyramid) -> float:
    left, upper, right, lower = region
    return (right - left) * (lower - upper) / (pyramid.width * pyramid.height)


def pyramid_region(pyramid: Pyramid, region: Box, scale: int) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """The tiles of one level that cover `region`, pasted together, and where `region` lies in them."""
    level_w, level_h = level_size(pyramid.width, pyramid.height, scale)
    exact = (region[0] / scale, region[1] / scale, min(region[2] / scale, level_w), min(region[3] / scale, level_h))
    outer = (math.floor(exact[0]), math.floor(exact[1]), math.ceil(exact[2]), math.ceil(exact[3]))
    canvas: Image.Image | None = None
    for tile in level_tiles(pyramid.width, pyramid.height, pyramid.tile_size, scale):
        left, upper, right, lower = tile.box
        if right <= outer[0] or left >= outer[2] or lower <= outer[1] or upper >= outer[3]:
            continue
        with Image.open(pyramid.directory / tile.paths[0]) as piece:
            piece.load()
            if canvas is None:
                canvas = Image.new(piece.mode, (outer[2] - outer[0], outer[3] - outer[1]), "white")
            canvas.paste(piece, (left - outer[0], upper - outer[1]))
    if canvas is None:
        raise NotFoundError("the static tiles do not cover this region")
    box = (exact[0] - outer[0], exact[1] - outer[1], exact[2] - outer[0], exact[3] - outer[1])
    return canvas, box


def master_region(master: Master, region: Box) -> Image.Image:
    """`region` of the upright master in display colours, decoded as the tiler decodes it."""
    opened, orientation = open_frame(master.path, master.frame, master.max_pixels, master.rotation)
    with opened, pixel_limit(master.max_pixels):
        pixels = display_pixels(opened.crop(source_box(region, opened.size, orientation)))
    return pixels if orientation == 1 else pixels.transpose(TRANSPOSE[orientation])


def finish(image: Image.Image, plan: Plan) -> Image.Image:
    """Mirror, then rotate clockwise, then apply the quality, in the spec's order."""
    if plan.mirror:
        image = ImageOps.mirror(image)
    if plan.rotation:
        image = image.transpose(_CLOCKWISE[plan.rotation])
    if plan.quality == "color":
        return image.convert("RGB")
    if plan.quality == "gray":
        return image.convert("L")
    if plan.quality == "bitonal":
        return image.convert("L").point(lambda v: 255 if v >= 128 else 0, mode="1")
    return image


def encode(image: Image.Image, fmt: str, jpeg_quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpg":
        (image.convert("L") if image.mode == "1" else image).save(buffer, "JPEG", quality=jpeg_quality)
    elif fmt == "png":
        image.save(buffer, "PNG", compress_level=6)
    else:
        image.save(buffer, "WEBP", quality=80)
    return buffer.getvalue()
