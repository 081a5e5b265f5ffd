"""The hot folder: stability over snapshots (pure), and `heritage watch --once` on real Redis."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from heritage.errors import InvalidInputError, ServiceUnavailableError
from heritage.ingest.watch import destination, failure_report, is_stable, stable_entries
from tests.conftest import REPO, SAMPLES, heritage_cli, tree

SAMPLE = SAMPLES / "barzaz-breiz-02"
ONCE = ["--once", "--interval", "0.5"]


def test_an_entry_is_stable_when_two_snapshots_agree_and_no_copy_is_in_progress() -> None:
    snap = {"0001.jpg": (100, 1), "metadata.json": (20, 2)}
    assert is_stable(snap, dict(snap))
    assert not is_stable(None, snap)  # seen once only
    assert not is_stable({}, {})  # an empty folder may be about to fill
    assert not is_stable(snap, {**snap, "0001.jpg": (150, 3)})  # still growing
    assert not is_stable(snap, {**snap, "0001.jpg": (100, 9)})  # rewritten in place
    assert not is_stable(snap, {**snap, "0002.jpg": (5, 4)})  # a new file arrived
    busy = {**snap, "0002.jpg.part": (5, 4)}
    assert not is_stable(busy, dict(busy))
    hidden = {**snap, "sub/.0002.jpg.abc123": (5, 4)}  # rsync's temporary name
    assert not is_stable(hidden, dict(hidden))


def test_a_file_managers_droppings_do_not_hold_a_folder_back() -> None:
    snap = {"0001.jpg": (100, 1), ".DS_Store": (6, 1), "scans/Thumbs.db": (3, 1)}
    assert is_stable(snap, dict(snap))


def test_stable_entries_are_those_unchanged_between_scans() -> None:
    before = {"a": {"1.jpg": (1, 1)}, "b": {"1.jpg": (1, 1)}}
    after = {"a": {"1.jpg": (1, 1)}, "b": {"1.jpg": (2, 2)}, "c": {"1.jpg": (1, 1)}}
    assert stable_entries(before, after) == ["a"]


def test_destinations_are_timestamped_and_never_collide() -> None:
    when = datetime(2024, 5, 1, 12, 30, 0, tzinfo=UTC)
    inbox = Path("/in")
    assert destination(inbox, ".done", "kanou", when, set()) == inbox / ".done" / "20240501T123000Z-kanou"
    taken = {"20240501T123000Z-kanou"}
    assert destination(inbox, ".done", "kanou", when, taken).name == "20240501T123000Z-kanou-2"
    report = failure_report("kanou", "0001.jpg: the JPEG data is corrupt or truncated", when)
    assert "0001.jpg: the JPEG data is corrupt or truncated" in report and "2024-05-01 12:30:00 UTC" in report


def test_a_dropped_folder_is_ingested_and_moved_to_done(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox / SAMPLE.name)
    result = heritage_cli(["watch", str(inbox), *ONCE, "--collection", "Barzaz Breiz"], env)
    assert result.returncode == 0, result.stderr
    item_id = result.stdout.split(": ", 1)[1].split("\t")[0]
    assert not (inbox / SAMPLE.name).exists()
    (done,) = (inbox / ".done").iterdir()
    assert done.name.endswith(f"-{SAMPLE.name}") and (done / "0001.jpg").is_file()
    status = heritage_cli(["status"], env).stdout
    assert status.startswith(f"{item_id}\tqueued")
    again = heritage_cli(["watch", str(inbox), *ONCE], env)  # nothing is ingested twice
    assert again.returncode == 0 and again.stdout == ""
    assert heritage_cli(["status"], env).stdout == status


def test_the_default_inbox_is_the_setting(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "hot"
    inbox.mkdir()
    shutil.copy(SAMPLE / "0001.jpg", inbox / "page.jpg")
    result = heritage_cli(["watch", *ONCE], {**env, "HERITAGE_INBOX": str(inbox)})
    assert result.returncode == 0, result.stderr
    (done,) = (inbox / ".done").iterdir()
    assert (done / "page.jpg").is_file() and list(inbox.iterdir()) == [inbox / ".done"]


def test_broken_folders_go_to_failed_with_a_report_and_the_store_is_unchanged(
    env: dict[str, str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    truncated = inbox / "truncated"
    shutil.copytree(SAMPLE, truncated)
    data = (truncated / "0002.jpg").read_bytes()
    (truncated / "0002.jpg").write_bytes(data[: len(data) // 3])
    fake = inbox / "fake-tiff"
    fake.mkdir()
    (fake / "scan.tif").write_text("not a scan")
    data_dir = Path(env["HERITAGE_DATA_DIR"])
    heritage_cli(["status"], env)  # creates the empty store
    before = tree(data_dir)
    result = heritage_cli(["watch", str(inbox), *ONCE], env)
    assert result.returncode == InvalidInputError.exit_code
    assert tree(data_dir) == before
    assert heritage_cli(["status"], env).stdout == ""
    failed = {p.name.split("-", 1)[1]: p for p in (inbox / ".failed").iterdir()}
    assert sorted(failed) == ["fake-tiff", "truncated"]
    report = (failed["truncated"] / "REPORT.txt").read_text()
    assert "0002.jpg: the JPEG data is corrupt or truncated" in report and "UTC" in report
    report = (failed["fake-tiff"] / "REPORT.txt").read_text()
    assert "scan.tif: not a JPEG, PNG, TIFF or JPEG 2000 image" in report
    assert (failed["fake-tiff"] / "scan.tif").is_file()
    assert sorted(p.name for p in inbox.iterdir()) == [".failed"]


def test_a_folder_still_being_written_stays_in_the_inbox(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox / "arriving")
    growing = inbox / "arriving" / "0004.jpg"
    done = threading.Event()

    def write() -> None:
        with growing.open("ab") as f:
            while not done.is_set():
                f.write(b"\xff" * 1024)
                f.flush()
                time.sleep(0.05)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = heritage_cli(["watch", str(inbox), *ONCE], env)
    finally:
        done.set()
        writer.join()
    assert result.returncode == 0, result.stderr
    assert (inbox / "arriving" / "0001.jpg").is_file()
    assert not (inbox / ".done").exists() and not (inbox / ".failed").exists()
    assert heritage_cli(["status"], env).stdout == ""


def test_a_copy_in_progress_is_not_taken(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox / "copying")
    (inbox / "copying" / "0004.jpg.part").write_bytes(b"\xff\xd8")
    result = heritage_cli(["watch", str(inbox), *ONCE], env)
    assert result.returncode == 0, result.stderr
    assert (inbox / "copying").is_dir() and heritage_cli(["status"], env).stdout == ""


def test_redis_down_leaves_the_folder_in_the_inbox(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox / SAMPLE.name)
    down = {**env, "HERITAGE_REDIS_URL": "redis://127.0.0.1:9/0"}
    result = heritage_cli(["watch", str(inbox), *ONCE], down)
    assert result.returncode == ServiceUnavailableError.exit_code
    assert "Redis at redis://127.0.0.1:9/0 is not reachable" in result.stderr
    assert "stays in the inbox" in result.stderr and "Traceback" not in result.stderr
    assert (inbox / SAMPLE.name / "0001.jpg").is_file() and not (inbox / ".done").exists()
    assert heritage_cli(["status"], env).stdout == ""
    retried = heritage_cli(["watch", str(inbox), *ONCE], env)  # Redis is back: the next pass takes it
    assert retried.returncode == 0, retried.stderr
    assert not (inbox / SAMPLE.name).exists()


def test_sigterm_stops_the_watcher_cleanly(env: dict[str, str], tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "heritage.cli", "watch", str(tmp_path / "inbox"), "--interval", "0.5"],
        env={**os.environ, **env},
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "inbox").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "watching" in stderr and "Traceback" not in stderr
