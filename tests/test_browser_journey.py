"""A visitor's whole visit in headless Chromium, on a desktop and on a 360 x 740 phone.

Home -> a collection -> an item; zoom, turn a page, copy a word from the text layer; search the
library, open a hit and see it highlighted on the page; switch the interface to Breton and back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import chromium, hit_is_shown, layer_box, settle, visible_word
from tests.conftest import ARTIFACTS, Library

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
QUERY = "eostik"


def deep_zoom_ready(page: Page) -> None:
    page.locator(".viewer.upgraded .openseadragon-canvas canvas").first.wait_for(state="visible", timeout=30_000)
    settle(page)


def shot(page: Page, size: str, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"journey-{size}-{step}.png"))


@pytest.mark.parametrize("size", SIZES)
def test_a_visitor_browses_reads_copies_searches_and_switches_language(
    library: Library, tmp_path: Path, size: str
) -> None:
    errors: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.set_viewport_size(SIZES[size])  # type: ignore[arg-type]
        page.set_extra_http_headers({"accept-language": "en"})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=library.url)

        page.goto(f"{library.url}/")
        shot(page, size, "home")
        page.locator("main a[href='/collections/barzaz-breiz']").first.click()
        page.wait_for_url(f"{library.url}/collections/barzaz-breiz")
        shot(page, size, "collection")
        page.locator("main a[href^='/items/']").first.click()
        page.wait_for_url(f"{library.url}/items/*")
        item_url = page.url
        deep_zoom_ready(page)

        whole = layer_box(page)["width"]
        page.get_by_role("button", name="Zoom in").click()
        settle(page)
        assert layer_box(page)["width"] > whole * 1.3

        page.locator("a[rel=next]").first.click()
        page.wait_for_url(f"{item_url}/2")
        deep_zoom_ready(page)
        word, x, y = visible_word(page)
        page.mouse.dblclick(x, y)
        page.keyboard.press("Control+C")
        assert page.evaluate("navigator.clipboard.readText()").strip() == word
        shot(page, size, "item")

        page.locator("#site-q").fill(QUERY)
        page.locator("#site-q").press("Enter")
        page.wait_for_url(f"{library.url}/search?q={QUERY}")
        shot(page, size, "search")
        page.locator("main ol.hits h3 a").first.click()
        page.wait_for_url(re.compile(rf"/items/\w+/\d+\?q={QUERY}$"))
        deep_zoom_ready(page)
        hit_is_shown(page)
        assert page.locator("#page-text mark").count() > 0
        hit_url = page.url
        shot(page, size, "hit")

        page.locator("nav.languages a[lang=br]").click()
        page.wait_for_url(hit_url)
        assert page.locator("html").get_attribute("lang") == "br"
        assert page.get_by_role("button", name="Klask").first.is_visible()
        shot(page, size, "hit-br")
        page.locator("nav.languages a[lang=en]").click()
        page.wait_for_url(hit_url)
        assert page.locator("html").get_attribute("lang") == "en"
    assert errors == []
