"""The item page's live progress in headless Chromium: while a real worker processes the item,
progress.js updates the bar and the states in place and announces the change, no reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from heritage import jobs
from heritage.config import Config
from heritage.store import Store
from heritage.web.app import create_app
from tests.browser import chromium
from tests.conftest import LiveServer, free_port, running_workers
from tests.test_repair import make_item
from tests.workspace import PASSWORD, add_user

pytestmark = pytest.mark.browser


def test_the_item_page_follows_the_worker_without_reloading(
    tmp_path: Path, env: dict[str, str], store: Store, config: Config
) -> None:
    item = make_item(tmp_path, store, config, pages=1)
    add_user(store)
    errors: list[str] = []
    with LiveServer(create_app(config), free_port()) as server, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{server.url}/login?next=/workspace/items/{item.id}")
        page.fill("#login-username", "anna")
        page.fill("#login-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"**/workspace/items/{item.id}")
        assert page.locator("#item-state").text_content() == "Queued"
        assert page.locator("#refresh-link").is_hidden()  # the script refreshes; no link needed
        page.evaluate("document.body.dataset.sameDocument = 'yes'")
        jobs.enqueue_item(config, store, item, jobs.connect(config))
        with running_workers(env):
            page.locator("#item-state.state-done").wait_for(timeout=120_000)
        assert page.evaluate("document.body.dataset.sameDocument") == "yes"  # never reloaded
        assert page.locator("#item-progress").get_attribute("value") == "3"
        assert "Done" in (page.locator("#progress-announce").text_content() or "")
        assert page.locator(f"#page-{item.pages[0].id}-thumb").evaluate("e => e.tagName") == "IMG"
    assert errors == []
