"""The tile writer on real scans and on awkward masters made here, judged by Pillow and the IIIF validator."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import json
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from heritage.errors import TooLargeError
from heritage.iiif.tile_geometry import IMAGE_CONTEXT, pyramid
from heritage.iiif.tiles import JPEG_QUALITY, MAX_SIDE, TileSet, display_pixels, write_tiles

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "samples"
BARZAZ = SAMPLES / "barzaz-breiz-01" / "0001.jpg"
VOLTAIRE = SAMPLES / "real" / "voltaire-henriade-1728" / "bpt6k70173w_f10.tif"
NUBIS = SAMPLES / "real" / "nubis-1840" / "1msc_1840_1.jpg"
VALIDATION_IMAGE = SHARED / "iiif" / "validation-image.png"
VALIDATOR = Path(sys.executable).parent / "iiif-validate.py"
SERVICE = "http://127.0.0.1:8999/iiif/image/p1"


def tile(master: Path, out: Path, **kwargs: int) -> TileSet:
    out.mkdir()
    return write_tiles(master, out, SERVICE, **kwargs)


def written(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}


def expected_files(tiles: TileSet) -> dict[str, tuple[int, int]]:
    """Every path the geometry promises, with the pixel size of the image stored there."""
    return {
        path: (box[2] - box[0], box[3] - box[1])
        for level in pyramid(tiles.width, tiles.height, 512, MAX_SIDE)
        for box, paths in ((t.box, t.paths) for t in level.tiles)
        for path in paths
    }


def opened(path: Path) -> Image.Image:
    with Image.open(path) as image:
        image.load()
        return image


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def gray(image: Image.Image, xy: tuple[int, int]) -> int:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, int)
    return pixel


def near(pixel: tuple[int, ...], expected: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(a - b) < tolerance for a, b in zip(pixel, expected, strict=True))


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / len(a.getbands())


@pytest.fixture(scope="module")
def barzaz(tmp_path_factory: pytest.TempPathFactory) -> tuple[TileSet, Path]:
    out = tmp_path_factory.mktemp("barzaz") / "p1"
    return tile(BARZAZ, out, threads=1), out


def test_info_json_describes_the_static_service(barzaz: tuple[TileSet, Path]) -> None:
    tiles, out = barzaz
    info = json.loads((out / "info.json").read_text())
    assert list(info)[0] == "@context"
    assert info["@context"] == IMAGE_CONTEXT
    assert info["id"] == SERVICE
    assert (info["type"], info["protocol"], info["profile"]) == ("ImageService3", "http://iiif.io/api/image", "level0")
    assert (info["width"], info["height"]) == (2400, 3600) == (tiles.width, tiles.height)
    assert info["tiles"] == [{"width": 512, "scaleFactors": [1, 2, 4, 8, 16]}]
    assert info["sizes"] == [
        {"width": 150, "height": 225},
        {"width": 300, "height": 450},
        {"width": 600, "height": 900},
    ]
    assert tiles.sizes == [(150, 225), (300, 450), (600, 900)]
    assert (info["maxWidth"], info["maxHeight"]) == tiles.sizes[-1]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("master", [BARZAZ, VOLTAIRE, NUBIS], ids=lambda p: p.name)
def test_every_promised_file_exists_with_its_pixel_size(master: Path, threads: int, tmp_path: Path) -> None:
    tiles = tile(master, tmp_path / "p1", threads=threads)
    expected = expected_files(tiles)
    assert written(tmp_path / "p1") == set(expected) | {"info.json"}
    for path, size in expected.items():
        image = opened(tmp_path / "p1" / path)
        assert (image.format, image.size) == ("JPEG", size), path
        assert image.mode in ("RGB", "L")
    assert opened(tmp_path / "p1" / "full/max/0/default.jpg").size == tiles.sizes[-1]
    for w, h in tiles.sizes:
        assert opened(tmp_path / "p1" / f"full/{w},{h}/0/default.jpg").size == (w, h)


def test_tiles_show_the_master(barzaz: tuple[TileSet, Path]) -> None:
    _, out = barzaz
    master = opened(BARZAZ)
    corner = opened(out / "2048,3584,352,16/352,16/0/default.jpg")
    assert corner.mode == "RGB"
    assert mean_difference(corner, master.crop((2048, 3584, 2400, 3600))) < 4
    middle = opened(out / "1024,1024,1024,1024/512,512/0/default.jpg")
    assert mean_difference(middle, master.crop((1024, 1024, 2048, 2048)).reduce(2)) < 4


@pytest.mark.parametrize("master", [BARZAZ, VOLTAIRE, NUBIS], ids=lambda p: p.name)
def test_tiles_are_what_pillow_saves_from_a_crop(master: Path, tmp_path: Path) -> None:
    """The writer runs Pillow's JPEG encoder on a box of the level in place, with the settings Pillow
    chose for the mode: byte for byte what `crop().save()` writes, whatever the Pillow release."""
    tile(master, tmp_path / "p1")
    full = display_pixels(opened(master))
    for level, region, box in [
        (full, "512,1024,512,512", (512, 1024, 1024, 1536)),
        (full.reduce(2), "0,1024,1024,1024", (0, 512, 512, 1024)),
    ]:
        expected = io.BytesIO()
        level.crop(box).save(expected, "JPEG", quality=JPEG_QUALITY)
        assert (tmp_path / "p1" / region / "512,512/0/default.jpg").read_bytes() == expected.getvalue(), region


def test_the_master_is_left_untouched(tmp_path: Path) -> None:
    master = tmp_path / "master.jpg"
    master.write_bytes(BARZAZ.read_bytes())
    master.chmod(0o444)
    before = (hashlib.sha256(master.read_bytes()).hexdigest(), master.stat().st_mtime_ns)
    tile(master, tmp_path / "p1")
    assert (hashlib.sha256(master.read_bytes()).hexdigest(), master.stat().st_mtime_ns) == before


def test_bilevel_tiff_becomes_gray(tmp_path: Path) -> None:
    tiles = tile(VOLTAIRE, tmp_path / "p1")
    full = opened(tmp_path / "p1" / "0,0,512,512/512,512/0/default.jpg")
    assert full.mode == "L"
    assert (tiles.width, tiles.height) == (2592, 3508)
    reduced = opened(tmp_path / "p1" / "0,0,1024,1024/512,512/0/default.jpg")
    assert len(reduced.getcolors(256) or []) > 16  # the 2x2 average antialiases the black and white


@pytest.mark.parametrize("threads", [1, 2])
def test_cmyk_jpeg_becomes_rgb(threads: int, tmp_path: Path) -> None:
    master = tmp_path / "cmyk.jpg"
    image = Image.new("CMYK", (600, 400), (0, 255, 255, 0))  # red
    image.paste((255, 0, 0, 0), (0, 0, 300, 400))  # cyan
    image.save(master, "JPEG", quality=95)
    tile(master, tmp_path / "p1", threads=threads)
    left = opened(tmp_path / "p1" / "0,0,512,400/512,400/0/default.jpg")
    assert left.mode == "RGB"
    assert near(rgb(left, (100, 200)), (0, 255, 255), 12)
    assert near(rgb(left, (400, 200)), (255, 0, 0), 12)


def test_16_bit_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    master = tmp_path / "deep.png"
    image = Image.new("I;16", (256, 64))
    image.putdata([x * 257 for _ in range(64) for x in range(256)])  # 0 .. 65535 left to right
    image.save(master)
    assert opened(master).mode == "I;16"
    tile(master, tmp_path / "p1")
    out = opened(tmp_path / "p1" / "full/max/0/default.jpg")
    assert out.mode == "L"
    assert [round(gray(out, (x, 32)) / 8) for x in (8, 64, 128, 192, 247)] == [1, 8, 16, 24, 31]


def test_16_bit_rgb_png_keeps_its_colours(tmp_path: Path) -> None:
    import numpy as np

    master = tmp_path / "deep-rgb.png"
    pixels = np.zeros((40, 60, 3), dtype=">u2")
    pixels[..., 0], pixels[..., 2] = 0xFFFF, 0x8000  # 16-bit pink
    header = struct.pack(">IIBBBBB", 60, 40, 16, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + row.tobytes() for row in pixels)
    master.write_bytes(png(header, rows))
    tile(master, tmp_path / "p1")
    out = opened(tmp_path / "p1" / "full/max/0/default.jpg")
    assert out.mode == "RGB"
    assert near(rgb(out, (30, 20)), (255, 0, 128), 6)


def png(header: bytes, raw: bytes) -> bytes:
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_transparent_palette_png_is_flattened_on_white(tmp_path: Path) -> None:
    master = tmp_path / "palette.png"
    image = Image.new("P", (200, 100), 0)
    image.putpalette([0, 0, 0, 20, 60, 200])
    image.paste(1, (100, 0, 200, 100))
    image.save(master, transparency=0)
    tile(master, tmp_path / "p1")
    out = opened(tmp_path / "p1" / "full/max/0/default.jpg")
    assert out.mode == "RGB"
    assert near(rgb(out, (40, 50)), (255, 255, 255), 10)
    assert near(rgb(out, (160, 50)), (20, 60, 200), 10)


def test_gray_png_with_alpha_stays_gray_on_white(tmp_path: Path) -> None:
    master = tmp_path / "gray-alpha.png"
    image = Image.new("LA", (100, 50), (0, 0))
    image.paste((30, 255), (50, 0, 100, 50))
    image.save(master)
    tile(master, tmp_path / "p1")
    out = opened(tmp_path / "p1" / "full/max/0/default.jpg")
    assert out.mode == "L"
    assert gray(out, (20, 25)) > 245 and abs(gray(out, (80, 25)) - 30) < 6


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(orientation: int, threads: int, tmp_path: Path) -> None:
    """Stored 900x600 with four coloured quadrants; every tile must show the upright image."""
    stored = Image.new("RGB", (900, 600), (220, 40, 40))
    stored.paste((40, 200, 40), (450, 0, 900, 300))
    stored.paste((40, 40, 220), (0, 300, 450, 600))
    stored.paste((230, 230, 40), (450, 300, 900, 600))
    exif = Image.Exif()
    exif[0x0112] = orientation
    master = tmp_path / "rotated.jpg"
    stored.save(master, "JPEG", quality=95, exif=exif)
    upright = ImageOps.exif_transpose(opened(master))
    tiles = tile(master, tmp_path / "p1", threads=threads)
    assert (tiles.width, tiles.height) == upright.size
    for path, size in expected_files(tiles).items():
        image = opened(tmp_path / "p1" / path)
        assert image.size == size
        region = path.split("/")[0]
        x, y, w, h = (0, 0, *upright.size) if region == "full" else map(int, region.split(","))
        reference = upright.crop((x, y, x + w, y + h)).resize(size, Image.Resampling.BOX)
        assert mean_difference(image, reference) < 6, path


def test_embedded_icc_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    master = tmp_path / "swapped.png"
    Image.new("RGB", (64, 64), (255, 0, 0)).save(master, icc_profile=swapped_primaries_profile())
    tile(master, tmp_path / "p1")
    red, green, blue = rgb(opened(tmp_path / "p1" / "full/max/0/default.jpg"), (32, 32))
    assert blue > 200 and red < 60 and green < 60  # this profile's "red" is sRGB's blue


def swapped_primaries_profile() -> bytes:
    """A matrix/TRC RGB ICC v2 profile whose red and blue colorants are sRGB's blue and red."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    text = b"Swapped primaries\0"
    tags = {
        b"desc": b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 12 + b"\0" * 67,
        b"wtpt": xyz(0.9642, 1.0, 0.8249),
        b"rXYZ": xyz(0.1431, 0.0606, 0.7141),
        b"gXYZ": xyz(0.3851, 0.7169, 0.0971),
        b"bXYZ": xyz(0.4361, 0.2225, 0.0139),
        b"rTRC": b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0233) + b"\0\0",
    }
    tags[b"gTRC"] = tags[b"bTRC"] = tags[b"rTRC"]
    table, data = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, body in tags.items():
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\0" * (-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + bytes([2, 0x10, 0, 0])
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + data


