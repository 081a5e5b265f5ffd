"""The tile geometry against the spec's own formulas and against what OpenSeadragon asks for."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from PIL import Image, ImageChops, ImageOps

from heritage.iiif.tile_geometry import (
    IMAGE_CONTEXT,
    THUMBNAIL_MIN_SIDE,
    directories,
    full_sizes,
    image_path,
    info_document,
    level_size,
    level_tiles,
    pyramid,
    region_param,
    scale_factors,
    size_param,
    source_box,
    upright_size,
)

TILE = 512
# Edges around every power of two a tile grid can trip on, plus real scan sizes.
EDGES = sorted(
    {
        1,
        2,
        3,
        255,
        256,
        257,
        511,
        512,
        513,
        1000,
        1023,
        1024,
        1025,
        1536,
        2047,
        2048,
        2049,
        2400,
        2592,
        3508,
        3600,
        4095,
        4096,
        4097,
        7000,
        15000,
        20000,
    }
)
SIZES = list(itertools.product(EDGES, EDGES))


def spec_tile(width: int, height: int, tw: int, s: int, n: int, m: int) -> tuple[int, int, int, int, int, int]:
    """Image API 3.0 implementation notes, section 3, transcribed with integer division."""
    xr, yr = n * tw * s, m * tw * s
    wr, hr = tw * s, tw * s
    if xr + wr > width:
        wr = width - xr
    if yr + hr > height:
        hr = height - yr
    ws = hs = tw
    if xr + tw * s > width:
        ws = (width - xr + s - 1) // s
    if yr + tw * s > height:
        hs = (height - yr + s - 1) // s
    return xr, yr, wr, hr, ws, hs


def openseadragon_urls(width: int, height: int, tile: int, factors: list[int]) -> set[str]:
    """Every tile path OpenSeadragon 6 (Mirador, Universal Viewer) requests from a v3 level-0 info.json."""
    max_level = round(math.log2(max(factors)))
    urls = set()
    for level in range(max_level + 1):
        scale = 0.5 ** (max_level - level)
        level_width, level_height = math.ceil(width * scale), math.ceil(height * scale)
        tile_w = tile_h = round(tile / scale)
        for y in range(math.ceil(level_height / tile)):
            for x in range(math.ceil(level_width / tile)):
                if level_width < tile and level_height < tile:
                    size = "max" if (level_width, level_height) == (width, height) else f"{level_width},{level_height}"
                    region = "full"
                else:
                    rx, ry = x * tile_w, y * tile_h
                    rw, rh = min(tile_w, width - rx), min(tile_h, height - ry)
                    region = "full" if (x, y, rw, rh) == (0, 0, width, height) else f"{rx},{ry},{rw},{rh}"
                    sw, sh = min(tile, level_width - x * tile), min(tile, level_height - y * tile)
                    size = "max" if (sw, sh) == (width, height) else f"{sw},{sh}"
                urls.add(f"{region}/{size}/0/default.jpg")
    return urls


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_scale_factors_go_one_level_past_the_first_that_fits_one_tile_for_a_thumbnail(width: int, height: int) -> None:
    factors = scale_factors(width, height, TILE)
    assert factors == [2**i for i in range(len(factors))]
    fits = [f for f in factors if max(level_size(width, height, f)) <= TILE]
    assert fits and fits == factors[-len(fits) :]
    assert len(fits) <= 2
    if len(fits) == 2:
        assert max(level_size(width, height, factors[-1])) >= THUMBNAIL_MIN_SIDE
    else:
        assert max(level_size(width, height, factors[-1] * 2)) < THUMBNAIL_MIN_SIDE


def test_level_size_rounds_up() -> None:
    assert level_size(1000, 999, 1) == (1000, 999)
    assert level_size(1000, 999, 2) == (500, 500)
    assert level_size(1001, 3, 4) == (251, 1)
    assert level_size(1, 1, 64) == (1, 1)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_tiles_match_the_spec_formula_and_cover_each_level_once(width: int, height: int) -> None:
    for scale in scale_factors(width, height, TILE):
        level_width, level_height = level_size(width, height, scale)
        tiles = level_tiles(width, height, TILE, scale)
        columns, rows = math.ceil(level_width / TILE), math.ceil(level_height / TILE)
        assert len(tiles) == columns * rows
        assert sum((r - x) * (b - y) for x, y, r, b in (t.box for t in tiles)) == level_width * level_height
        for tile, (m, n) in zip(tiles, itertools.product(range(rows), range(columns)), strict=True):
            xr, yr, wr, hr, ws, hs = spec_tile(width, height, TILE, scale, n, m)
            assert tile.box == (n * TILE, m * TILE, n * TILE + ws, m * TILE + hs)
            region = "full" if (xr, yr, wr, hr) == (0, 0, width, height) else f"{xr},{yr},{wr},{hr}"
            size = "max" if (ws, hs) == (width, height) else f"{ws},{hs}"
            assert tile.paths == (f"{region}/{size}/0/default.jpg",)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_url_openseadragon_requests_is_written(width: int, height: int) -> None:
    levels = pyramid(width, height, TILE, 1024)
    written = {path for level in levels for tile in level.tiles for path in tile.paths}
    assert openseadragon_urls(width, height, TILE, scale_factors(width, height, TILE)) <= written


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_sizes_are_levels_smallest_first_within_the_limit(width: int, height: int) -> None:
    factors = scale_factors(width, height, TILE)
    sizes = full_sizes(width, height, factors, 1024)
    levels = [level_size(width, height, s) for s in reversed(factors)]
    assert sizes[0] == levels[0]  # the coarsest level: a small picture always exists
    assert sizes == sorted(sizes)
    assert set(sizes) <= set(levels)
    assert [size for size in levels if max(size) <= 1024] == [s for s in sizes if max(s) <= 1024]


def test_sizes_of_real_scans() -> None:
    assert full_sizes(2400, 3600, scale_factors(2400, 3600, TILE), 1024) == [(150, 225), (300, 450), (600, 900)]
    assert full_sizes(1000, 1000, [1, 2, 4], 1024) == [(250, 250), (500, 500), (1000, 1000)]
    assert full_sizes(300, 200, [1, 2], 1024) == [(150, 100), (300, 200)]
    assert full_sizes(20000, 15000, scale_factors(20000, 15000, TILE), 2048) == [
        (157, 118),
        (313, 235),
        (625, 469),
        (1250, 938),
    ]


def test_no_thumbnail_level_is_made_below_a_useful_size() -> None:
    assert scale_factors(200, 100, TILE) == [1]
    assert scale_factors(2400, 3600, TILE) == [1, 2, 4, 8, 16]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pyramid_paths_are_unique_and_sizes_are_served(width: int, height: int) -> None:
    levels = pyramid(width, height, TILE, 1024)
    sizes = full_sizes(width, height, scale_factors(width, height, TILE), 1024)
    where = {}
    for index, level in enumerate(levels):
        assert level.size == level_size(width, height, level.scale)
        assert len({tile.box for tile in level.tiles}) == len(level.tiles)
        for tile in level.tiles:
            for path in tile.paths:
                assert path not in where, path
                where[path] = (index, tile.box)
    assert where[image_path("full", "max")] == where[image_path("full", f"{sizes[-1][0]},{sizes[-1][1]}")]
    for w, h in sizes:
        index, box = where[image_path("full", f"{w},{h}")]
        assert levels[index].size == (w, h) and box == (0, 0, w, h)


@pytest.mark.parametrize(("width", "height"), [(1000, 1000), (2400, 3600), (1, 1025), (300, 200)])
def test_directories_hold_every_file_each_made_once_after_its_parent(width: int, height: int) -> None:
    levels = pyramid(width, height, TILE, 1024)
    made = directories(levels)
    assert len(made) == len(set(made))
    for index, directory in enumerate(made):
        parent = directory.rpartition("/")[0]
        assert not parent or made.index(parent) < index, directory
    files = {path for level in levels for tile in level.tiles for path in tile.paths}
    assert {path.rpartition("/")[0] for path in files} <= set(made)
    assert set(made) == {"/".join(path.split("/")[:depth]) for path in files for depth in (1, 2, 3)}


def test_an_edge_sliver_repeating_a_coarser_url_is_written_once() -> None:
    levels = pyramid(1, 1025, TILE, 1024)
    assert "0,1024,1,1/1,1/0/default.jpg" in levels[0].tiles[-1].paths
    assert all("0,1024,1,1/1,1/0/default.jpg" not in tile.paths for tile in levels[1].tiles)


def test_small_image_is_one_tile_served_as_max() -> None:
    level, thumbnail = pyramid(300, 200, TILE, 1024)
    (tile,) = level.tiles
    assert [t.paths for t in thumbnail.tiles] == [("full/150,100/0/default.jpg",)]  # region full, 150 wide
    assert tile.box == (0, 0, 300, 200)
    assert set(tile.paths) == {"full/max/0/default.jpg", "full/300,200/0/default.jpg"}


def test_validation_image_layout_matches_libvips_iiif3() -> None:
    paths = {path for level in pyramid(1000, 1000, TILE, 1024) for tile in level.tiles for path in tile.paths}
    assert paths == {
        "0,0,512,512/512,512/0/default.jpg",
        "512,0,488,512/488,512/0/default.jpg",
        "0,512,512,488/512,488/0/default.jpg",
        "512,512,488,488/488,488/0/default.jpg",
        "full/250,250/0/default.jpg",
        "full/500,500/0/default.jpg",
        "full/1000,1000/0/default.jpg",
        "full/max/0/default.jpg",
    }


def test_region_and_size_params() -> None:
    assert region_param((0, 0, 10, 20), 10, 20) == "full"
    assert region_param((0, 0, 10, 19), 10, 20) == "0,0,10,19"
    assert region_param((512, 1024, 1000, 1500), 1000, 1500) == "512,1024,488,476"
    assert size_param((10, 20), 10, 20) == "max"
    assert size_param((5, 10), 10, 20) == "5,10"


def test_info_document_declares_the_limit_only_when_max_is_smaller() -> None:
    info = info_document("http://x/iiif/image/p1", 2400, 3600, TILE, [1, 2, 4, 8], [(300, 450), (600, 900)])
    assert list(info)[0] == "@context"
    assert info == {
        "@context": IMAGE_CONTEXT,
        "id": "http://x/iiif/image/p1",
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": 2400,
        "height": 3600,
        "maxWidth": 600,
        "maxHeight": 900,
        "sizes": [{"width": 300, "height": 450}, {"width": 600, "height": 900}],
        "tiles": [{"width": TILE, "scaleFactors": [1, 2, 4, 8]}],
    }
    small = info_document("http://x/i", 1000, 1000, TILE, [1, 2], [(500, 500), (1000, 1000)])
    assert "maxWidth" not in small and "maxHeight" not in small


def test_max_limit_is_the_implementation_notes_max_size() -> None:
    """A client computing `max` from maxWidth/maxHeight (implementation notes, section 4) gets sizes[-1]."""
    for width, height in SIZES:
        factors = scale_factors(width, height, TILE)
        max_width, max_height = full_sizes(width, height, factors, 1024)[-1]
        w, h = width, height
        if max_width < w:
            w, h = max_width, int(height * max_width / width + 0.5)
        if max_height < h:
            w, h = int(width * max_height / height + 0.5), max_height
        assert abs(w - max_width) <= 1 and abs(h - max_height) <= 1, (width, height)


def shown(image: Image.Image, orientation: int) -> Image.Image:
    """The image as a viewer shows it, by Pillow's own reading of the EXIF orientation."""
    tagged = image.copy()
    tagged.getexif()[0x0112] = orientation
    return ImageOps.exif_transpose(tagged)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_source_box_shows_the_same_pixels_as_the_upright_image(orientation: int) -> None:
    rng = random.Random(orientation)
    stored = Image.frombytes("L", (13, 7), bytes(rng.randrange(256) for _ in range(13 * 7)))
    upright = shown(stored, orientation)
    assert upright.size == upright_size(13, 7, orientation)
    for left, right in itertools.combinations(range(upright.width + 1), 2):
        for upper, lower in itertools.combinations(range(upright.height + 1), 2):
            box = (left, upper, right, lower)
            piece = stored.crop(source_box(box, stored.size, orientation))
            piece = shown(piece, orientation)
            assert ImageChops.difference(piece, upright.crop(box)).getbbox() is None, (orientation, box)
