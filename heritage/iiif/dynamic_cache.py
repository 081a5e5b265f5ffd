"""Rendered images and PDFs kept on disk under a byte cap, the least recently used evicted first.

A crawler walking every region and size of every page must not fill the disk, so the cache counts
what it holds: a scan at the first write, then a running total; past the cap it deletes the files
least recently used (a hit refreshes a file's mtime) until it is back under 80 % of the cap, so a
scan happens once per fifth of the cap written, not on every write. Several server processes each
keep their own total; every eviction rescans, so the cap holds within one process's margin.

Files are written to the store's tmp/ and renamed into place: a reader never sees half an image.
Nothing here needs fsync: a file lost in a crash is simply rendered again.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

LOW_WATER = 0.8


class DiskCache:
    def __init__(self, root: Path, tmp: Path, max_bytes: int) -> None:
        self.root = root
        self.tmp = tmp
        self.max_bytes = max_bytes
        self._total: int | None = None
        self._lock = threading.Lock()

    def path(self, namespace: str, key: str, suffix: str) -> Path:
        """Where the result for `key` lives: a hash, so any request string makes a safe name."""
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return self.root / namespace / f"{digest}{suffix}"

    def hit(self, path: Path) -> bool:
        """Whether `path` is cached, marking it as just used."""
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
        return True

    def put(self, path: Path, write: Callable[[Path], object]) -> None:
        """Let `write` fill a temporary file, then move it into place and keep under the cap."""
        with self._lock:
            if self._total is None:  # counted before this file is added
                self._total = self._scan_total()
        tmp = self.tmp / f"{uuid.uuid4().hex}.cache{path.suffix}"
        try:
            write(tmp)
            path.parent.mkdir(parents=True, exist_ok=True)
            size = tmp.stat().st_size
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        with self._lock:
            self._total = (self._total or 0) + size
            if self._total > self.max_bytes:
                self._total = self._evict(int(self.max_bytes * LOW_WATER))

    def _scan_total(self) -> int:
        return sum(stat.st_size for _, stat in self._entries())

    def _entries(self) -> list[tuple[Path, os.stat_result]]:
        entries = []
        if self.root.exists():
            for path in self.root.rglob("*"):
                try:
                    if path.is_file():
                        entries.append((path, path.stat()))
                except FileNotFoundError:  # another process evicted it meanwhile
                    continue
        return entries

    def _evict(self, target: int) -> int:
        """Delete the least recently used files until at most `target` bytes remain; the new total."""
        entries = sorted(self._entries(), key=lambda e: e[1].st_mtime)
        total = sum(stat.st_size for _, stat in entries)
        for path, stat in entries:
            if total <= target:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size
        return total
