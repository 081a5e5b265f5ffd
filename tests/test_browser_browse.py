"""A visitor browses home -> collection -> item and searches with a facet, on desktop and phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser import chromium
from tests.conftest import ARTIFACTS, Library

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 900), "phone": (360, 740)}


def shot(page: Page, name: str) -> None:
    """A full-page screenshot with every lazy thumbnail loaded, as after scrolling down."""
    page.locator("img").evaluate_all("images => images.forEach(i => { i.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_home_to_collection_to_item(library: Library, tmp_path: Path, size: str) -> None:
    errors: list[str] = []
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
        page.set_extra_http_headers({"accept-language": "en"})
        page.goto(f"{library.url}/", wait_until="networkidle")
        shot(page, f"browse-home-{size}")
        page.get_by_role("link", name=re.compile("^Keleier")).first.click()
        page.wait_for_url(f"{library.url}/collections/keleier")
        assert page.locator("h1").inner_text() == "Keleier"
        shot(page, f"browse-collection-{size}")
        page.locator("ul.cards a.card").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/items/[a-z0-9]{12}$"))
        assert page.url == f"{library.url}/items/{library.items['keleier-bremaik']}"
    assert errors == []


@pytest.mark.parametrize("size", SIZES)
def test_search_then_narrow_with_a_facet(library: Library, tmp_path: Path, size: str) -> None:
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
        page.set_extra_http_headers({"accept-language": "en"})
        page.goto(f"{library.url}/collections", wait_until="networkidle")
        page.get_by_label("Search the library").fill("an")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/search\?q=an$"))
        total = int(page.locator("p.summary").inner_text().split()[0])
        assert page.locator("ol.hits mark").count() > 0
        assert page.locator("div.hit-thumb svg rect").count() > 0
        shot(page, f"browse-search-{size}")
        facet = page.locator("nav.facets ul[aria-labelledby='facet-collection'] a", has_text="Keleier")
        count = int(facet.locator(".count").inner_text().strip("()"))
        facet.click()
        page.wait_for_url(re.compile(r"collection=keleier"))
        assert int(page.locator("p.summary").inner_text().split()[0]) == count < total
        shot(page, f"browse-search-facet-{size}")
        page.locator("ol.hits h3 a").first.click()
        page.wait_for_url(re.compile(rf"/items/{library.items['keleier-bremaik']}/\d+\?q=an$"))
