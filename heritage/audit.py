"""Who did what, and when: an append-only log of every change made by a person.

One JSON line per action in ``audit.jsonl`` of the data directory, appended under a lock with a
single ``write`` and an ``fsync``, so concurrent web processes never interleave or lose lines and
a crash can at worst cut the last line (which reading skips). Nothing ever rewrites the file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from heritage.store import Store, now


@dataclass(frozen=True)
class Entry:
    time: str
    user: str  # username, or "cli" / "watch" for commands run on the server
    action: str  # a short verb: login, upload, publish, unpublish, edit, retry, delete...
    target: str = ""  # an item id, "item/page", a username or a collection slug
    detail: str = ""


def _path(store: Store) -> Path:
    return store.root / "audit.jsonl"


def record(store: Store, user: str, action: str, target: str = "", detail: str = "") -> Entry:
    entry = Entry(now(), user, action, target, detail[:1000])
    line = (json.dumps(asdict(entry), ensure_ascii=False) + "\n").encode()
    with store.lock("audit"), _path(store).open("ab") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
    return entry


def entries(store: Store, target: str | None = None) -> list[Entry]:
    """Newest first; ``target`` keeps one item's (or account's) history, its pages included."""
    try:
        lines = _path(store).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in reversed(lines):
        try:
            entry = Entry(**json.loads(line))
        except (json.JSONDecodeError, TypeError):
            continue  # a line cut by a crash
        if target is None or entry.target == target or entry.target.startswith(f"{target}/"):
            found.append(entry)
    return found
