"""Repairs on real small items processed by real workers: retry, re-read, reorder, rotate,
remove, replace, describe again. The pages are crops of a real sample page (full resolution,
so Tesseract reads them as it reads the whole page)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from heritage import activity, jobs, pipeline, repair
from heritage.config import Config
from heritage.errors import InvalidInputError
from heritage.iiif.dynamic_request import Plan
from heritage.iiif.dynamic_service import ImageService
from heritage.ingest.items import ingest, plan
from heritage.model import Collection, DublinCore, Item, ItemState
from heritage.search.client import connect
from heritage.status import item_status
from heritage.store import Store
from tests.conftest import SAMPLES, running_workers, tree, wait_until_settled

SAMPLE = SAMPLES / "barzaz-breiz-05"
TITLE_BAND = (0, 150, 2400, 750)  # the song's title and first verses of page 1


def crop(source: Path, dest: Path, box: tuple[int, int, int, int], sideways: bool = False) -> Path:
    with Image.open(source) as image:
        piece = image.crop(box)
        (piece.transpose(Image.Transpose.ROTATE_90) if sideways else piece).save(dest, quality=92)
    return dest


def make_item(tmp_path: Path, store: Store, config: Config, pages: int = 2, sideways: bool = False) -> Item:
    """A small public item: the title band of the sample's first pages (the first one turned
    a quarter counter-clockwise if ``sideways``), described by the sample's metadata."""
    folder = tmp_path / "scan"
    folder.mkdir(parents=True)
    for n in range(pages):
        crop(SAMPLE / f"000{n + 1}.jpg", folder / f"{n + 1:04}.jpg", TITLE_BAND, sideways and n == 0)
    (folder / "metadata.json").write_bytes((SAMPLE / "metadata.json").read_bytes())
    return ingest(store, plan(folder), "", config.max_pixels, config.max_file_bytes)


def process(env: dict[str, str], store: Store, config: Config, item: Item, **overrides: str) -> ItemState:
    jobs.enqueue_item(config, store, item, jobs.connect(config))
    return settle(env, store, item.id, **overrides)


def settle(env: dict[str, str], store: Store, item_id: str, **overrides: str) -> ItemState:
    with running_workers({**env, **overrides}):
        wait_until_settled(store, [item_id], timeout=300)
    return item_status(store, store.load_item(item_id), stall_after=3600).state


def canvases(store: Store, item_id: str) -> list[dict[str, object]]:
    return json.loads(store.manifest_path(item_id).read_text())["items"]


def stored(store: Store) -> dict[str, int]:
    """The items and the public tree (not the lock files a refused change may leave)."""
    return {**tree(store.items_dir), **{f"public/{k}": v for k, v in tree(store.public).items()}}


def ocr_mtimes(store: Store, item: Item) -> dict[str, int]:
    return {p.id: store.ocr_path(item.id, p.id, "alto.xml").stat().st_mtime_ns for p in item.pages}


@pytest.fixture
def item(tmp_path: Path, env: dict[str, str], store: Store, config: Config) -> Item:
    """Two processed, published pages."""
    made = make_item(tmp_path, store, config)
    assert process(env, store, config, made) is ItemState.PUBLISHED
    return store.load_item(made.id)


def test_retry_finishes_a_page_that_failed_for_real(
    tmp_path: Path, env: dict[str, str], store: Store, config: Config
) -> None:
    made = make_item(tmp_path, store, config, pages=1)
    assert process(env, store, config, made, HERITAGE_TESSERACT="/nonexistent/tesseract") is ItemState.FAILED
    assert "Tesseract binary not found" in item_status(store, made, 3600).errors[0]
    assert repair.retry_failed(store, config, made.id) == 1
    assert settle(env, store, made.id) is ItemState.PUBLISHED
    assert b"LANNION" in store.read_ocr(made.id, made.pages[0].id, "alto.xml")


def test_retry_with_nothing_failed_is_refused(item: Item, store: Store, config: Config) -> None:
    with pytest.raises(InvalidInputError):
        repair.retry_failed(store, config, item.id)


