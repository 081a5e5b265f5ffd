"""Write a page's level-0 IIIF Image API 3 service as static files: info.json, tiles, full sizes.

Every page of every upload goes through here, one worker per core, so the work is kept close to
its floor (decoding the master once, encoding each tile once): each level is made from the one
above by `Image.reduce(2)` (the 2x2 box filter libvips uses too) rather than resized from full
resolution; an image served at several paths is encoded once; an EXIF-rotated master is rotated
tile by tile, so no upright copy of the whole master is ever held in memory (its reduced levels
are averaged from the stored image's corner, a shift of under one pixel of that level when a
flipped side is odd).
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

from heritage.iiif.tile_geometry import Tile, full_sizes, info_document, pyramid, source_box, upright_size
from heritage.imaging import pixel_limit

JPEG_QUALITY = 85
MAX_SIDE = 1024  # long side of the largest full image offered (`full/max`); tiles give full resolution
_EXIF_ORIENTATION = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class TileSet:
    width: int
    height: int
    sizes: list[tuple[int, int]]  # the static full-image sizes written (w, h), smallest first; includes the max size


def write_tiles(
    master: Path,
    out_dir: Path,
    service_id: str,
    tile_size: int = 512,
    *,
    frame: int = 0,
    max_pixels: int = 400_000_000,
    max_side: int = MAX_SIDE,
    threads: int = 1,
) -> TileSet:
    """Fill the empty `out_dir` with the service for `frame` of `master`, shown upright in sRGB.

    `max_side` caps the largest full image (`full/max`, declared as maxWidth/maxHeight) so that it
    is one of the pyramid's levels, not a second full-resolution encode of a large master.
    `threads` > 1 encodes tiles in parallel (Pillow releases the GIL while encoding to a file);
    the default suits workers that already run one per core.
    """
    image, orientation = _decode(master, frame, max_pixels)
    width, height = upright_size(*image.size, orientation)
    levels = pyramid(width, height, tile_size, max_side)
    save = functools.partial(_save, out_dir=out_dir, orientation=orientation)
    if threads == 1:
        for level in levels:
            image = image.reduce(2) if level.scale > 1 else image
            for tile in level.tiles:
                save(image, tile)
    else:
        with ThreadPoolExecutor(threads) as pool:
            previous: list[Future[None]] = []
            for level in levels:  # reduce this level while the pool still encodes the one above
                image = image.reduce(2) if level.scale > 1 else image
                current = [pool.submit(save, image, tile) for tile in level.tiles]
                for done in previous:
                    done.result()
                previous = current
            for done in previous:
                done.result()
    factors = [level.scale for level in levels]
    sizes = full_sizes(width, height, factors, max_side)
    info = info_document(service_id, width, height, tile_size, factors, sizes)
    (out_dir / "info.json").write_text(json.dumps(info, indent=2))
    return TileSet(width, height, sizes)


def _decode(master: Path, frame: int, max_pixels: int) -> tuple[Image.Image, int]:
    """The frame's pixels ready for JPEG, and its EXIF orientation (applied later, tile by tile).

    The decoded original is dropped on return when a conversion made a new image.
    """
    with pixel_limit(max_pixels), Image.open(master) as opened:
        opened.seek(frame)
        orientation = opened.getexif().get(_EXIF_ORIENTATION, 1)
        return _display_pixels(opened), orientation if orientation in _TRANSPOSE else 1


def _display_pixels(image: Image.Image) -> Image.Image:
    """8-bit sRGB (or grayscale L): what a JPEG tile holds and every browser shows the same way."""
    image.load()
    mode = image.mode
    if mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode in ("L", "P", "RGB") and "transparency" in image.info):
        return _flatten(image)
    if mode == "L":
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I"):  # 16-bit (or 32-bit integer) grayscale: scale, do not clip
        return image.convert("I").point(lambda v: v / 257 + 0.5).convert("L")
    if mode in ("RGB", "CMYK"):
        return _to_srgb(image)
    return image.convert("RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent areas become white paper, as they show on a page; JPEG has no alpha."""
    gray = image.mode in ("L", "LA", "La")
    with_alpha = image.convert("LA" if gray else "RGBA")
    flat = Image.new("L" if gray else "RGB", image.size, "white")
    flat.paste(with_alpha, (0, 0), with_alpha)
    return flat


def _to_srgb(image: Image.Image) -> Image.Image:
    """Honour an embedded ICC profile (Adobe RGB scans, CMYK files); without one, assume sRGB."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode == "CMYK":
                converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB")
                if converted is not None:
                    return converted
            elif "sRGB" not in ImageCms.getProfileDescription(profile):
                ImageCms.profileToProfile(image, profile, _SRGB, inPlace=True)  # no second copy of a large master
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile is ignored, as browsers ignore it
    return image if image.mode == "RGB" else image.convert("RGB")


def _save(image: Image.Image, tile: Tile, out_dir: Path, orientation: int) -> None:
    """Encode once, straight into the first file (no bytes copy, GIL released), copy to the others."""
    if orientation == 1:
        pixels = image if tile.box == (0, 0, *image.size) else image.crop(tile.box)
    else:
        pixels = image.crop(source_box(tile.box, image.size, orientation)).transpose(_TRANSPOSE[orientation])
    first, *others = (out_dir / path for path in tile.paths)
    os.makedirs(first.parent, exist_ok=True)
    pixels.save(first, "JPEG", quality=JPEG_QUALITY)
    for other in others:
        os.makedirs(other.parent, exist_ok=True)
        shutil.copyfile(first, other)
