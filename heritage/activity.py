"""The publication history of every item: an append-only log of events, the source of truth for harvesters.

OAI-PMH must keep answering for an item after it was withdrawn (``deletedRecord=persistent``) and
IIIF Change Discovery must list every change in order, so neither can be rebuilt from the public
tree, which forgets withdrawn items. Each event is one JSON line appended to
``activity/events.jsonl`` under a lock, with a single ``write`` and an ``fsync``; a line cut short
by a crash is never read and is cut off before the next append. Event times never go backwards, so
the log's order is also its time order.

Kinds are the Change Discovery activity types. Issue 5 (drafts, deletion to a trash) records its
own transitions with ``record``: a draft is simply not logged until published, and moving an item
to the trash is a ``Delete``.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from heritage.store import Store

LOG_NAME = "events.jsonl"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # UTC to the second: OAI-PMH's finest granularity


class Kind(StrEnum):
    CREATE = "Create"  # first publication
    UPDATE = "Update"  # published again: rebuilt, metadata changed, or back after a withdrawal
    DELETE = "Delete"  # withdrawn from the public site


LIVE = (Kind.CREATE, Kind.UPDATE)


@dataclass(frozen=True)
class Event:
    seq: int  # position in the log, from 0
    item_id: str
    kind: Kind
    time: str  # UTC, TIME_FORMAT
    collection: str = ""  # the item's collection slug when the event happened

    def to_json(self) -> dict[str, str]:
        return {"item": self.item_id, "kind": self.kind.value, "time": self.time, "collection": self.collection}


def log_path(store: Store) -> Path:
    return store.root / "activity" / LOG_NAME


def utc(when: str | datetime) -> str:
    """Any ISO 8601 time with a zone (as ``store.now()`` gives) in the log's UTC form."""
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    if moment.tzinfo is None:
        raise ValueError(f"event time {when!r} has no time zone")
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def record(store: Store, item_id: str, kind: Kind, when: str | datetime, collection: str = "") -> Event:
    """Append one event; the building block for every transition, now and in later issues."""
    with store.lock("activity"):
        return _append(store, events(store), item_id, kind, when, collection)


def record_published(store: Store, item_id: str, when: str | datetime, collection: str = "") -> Event:
    """A publication: ``Create`` the first time the item goes public, ``Update`` every time after."""
    with store.lock("activity"):
        logged = events(store)
        kind = Kind.UPDATE if any(e.item_id == item_id for e in logged) else Kind.CREATE
        return _append(store, logged, item_id, kind, when, collection)


def record_withdrawn(store: Store, item_id: str, when: str | datetime, collection: str = "") -> Event | None:
    """A withdrawal: ``Delete``, but only of an item that is public now (nothing to delete otherwise)."""
    with store.lock("activity"):
        logged = events(store)
        last = latest(logged).get(item_id)
        if last is None or last.kind not in LIVE:
            return None
        return _append(store, logged, item_id, Kind.DELETE, when, collection)


def events(store: Store) -> list[Event]:
    """Every complete event, oldest first."""
    try:
        return parse(log_path(store).read_bytes())
    except FileNotFoundError:
        return []


def latest(logged: list[Event]) -> dict[str, Event]:
    """Each item's last event, which says whether it is public now and since when."""
    return {e.item_id: e for e in logged}


def _append(
    store: Store, logged: list[Event], item_id: str, kind: Kind, when: str | datetime, collection: str
) -> Event:
    time = utc(when)
    if logged and logged[-1].time > time:  # a clock step back must not reorder the stream
        time = logged[-1].time
    event = Event(len(logged), item_id, kind, time, collection)
    path = log_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    _cut_partial_line(path)
    line = (json.dumps(event.to_json(), ensure_ascii=False) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return event


def _cut_partial_line(path: Path) -> None:
    """Drop the tail a crash left without its newline, so the next line starts clean."""
    try:
        with path.open("rb") as f:
            if f.seek(0, os.SEEK_END) == 0:
                return
            f.seek(-1, os.SEEK_END)
            if f.read(1) == b"\n":
                return
            f.seek(0)
            data = f.read()
    except FileNotFoundError:
        return
    os.truncate(path, data.rfind(b"\n") + 1)


def parse(data: bytes, first_seq: int = 0) -> list[Event]:
    """Events from the log's bytes; a last line without its newline is still being written or was cut."""
    lines = data.split(b"\n")[:-1]
    result = []
    for seq, line in enumerate(lines, start=first_seq):
        raw = json.loads(line)
        result.append(Event(seq, raw["item"], Kind(raw["kind"]), raw["time"], raw.get("collection", "")))
    return result


class Log:
    """The log as a long-running reader (the web app) sees it: each call reads only what was appended."""

    def __init__(self, store: Store) -> None:
        self.path = log_path(store)
        self._events: list[Event] = []
        self._offset = 0
        self._lock = threading.Lock()  # request handlers read from a thread pool

    def events(self) -> list[Event]:
        with self._lock:
            return self._refresh()

    def _refresh(self) -> list[Event]:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < self._offset:  # replaced (restored from a backup): start again
            self._events, self._offset = [], 0
        if size > self._offset:
            with self.path.open("rb") as f:
                f.seek(self._offset)
                data = f.read(size - self._offset)
            complete = data[: data.rfind(b"\n") + 1]
            self._events = self._events + parse(complete, len(self._events))  # a new list: callers keep theirs
            self._offset += len(complete)
        return self._events
