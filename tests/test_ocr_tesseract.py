"""The Tesseract wrapper: its command line and its failures, with the real binary."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage.errors import OcrError
from heritage.ocr.tesseract import command, run_alto

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
PAGE = SAMPLES / "barzaz-breiz-01" / "0004.jpg"


def test_command_reads_a_file_and_writes_alto_to_stdout() -> None:
    assert command(PAGE, ["fra", "lat"]) == ["tesseract", str(PAGE), "stdout", "-l", "fra+lat", "alto"]


def test_command_points_tesseract_at_another_tessdata_only_when_asked() -> None:
    assert command(PAGE, ["fra"], tessdata="/models") == [
        "tesseract",
        str(PAGE),
        "stdout",
        "--tessdata-dir",
        "/models",
        "-l",
        "fra",
        "alto",
    ]
    assert "--tessdata-dir" not in command(PAGE, ["fra"], tessdata="")


def test_a_tessdata_without_the_model_is_an_ocr_error(tmp_path: Path) -> None:
    with pytest.raises(OcrError, match="fra"):
        run_alto(PAGE, ["fra"], tessdata=str(tmp_path))


def test_unknown_model_is_an_ocr_error_with_tesseract_s_reason() -> None:
    with pytest.raises(OcrError, match="xyz") as failure:
        run_alto(PAGE, ["xyz"])
    assert failure.value.exit_code == OcrError.exit_code


def test_missing_image_is_an_ocr_error(tmp_path: Path) -> None:
    with pytest.raises(OcrError, match="exit 1"):
        run_alto(tmp_path / "missing.png", ["fra"])
