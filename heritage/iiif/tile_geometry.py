"""Where every file of a level-0 IIIF Image API 3 service goes, and which pixels it holds.

A level-0 service answers only the URLs written in advance, so the writer and the clients
(OpenSeadragon inside Mirador and Universal Viewer, the IIIF validator) must compute the same
strings. Tiles follow the Image API 3.0 implementation notes (edge tiles rounded up); paths use
the canonical forms of §4.8 as OpenSeadragon and libvips `dzsave(layout="iiif3")` spell them:
region `full` or `x,y,w,h`, size `max` for the whole image at full size, otherwise `w,h`.

Pure functions, no pixels and no I/O, so every edge case can be tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass

IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"

Box = tuple[int, int, int, int]  # (left, upper, right, lower), as Pillow crops
Size = tuple[int, int]  # (width, height)

_SWAPS_AXES = frozenset({5, 6, 7, 8})  # EXIF orientations whose upright image is transposed
THUMBNAIL_MIN_SIDE = 128
"""The long side of the smallest level below the one-tile level worth offering (`scale_factors`)."""


@dataclass(frozen=True)
class Tile:
    """One image to encode: a box of its level's upright image, and every path that serves it."""

    box: Box
    paths: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    """The full image reduced by `scale`, and the files cut from it."""

    scale: int
    size: Size
    tiles: tuple[Tile, ...]


