from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from heritage.config import Config
from heritage.errors import InvalidInputError, TooLargeError
from heritage.ingest.images import check_image
from heritage.ingest.items import ingest, natural_key, plan, safe_display_name
from heritage.store import Store, sha256_file
from tests.conftest import SAMPLES, tree
from tests.images import cmyk_jpeg, exif_rotated_jpeg, multipage_tiff, png_16bit, png_bomb

BARZAZ_PAGE = SAMPLES / "barzaz-breiz-01" / "0001.jpg"
HENRIADE_PAGE = SAMPLES / "real" / "voltaire-henriade-1728" / "bpt6k70173w_f10.tif"
LIMITS = {"max_pixels": 400_000_000, "max_bytes": 2 << 30}


def check(path: Path) -> object:
    return check_image(path, **LIMITS)


def test_a_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    data = BARZAZ_PAGE.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInputError, match="corrupt or truncated"):
        check(tmp_path / "cut.jpg")


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(InvalidInputError, match="empty"):
        check(tmp_path / "empty.png")


def test_a_text_file_named_tif_is_refused_by_its_content(tmp_path: Path) -> None:
    (tmp_path / "page.tif").write_text("Kan ar vezherien\n")
    with pytest.raises(InvalidInputError, match="its content is a text file"):
        check(tmp_path / "page.tif")


def test_a_pdf_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "book.jpg").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    with pytest.raises(InvalidInputError, match="a PDF document"):
        check(tmp_path / "book.jpg")


@pytest.mark.parametrize("size", [(25_000, 20_000), (60_000, 60_000)])
def test_a_decompression_bomb_is_refused_before_decoding(tmp_path: Path, size: tuple[int, int]) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", *size)
    assert bomb.stat().st_size < 1000
    with pytest.raises(TooLargeError, match="megapixels|decompression bomb"):
        check(bomb)


def test_the_pixel_limit_is_a_setting(tmp_path: Path) -> None:
    with pytest.raises(TooLargeError, match="HERITAGE_MAX_PIXELS"):
        check_image(BARZAZ_PAGE, max_pixels=1_000_000, max_bytes=1 << 30)


def test_a_file_over_the_byte_limit_is_refused() -> None:
    with pytest.raises(TooLargeError, match="HERITAGE_MAX_FILE_BYTES"):
        check_image(BARZAZ_PAGE, max_pixels=400_000_000, max_bytes=1000)


def test_a_1bit_tiff_is_accepted() -> None:
    checked = check(HENRIADE_PAGE)
    assert checked.format == "TIFF" and len(checked.frames) == 1


def test_cmyk_jpeg_and_16bit_png_are_accepted(tmp_path: Path) -> None:
    assert check(cmyk_jpeg(tmp_path / "cmyk.jpg")).frames == [(300, 200)]
    assert check(png_16bit(tmp_path / "deep.png")).frames == [(320, 240)]


def test_exif_rotation_gives_the_displayed_size(tmp_path: Path) -> None:
    assert check(exif_rotated_jpeg(tmp_path / "turned.jpg", 400, 200)).frames == [(200, 400)]


def test_each_frame_of_a_multipage_tiff_is_a_page(tmp_path: Path) -> None:
    assert check(multipage_tiff(tmp_path / "book.tif", 3)).frames == [(200, 300), (210, 300), (220, 300)]


def test_page_files_are_taken_in_natural_order_and_ground_truth_is_left_out(tmp_path: Path) -> None:
    for name in ("p10.jpg", "p2.jpg", "p1.jpg", "p2.gt.txt", ".hidden.jpg"):
        shutil.copy(BARZAZ_PAGE, tmp_path / name) if name.endswith(".jpg") else (tmp_path / name).write_text("x")
    result = plan(tmp_path)
    assert [p.name for p in result.images] == ["p1.jpg", "p2.jpg", "p10.jpg"]
    assert result.skipped == ["p2.gt.txt"]
    assert sorted(["a10", "a9", "A1"], key=natural_key) == ["A1", "a9", "a10"]


def test_display_names_lose_paths_and_control_characters() -> None:
    assert safe_display_name("../../etc/passwd.jpg") == "passwd.jpg"
    assert safe_display_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_display_name("gwerz\u202egpj.exe.jpg") == "gwerzgpj.exe.jpg"
    assert safe_display_name("c\u2019hoari n\u0303.jpg") == "c\u2019hoari \u00f1.jpg"


def test_an_item_is_stored_with_untouched_read_only_masters(config: Config, store: Store) -> None:
    item = ingest(store, plan(SAMPLES / "barzaz-breiz-02"), "Barzaz Breiz", config.max_pixels, config.max_file_bytes)
    assert len(item.pages) == 3
    assert item.metadata.title.startswith("Barzaz Breiz")
    assert item.collection == "barzaz-breiz"
    for page, source in zip(item.pages, sorted((SAMPLES / "barzaz-breiz-02").glob("*.jpg")), strict=True):
        master = store.master_path(item.id, page)
        assert master.read_bytes() == source.read_bytes()
        assert page.sha256 == sha256_file(source)
        assert not master.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.load_collection("barzaz-breiz").name == "Barzaz Breiz"
    assert list(store.tmp.iterdir()) == []


def test_odd_file_names_never_reach_the_store(tmp_path: Path, config: Config, store: Store) -> None:
    folder = tmp_path / "Gwerz ‮ Skolan ñ"
    folder.mkdir()
    shutil.copy(BARZAZ_PAGE, folder / "\u202ec\u2019hoari ñ.jpg")
    item = ingest(store, plan(folder), "", config.max_pixels, config.max_file_bytes)
    assert item.pages[0].original_name == "c\u2019hoari ñ.jpg"
    assert item.metadata.title == "Gwerz  Skolan ñ"
    assert [p.name for p in (store.item_dir(item.id) / "masters").iterdir()] == [item.pages[0].master]
    assert item.pages[0].master.isascii()


@pytest.mark.parametrize(
    "bad",
    ["truncated", "empty", "text", "bomb", "metadata"],
)
def test_one_bad_file_leaves_the_store_unchanged(tmp_path: Path, config: Config, store: Store, bad: str) -> None:
    folder = tmp_path / "item"
    folder.mkdir()
    shutil.copy(BARZAZ_PAGE, folder / "0001.jpg")
    if bad == "truncated":
        (folder / "0002.jpg").write_bytes(BARZAZ_PAGE.read_bytes()[:5000])
    elif bad == "empty":
        (folder / "0002.jpg").write_bytes(b"")
    elif bad == "text":
        (folder / "0002.tif").write_text("not an image")
    elif bad == "bomb":
        png_bomb(folder / "0002.png", 40_000, 40_000)
    else:
        (folder / "metadata.json").write_text(json.dumps({"title": "x", "rights": "all mine"}))
    before = tree(store.root)
    with pytest.raises(InvalidInputError):
        ingest(store, plan(folder), "Nevez", config.max_pixels, config.max_file_bytes)
    assert tree(store.root) == before
