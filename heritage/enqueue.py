"""Queue an item's jobs, or remember to: an upload must not be lost because Redis is down.

Before its jobs are queued, an item gets a mark ``pending-jobs/<item>`` in the data directory;
the mark goes once Redis has taken the jobs. So an item whose jobs could not be queued (Redis
stopped, or the web process died in between) keeps its mark, and the web app's background task,
``heritage worker`` at start-up and ``heritage rerun`` queue every marked item when Redis is back.
"""

from __future__ import annotations

from pathlib import Path

from redis.exceptions import RedisError

from heritage import jobs
from heritage.config import Config
from heritage.errors import NotFoundError, ServiceUnavailableError
from heritage.model import is_id
from heritage.store import Store

PENDING_DIR = "pending-jobs"
RETRY_SECONDS = 5.0  # how often the web app looks for marked items while any are waiting


def _mark_path(store: Store, item_id: str) -> Path:
    return store.root / PENDING_DIR / item_id


def mark(store: Store, item_id: str) -> None:
    store.write_bytes(_mark_path(store, item_id), b"")


def is_pending(store: Store, item_id: str) -> bool:
    """Stored, but its jobs are not in the queue yet (Redis was down)."""
    return _mark_path(store, item_id).exists()


def pending(store: Store) -> list[str]:
    folder = store.root / PENDING_DIR
    return sorted(p.name for p in folder.iterdir() if is_id(p.name)) if folder.exists() else []


def queue_item(config: Config, store: Store, item_id: str) -> bool:
    """Queue the item's jobs now if Redis answers; else leave the mark. True when queued."""
    mark(store, item_id)
    with store.lock(PENDING_DIR):
        return _try_queue(config, store, item_id) if is_pending(store, item_id) else True


def _try_queue(config: Config, store: Store, item_id: str) -> bool:
    try:
        item = store.load_item(item_id)
    except NotFoundError:  # deleted while waiting: nothing to queue
        _mark_path(store, item_id).unlink(missing_ok=True)
        return False
    try:
        jobs.enqueue_item(config, store, item, jobs.connect(config))
    except (ServiceUnavailableError, RedisError):
        return False
    _mark_path(store, item_id).unlink(missing_ok=True)
    return True


def queue_pending(config: Config, store: Store) -> list[str]:
    """Queue every marked item, under a lock so two processes never queue one twice."""
    if not pending(store):
        return []
    with store.lock(PENDING_DIR):
        queued = []
        for item_id in pending(store):
            if not _try_queue(config, store, item_id):
                if is_pending(store, item_id):
                    break  # Redis is still down: try the rest on the next pass
                continue
            queued.append(item_id)
        return queued
