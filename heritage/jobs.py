"""The only code that knows RQ: an item's job graph, retries, and the worker processes.

Per page an OCR job and a tiling job run in parallel; the publish job depends on all of them.
Each job records its own state in the store (queued, running, retrying, done, failed with the
reason), so progress and failures are visible without Redis and a failed page never leaves the
item looking busy forever.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker, get_current_job
from rq.job import Dependency, Job
from rq.worker_pool import WorkerPool

from heritage import ocr, pipeline
from heritage.config import Config
from heritage.errors import HeritageError, ServiceUnavailableError
from heritage.model import Item, Stage, StageState, StageStatus
from heritage.store import Store, now

# A deferred publish job waits for its pages this long at most before Redis forgets it.
MAINTENANCE_SECONDS = 5
WORKER_TTL_SECONDS = 35  # an idle worker wakes every 20 s (RQ: ttl - 15) and then runs maintenance
PUBLISH_WAIT_SECONDS = 7 * 24 * 3600


def connect(config: Config) -> Redis:
    redis = Redis.from_url(config.redis_url)
    try:
        redis.ping()
    except RedisError as e:
        raise ServiceUnavailableError(
            f"Redis at {config.redis_url} is not reachable ({e}); start it with `make services`"
        ) from e
    return redis


def queue(config: Config, redis: Redis) -> Queue:
    return Queue(config.queue, connection=redis, default_timeout=config.job_timeout)


def enqueue_item(config: Config, store: Store, item: Item, redis: Redis) -> None:
    """Queue every stage not yet done, then the publish job behind them."""
    work = [
        (page.id, stage)
        for page in item.pages
        for stage in Stage
        if store.stage_status(item.id, page.id, stage).state is not StageState.DONE
    ]
    enqueue_stages(config, store, item, work, redis)


def enqueue_stages(config: Config, store: Store, item: Item, work: list[tuple[str, Stage]], redis: Redis) -> None:
    """Queue exactly these (page id, stage) jobs, whatever their state, then a publish job behind
    them (alone if there are none): what a repair needs, since a job still running may yet mark
    its stage done."""
    q = queue(config, redis)
    retry = Retry(max=config.job_retries) if config.job_retries else None
    funcs = {Stage.OCR: ocr_job, Stage.TILES: tiles_job}
    page_jobs: list[Job] = []
    for page_id, stage in work:
        store.set_stage_status(item.id, page_id, stage, StageStatus(StageState.QUEUED, updated=now()))
        page_jobs.append(
            q.enqueue(funcs[stage], item.id, page_id, retry=retry, description=f"{stage.value} {item.id}/{page_id}")
        )
    store.set_publish_status(item.id, StageStatus(StageState.QUEUED, updated=now()))
    q.enqueue(
        publish_job,
        item.id,
        # At the front once its pages are done: an item appears as soon as it is ready, not
        # after every page queued behind it by other items.
        depends_on=Dependency(page_jobs, enqueue_at_front=True) if page_jobs else None,
        retry=retry,
        ttl=PUBLISH_WAIT_SECONDS,
        description=f"publish {item.id}",
    )


def error_text(error: BaseException) -> str:
    """A failure as the store records it: our own errors in their words, others with their type."""
    if isinstance(error, HeritageError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def _tracked(read: Callable[[], StageStatus], write: Callable[[StageStatus], None], work: Callable[[], None]) -> None:
    """Run one stage, recording attempts and the plain reason of a failure before RQ sees it."""
    attempts = read().attempts + 1
    write(StageStatus(StageState.RUNNING, attempts, updated=now()))
    try:
        work()
    except Exception as e:
        job = get_current_job()
        will_retry = job is not None and bool(job.retries_left)
        state = StageState.RETRYING if will_retry else StageState.FAILED
        write(StageStatus(state, attempts, error_text(e), now()))
        raise
    write(StageStatus(StageState.DONE, attempts, updated=now()))


def _context(item_id: str) -> tuple[Config, Store]:
    """Settings and store for a job; a job for an item that no longer exists fails before writing."""
    config = Config.from_env()
    store = Store(config.data_dir).ensure()
    store.load_item(item_id)
    return config, store


def _page_stage(item_id: str, page_id: str, stage: Stage, work: Callable[[Store, Config, str, str], None]) -> None:
    config, store = _context(item_id)
    if page_id not in {page.id for page in store.load_item(item_id).pages}:
        return  # removed or replaced by an archivist since it was queued: nothing left to do
    _tracked(
        lambda: store.stage_status(item_id, page_id, stage),
        lambda s: store.set_stage_status(item_id, page_id, stage, s),
        lambda: work(store, config, item_id, page_id),
    )


def ocr_job(item_id: str, page_id: str) -> None:
    _page_stage(item_id, page_id, Stage.OCR, pipeline.run_ocr)


def tiles_job(item_id: str, page_id: str) -> None:
    _page_stage(item_id, page_id, Stage.TILES, pipeline.run_tiles)


def publish_job(item_id: str) -> None:
    config, store = _context(item_id)
    item = store.load_item(item_id)
    if any(store.stage_status(item_id, p.id, s).state is not StageState.DONE for p in item.pages for s in Stage):
        return  # a repair queued these pages again, with a newer publish job behind them
    _tracked(
        lambda: store.publish_status(item_id),
        lambda s: store.set_publish_status(item_id, s),
        lambda: pipeline.publish(store, config, item_id),
    )


class PromptWorker(Worker):
    """An RQ worker that recovers stranded dependents within seconds, not ten minutes.

    When the last page jobs of an item end at the same moment on two workers, RQ 3 can lose the
    race to enqueue the publish job and leaves it in the queue's ready registry for the next
    maintenance pass: by default up to ten minutes later, and an idle worker only wakes every
    seven. Maintenance is a few Redis calls, so it runs every few seconds here.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", MAINTENANCE_SECONDS)
        kwargs.setdefault("worker_ttl", WORKER_TTL_SECONDS)
        super().__init__(*args, **kwargs)


def run_workers(config: Config, count: int, burst: bool = False) -> None:
    """One single-threaded Tesseract per worker: measured 3x faster per page than letting it thread."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    ocr.preload()  # the language model loads once here, not in every forked job
    redis = connect(config)
    store = Store(config.data_dir).ensure()
    store.clean_tmp(older_than=config.job_timeout * 2)
    pool = WorkerPool([config.queue], connection=redis, num_workers=count, worker_class=PromptWorker)
    pool.start(burst=burst)
