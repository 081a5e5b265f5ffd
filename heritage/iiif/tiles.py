"""Write a page's level-0 IIIF Image API 3 service as static files: info.json, tiles, full sizes.

Every page of every upload goes through here, so the work is kept close to its floor (decoding the
master once, encoding each tile once): each level is made from the one above by `Image.reduce(2)`
(the 2x2 box filter libvips uses too) rather than resized from full resolution; an image served at
several paths is encoded once; an EXIF-rotated master is rotated tile by tile, so no upright copy
of the whole master is ever held in memory (its reduced levels are averaged from the stored image's
corner, a shift of under one pixel of that level when a flipped side is odd). With threads, a JPEG
master is decoded a second time at half scale, in parallel with the full decode: more CPU for a
page, less wall time (see `_write_overlapped`).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

from heritage.iiif.tile_geometry import (
    Level,
    Size,
    Tile,
    directories,
    full_sizes,
    info_document,
    pyramid,
    scale_factors,
    source_box,
    upright_size,
)
from heritage.imaging import pixel_limit

JPEG_QUALITY = 85
MAX_SIDE = 1024  # long side of the largest full image offered (`full/max`); tiles give full resolution
_EXIF_ORIENTATION = 0x0112
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_FLIP_AND_TURN = {1: (False, 0), 6: (False, 90), 3: (False, 180), 8: (False, 270)}
_FLIP_AND_TURN |= {2: (True, 0), 7: (True, 90), 4: (True, 180), 5: (True, 270)}
"""Each EXIF orientation as a left-right flip, then a clockwise turn: turning it further is an addition."""
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
    rotation: int = 0,
) -> TileSet:
    """Fill the empty `out_dir` with the service for `frame` of `master`, shown upright in sRGB.

    `max_side` caps the largest full image (`full/max`, declared as maxWidth/maxHeight) so that it
    is one of the pyramid's levels, not a second full-resolution encode of a large master.
    `threads` > 1 decodes and encodes in parallel (Pillow releases the GIL for both): a JPEG master
    is decoded twice at once, at full and at half scale (see `_write_overlapped`), other masters
    are reduced level by level while the pool encodes the level above. The default, one thread,
    is the least CPU per page (about a fifth less for a JPEG), for workers that keep every core busy.
    `rotation` turns the upright image further clockwise (an archivist's correction, `Page.rotation`).
    """
    opened, orientation = open_frame(master, frame, max_pixels, rotation)
    with opened:
        width, height = upright_size(*opened.size, orientation)
        levels = pyramid(width, height, tile_size, max_side)
        save = functools.partial(_save, out_dir=out_dir, orientation=orientation)
        if threads > 1 and len(levels) > 1 and opened.format == "JPEG":
            _write_overlapped(opened, master, max_pixels, orientation, levels, save, threads, out_dir)
        else:
            _make_directories(out_dir, levels)
            with pixel_limit(max_pixels):  # some plugins (GIF) check the size again as they decode
                image = _decoded(opened)
            if threads == 1:
                _write_serially(image, levels, save)
            else:
                _write_pipelined(image, levels, save, threads)
    factors = scale_factors(width, height, tile_size)
    sizes = full_sizes(width, height, factors, max_side)
    info = info_document(service_id, width, height, tile_size, factors, sizes)
    (out_dir / "info.json").write_text(json.dumps(info, indent=2))
    return TileSet(width, height, sizes)


def turned(orientation: int, rotation: int) -> int:
    """The EXIF orientation that shows what `orientation` shows, turned `rotation` degrees clockwise."""
    flip, turn = _FLIP_AND_TURN[orientation]
    return next(o for o, ft in _FLIP_AND_TURN.items() if ft == (flip, (turn + rotation) % 360))


def open_frame(master: Path, frame: int, max_pixels: int, rotation: int = 0) -> tuple[Image.Image, int]:
    """The frame, opened but not decoded, and its EXIF orientation (applied later, tile by tile),
    combined with a further clockwise `rotation`."""
    with pixel_limit(max_pixels):
        opened = Image.open(master)
        try:
            opened.seek(frame)
            orientation = opened.getexif().get(_EXIF_ORIENTATION, 1)
        except BaseException:
            opened.close()
            raise
    return opened, turned(orientation if orientation in TRANSPOSE else 1, rotation)


def _write_serially(image: Image.Image, levels: list[Level], save: Callable[[Image.Image, Tile], None]) -> None:
    """One thread, one decode: the least CPU per page."""
    for level in levels:
        image = image.reduce(2) if level.scale > 1 else image
        for tile in level.tiles:
            save(image, tile)


def _write_pipelined(
    image: Image.Image, levels: list[Level], save: Callable[[Image.Image, Tile], None], threads: int
) -> None:
    """Reduce each level while the pool still encodes the one above."""
    with ThreadPoolExecutor(threads) as pool:
        previous: list[Future[None]] = []
        for level in levels:
            image = image.reduce(2) if level.scale > 1 else image
            current = [pool.submit(save, image, tile) for tile in level.tiles]
            for done in previous:
                done.result()
            previous = current
        for done in previous:
            done.result()


def _write_overlapped(
    full: Image.Image,
    master: Path,
    max_pixels: int,
    orientation: int,
    levels: list[Level],
    save: Callable[[Image.Image, Tile], None],
    threads: int,
    out_dir: Path,
) -> None:
    """Decode the JPEG at full and at half scale at once; encode the coarse levels meanwhile.

    The full decode is the longest single step and only the scale-1 tiles need it: by the time it
    ends, the half-scale decode, the levels reduced from it and most of their tiles are done, and
    the threads then share the scale-1 tiles. The coarse levels are libjpeg's DCT downscale instead
    of a 2x2 box average of the full image: they differ by about a grey level.
    """
    half = _half_scale(master, max_pixels, levels[1].size, orientation)
    with ThreadPoolExecutor(threads) as pool, half or contextlib.nullcontext():
        decoded = pool.submit(_decoded, full)  # first: it ends last
        coarse = pool.submit(_decoded, half) if half else None
        _make_directories(out_dir, levels)  # here, while both decode
        image = coarse.result() if coarse else decoded.result().reduce(2)
        pending: list[Future[None]] = []
        for level in levels[1:]:
            image = image.reduce(2) if level.scale > 2 else image
            pending += [pool.submit(save, image, tile) for tile in level.tiles]
        pending += [pool.submit(save, decoded.result(), tile) for tile in levels[0].tiles]
        for done in pending:
            done.result()


def _half_scale(master: Path, max_pixels: int, size: Size, orientation: int) -> Image.Image | None:
    """The JPEG master opened again, for libjpeg to decode at half scale, if that is `size` upright.

    A DCT-domain 1/2 decode costs little more than half of a full one, and libjpeg rounds its size up as the
    pyramid does; only an image with a side of one pixel cannot be halved.
    """
    opened, _ = open_frame(master, 0, max_pixels)
    width, height = opened.size
    if opened.draft(opened.mode, (max(1, width // 2), max(1, height // 2))):
        if upright_size(*opened.size, orientation) == size:
            return opened
    opened.close()
    return None


def _make_directories(out_dir: Path, levels: list[Level]) -> None:
    for directory in directories(levels):
        os.mkdir(out_dir / directory)


def _decoded(opened: Image.Image) -> Image.Image:
    """`display_pixels`, freeing the decoded original at once when a conversion made a new image."""
    image = display_pixels(opened)
    if image is not opened:
        opened.close()
    return image


def display_pixels(image: Image.Image) -> Image.Image:
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
    """Encode once, straight into the first file (no bytes copy, GIL released), copy to the others.

    The directories exist already (`_make_directories`).
    """
    if orientation == 1:
        pixels = image if tile.box == (0, 0, *image.size) else image.crop(tile.box)
    else:
        pixels = image.crop(source_box(tile.box, image.size, orientation)).transpose(TRANSPOSE[orientation])
    first, *others = (out_dir / path for path in tile.paths)
    pixels.save(first, "JPEG", quality=JPEG_QUALITY)
    for other in others:
        shutil.copyfile(first, other)