def test_reading_again_with_other_languages_changes_the_models_and_keeps_the_tiles(
    item: Item, env: dict[str, str], store: Store, config: Config
) -> None:
    tiles = {p.id: store.tiles_info_path(item.id, p.id).stat().st_mtime_ns for p in item.pages}
    assert b"tesseract -l fra;" in store.read_ocr(item.id, item.pages[0].id, "alto.xml")
    repair.rerun_ocr(store, config, item.id, ["en", "la"])
    assert settle(env, store, item.id) is ItemState.PUBLISHED
    assert store.load_item(item.id).ocr_languages == ["en", "la"]
    for page in item.pages:
        assert b"tesseract -l eng+lat;" in store.read_ocr(item.id, page.id, "alto.xml")
        assert store.tiles_info_path(item.id, page.id).stat().st_mtime_ns == tiles[page.id]


def test_reading_again_with_an_unknown_language_changes_nothing(item: Item, store: Store, config: Config) -> None:
    before = stored(store)
    with pytest.raises(InvalidInputError):
        repair.rerun_ocr(store, config, item.id, ["xx"])
    assert stored(store) == before


def test_reordering_changes_the_canvas_order_without_reading_again(item: Item, store: Store, config: Config) -> None:
    before = ocr_mtimes(store, item)
    order = [p.id for p in reversed(item.pages)]
    assert repair.reorder_pages(store, config, item.id, order) is True
    assert [c["id"].rsplit("/", 1)[1] for c in canvases(store, item.id)] == order  # type: ignore[union-attr]
    assert ocr_mtimes(store, item) == before


def test_an_order_that_is_not_a_permutation_is_refused(item: Item, store: Store, config: Config) -> None:
    before = stored(store)
    for bad in ([item.pages[0].id], [item.pages[0].id, item.pages[0].id], [item.pages[0].id, "x" * 12]):
        with pytest.raises(InvalidInputError):
            repair.reorder_pages(store, config, item.id, bad)
    assert stored(store) == before


def test_rotating_a_sideways_page_upright_swaps_the_tiles_and_reads_the_text(
    tmp_path: Path, env: dict[str, str], store: Store, config: Config
) -> None:
    made = make_item(tmp_path, store, config, pages=1, sideways=True)
    assert process(env, store, config, made) is ItemState.PUBLISHED
    page = made.pages[0]
    assert (page.width, page.height) == (600, 2400)
    turned = repair.rotate_page(store, config, made.id, page.id, 90)
    assert (turned.rotation, turned.width, turned.height) == (90, 2400, 600)
    assert settle(env, store, made.id) is ItemState.PUBLISHED
    info = json.loads((store.image_dir(page.id) / "info.json").read_text())
    assert (info["width"], info["height"]) == (2400, 600)
    canvas = canvases(store, made.id)[0]
    assert (canvas["width"], canvas["height"]) == (2400, 600)
    assert "LANNION" in store.read_ocr(made.id, page.id, "txt").decode()
    assert_upright_full_image(store, config, page.id, crop(SAMPLE / "0001.jpg", tmp_path / "upright.jpg", TITLE_BAND))


def assert_upright_full_image(store: Store, config: Config, page_id: str, expected: Path) -> None:
    """The dynamic service's full-resolution image (read from the master) shows the page upright."""
    plan = Plan((0, 0, 2400, 600), (2400, 600), False, 0, "default", "png")
    with Image.open(ImageService(store, config).image(page_id, plan)) as served, Image.open(expected) as upright:
        assert served.size == upright.size
        difference = ImageStat.Stat(ImageChops.difference(served.convert("L"), upright.convert("L"))).mean[0]
        assert difference < 8


def test_a_rotation_other_than_a_quarter_turn_is_refused(item: Item, store: Store, config: Config) -> None:
    with pytest.raises(InvalidInputError):
        repair.rotate_page(store, config, item.id, item.pages[0].id, 45)
    assert store.load_item(item.id) == item


def test_removing_a_page_keeps_its_master_and_republishes(item: Item, store: Store, config: Config) -> None:
    gone = item.pages[0]
    assert repair.remove_page(store, config, item.id, gone.id) is True
    assert [p.id for p in store.load_item(item.id).pages] == [item.pages[1].id]
    assert store.master_path(item.id, gone).exists()
    assert len(canvases(store, item.id)) == 1


def test_the_last_page_cannot_be_removed(item: Item, store: Store, config: Config) -> None:
    repair.remove_page(store, config, item.id, item.pages[0].id)
    with pytest.raises(InvalidInputError):
        repair.remove_page(store, config, item.id, item.pages[1].id)
    assert len(store.load_item(item.id).pages) == 1


