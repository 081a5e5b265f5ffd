"""The item reader in headless Chromium: deep zoom on our tiles, zoom, pages, copying text, hits."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from playwright.sync_api import Page

from heritage.ocr.alto import parse_words
from tests.browser import chromium, hit_is_shown, layer_box, settle, visible_word
from tests.conftest import ARTIFACTS, Library

pytestmark = pytest.mark.browser
SAMPLE = "barzaz-breiz-01"
PHONE = {"width": 360, "height": 740}


def is_tile(url: str) -> bool:
    """A tile names a region in pixels; the static image and thumbnails ask for the full image."""
    return url.endswith("/0/default.jpg") and "/full/" not in url


@contextmanager
def reader(library: Library, tmp_path: Path, path: str, viewport: dict[str, int] | None = None) -> Iterator[Page]:
    """A page opened on the reader once OpenSeadragon has opened and stopped moving."""
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        if viewport:
            page.set_viewport_size(viewport)  # type: ignore[arg-type]
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{library.url}{path}")
        page.locator(".viewer.upgraded .openseadragon-canvas canvas").first.wait_for(state="visible", timeout=30_000)
        settle(page)
        yield page
        assert errors == []


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def item_id(library: Library) -> str:
    return library.items[SAMPLE]


def searchable_word(library: Library, number: int) -> str:
    record = library.store.load_item(item_id(library))
    alto = library.store.item_public_dir(record.id) / "alto" / f"{record.pages[number - 1].id}.xml"
    return next(w.text for w in parse_words(alto.read_bytes()) if re.fullmatch(r"[^\W\d_]{6,}", w.text))


def test_the_reader_opens_deep_zoom_on_tiles_from_our_server(library: Library, tmp_path: Path) -> None:
    responses: list[tuple[str, int]] = []
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("response", lambda r: responses.append((r.url, r.status)))
        page.goto(f"{library.url}/items/{item_id(library)}")
        canvas = page.locator(".viewer.upgraded .openseadragon-canvas canvas").first
        canvas.wait_for(state="visible", timeout=30_000)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(is_tile(u) for u, _ in responses):
            page.wait_for_timeout(250)
        settle(page)
        shot = canvas.screenshot()
        shoot(page, "reader-desktop.png")
    tiles = [(u, s) for u, s in responses if is_tile(u)]
    assert tiles and all(u.startswith(f"{library.url}/iiif/image/") and s == 200 for u, s in tiles), tiles
    colours = Image.open(BytesIO(shot)).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the canvas looks blank"


def test_zoom_in_with_the_button_and_the_keyboard(library: Library, tmp_path: Path) -> None:
    with reader(library, tmp_path, f"/items/{item_id(library)}") as page:
        home = layer_box(page)["width"]
        page.get_by_role("button", name="Zoom in").click()
        settle(page)
        by_button = layer_box(page)["width"]
        assert by_button > home * 1.3
        page.get_by_role("button", name="Zoom in").focus()
        page.keyboard.press("Enter")
        settle(page)
        assert layer_box(page)["width"] > by_button * 1.3
        page.locator("body").press("0")
        settle(page)
        assert layer_box(page)["width"] == pytest.approx(home, rel=0.02)
        page.locator("body").press("+")
        settle(page)
        assert layer_box(page)["width"] > home * 1.3
        page.locator("body").press("-")
        settle(page)
        assert layer_box(page)["width"] == pytest.approx(home, rel=0.05)


def test_turn_pages_with_the_keyboard_and_the_links(library: Library, tmp_path: Path) -> None:
    base = f"{library.url}/items/{item_id(library)}"
    with reader(library, tmp_path, f"/items/{item_id(library)}") as page:
        page.locator("body").press("n")
        page.wait_for_url(f"{base}/2")
        page.locator("body").press("ArrowRight")
        page.wait_for_url(f"{base}/3")
        page.locator("body").press("ArrowLeft")
        page.wait_for_url(f"{base}/2")
        page.locator("#doc-q").fill("n")
        page.locator("#doc-q").press("n")
        assert page.url == f"{base}/2", "a key typed in a field must not turn the page"
        page.locator("a[rel=next]").click()
        page.wait_for_url(f"{base}/3")
        page.locator("a[rel=prev]").click()
        page.wait_for_url(f"{base}/2")
        assert page.locator(".thumbs a[aria-current=page]").get_attribute("href") == f"/items/{item_id(library)}/2"


def test_a_word_of_the_text_layer_can_be_selected_and_copied_in_place(library: Library, tmp_path: Path) -> None:
    with reader(library, tmp_path, f"/items/{item_id(library)}/2") as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=library.url)
        text, x, y = visible_word(page)
        page.mouse.dblclick(x, y)
        assert page.evaluate("window.getSelection().toString()").strip() == text
        page.keyboard.press("Control+C")
        assert page.evaluate("navigator.clipboard.readText()").strip() == text
        line = page.evaluate(
            """() => { const t = document.querySelectorAll('.osd .text-layer text')[3];
                       const r = document.createRange(); r.selectNodeContents(t);
                       const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
                       return [s.toString(), t.textContent]; }"""
        )
        assert line[0] == line[1] and line[0].strip()


def test_opening_a_hit_link_lands_on_the_hit_highlighted_and_zoomed(library: Library, tmp_path: Path) -> None:
    word = searchable_word(library, 2)
    with reader(library, tmp_path, f"/items/{item_id(library)}/2?q={quote(word)}") as page:
        hit_is_shown(page)
        assert layer_box(page)["width"] > page.locator(".osd").bounding_box()["width"]  # type: ignore[index]
        assert word in page.locator("#page-text mark").all_text_contents()
        shoot(page, "reader-hit-desktop.png")


def test_the_reader_at_phone_size(library: Library, tmp_path: Path) -> None:
    word = searchable_word(library, 2)
    with reader(library, tmp_path, f"/items/{item_id(library)}/2?q={quote(word)}", viewport=PHONE) as page:
        hit_is_shown(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        viewer = page.locator(".osd").bounding_box()
        text = page.locator("#page-text").bounding_box()
        assert viewer is not None and text is not None and text["y"] >= viewer["y"] + viewer["height"]
        shoot(page, "reader-hit-phone.png")
        page.get_by_role("button", name="Zoom in").click()
        settle(page)
        text, x, y = visible_word(page)
        page.mouse.dblclick(x, y)
        assert page.evaluate("window.getSelection().toString()").strip() == text
        page.locator("body").press("n")
        page.wait_for_url(f"{library.url}/items/{item_id(library)}/3?q={quote(word)}")
        page.screenshot(path=str(ARTIFACTS / "reader-phone-full.png"), full_page=True)
