"""upload.js in Chromium: files chosen or dropped, metadata.json read to fill the form, each file
PUT with its progress bar, then the description posted and the archivist sent to the item."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from heritage.config import Config
from heritage.store import Store
from tests.browser import chromium
from tests.conftest import SAMPLES, LiveServer, free_port
from tests.workspace import PASSWORD, add_user

SAMPLE = SAMPLES / "barzaz-breiz-05"
pytestmark = pytest.mark.browser


@pytest.fixture
def upload_page(config: Config, store: Store, tmp_path: Path) -> Iterator[Page]:
    """The upload page, open in Chromium, logged in as anna."""
    from heritage.web.app import create_app

    add_user(store)
    with LiveServer(create_app(config), free_port()) as server, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.goto(f"{server.url}/login?next=/workspace/upload")
        page.fill("#login-username", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/workspace/upload")
        yield page


def test_chosen_files_are_uploaded_one_by_one_and_metadata_json_fills_the_form(upload_page: Page, store: Store) -> None:
    page = upload_page
    assert page.locator("#upload-drop").is_visible()
    page.set_input_files("#upload-files", [SAMPLE / "0002.jpg", SAMPLE / "0001.jpg", SAMPLE / "metadata.json"])
    expected = json.loads((SAMPLE / "metadata.json").read_text())
    page.wait_for_function("document.getElementById('md-title').value !== ''")
    assert page.input_value("#md-title") == expected["title"]
    assert page.input_value("#md-creator") == expected["creator"]
    assert page.is_checked("input[name=language][value=br]") and page.is_checked("input[name=language][value=fr]")
    names = page.locator("#upload-list .name").all_text_contents()
    assert names == ["0001.jpg", "0002.jpg", "metadata.json"]
    assert page.locator("#upload-list progress").count() == 3
    page.click("#upload-submit")
    page.wait_for_url("**/workspace/items/*")
    [item_id] = store.item_ids()
    assert page.url.endswith(f"/workspace/items/{item_id}")
    item = store.load_item(item_id)
    assert [p.original_name for p in item.pages] == ["0001.jpg", "0002.jpg"]
    assert item.metadata.title == expected["title"] and item.metadata.subject == expected["subject"]
    assert item.metadata.rights == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert store.is_draft(item_id)


def test_dropped_files_join_the_list(upload_page: Page) -> None:
    page = upload_page
    page.evaluate(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["II*\\u0000"], "page-10.tif"));
            transfer.items.add(new File(["II*\\u0000"], "page-2.tif"));
            const zone = document.getElementById('upload-drop');
            zone.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }"""
    )
    page.wait_for_function("document.querySelectorAll('#upload-list li').length === 2")
    assert page.locator("#upload-list .name").all_text_contents() == ["page-2.tif", "page-10.tif"]
    assert "2 files ready to upload." in page.text_content("#upload-status")


def test_a_refused_file_is_shown_beside_it_and_nothing_is_stored(upload_page: Page, store: Store) -> None:
    page = upload_page
    page.set_input_files("#upload-files", [SAMPLE / "0001.gt.txt"])
    page.fill("#md-title", "Not an image")
    page.click("#upload-submit")
    page.wait_for_function("document.getElementById('upload-status').getAttribute('role') === 'alert'")
    assert "not a JPEG, PNG, TIFF or JPEG 2000 image nor a PDF" in page.text_content("#upload-list .state")
    assert "Nothing was stored" in page.text_content("#upload-status")
    assert store.item_ids() == []