def test_other_page_of_a_multipage_tiff(tmp_path: Path) -> None:
    master = tmp_path / "pages.tif"
    pages = [Image.new("L", (300 + 100 * i, 200), 40 * i) for i in range(3)]
    pages[0].save(master, save_all=True, append_images=pages[1:])
    tiles = tile(master, tmp_path / "p1", frame=2)
    assert (tiles.width, tiles.height) == (500, 200)
    assert abs(gray(opened(tmp_path / "p1" / "full/max/0/default.jpg"), (250, 100)) - 80) < 3


def test_jpeg_2000(tmp_path: Path) -> None:
    master = tmp_path / "page.jp2"
    Image.new("RGB", (700, 500), (200, 120, 40)).save(master)
    tiles = tile(master, tmp_path / "p1")
    assert (tiles.width, tiles.height, tiles.sizes) == (700, 500, [(175, 125), (350, 250), (700, 500)])
    assert written(tmp_path / "p1") == set(expected_files(tiles)) | {"info.json"}


def test_pixel_limit_is_enforced_and_restored(tmp_path: Path) -> None:
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(TooLargeError):
        tile(BARZAZ, tmp_path / "p1", max_pixels=1_000_000)
    assert Image.MAX_IMAGE_PIXELS == before
    tile(BARZAZ, tmp_path / "p2", max_pixels=2400 * 3600)  # exactly at the limit is allowed
    assert Image.MAX_IMAGE_PIXELS == before


