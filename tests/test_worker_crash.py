"""A worker killed in the middle of a job leaves nothing half-written where readers look."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus

from heritage.jobs import MAINTENANCE_SECONDS, WORKER_TTL_SECONDS
from heritage.model import ItemState, Stage, StageState
from heritage.status import item_status
from heritage.store import Store
from tests.conftest import SAMPLES, heritage_cli, running_workers, wait_until_settled


def assert_public_tree_is_whole(store: Store) -> None:
    """Every image folder has its info.json and every tile it lists; every JSON file parses."""
    for image_dir in (store.iiif / "image").iterdir():
        info = json.loads((image_dir / "info.json").read_text())
        assert (image_dir / "full" / "max" / "0" / "default.jpg").stat().st_size > 0
        for width, height in ((s["width"], s["height"]) for s in info["sizes"]):
            assert (image_dir / "full" / f"{width},{height}" / "0" / "default.jpg").stat().st_size > 0
    for path in store.iiif.rglob("*.json"):
        json.loads(path.read_text())


def test_a_killed_worker_leaves_no_partial_files_and_rerun_finishes_the_item(env: dict[str, str]) -> None:
    store = Store(Path(env["HERITAGE_DATA_DIR"]))
    result = heritage_cli(["ingest", str(SAMPLES / "barzaz-breiz-02")], env)
    assert result.returncode == 0, result.stderr
    item_id = result.stdout.split("\t")[0]
    item = store.load_item(item_id)
    with running_workers(env) as worker:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            stages = [store.stage_status(item_id, p.id, s) for p in item.pages for s in Stage]
            started = any(s.state is StageState.RUNNING for s in stages)
            if started and sum(s.state is StageState.DONE for s in stages) >= 1:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the worker never got going")
        time.sleep(0.3)
        os.killpg(worker.pid, signal.SIGKILL)

    assert item_status(store, item, 3600).state is ItemState.PROCESSING
    assert_public_tree_is_whole(store)

    result = heritage_cli(["rerun", item_id], env)
    assert result.returncode == 0, result.stderr
    result = heritage_cli(["worker", "--count", "1", "--burst"], env, timeout=600)
    assert result.returncode == 0, result.stderr
    wait_until_settled(store, [item_id], timeout=60)
    assert item_status(store, item, 3600).state is ItemState.PUBLISHED
    assert_public_tree_is_whole(store)
    assert len(json.loads(store.manifest_path(item_id).read_text())["items"]) == 3


def test_a_publish_job_stranded_by_a_dependency_race_still_runs_within_seconds(
    env: dict[str, str], redis: Redis
) -> None:
    """RQ 3 parks a dependent whose enqueue lost a race in the ready registry; ours recover it."""
    queue = Queue(env["HERITAGE_QUEUE"], connection=redis)
    job = Job.create("time.sleep", args=(0,), connection=redis, origin=queue.name)
    job.save()
    with running_workers(env, count=1):
        while not Worker.all(queue=queue):
            time.sleep(0.2)
        time.sleep(MAINTENANCE_SECONDS + 1)  # the workers are idle, waiting on an empty queue
        with redis.pipeline() as pipe:
            queue.ready_job_registry.register_jobs([job], pipeline=pipe)
            pipe.execute()
        deadline = time.monotonic() + WORKER_TTL_SECONDS + 10
        while job.get_status(refresh=True) is not JobStatus.FINISHED and time.monotonic() < deadline:
            time.sleep(0.5)
    assert job.get_status(refresh=True) is JobStatus.FINISHED
