"""The job graph on a real Redis, run in-process by RQ's SimpleWorker, with the real Tesseract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest
from redis import Redis
from rq import SimpleWorker

from heritage import jobs, pipeline
from heritage.config import Config
from heritage.ingest.items import ingest, plan
from heritage.model import Item, ItemState, Stage, StageState
from heritage.status import item_status
from heritage.store import Store
from tests.conftest import SAMPLES


def run_queue(config: Config, redis: Redis) -> None:
    SimpleWorker([jobs.queue(config, redis)], connection=redis).work(burst=True)


@pytest.fixture
def one_page_item(tmp_path: Path, config: Config, store: Store) -> Item:
    folder = tmp_path / "nubis-1886"
    folder.mkdir()
    shutil.copy(SAMPLES / "real" / "nubis-1886" / "17b9_1886_1.jpg", folder)
    shutil.copy(SAMPLES / "real" / "nubis-1886" / "metadata.json", folder)
    return ingest(store, plan(folder), "Imprimés français", config.max_pixels, config.max_file_bytes)


def test_an_item_is_published_once_ocr_and_tiles_are_done(
    config: Config, store: Store, redis: Redis, one_page_item: Item
) -> None:
    jobs.enqueue_item(config, store, one_page_item, redis)
    assert item_status(store, one_page_item, 3600).state is ItemState.QUEUED
    run_queue(config, redis)
    status = item_status(store, one_page_item, 3600)
    assert status.state is ItemState.PUBLISHED
    assert status.done_units == status.total_units == 3
    page = one_page_item.pages[0]
    manifest = json.loads(store.manifest_path(one_page_item.id).read_text())
    assert manifest["items"][0]["width"] == page.width
    assert (store.image_dir(page.id) / "info.json").exists()
    assert (store.item_public_dir(one_page_item.id) / "alto" / f"{page.id}.xml").exists()
    assert "1886" in manifest["navDate"]
    collection = json.loads(store.collection_path("imprimes-francais").read_text())
    assert [m["id"] for m in collection["items"]] == [manifest["id"]]


def test_a_failing_page_is_retried_a_bounded_number_of_times_then_marked_failed(
    config: Config, store: Store, redis: Redis, one_page_item: Item, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERITAGE_TESSERACT", "/nonexistent/tesseract")
    jobs.enqueue_item(config, store, one_page_item, redis)
    run_queue(config, redis)
    status = item_status(store, one_page_item, 3600)
    ocr = status.pages[0].stages[Stage.OCR]
    assert status.state is ItemState.FAILED
    assert ocr.state is StageState.FAILED
    assert ocr.attempts == 1 + config.job_retries
    assert "tesseract" in ocr.error.lower()
    assert status.pages[0].stages[Stage.TILES].state is StageState.DONE
    assert not store.manifest_path(one_page_item.id).exists()


def test_rerun_finishes_a_failed_item_without_redoing_what_is_done(
    config: Config, store: Store, redis: Redis, one_page_item: Item, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HERITAGE_TESSERACT", "/nonexistent/tesseract")
    jobs.enqueue_item(config, store, one_page_item, redis)
    run_queue(config, redis)
    page = one_page_item.pages[0]
    tiles_before = store.stage_status(one_page_item.id, page.id, Stage.TILES)
    monkeypatch.setenv("HERITAGE_TESSERACT", "tesseract")
    jobs.enqueue_item(config, store, one_page_item, redis)
    run_queue(config, redis)
    assert item_status(store, one_page_item, 3600).state is ItemState.PUBLISHED
    assert store.stage_status(one_page_item.id, page.id, Stage.TILES) == tiles_before


def page_count_in_index(config: Config, item_id: str) -> int:
    httpx.post(f"{config.opensearch_url}/{config.index}/_refresh", timeout=30)
    body = {"query": {"bool": {"filter": [{"term": {"item_id": item_id}}, {"term": {"kind": "page"}}]}}}
    return int(httpx.post(f"{config.opensearch_url}/{config.index}/_count", json=body, timeout=30).json()["count"])


def test_publishing_indexes_the_pages_and_withdrawing_removes_them_but_keeps_the_masters(
    config: Config, store: Store, redis: Redis, one_page_item: Item
) -> None:
    jobs.enqueue_item(config, store, one_page_item, redis)
    run_queue(config, redis)
    assert page_count_in_index(config, one_page_item.id) == 1
    pipeline.withdraw(store, config, one_page_item.id)
    assert page_count_in_index(config, one_page_item.id) == 0
    assert not store.manifest_path(one_page_item.id).exists()
    assert not store.image_dir(one_page_item.pages[0].id).exists()
    assert json.loads(store.collection_path().read_text())["items"] == []
    assert store.verify_masters(one_page_item) == []