def level_size(width: int, height: int, scale: int) -> Size:
    """The full image reduced by `scale`, rounding up as the spec's tile formulas do."""
    return -(-width // scale), -(-height // scale)


def scale_factors(width: int, height: int, tile_size: int) -> list[int]:
    """Powers of two from 1 up to the first one at which the whole image fits in one tile, then
    one more while that still leaves a useful picture: a thumbnail.

    Lists and search results show many pages at once, often over a slow line, and a quarter of
    a tile across weighs a quarter of the one-tile image. It is a level, not only a size:
    OpenSeadragon (in Mirador too) takes `sizes` for the pyramid's levels when their count
    matches, so every size offered must be one.
    """
    factors = [1]
    while max(level_size(width, height, factors[-1])) > tile_size:
        factors.append(factors[-1] * 2)
    if max(level_size(width, height, factors[-1] * 2)) >= THUMBNAIL_MIN_SIDE:
        factors.append(factors[-1] * 2)
    return factors


def full_sizes(width: int, height: int, factors: list[int], max_side: int) -> list[Size]:
    """The static full-image sizes offered, smallest first; the last one is what `max` serves.

    One per scale factor (viewers take them as pyramid levels), up to `max_side` pixels on the long
    side so that `full/max` never means re-encoding the whole master; the coarsest level is always
    offered, so a `max` exists whatever the limit.
    """
    levels = [level_size(width, height, scale) for scale in reversed(factors)]
    return levels[:1] + [size for size in levels[1:] if max(size) <= max_side]


def image_path(region: str, size: str) -> str:
    return f"{region}/{size}/0/default.jpg"


def region_param(box: Box, width: int, height: int) -> str:
    """`full` when the box is the whole image, else `x,y,w,h` (full-resolution pixels)."""
    left, upper, right, lower = box
    return "full" if box == (0, 0, width, height) else f"{left},{upper},{right - left},{lower - upper}"


def size_param(size: Size, width: int, height: int) -> str:
    """`max` for the whole image at full size (as OpenSeadragon asks for it), else `w,h`."""
    return "max" if size == (width, height) else f"{size[0]},{size[1]}"


def level_tiles(width: int, height: int, tile_size: int, scale: int) -> list[Tile]:
    """The tile grid at one scale factor, row by row; right and bottom tiles are cut short."""
    level_width, level_height = level_size(width, height, scale)
    span = tile_size * scale  # full-resolution pixels covered by one tile
    tiles = []
    for top in range(0, level_height, tile_size):
        for left in range(0, level_width, tile_size):
            box = (left, top, min(left + tile_size, level_width), min(top + tile_size, level_height))
            region = (left * scale, top * scale, min(left * scale + span, width), min(top * scale + span, height))
            size = (box[2] - left, box[3] - top)
            tiles.append(Tile(box, (image_path(region_param(region, width, height), size_param(size, width, height)),)))
    return tiles


def pyramid(width: int, height: int, tile_size: int, max_side: int) -> list[Level]:
    """Every level, largest first, with each distinct image to encode and all of its paths.

    The one-tile level's tile and its `sizes` entry are one file; `full/max` holds the same image
    as the largest size. A one-pixel sliver at the right or bottom edge can have the same URL
    (same region, same size, so the same pixels) at two levels: it is written once, from the finer.
    """
    factors = scale_factors(width, height, tile_size)
    sizes = full_sizes(width, height, factors, max_side)
    written: set[str] = set()
    levels = []
    for scale in factors:
        size = level_size(width, height, scale)
        files = [(tile.box, path) for tile in level_tiles(width, height, tile_size, scale) for path in tile.paths]
        if size in sizes:
            whole = (0, 0, *size)
            files.append((whole, image_path("full", f"{size[0]},{size[1]}")))
            if size == sizes[-1]:
                files.append((whole, image_path("full", "max")))
        paths: dict[Box, list[str]] = {}
        for box, path in files:
            if path not in written:
                written.add(path)
                paths.setdefault(box, []).append(path)
        levels.append(Level(scale, size, tuple(Tile(box, tuple(p)) for box, p in paths.items())))
    return levels


def directories(levels: list[Level]) -> list[str]:
    """Every directory the pyramid's files go in, each once and after its parent.

    Lets the writer make them with one `mkdir` each instead of an `os.makedirs` (a `stat` of every
    parent) per file: three directories per tile are most of a static service's filesystem calls.
    """
    found: dict[str, None] = {}  # insertion-ordered: a parent is met before its children
    for level in levels:
        for tile in level.tiles:
            for path in tile.paths:
                parts = path.split("/")[:-1]
                for depth in range(1, len(parts) + 1):
                    found.setdefault("/".join(parts[:depth]))
    return list(found)


def info_document(
    service_id: str, width: int, height: int, tile_size: int, factors: list[int], sizes: list[Size]
) -> dict[str, object]:
    """The service's info.json; maxWidth/maxHeight say when `max` is smaller than the full image."""
    info: dict[str, object] = {
        "@context": IMAGE_CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
    }
    if sizes[-1] != (width, height):
        info["maxWidth"], info["maxHeight"] = sizes[-1]
    info["sizes"] = [{"width": w, "height": h} for w, h in sizes]
    info["tiles"] = [{"width": tile_size, "scaleFactors": factors}]
    return info


def upright_size(width: int, height: int, orientation: int) -> Size:
    """The displayed size of a stored image whose EXIF orientation is `orientation` (1-8)."""
    return (height, width) if orientation in _SWAPS_AXES else (width, height)


def source_box(box: Box, stored: Size, orientation: int) -> Box:
    """The box of the stored (not yet rotated) image that shows `box` of the upright image.

    Lets the writer rotate tile by tile instead of copying the whole master upright first.
    """
    left, upper, right, lower = box
    width, height = stored
    return {
        1: (left, upper, right, lower),
        2: (width - right, upper, width - left, lower),  # mirrored
        3: (width - right, height - lower, width - left, height - upper),  # rotated 180
        4: (left, height - lower, right, height - upper),  # flipped
        5: (upper, left, lower, right),  # transposed
        6: (upper, height - right, lower, height - left),  # stored rotated 90 anticlockwise
        7: (width - lower, height - right, width - upper, height - left),  # transversed
        8: (width - lower, left, width - upper, right),  # stored rotated 90 clockwise
    }[orientation]
