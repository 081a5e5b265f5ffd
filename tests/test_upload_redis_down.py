"""Redis stopped during an upload: the item is stored anyway, and queued (then processed) once
Redis is back, by the web app's background task, `heritage worker` at start-up or `heritage rerun`."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import lxml.html
import pytest
from redis import Redis
from redis.exceptions import RedisError
from starlette.testclient import TestClient

from heritage import enqueue
from heritage.config import Config
from heritage.ingest import uploads
from heritage.model import DublinCore, ItemState
from heritage.status import item_status
from heritage.store import Store
from tests.conftest import VALIDATION_IMAGE, free_port, heritage_cli, running_workers, wait_until_settled
from tests.workspace import add_user, log_in

EN = {"accept-language": "en"}


class OwnRedis:
    """A redis-server of this test's own, to stop and start again on the same port."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(RedisError):
                if Redis.from_url(self.url).ping():
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("the test's redis-server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(10)

    def queue_length(self, config: Config) -> int:
        return int(Redis.from_url(self.url).llen(f"rq:queue:{config.queue}"))


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


@pytest.fixture
def own_env(env: dict[str, str], own_redis: OwnRedis, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("HERITAGE_REDIS_URL", own_redis.url)
    return {**env, "HERITAGE_REDIS_URL": own_redis.url}


def wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true in time")
        time.sleep(0.2)


def test_an_upload_finished_while_redis_is_down_is_stored_then_queued_and_processed_when_it_returns(
    own_env: dict[str, str], own_redis: OwnRedis
) -> None:
    from heritage.web.app import create_app

    config = Config.from_env(own_env)
    store = Store(config.data_dir).ensure()
    with TestClient(create_app(config), base_url=config.base_url, follow_redirects=False) as client:
        token = log_in(client, add_user(store))
        batch = uploads.new_batch_id()
        response = client.put(
            f"/workspace/uploads/{batch}/page.png",
            content=VALIDATION_IMAGE.read_bytes(),
            headers={"x-csrf-token": token, **EN},
        )
        assert response.status_code == 201
        own_redis.stop()  # between the last file and the description
        response = client.post(
            f"/workspace/uploads/{batch}/finish", data={"csrf": token, "title": "Kept", "type": "Text"}, headers=EN
        )
        assert response.status_code == 202
        notice = " ".join(lxml.html.fromstring(response.text).xpath("//*[@role='status']")[0].text_content().split())
        assert "stored as a draft (1 pages); processing will start when the job queue is back" in notice
        [item_id] = store.item_ids()
        assert store.is_draft(item_id) and enqueue.is_pending(store, item_id)
        own_redis.start()
        wait_for(lambda: not enqueue.is_pending(store, item_id), timeout=30)  # the app's background task
        assert own_redis.queue_length(config) == 2
    with running_workers(own_env):
        wait_until_settled(store, [item_id], timeout=300)
    assert item_status(store, store.load_item(item_id), 3600).state is ItemState.PUBLISHED
    assert store.manifest_path(item_id).exists() and store.is_draft(item_id)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


def _stored_while_down(store: Store, config: Config, down: OwnRedis) -> str:
    batch = uploads.new_batch_id()
    asyncio.run(uploads.receive(store, config, batch, "anna", "page.png", _chunks(VALIDATION_IMAGE.read_bytes())))
    item = uploads.finish(store, config, batch, "anna", DublinCore(title="Kept"), None)
    down.stop()
    assert enqueue.queue_item(config, store, item.id) is False
    down.start()
    return item.id


def test_heritage_rerun_queues_the_items_stored_while_redis_was_down(
    own_env: dict[str, str], own_redis: OwnRedis
) -> None:
    config = Config.from_env(own_env)
    store = Store(config.data_dir).ensure()
    item_id = _stored_while_down(store, config, own_redis)
    result = heritage_cli(["rerun", item_id], own_env)
    assert result.returncode == 0, result.stderr
    assert f"queued {item_id} (stored while the job queue was down)" in result.stdout
    assert not enqueue.pending(store)


def test_a_worker_starting_queues_and_processes_the_items_stored_while_redis_was_down(
    own_env: dict[str, str], own_redis: OwnRedis
) -> None:
    config = Config.from_env(own_env)
    store = Store(config.data_dir).ensure()
    item_id = _stored_while_down(store, config, own_redis)
    result = heritage_cli(["worker", "--burst", "--count", "1"], own_env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not enqueue.pending(store)
    assert item_status(store, store.load_item(item_id), 3600).state is ItemState.PUBLISHED


def test_queueing_with_redis_down_leaves_a_durable_mark(store: Store, config: Config, tmp_path: Path) -> None:
    item_id = "abcdefghijkm"
    down = Config.from_env({"HERITAGE_DATA_DIR": str(config.data_dir), "HERITAGE_REDIS_URL": "redis://127.0.0.1:1/0"})
    (store.items_dir / item_id).mkdir()
    store.write_json(
        store.items_dir / item_id / "item.json",
        {"id": item_id, "metadata": {"title": "T"}, "pages": []},
    )
    assert enqueue.queue_item(down, store, item_id) is False
    assert enqueue.pending(store) == [item_id]
    assert enqueue.queue_pending(down, store) == []
    assert enqueue.queue_pending(config, store) == [item_id]
    assert enqueue.pending(store) == []
