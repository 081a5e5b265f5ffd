"""The cheap survey that decides clean-up, and the clean-up itself, on real sample pages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from heritage.errors import OcrError
from heritage.ocr.preprocess import FAINT_FLOOR, clean, faint_ink, near, needs_cleanup, survey, whiten

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("barzaz-breiz-01/0001.jpg", False),
        ("keleier-bremaik/0003.jpg", False),
        ("real/nubis-1840/1msc_1840_1.jpg", False),
        ("real/voltaire-henriade-1728/bpt6k70173w_f10.tif", False),
        ("barzaz-breiz-03-worn/0001.jpg", True),
        ("real/montesquieu-1783/bpt6k6495917k_f13.tif.jpeg", True),
    ],
)
def test_only_uneven_pages_need_cleanup(image: str, expected: bool) -> None:
    assert needs_cleanup(survey(SAMPLES / image)) is expected


def test_survey_reports_size_resolution_and_bilevel() -> None:
    page = survey(SAMPLES / "real" / "voltaire-henriade-1728" / "bpt6k70173w_f10.tif")
    assert (page.width, page.height, page.bilevel, page.dpi) == (2592, 3508, True, (300.0, 300.0))


def test_cleanup_whitens_paper_and_show_through_but_keeps_ink_and_size() -> None:
    worn = SAMPLES / "barzaz-breiz-03-worn" / "0001.jpg"
    cleaned = np.asarray(clean(worn))
    with Image.open(worn) as im:
        assert cleaned.shape == (im.height, im.width)
    gutter = cleaned[300:900, 980:1180]  # only the verso's text shows through there
    assert (gutter == 255).mean() > 0.99 and not (gutter < 100).any()
    assert (cleaned[300:900, 190:900] < 100).mean() > 0.02  # the Breton verses


def test_unreadable_files_are_ocr_errors(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "text.tif").write_text("II 42")
    (tmp_path / "cut.jpg").write_bytes((SAMPLES / "barzaz-breiz-01" / "0004.jpg").read_bytes()[:50_000])
    for name in ("empty.png", "text.tif", "cut.jpg", "missing.jpg"):
        with pytest.raises(OcrError):
            survey(tmp_path / name)


def test_sixteen_bit_scans_are_measured_and_cleaned(tmp_path: Path) -> None:
    """Pillow's own 16-to-8-bit conversion would clip such a page to white."""
    with Image.open(SAMPLES / "barzaz-breiz-03-worn" / "0001.jpg") as im:
        wide = np.asarray(im.convert("L")).astype(np.uint16) * 257
    page = tmp_path / "worn16.png"
    Image.fromarray(wide).save(page)
    assert needs_cleanup(survey(page))
    assert (np.asarray(clean(page))[300:900, 190:900] < 100).mean() > 0.02


def test_faint_ink_is_told_from_ordinary_ink() -> None:
    paper = np.full((20, 20), 255.0, dtype=np.float32)
    faint, dark = paper.copy(), paper.copy()
    faint[5:10, 5:10] = 195.0
    dark[5:10, 5:10] = 60.0
    assert faint_ink(faint) and not faint_ink(dark) and not faint_ink(paper)


def test_light_grey_is_paper_except_beside_faint_ink() -> None:
    page = np.full((64, 64), 255.0, dtype=np.float32)
    page[8:12, 8:12] = 190.0  # a faint stroke
    page[12:14, 8:12] = 235.0  # its lighter edge
    page[48:56, 48:56] = 235.0  # grey far from any ink: watermark or show-through
    out = whiten(page.copy())
    assert (out[8:12, 8:12] == 190.0).all()
    assert (FAINT_FLOOR <= out[12:14, 8:12]).all() and (out[12:14, 8:12] < 255.0).all()
    assert (out[48:56, 48:56] == 255.0).all()
    page[8:12, 8:12] = 60.0  # the same page in dark ink: all that is light goes
    out = whiten(page.copy())
    assert (out[12:14, 8:12] == 255.0).all() and (out[8:12, 8:12] == 60.0).all()


def test_near_marks_the_blocks_around_a_set_pixel() -> None:
    mask = np.zeros((20, 20), dtype=bool)
    mask[9, 9] = True
    grown = near(mask, 4)
    assert grown[4:16, 4:16].all() and grown.sum() == 144
    assert not near(np.zeros((5, 7), dtype=bool), 4).any() and near(mask, 4).shape == (20, 20)
