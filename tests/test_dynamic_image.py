"""The dynamic IIIF Image API 3 service: its request parser (pure), its rendering against Pillow's own
reading of the master, its disk cache, and, served for real, the IIIF validator at level 2."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from heritage.config import Config
from heritage.errors import InvalidInputError, NotImplementedFeatureError
from heritage.iiif import urls
from heritage.iiif.dynamic import Master, Pyramid, render
from heritage.iiif.dynamic_cache import DiskCache
from heritage.iiif.dynamic_request import (
    Limits,
    parse_region,
    parse_request,
    parse_rotation,
    parse_size,
)
from heritage.iiif.tiles import write_tiles
from heritage.pipeline import withdraw
from heritage.store import Store
from tests.conftest import (
    TEST_DB,
    VALIDATION_IMAGE,
    LiveServer,
    _require_redis,
    environment,
    free_port,
    get,
    heritage_cli,
    running_workers,
    wait_until_settled,
)

LIMITS = Limits(2000, 2000, 3_000_000)

# -- the request parser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "box"),
    [
        ("full", (0, 0, 1000, 600)),
        ("square", (200, 0, 800, 600)),
        ("10,20,30,40", (10, 20, 40, 60)),
        ("900,500,500,500", (900, 500, 1000, 600)),  # clipped to the image
        ("pct:10,50,20,50", (100, 300, 300, 600)),
        ("pct:0,0,100,100", (0, 0, 1000, 600)),
        ("pct:0.01,0,0.01,100", (0, 0, 1, 600)),  # a sliver still shows one pixel
    ],
)
def test_regions(region: str, box: tuple[int, int, int, int]) -> None:
    assert parse_region(region, 1000, 600) == box


@pytest.mark.parametrize(
    "region", ["", "0,0,0,10", "0,0,10", "1000,0,10,10", "0,600,10,10", "-1,0,10,10", "pct:0,0,0,50", "1.5,0,9,9", "x"]
)
def test_bad_regions_are_400s(region: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_region(region, 1000, 600)


@pytest.mark.parametrize(
    ("size", "result"),
    [
        ("max", (1000, 600)),
        ("500,", (500, 300)),
        (",300", (500, 300)),
        ("200,100", (200, 100)),
        ("!500,500", (500, 300)),
        ("!1000,300", (500, 300)),
        ("pct:50", (500, 300)),
        ("^1500,", (1500, 900)),
        ("^pct:150", (1500, 900)),
        ("^!2000,900", (1500, 900)),
        ("^max", (2000, 1200)),  # up to maxWidth
    ],
)
def test_sizes(size: str, result: tuple[int, int]) -> None:
    assert parse_size(size, (1000, 600), LIMITS) == result


def test_max_and_confined_sizes_shrink_to_the_limits() -> None:
    assert parse_size("max", (4000, 1000), LIMITS) == (2000, 500)
    assert parse_size("max", (3000, 3000), LIMITS) == (1732, 1732)  # maxArea
    assert parse_size("!4000,4000", (4000, 4000), LIMITS) == (1732, 1732)


@pytest.mark.parametrize(
    "size",
    [
        "1001,",  # upscaling without ^
        ",601",
        "pct:101",
        "!2000,3000",  # the validator's reading: a box larger than the region is upscaling
        "0,",
        "pct:0",
        ",",
        "10,10,10",
        "full",
        "^3000,",  # beyond maxWidth
        "^1900,1900",  # beyond maxArea
        "abc",
    ],
)
def test_bad_sizes_are_400s(size: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_size(size, (1000, 600), LIMITS)


def test_rotations() -> None:
    assert parse_rotation("0") == (False, 0)
    assert parse_rotation("!90") == (True, 90)
    assert parse_rotation("360") == (False, 0)
    assert parse_rotation("270.0") == (False, 270)
    for bad in ("", "-90", "361", "!", "90!", "abc"):
        with pytest.raises(InvalidInputError):
            parse_rotation(bad)
    with pytest.raises(NotImplementedFeatureError):
        parse_rotation("45")


def test_qualities_and_formats() -> None:
    plan = parse_request("full", "max", "0", "gray.png", (10, 10), LIMITS)
    assert (plan.quality, plan.format) == ("gray", "png")
    for bad in ("default", "grey.jpg", "default.jpeg", "default.xyz", "bitonal."):
        with pytest.raises(InvalidInputError):
            parse_request("full", "max", "0", bad, (10, 10), LIMITS)
    with pytest.raises(NotImplementedFeatureError):
        parse_request("full", "max", "0", "default.tif", (10, 10), LIMITS)


def test_one_cache_key_per_distinct_image() -> None:
    spelled = [("full", "max"), ("0,0,1000,600", "1000,600"), ("pct:0,0,100,100", "pct:100")]
    keys = {parse_request(r, s, "0", "default.jpg", (1000, 600), LIMITS).key() for r, s in spelled}
    assert len(keys) == 1


# -- rendering ---------------------------------------------------------------------------------


def _difference(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


@pytest.mark.parametrize("orientation", [1, 6, 3, 8])
def test_pyramid_and_master_give_the_upright_pixels(orientation: int, tmp_path: Path) -> None:
    """Both sources against Pillow's own EXIF reading of the master, as in test_tile_geometry."""
    stored = Image.open(VALIDATION_IMAGE).convert("RGB").resize((1000, 700))
    master = tmp_path / "master.jpg"
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(master, "JPEG", quality=95, exif=exif)
    upright = ImageOps.exif_transpose(Image.open(master))
    pyramid = _pyramid(master, tmp_path, tile_size=256)
    assert (pyramid.width, pyramid.height) == upright.size
    for region, size in [("full", "max"), ("full", "200,"), ("100,150,300,200", "max"), ("pct:50,50,50,50", "150,")]:
        plan = parse_request(region, size, "0", "default.png", upright.size, LIMITS)
        made = Image.open(_bytes_file(tmp_path, render(plan, pyramid, lambda: Master(master, 0, 10**8))))
        expected = upright.crop(plan.region).resize(plan.size, Image.Resampling.LANCZOS)
        assert made.size == plan.size == expected.size
        assert _difference(made, expected) < 10, (orientation, region, size)  # a wrong turn gives ~80


