"""The bulk export, downloaded from a live server over a small library built by real workers."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from heritage import export
from heritage.config import Config
from heritage.store import Store
from heritage.web.app import create_app
from heritage.web.export_route import EXPORT_PATH
from tests.conftest import (
    TEST_DB,
    LiveServer,
    _require_redis,
    environment,
    free_port,
    running_workers,
    wait_until_settled,
)
from tests.test_oai import GWERZ, KELEIER, ingest, item_folder, withdraw

WORDS = {"gwerz": "Kenavo ar c'hentañ", "keleier": "Demat d'an holl", "withdrawn": "Bremañ ha warc'hoazh"}


class Exported:
    def __init__(self, server: LiveServer, store: Store, env: dict[str, str], items: dict[str, str]) -> None:
        self.server = server
        self.store = store
        self.env = env
        self.items = items  # gwerz, keleier, withdrawn -> item id

    def download(self) -> httpx.Response:
        response = httpx.get(f"{self.server.url}{EXPORT_PATH}", timeout=60)
        assert response.status_code == 200, response.text[:200]
        return response

    def archive(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.download().content))

    def published_ids(self) -> set[str]:
        collection = httpx.get(f"{self.server.url}/iiif/collection", timeout=30).json()
        return {entry["id"].split("/iiif/")[1].split("/")[0] for entry in collection["items"]}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    """Three one-page items published by real workers, served live."""
    redis = _require_redis(TEST_DB)
    redis.flushdb()
    root = tmp_path_factory.mktemp("export")
    port = free_port()
    env = environment(root / "data", TEST_DB, f"http://127.0.0.1:{port}")
    store = Store(root / "data")
    metadata = {"gwerz": GWERZ, "keleier": KELEIER, "withdrawn": {"title": "Da dennañ kuit"}}
    collections = {"gwerz": "Barzaz Breiz", "keleier": "Keleier", "withdrawn": ""}
    with running_workers(env):
        items = {
            name: ingest(env, item_folder(root, name, metadata[name], WORDS[name]), collections[name])
            for name in metadata
        }
        wait_until_settled(store, items.values(), timeout=600)
    with LiveServer(create_app(Config.from_env(env)), port) as server:
        yield Exported(server, store, env, items)
    redis.flushdb()


def test_archive_lists_every_published_item(exported: Exported) -> None:
    archive = exported.archive()
    assert archive.testzip() is None
    catalogue = json.loads(archive.read("catalogue.json"))
    assert {entry["id"] for entry in catalogue["items"]} == exported.published_ids()
    assert catalogue["base_url"] == exported.server.url


def test_item_metadata_is_its_dublin_core_with_links(exported: Exported) -> None:
    item_id = exported.items["gwerz"]
    metadata = json.loads(exported.archive().read(f"items/{item_id}/metadata.json"))
    dc = metadata["dublin_core"]
    assert dc["title"] == GWERZ["title"]
    assert dc["creator"] == GWERZ["creator"]
    assert dc["subject"] == GWERZ["subject"]
    assert dc["rights"] == "http://creativecommons.org/publicdomain/mark/1.0/"
    assert dc["description"] == GWERZ["description"]
    assert metadata["collection"] == "barzaz-breiz"
    assert metadata["manifest"] == f"{exported.server.url}/iiif/{item_id}/manifest.json"
    manifest = httpx.get(metadata["manifest"], timeout=30).json()
    assert manifest["id"] == metadata["manifest"]


def test_page_text_is_the_published_ocr(exported: Exported) -> None:
    item_id = exported.items["keleier"]
    archive = exported.archive()
    page = json.loads(archive.read(f"items/{item_id}/metadata.json"))["pages"][0]
    text = archive.read(page["text"]).decode()
    served = httpx.get(f"{exported.server.url}/iiif/{item_id}/text/{page['id']}.txt", timeout=30)
    assert text == served.text
    assert "Demat" in text


def test_export_is_built_once_and_served_from_disk(exported: Exported) -> None:
    first = exported.download()
    second = exported.download()
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["content-type"] == "application/zip"
    assert "heritage-library.zip" in first.headers["content-disposition"]
    assert len(list(export.export_dir(exported.store).glob("*.zip"))) == 1
    assert not list(exported.store.tmp.glob("*.export.zip"))


def test_withdrawal_gives_a_new_export_without_the_item(exported: Exported) -> None:
    before = exported.download()
    old_files = set(export.export_dir(exported.store).glob("*.zip"))
    withdrawn = exported.items["withdrawn"]
    withdraw(exported.env, withdrawn)
    after = exported.download()
    archive = zipfile.ZipFile(io.BytesIO(after.content))
    assert after.headers["etag"] != before.headers["etag"]
    assert withdrawn not in {entry["id"] for entry in json.loads(archive.read("catalogue.json"))["items"]}
    assert not [name for name in archive.namelist() if withdrawn in name]
    assert not old_files & set(export.export_dir(exported.store).glob("*.zip"))


def test_empty_library_exports_an_empty_catalogue(tmp_path: Path) -> None:
    store = Store(tmp_path / "data").ensure()
    path = export.current_export(store, "http://library.example")
    catalogue = json.loads(zipfile.ZipFile(path).read("catalogue.json"))
    assert catalogue["items"] == []
    assert path.name == "library-empty.zip"
