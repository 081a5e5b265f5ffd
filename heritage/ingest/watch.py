"""The hot folder: ingest what archivists drop into the inbox once it has stopped changing.

An entry (an item folder or a single image) is taken only when two scans, an interval apart,
see the same files with the same sizes and modification times, and none of them is a `.part`
or dot file that a copy in progress leaves behind. Taken entries move to `.done/`; refused ones
to `.failed/` with a REPORT.txt, so nothing is ingested twice and the archivist sees the outcome.
The stability rules are pure functions over snapshots; the I/O stays in the few functions below.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from heritage.errors import InvalidInputError, NotFoundError, ServiceUnavailableError
from heritage.model import Item

DONE_DIR = ".done"
FAILED_DIR = ".failed"
REPORT_FILE = "REPORT.txt"
PART_SUFFIX = ".part"

FileState = tuple[int, int]
"""A file's size in bytes and modification time in nanoseconds."""
Snapshot = Mapping[str, FileState]
"""Every file of one inbox entry, by path relative to the entry."""


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    WAITING = "waiting"  # a service is down; the entry stays in the inbox for the next pass


@dataclass(frozen=True)
class Result:
    name: str
    outcome: Outcome
    message: str
    moved_to: Path | None = None


DESKTOP_DROPPINGS = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files that file managers leave in finished folders: never a sign of a copy in progress."""


def is_in_progress(name: str) -> bool:
    """A dot file (rsync's temporary copies) or `.part` file is what copy tools leave while they
    are still writing; a Finder or Explorer dropping is not."""
    return any(
        part not in DESKTOP_DROPPINGS and (part.startswith(".") or part.endswith(PART_SUFFIX))
        for part in Path(name).parts
    )


def is_stable(before: Snapshot | None, after: Snapshot | None) -> bool:
    """Ready to ingest: seen twice, unchanged, not empty, and no copy in progress."""
    if not before or not after or before != after:
        return False
    return not any(is_in_progress(name) for name in after)


def stable_entries(before: Mapping[str, Snapshot], after: Mapping[str, Snapshot]) -> list[str]:
    """The inbox entries that did not change between the two scans, in name order."""
    return sorted(name for name, snap in after.items() if is_stable(before.get(name), snap))


def destination(inbox: Path, kind: str, name: str, when: datetime, taken: set[str]) -> Path:
    """`INBOX/<kind>/<timestamp>-<name>`, with a counter if two entries share a second and name."""
    stem = f"{when.astimezone(UTC):%Y%m%dT%H%M%SZ}-{name}"
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return inbox / kind / candidate


def failure_report(name: str, error: str, when: datetime) -> str:
    """What REPORT.txt says, in plain words."""
    return (
        f"heritage watch could not ingest {name!r}.\n"
        f"When: {when.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC\n"
        f"What was wrong: {error}\n"
        "\n"
        "Nothing was stored. Fix or replace the file named above and drop the folder into the inbox again.\n"
    )


def snapshot_entry(entry: Path) -> dict[str, FileState]:
    """Size and modification time of every file of an entry (the entry itself if it is a file)."""
    if entry.is_file():
        st = entry.stat()
        return {entry.name: (st.st_size, st.st_mtime_ns)}
    files: dict[str, FileState] = {}
    for root, dirs, names in os.walk(entry):
        for name in [*names, *(d for d in dirs if d.startswith("."))]:
            path = Path(root) / name
            try:
                st = path.stat()
            except FileNotFoundError:  # removed while we looked: the entry is changing
                files[str(path.relative_to(entry))] = (-1, -1)
                continue
            files[str(path.relative_to(entry))] = (st.st_size, st.st_mtime_ns)
    return files


def scan(inbox: Path) -> dict[str, dict[str, FileState]]:
    """Snapshot every candidate entry; `.done`, `.failed` and top-level dot or `.part` files are not."""
    entries: dict[str, dict[str, FileState]] = {}
    for entry in inbox.iterdir():
        if is_in_progress(entry.name):
            continue
        try:
            entries[entry.name] = snapshot_entry(entry)
        except FileNotFoundError:
            continue
    return entries


def _move(inbox: Path, entry: Path, kind: str, when: datetime) -> Path:
    (inbox / kind).mkdir(exist_ok=True)
    target = destination(inbox, kind, entry.name, when, {p.name for p in (inbox / kind).iterdir()})
    if entry.is_dir():
        shutil.move(str(entry), target)
    else:  # a single image gets a folder too, so a report can sit beside it
        target.mkdir()
        shutil.move(str(entry), target / entry.name)
    return target


def take(inbox: Path, entry: Path, ingest_one: Callable[[Path], Item], now: Callable[[], datetime]) -> Result:
    """Ingest one stable entry and move it to where its outcome belongs."""
    try:
        item = ingest_one(entry)
    except ServiceUnavailableError as e:
        return Result(entry.name, Outcome.WAITING, f"{e}; {entry.name} stays in the inbox and is retried")
    except NotFoundError as e:  # gone between the scan and now: nothing to move
        return Result(entry.name, Outcome.WAITING, str(e))
    except InvalidInputError as e:
        when = now()
        target = _move(inbox, entry, FAILED_DIR, when)
        (target / REPORT_FILE).write_text(failure_report(entry.name, str(e), when), encoding="utf-8")
        return Result(entry.name, Outcome.FAILED, str(e), target)
    target = _move(inbox, entry, DONE_DIR, now())
    return Result(entry.name, Outcome.DONE, f"{item.id}\t{len(item.pages)} pages\t{item.metadata.title}", target)


def watch_pass(
    inbox: Path,
    ingest_one: Callable[[Path], Item],
    interval: float,
    sleep: Callable[[float], object],
    report: Callable[[Result], None],
    stopped: Callable[[], bool] = lambda: False,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> list[Result]:
    """Scan, wait, scan again, then ingest every entry that stood still in between."""
    before = scan(inbox)
    sleep(interval)
    after = scan(inbox)
    results: list[Result] = []
    for name in stable_entries(before, after):
        if stopped():
            break
        result = take(inbox, inbox / name, ingest_one, now)
        report(result)
        results.append(result)
    return results