def test_rotation_mirror_and_qualities(tmp_path: Path) -> None:
    pyramid = _pyramid(VALIDATION_IMAGE, tmp_path)
    original = Image.open(VALIDATION_IMAGE).convert("RGB")

    def made(rotation: str, quality: str = "default") -> Image.Image:
        plan = parse_request("0,0,600,300", "max", rotation, f"{quality}.png", (1000, 1000), LIMITS)
        return Image.open(_bytes_file(tmp_path, render(plan, pyramid, lambda: Master(VALIDATION_IMAGE, 0, 10**8))))

    part = original.crop((0, 0, 600, 300))
    assert _difference(made("90"), part.transpose(Image.Transpose.ROTATE_270)) < 6
    assert _difference(made("!0"), ImageOps.mirror(part)) < 6
    assert _difference(made("!270"), ImageOps.mirror(part).transpose(Image.Transpose.ROTATE_90)) < 6
    assert made("0", "gray").mode == "L"
    assert made("0", "bitonal").mode == "1"
    assert made("0", "color").mode == "RGB"


def _pyramid(master: Path, tmp_path: Path, tile_size: int = 512) -> Pyramid:
    (tmp_path / "tiles").mkdir()
    write_tiles(master, tmp_path / "tiles", "http://x/p", tile_size=tile_size)
    return Pyramid.read(tmp_path / "tiles")


def _bytes_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / f"out-{time.monotonic_ns()}"
    path.write_bytes(data)
    return path


