"""An archivist's whole day in headless Chromium, on the real workers, Redis, OpenSearch and Tesseract.

Log in; upload a sample item (two pages and its metadata.json) from the browser; watch it fail,
because the workers first run with a Tesseract that does not exist; read why in plain words; fix
the cause and retry; watch it reach "Done"; publish it; a visitor (logged out) then finds it by
searching a word of its OCR text; the archivist unpublishes it and the visitor no longer can.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from heritage.config import Config
from heritage.store import Store
from tests.browser import chromium
from tests.conftest import ARTIFACTS, SAMPLES, LiveServer, free_port, running_workers
from tests.workspace import PASSWORD, add_user

pytestmark = pytest.mark.browser
SAMPLE = SAMPLES / "barzaz-breiz-05"
WORD = "Lannion"  # printed on page 1 (L'ORPHELINE DE LANNION)
LIVE = 120_000  # ms: OCR of a 400 dpi page on a shared two-core machine


@pytest.fixture
def site(env: dict[str, str], store: Store) -> Iterator[str]:
    """The application served on the port its base URL names, so IIIF ids resolve in the browser."""
    from heritage.web.app import create_app

    port = free_port()
    config = Config.from_env({**env, "HERITAGE_BASE_URL": f"http://127.0.0.1:{port}"})
    add_user(store)
    with LiveServer(create_app(config), port) as server:
        yield server.url


def shot(page: Page, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workspace-{step}.png"), full_page=True)


def log_in(page: Page, site: str) -> None:
    page.goto(f"{site}/workspace")
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Username").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/workspace")


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")


def found_by_search(page: Page, site: str, item_id: str) -> bool:
    """Whether a visitor's search for the word lists this item (the index is shared by the
    run's other tests, which may hold other copies of the sample)."""
    page.goto(f"{site}/search?q={WORD}")
    links = page.locator("main ol.hits h3 a")
    return any(f"/items/{item_id}/" in (links.nth(i).get_attribute("href") or "") for i in range(links.count()))


def test_an_archivist_uploads_fixes_publishes_and_unpublishes_an_item(
    site: str, env: dict[str, str], store: Store, tmp_path: Path
) -> None:
    errors: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.set_extra_http_headers({"accept-language": "en"})
        page.on("pageerror", lambda e: errors.append(str(e)))
        # Routing turns Chromium's HTTP cache off: public pages may be cached for a minute, and
        # this visitor comes back to the same search well within it.
        page.route("**/*", lambda route: route.continue_())
        log_in(page, site)

        page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Upload").click()
        page.set_input_files("#upload-files", [SAMPLE / "0001.jpg", SAMPLE / "0002.jpg", SAMPLE / "metadata.json"])
        expect(page.locator("#md-title")).to_have_value("Barzaz Breiz — L’ORPHELINE DE LANNION (EMZIVADEZ LANNION)")
        shot(page, "upload")
        with running_workers({**env, "HERITAGE_TESSERACT": "/nonexistent/tesseract"}):
            page.locator("#upload-submit").click()
            page.wait_for_url("**/workspace/items/*")
            item_url = page.url
            expect(page.locator("#item-state")).to_have_text("Failed", timeout=LIVE)
        expect(page.locator(".pages .problem .error-text").first).to_contain_text("Tesseract")
        shot(page, "failed")

        with running_workers(env):
            page.get_by_role("button", name="Retry the failed pages").click()
            page.wait_for_url(f"{item_url}*")
            expect(page.locator("#item-state")).to_have_text("Done", timeout=LIVE)
        progress = page.locator("#item-progress")
        assert progress.get_attribute("value") == progress.get_attribute("max")
        shot(page, "done")

        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("button", name="Unpublish (make it a draft)")).to_be_visible()
        log_out(page)

        [item_id] = store.item_ids()
        assert found_by_search(page, site, item_id)
        assert page.goto(f"{site}/items/{item_id}").status == 200
        shot(page, "visitor-finds-it")

        log_in(page, site)
        page.goto(item_url)
        page.get_by_role("button", name="Unpublish (make it a draft)").click()
        expect(page.get_by_role("button", name="Publish")).to_be_visible()
        log_out(page)

        assert not found_by_search(page, site, item_id)
        assert page.goto(f"{site}/items/{item_id}").status == 404
    assert errors == []
