"""The `heritage` command as an archivist meets it: clear messages and meaningful exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from heritage.accounts import Accounts
from heritage.errors import InvalidInputError, JobFailedError, ServiceUnavailableError
from heritage.store import Store
from tests.conftest import REPO, SAMPLES, heritage_cli, running_workers

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


def _user_cli(args: list[str], env: dict[str, str], password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heritage.cli", "user", *args, "--password-stdin"],
        env={**os.environ, **env},
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_user_add_creates_an_administrator_who_can_log_in(env: dict[str, str], store: Store) -> None:
    result = _user_cli(["add", "admin", "--admin", "--name", "Administrator"], env, "an admin's passphrase")
    assert result.returncode == 0, result.stderr
    assert "created admin admin" in result.stdout
    user = Accounts(store).authenticate("admin", "an admin's passphrase")
    assert user is not None and user.is_admin and user.name == "Administrator"
    assert "admin\tadmin\tAdministrator" in heritage_cli(["user", "list"], env).stdout


def test_user_add_refuses_a_short_password_with_a_clear_message(env: dict[str, str], store: Store) -> None:
    result = _user_cli(["add", "anna"], env, "kenavo")
    assert result.returncode == InvalidInputError.exit_code
    assert "a password needs at least 10 characters" in result.stderr
    assert Accounts(store).users() == []


def test_user_password_sets_a_new_one_and_ends_the_old_sessions(env: dict[str, str], store: Store) -> None:
    accounts = Accounts(store)
    token = accounts.start_session(accounts.add_user("anna", "the first passphrase"))
    result = _user_cli(["password", "anna"], env, "the second passphrase")
    assert result.returncode == 0, result.stderr
    assert accounts.session(token) is None
    assert accounts.authenticate("anna", "the second passphrase") is not None
