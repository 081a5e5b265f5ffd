"""The trash: deleting hides an item and keeps it whole; restoring brings it back; only emptying destroys."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from heritage import activity, pipeline, trash
from heritage.config import Config
from heritage.errors import NotFoundError
from heritage.ingest.items import ingest, plan
from heritage.model import Item, Stage, StageState, StageStatus
from heritage.store import Store, sha256_file
from tests.conftest import OPENSEARCH_URL, SAMPLES
from tests.workspace import one_page_folder

SAMPLE = SAMPLES / "real" / "nubis-1886"


def add_item(store: Store, config: Config, tmp_path: Path, draft: bool = True) -> Item:
    return ingest(store, plan(one_page_folder(tmp_path)), "Imprimés", config.max_pixels, config.max_file_bytes, draft)


def process(store: Store, config: Config, item: Item) -> None:
    """Every stage of the item run in-process, as the workers' jobs run them (real Tesseract)."""
    for page in item.pages:
        pipeline.run_ocr(store, config, item.id, page.id)
        pipeline.run_tiles(store, config, item.id, page.id)
        for stage in Stage:
            store.set_stage_status(item.id, page.id, stage, StageStatus(StageState.DONE))
    pipeline.publish(store, config, item.id)
    store.set_publish_status(item.id, StageStatus(StageState.DONE))


def indexed_pages(config: Config, item_id: str) -> int:
    httpx.post(f"{OPENSEARCH_URL}/{config.index}/_refresh", timeout=30).raise_for_status()
    query = {"query": {"term": {"item_id": item_id}}}
    response = httpx.post(f"{OPENSEARCH_URL}/{config.index}/_count", json=query, timeout=30)
    return int(response.json()["count"])


def test_deleting_moves_the_whole_item_with_its_masters_into_the_trash(
    store: Store, config: Config, tmp_path: Path
) -> None:
    item = add_item(store, config, tmp_path)
    masters = {p.name: sha256_file(p) for p in (store.item_dir(item.id) / "masters").iterdir()}

    trash.move_to_trash(store, config, item.id, "anna")

    assert item.id not in store.item_ids()
    assert not store.item_dir(item.id).exists()
    with pytest.raises(NotFoundError):
        store.load_item(item.id)
    kept = trash.trash_dir(store) / item.id / "masters"
    assert {p.name: sha256_file(p) for p in kept.iterdir()} == masters


def test_the_trash_lists_who_deleted_what_and_when(store: Store, config: Config, tmp_path: Path) -> None:
    first = add_item(store, config, tmp_path / "a")
    second = add_item(store, config, tmp_path / "b")
    trash.move_to_trash(store, config, first.id, "anna")
    trash.move_to_trash(store, config, second.id, "yann")

    listed = trash.entries(store)

    assert {e.item.id for e in listed} == {first.id, second.id}
    assert [e.deleted_at for e in listed] == sorted((e.deleted_at for e in listed), reverse=True)
    by_id = {e.item.id: e for e in listed}
    assert by_id[first.id].deleted_by == "anna" and by_id[second.id].deleted_by == "yann"
    assert by_id[first.id].item.metadata.title == first.metadata.title
    assert by_id[first.id].pages == 1
    assert by_id[first.id].deleted_at.startswith("20")
    assert by_id[first.id].master_bytes == (SAMPLE / "17b9_1886_2.jpg").stat().st_size


def test_deleting_a_public_item_withdraws_it_and_removes_its_public_files(
    store: Store, config: Config, tmp_path: Path
) -> None:
    item = add_item(store, config, tmp_path, draft=False)
    process(store, config, item)
    assert indexed_pages(config, item.id) > 0
    page = item.pages[0]

    gone = trash.move_to_trash(store, config, item.id, "anna")

    assert gone.was_public
    assert indexed_pages(config, item.id) == 0
    assert item.id not in store.collection_path().read_text()
    assert item.id not in store.collection_path(item.collection).read_text()
    assert activity.latest(activity.events(store))[item.id].kind is activity.Kind.DELETE
    assert not store.item_public_dir(item.id).exists()
    assert not store.image_dir(page.id).exists()


def test_restoring_brings_the_item_back_as_a_draft_with_its_tiles_to_make_again(
    store: Store, config: Config, tmp_path: Path
) -> None:
    item = add_item(store, config, tmp_path, draft=False)
    process(store, config, item)
    trash.move_to_trash(store, config, item.id, "anna")

    restored = trash.restore(store, item.id)

    assert restored == item
    assert store.load_item(item.id) == item
    assert store.is_draft(item.id)
    page = item.pages[0]
    assert store.stage_status(item.id, page.id, Stage.OCR).state is StageState.DONE
    assert store.stage_status(item.id, page.id, Stage.TILES).state is StageState.QUEUED
    assert trash.entries(store) == []
    assert not (store.item_dir(item.id) / trash.NOTE).exists()


def test_restoring_clears_what_a_job_still_running_at_deletion_wrote(
    store: Store, config: Config, tmp_path: Path
) -> None:
    item = add_item(store, config, tmp_path)
    trash.move_to_trash(store, config, item.id, "anna")
    page = item.pages[0]
    store.set_stage_status(item.id, page.id, Stage.OCR, StageStatus(StageState.FAILED, error="no item"))

    trash.restore(store, item.id)

    assert store.load_item(item.id) == item
    assert store.stage_status(item.id, page.id, Stage.OCR).state is StageState.QUEUED


def test_emptying_the_trash_deletes_the_masters_for_good(store: Store, config: Config, tmp_path: Path) -> None:
    item = add_item(store, config, tmp_path)
    kept = add_item(store, config, tmp_path / "other")
    trash.move_to_trash(store, config, item.id, "anna")

    removed = trash.empty(store)

    assert [e.item.id for e in removed] == [item.id]
    assert list(trash.trash_dir(store).iterdir()) == []
    assert store.item_ids() == [kept.id]
    line = trash.describe(removed[0])
    assert item.metadata.title in line and "1 pages" in line and "deleted by anna" in line


@pytest.mark.parametrize("item_id", ["nosuchitem23", "../items", "..", ""])
def test_what_is_not_in_the_trash_cannot_be_restored(store: Store, item_id: str) -> None:
    with pytest.raises(NotFoundError):
        trash.restore(store, item_id)


def test_the_note_in_the_trash_says_who_deleted_the_item(store: Store, config: Config, tmp_path: Path) -> None:
    item = add_item(store, config, tmp_path)
    trash.move_to_trash(store, config, item.id, "anna")

    note = json.loads((trash.trash_dir(store) / item.id / trash.NOTE).read_text())

    assert note["deleted_by"] == "anna" and note["was_public"] is False