@pytest.mark.parametrize("threads", [1, 2])
def test_a_400_dpi_double_page_stays_under_1_gb(threads: int, tmp_path: Path) -> None:
    """7000x5000 from a real scan's texture, tiled in a fresh process so the peak is its own."""
    master = tmp_path / "double-page.jpg"
    scan = opened(BARZAZ)
    page = Image.new("RGB", (7000, 5000))
    for x in range(0, 7000, scan.width):
        for y in range(0, 5000, scan.height):
            page.paste(scan, (x, y))
    page.save(master, quality=90)
    del page
    (tmp_path / "p1").mkdir()
    script = (
        "import sys; from pathlib import Path; from heritage.iiif.tiles import write_tiles; "
        f"write_tiles(Path({str(master)!r}), Path({str(tmp_path / 'p1')!r}), {SERVICE!r}, threads={threads}); "
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert int(result.stdout) < 1024 * 1024, f"peak {int(result.stdout) // 1024} MiB"
    assert len(written(tmp_path / "p1")) > 190


@pytest.mark.parametrize("master", [BARZAZ, VOLTAIRE], ids=lambda p: p.name)
def test_threads_write_the_same_files_as_one_thread(master: Path, tmp_path: Path) -> None:
    """Decoded once and reduced level by level whatever the threads: only the order of work changes."""
    tile(master, tmp_path / "single", threads=1)
    tile(master, tmp_path / "threaded", threads=3)
    assert written(tmp_path / "threaded") == written(tmp_path / "single")
    for path in written(tmp_path / "single"):
        assert (tmp_path / "threaded" / path).read_bytes() == (tmp_path / "single" / path).read_bytes(), path


@pytest.mark.parametrize("size", [(1, 1025), (1025, 1), (513, 2), (3, 700)])
def test_threads_on_a_thin_or_odd_sized_jpeg(size: tuple[int, int], tmp_path: Path) -> None:
    """A one-pixel side stays one pixel at every level; odd sides round up as the pyramid does."""
    master = tmp_path / "thin.jpg"
    Image.new("RGB", size, (200, 120, 40)).save(master, quality=95)
    tiles = tile(master, tmp_path / "p1", threads=2)
    for path, pixels in expected_files(tiles).items():
        image = opened(tmp_path / "p1" / path)
        assert image.size == pixels, path
        assert near(rgb(image, (0, 0)), (200, 120, 40), 8), path


def test_a_bilevel_master_larger_than_a_memory_block_is_tiled_as_grey(tmp_path: Path) -> None:
    """Above Pillow's 16 MB block a 1-bit image cannot be viewed as grey in place and is converted:
    the tiles are still what Pillow saves from the grey levels."""
    master = tmp_path / "map.tif"
    page = Image.new("1", (5000, 4000), 1)
    page.paste(opened(VOLTAIRE), (0, 0))
    page.save(master, compression="group4")
    tile(master, tmp_path / "p1")
    grey = page.convert("L")
    for level, region, box in [
        (grey, "4608,3584,392,416/392,416/0/default.jpg", (4608, 3584, 5000, 4000)),
        (grey.reduce(2), "1024,1024,1024,1024/512,512/0/default.jpg", (512, 512, 1024, 1024)),
    ]:
        expected = io.BytesIO()
        level.crop(box).save(expected, "JPEG", quality=JPEG_QUALITY)
        assert (tmp_path / "p1" / region).read_bytes() == expected.getvalue(), region


class _StaticIIIF(http.server.SimpleHTTPRequestHandler):
    """What a static host needs to add for IIIF clients: CORS and the JSON media types."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if str(path).endswith(".json"):
            if "application/ld+json" in self.headers.get("Accept", ""):
                return f'application/ld+json;profile="{IMAGE_CONTEXT}"'
            return "application/json"
        return super().guess_type(path)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    root = tmp_path / "site"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_StaticIIIF, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_official_validator_passes_level_0(static_server: tuple[Path, int]) -> None:
    root, port = static_server
    (root / "iiif" / "validation").mkdir(parents=True)
    write_tiles(VALIDATION_IMAGE, root / "iiif" / "validation", f"http://127.0.0.1:{port}/iiif/validation")
    command = [
        str(VALIDATOR),
        "-s",
        f"127.0.0.1:{port}",
        "-p",
        "iiif",
        "-i",
        "validation",
        "--version=3.0",
        "--level",
        "0",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report  # its exit code is the number of failures
    assert "Done (5 tests, 0 failures)" in report
