"""Write a page's level-0 IIIF Image API 3 service as static files: info.json, tiles, full sizes.

Every page of every upload goes through here, so the work is kept close to its floor (decoding the
master once, encoding each tile once): each level is made from the one above by `Image.reduce(2)`
(the 2x2 box filter libvips uses too) rather than resized from full resolution; each tile is encoded
from its level in place, not from a cropped copy (`_encode`); an image served at several paths is
encoded once; a bilevel master is not converted to grey whole (`_grey`); an EXIF-rotated master is
rotated tile by tile, so no upright copy of the whole master is ever held in memory (its reduced
levels are averaged from the stored image's corner, a shift of under one pixel of that level when a
flipped side is odd). With threads, the pool encodes a level while the caller reduces the next.
"""

from __future__ import annotations

import functools
import io
import json
import os
import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, JpegImagePlugin

from heritage.iiif.tile_geometry import (
    Box,
    Level,
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
    `threads` > 1 encodes each level in a pool of that many threads while this one reduces the next (Pillow
    releases the GIL for both); the files are the same bytes whatever the count. The decode itself
    is one call and stays on one thread. Two threads take about three quarters of one thread's wall
    time on an idle machine, for a few percent more CPU on scans of 9 to 35 megapixels (bench/
    tiling.py); workers use them only while a core is idle (`pipeline.tile_threads`).
    `rotation` turns the upright image further clockwise (an archivist's correction, `Page.rotation`).
    """
    opened, orientation = open_frame(master, frame, max_pixels, rotation)
    with opened:
        width, height = upright_size(*opened.size, orientation)
        levels = pyramid(width, height, tile_size, max_side)
        root = f"{out_dir}{os.sep}"  # names as strings: a Path join took 17 us here, 4 ms a page
        save = functools.partial(_save, root=root, orientation=orientation)
        _make_directories(root, levels)
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
    """One thread, one decode: the least CPU per page. A bilevel master is encoded as it is (Pillow's
    JPEG encoder writes it as grey) and reduced through a grey view of it (`_grey`)."""
    for level in levels:
        image = _grey(image).reduce(2) if level.scale > 1 else image
        for tile in level.tiles:
            save(image, tile)


def _grey(image: Image.Image) -> Image.Image:
    """A decoded bilevel image as grey, for `reduce`, which refuses mode 1. Pillow's decoders store a
    1-bit pixel as a byte, 0 or 255, so an image in one memory block is viewed as L without a copy
    (a 9-megapixel page's conversion took a fifth of its tiling); a larger one is converted."""
    if image.mode != "1":
        return image
    try:
        return Image.fromarrow(image, "L", image.size)
    except ValueError:  # "in multiple array blocks": above Pillow's block size, 16 MB
        return image.convert("L")


def _write_pipelined(
    image: Image.Image, levels: list[Level], save: Callable[[Image.Image, Tile], None], threads: int
) -> None:
    """Reduce each level while the pool still encodes the one above."""
    with ThreadPoolExecutor(threads) as pool:
        previous: list[Future[None]] = []
        for level in levels:
            image = _grey(image).reduce(2) if level.scale > 1 else image
            current = [pool.submit(save, image, tile) for tile in level.tiles]
            for done in previous:
                done.result()
            previous = current
        for done in previous:
            done.result()


def _make_directories(root: str, levels: list[Level]) -> None:
    for directory in directories(levels):
        os.mkdir(root + directory)


def _decoded(opened: Image.Image) -> Image.Image:
    """`display_pixels`, except that a bilevel image stays as it is (see `_grey`); the decoded original is
    freed at once when a conversion made a new image."""
    opened.load()
    image = opened if opened.mode == "1" else display_pixels(opened)
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


def _save(image: Image.Image, tile: Tile, root: str, orientation: int) -> None:
    """Encode once, straight from the level's pixels into the first file, then copy to the others.

    The directories exist already (`_make_directories`).
    """
    if orientation == 1:
        pixels, box = image, tile.box
    else:
        pixels = image.crop(source_box(tile.box, image.size, orientation)).transpose(TRANSPOSE[orientation])
        box = (0, 0, *pixels.size)
    first, *others = (root + path for path in tile.paths)
    _encode(pixels, box, first)
    for other in others:
        shutil.copyfile(first, other)


def _encode(image: Image.Image, box: Box, path: str) -> None:
    """Write what `image.crop(box).save(path, quality=JPEG_QUALITY)` writes, without the crop.

    Pillow's encoder reads the box in place from the level, with the settings Pillow's own JPEG
    plugin chose once for the mode (`_jpeg_settings`), into a file opened with one `open` (no
    `exists` check, no buffered file object); the GIL is released while it encodes. Cutting a copy of
    every tile first (four bytes a pixel for RGB) was a third of the CPU of the writes for a colour
    scan, most of it first touches of fresh memory (CPU, best of 21, other work running: 0001.jpg
    79-88 ms of crop and save against 53-56 ms; the bilevel Voltaire page 39-47 against 30-39).
    A whole `write_tiles` in a fresh process, as bench/tiling.py runs it, takes 0.91-0.93 of the
    CPU it took with crops on the three sample scans, 0.97 on a 7000x5000 JPEG (medians of 9
    paired runs). A master's JPEG comment, which a crop carried into every tile, is no longer copied.
    """
    rawmode, settings = _jpeg_settings(image.mode)
    encoder = Image._getencoder(image.mode, "jpeg", rawmode, settings)
    try:
        encoder.setimage(image.im, box)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            status = encoder.encode_to_file(fd, max(ImageFile.MAXBLOCK, 4 * (box[2] - box[0])))
        finally:
            os.close(fd)
    finally:
        encoder.cleanup()
    if status < 0:
        raise OSError(f"JPEG encoder error {status} writing {path}")


@functools.cache
def _jpeg_settings(mode: str) -> tuple[str, tuple[object, ...]]:
    """The raw mode and encoder settings Pillow's JPEG plugin uses to save a `mode` image at our
    quality, taken from a one-pixel save: whatever a Pillow release adds to them, tiles get it
    (a test compares the bytes with `crop().save()`)."""
    probe = Image.new(mode, (1, 1))
    probe.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
    return JpegImagePlugin.RAWMODE[mode], probe.encoderconfig
