"""The `heritage` command as an archivist meets it: clear messages and meaningful exit codes."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from heritage.errors import InvalidInputError, JobFailedError, ServiceUnavailableError
from tests.conftest import SAMPLES, heritage_cli, running_workers

PAGE = SAMPLES / "real" / "nubis-1886" / "17b9_1886_2.jpg"


@pytest.fixture
def worker(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A real worker whose Tesseract cannot be found: every OCR job fails."""
    failing = {**env, "HERITAGE_TESSERACT": "/nonexistent/tesseract"}
    with running_workers(failing):
        yield failing


def test_ingest_wait_reports_a_failed_page_and_exits_non_zero(worker: dict[str, str], tmp_path: Path) -> None:
    shutil.copy(PAGE, tmp_path / "page.jpg")
    result = heritage_cli(["ingest", "--wait", str(tmp_path / "page.jpg")], worker, timeout=300)
    assert result.returncode == JobFailedError.exit_code
    assert "1 of 1 items failed" in result.stderr
    assert "page 1: ocr:" in result.stderr and "/nonexistent/tesseract" in result.stderr
    item_id = result.stdout.split("\t")[0]
    status = heritage_cli(["status", item_id], worker)
    assert f"{item_id}\tfailed" in status.stdout
    assert "ocr=failed" in status.stdout and "tiles=done" in status.stdout


def test_refused_files_are_named_with_the_reason(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "scan.tif").write_text("not a scan")
    result = heritage_cli(["ingest", str(tmp_path / "scan.tif"), str(tmp_path / "missing")], env)
    assert result.returncode == InvalidInputError.exit_code
    assert "refused" in result.stderr and "scan.tif: not a JPEG, PNG, TIFF or JPEG 2000 image" in result.stderr
    assert "missing: no such file or folder" in result.stderr
    assert heritage_cli(["status"], env).stdout == ""


def test_redis_down_is_a_clear_error_before_anything_is_stored(env: dict[str, str]) -> None:
    result = heritage_cli(["ingest", str(PAGE)], {**env, "HERITAGE_REDIS_URL": "redis://127.0.0.1:9/0"})
    assert result.returncode == ServiceUnavailableError.exit_code
    assert "Redis at redis://127.0.0.1:9/0 is not reachable" in result.stderr
    assert "Traceback" not in result.stderr
    assert heritage_cli(["status"], env).stdout == ""


def test_an_unknown_item_is_a_clear_error(env: dict[str, str]) -> None:
    result = heritage_cli(["status", "nosuchitem00"], env)
    assert result.returncode == 66
    assert "no item 'nosuchitem00'" in result.stderr