def test_replacing_a_page_keeps_the_old_master_and_puts_the_new_page_in_its_place(
    item: Item, tmp_path: Path, env: dict[str, str], store: Store, config: Config
) -> None:
    old = item.pages[0]
    image = crop(SAMPLE / "0003.jpg", tmp_path / "better.jpg", TITLE_BAND)
    new = repair.replace_page(store, config, item.id, old.id, image, "better.jpg")
    assert [p.id for p in store.load_item(item.id).pages] == [new.id, item.pages[1].id]
    assert settle(env, store, item.id) is ItemState.PUBLISHED
    assert store.master_path(item.id, old).exists()
    assert store.master_path(item.id, new).read_bytes() == image.read_bytes()
    assert canvases(store, item.id)[0]["id"].endswith(f"/canvas/{new.id}")  # type: ignore[union-attr]


def test_replacing_with_a_file_that_is_not_an_image_changes_nothing(
    item: Item, tmp_path: Path, store: Store, config: Config
) -> None:
    before = stored(store)
    bad = tmp_path / "page.jpg"
    bad.write_text("not an image")
    with pytest.raises(InvalidInputError):
        repair.replace_page(store, config, item.id, item.pages[0].id, bad, "page.jpg")
    assert stored(store) == before


def test_editing_the_description_updates_manifest_and_search_without_reading_again(
    item: Item, store: Store, config: Config
) -> None:
    before = ocr_mtimes(store, item)
    metadata = DublinCore(title="Emzivadez Lannion, adskrid", language=["br"])
    assert repair.edit_metadata(store, config, item.id, metadata, "") is True
    manifest = json.loads(store.manifest_path(item.id).read_text())
    assert manifest["label"] == {"br": ["Emzivadez Lannion, adskrid"]}
    client = connect(config.opensearch_url)
    client.indices.refresh(index=config.index)
    hits = client.search(index=config.index, body={"query": {"term": {"item_id": item.id}}})["hits"]["hits"]
    assert hits and {h["_source"]["title"] for h in hits} == {"Emzivadez Lannion, adskrid"}
    assert ocr_mtimes(store, item) == before


def test_renaming_its_collection_rewrites_the_manifest_and_logs_an_update(
    item: Item, store: Store, config: Config
) -> None:
    store.save_collection(Collection("gwerziou", "Gwerzioù"))
    repair.edit_metadata(store, config, item.id, item.metadata, "gwerziou")
    store.save_collection(Collection("gwerziou", "Gwerzioù Breiz-Izel"))

    assert pipeline.rename_in_manifests(store, config, "gwerziou") == 1

    [part_of] = json.loads(store.manifest_path(item.id).read_text())["partOf"]
    assert part_of["label"] == {"none": ["Gwerzioù Breiz-Izel"]}
    assert activity.latest(activity.events(store))[item.id].kind is activity.Kind.UPDATE


def test_a_rename_leaves_a_page_waiting_for_its_jobs_out_of_the_manifest(
    item: Item, store: Store, config: Config, tmp_path: Path
) -> None:
    """Only the label changes: a replaced page whose tiles are not made yet is not published early."""
    store.save_collection(Collection("gwerziou", "Gwerzioù"))
    repair.edit_metadata(store, config, item.id, item.metadata, "gwerziou")
    before = canvases(store, item.id)
    new_page = crop(SAMPLE / "0003.jpg", tmp_path / "new.jpg", TITLE_BAND)
    repair.replace_page(store, config, item.id, item.pages[0].id, new_page, "new.jpg")
    store.save_collection(Collection("gwerziou", "Gwerzioù Breiz-Izel"))

    assert pipeline.rename_in_manifests(store, config, "gwerziou") == 1

    assert canvases(store, item.id) == before


def test_a_page_removed_while_its_jobs_wait_in_the_queue_does_not_hold_up_the_item(
    tmp_path: Path, env: dict[str, str], store: Store, config: Config
) -> None:
    made = make_item(tmp_path, store, config)
    jobs.enqueue_item(config, store, made, jobs.connect(config))
    assert repair.remove_page(store, config, made.id, made.pages[0].id) is False  # not processed yet
    assert settle(env, store, made.id) is ItemState.PUBLISHED
    assert [c["id"].rsplit("/", 1)[1] for c in canvases(store, made.id)] == [made.pages[1].id]  # type: ignore[union-attr]