def test_the_cache_keeps_under_its_cap_evicting_the_least_recently_used(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    cache = DiskCache(tmp_path / "cache", tmp_path / "tmp", max_bytes=10_000)
    paths = [cache.path("iiif", f"key{n}", ".jpg") for n in range(12)]
    for n, path in enumerate(paths):
        cache.put(path, lambda tmp: tmp.write_bytes(b"x" * 1000))
        time.sleep(0.01)
        if n == 9:
            assert cache.hit(paths[0])  # used again: now the most recent
    held = sum(p.stat().st_size for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert held <= 10_000
    assert paths[0].exists() and not paths[1].exists() and paths[-1].exists()
    assert list((tmp_path / "tmp").iterdir()) == []


# -- served for real ---------------------------------------------------------------------------


class Served:
    def __init__(self, url: str, page_id: str, store: Store, env: dict[str, str]) -> None:
        self.url = url
        self.env = env
        self.page_id = page_id
        self.store = store
        self.service = urls.dynamic_image_service(url, page_id)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The official validation image ingested through the CLI, processed by a real worker, served."""
    from heritage.web.app import create_app

    redis = _require_redis(TEST_DB)
    redis.flushdb()
    data_dir = tmp_path_factory.mktemp("dynamic") / "data"
    port = free_port()
    env = environment(data_dir, TEST_DB, f"http://127.0.0.1:{port}")
    env["HERITAGE_IIIF_MAX_WIDTH"] = "3000"
    env["HERITAGE_IIIF_MAX_AREA"] = "4000000"
    images = tmp_path_factory.mktemp("validation")
    shutil.copy(VALIDATION_IMAGE, images / "validation-image.png")
    with running_workers(env):
        result = heritage_cli(["ingest", str(images / "validation-image.png")], env)
        assert result.returncode == 0, result.stderr
        item_id = result.stdout.split("\t")[0]
        store = Store(data_dir)
        wait_until_settled(store, [item_id], timeout=600)
    page_id = store.load_item(item_id).pages[0].id
    with LiveServer(create_app(Config.from_env(env)), port) as server:
        yield Served(server.url, page_id, store, env)
    redis.flushdb()


def test_the_image_api_validator_passes_at_level_2(served: Served) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "iiif-validate.py"),
            "-s",
            served.url.removeprefix("http://"),
            "-p",
            "iiif/dynamic",
            "-i",
            served.page_id,
            "--version=3.0",
            "--level",
            "2",
            "-v",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_info_json_declares_level_2_and_its_limits(served: Served) -> None:
    response = get(f"{served.service}/info.json", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"] == 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    assert response.headers["access-control-allow-origin"] == "*"
    info = response.json()
    assert info["id"] == served.service and info["profile"] == "level2"
    assert (info["maxWidth"], info["maxHeight"], info["maxArea"]) == (3000, 3000, 4_000_000)
    assert set(info["extraQualities"]) == {"color", "gray", "bitonal"}
    redirect = get(served.service, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"{served.service}/info.json"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("full/max/0/default.jpg", 200),
        ("full/^max/0/default.png", 200),  # upscaled to the limits: 2000x2000
        ("square/200,/!90/bitonal.webp", 200),
        ("full/^2001,2001/0/default.jpg", 400),  # beyond maxArea
        ("full/^3001,/0/default.jpg", 400),  # beyond maxWidth
        ("full/1001,/0/default.jpg", 400),  # upscaling without ^
        ("nonsense/max/0/default.jpg", 400),
        ("full/max/45/default.jpg", 501),
        ("full/max/0/default.tif", 501),
        ("full/max/0/default", 400),
        ("full/max/0/sepia.jpg", 400),
    ],
)
def test_errors_and_limits(served: Served, path: str, status: int) -> None:
    response = get(f"{served.service}/{path}")
    assert response.status_code == status, response.text
    if status == 200:
        assert response.headers["access-control-allow-origin"] == "*"
        assert "max-age" in response.headers["cache-control"]


def test_unknown_pages_are_404s(served: Served) -> None:
    assert get(f"{served.url}/iiif/dynamic/aaaaaaaaaaaa/full/max/0/default.jpg").status_code == 404
    assert get(f"{served.url}/iiif/dynamic/aaaaaaaaaaaa/info.json").status_code == 404
    assert get(f"{served.url}/iiif/dynamic/aaaaaaaaaaaa").status_code == 404
    assert get(f"{served.url}/iiif/dynamic/..%2Fetc/info.json").status_code == 404


def test_results_are_cached_on_disk_and_served_again(served: Served) -> None:
    url = f"{served.service}/100,100,300,300/150,/90/gray.png"
    first = get(url)
    cached = list((served.store.public / "cache" / "iiif").glob("*.png"))
    assert first.status_code == 200 and cached
    second = get(url)
    assert second.content == first.content
    image = Image.open(io.BytesIO(second.content))
    assert image.size == (150, 150) and image.mode == "L"


def test_the_manifest_offers_both_services(served: Served) -> None:
    item_id = served.store.item_ids()[0]
    manifest = get(f"{served.url}/iiif/{item_id}/manifest.json").json()
    services = manifest["items"][0]["items"][0]["items"][0]["body"]["service"]
    assert [(s["id"], s["profile"]) for s in services] == [
        (urls.image_service(served.url, served.page_id), "level0"),
        (served.service, "level2"),
    ]


def test_a_withdrawn_page_is_no_longer_served_even_from_the_cache(served: Served) -> None:
    """Last in this module: it takes the page off the site."""
    url = f"{served.service}/0,0,200,200/100,/0/default.jpg"
    assert get(url).status_code == 200
    withdraw(served.store, Config.from_env(served.env), served.store.item_ids()[0])
    assert get(url).status_code == 404
    assert get(f"{served.service}/info.json").status_code == 404
