"""Sharing in headless Chromium: the embed inside another site, regions into our reader and Mirador.

Mirador 4 does not read a IIIF Content State itself (no ``iiif-content`` support in its source):
the other site's page decodes the content state, as the spec's §6.1 recipe says, and hands its
canvas and region to Mirador's window configuration (``canvasId`` and ``initialViewerConfig``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, FrameLocator, Page

from heritage.iiif import content_state as cs
from heritage.iiif import urls
from tests.browser import chromium, mirador_site, npm_file, settle, static_site
from tests.conftest import ARTIFACTS, Library
from tests.test_accessibility import AXE_OPTIONS, serious

pytestmark = pytest.mark.browser
SAMPLE = "barzaz-breiz-01"
PHONE = {"width": 360, "height": 740}
MIRADOR_STATE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="mirador.min.js"></script>
<script>
function decodeContentState(s) {
  s = s.replace(/-/g, "+").replace(/_/g, "/");
  while (s.length % 4) s += "=";
  return JSON.parse(decodeURIComponent(atob(s)));
}
const state = decodeContentState(new URLSearchParams(location.search).get("iiif-content"));
const [canvasId, xywh] = state.target.id.split("#xywh=");
window.mirador = Mirador.viewer({id: "viewer", windows: [{
  id: "w", manifestId: state.target.partOf[0].id, canvasId: canvasId,
  initialViewerConfig: {bounds: xywh.split(",").map(Number)}
}]});
</script></body></html>"""

Box = tuple[float, float, float, float]


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def covers(bounds: Box, region: Box, slack: float) -> bool:
    """The view shows all of the region, and not much more than it in at least one direction."""
    bx, by, bw, bh = bounds
    x, y, w, h = region
    inside = bx <= x + slack and by <= y + slack and bx + bw >= x + w - slack and by + bh >= y + h - slack
    return inside and (bw <= w * 1.15 + slack or bh <= h * 1.15 + slack)


@contextmanager
def opened(browser: BrowserContext, url: str) -> Iterator[Page]:
    """The reader at url, once deep zoom has opened and stopped moving; no script error meanwhile."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.locator(".viewer.upgraded .openseadragon-canvas canvas").first.wait_for(state="visible", timeout=30_000)
    settle(page)
    yield page
    assert errors == []


def reader_view(page: Page) -> Box:
    """What the reader's viewer shows, in page pixels."""
    box: dict[str, float] = page.evaluate(
        """() => {
            const viewer = document.getElementById('viewer').viewer;
            const r = viewer.viewport.viewportToImageRectangle(viewer.viewport.getBounds(true));
            return {x: r.x, y: r.y, width: r.width, height: r.height};
        }"""
    )
    return box["x"], box["y"], box["width"], box["height"]


def drag_a_region(page: Page) -> None:
    page.get_by_role("button", name="Select a region").click()
    box = page.locator(".osd .openseadragon-canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.35)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45, steps=8)
    page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.52, steps=8)
    page.mouse.up()
    page.locator("#region-result").wait_for(state="visible")


def embed_frame(page: Page) -> FrameLocator:
    frame = page.frame_locator("iframe")
    frame.locator(".viewer.upgraded .openseadragon-canvas canvas").first.wait_for(state="visible", timeout=30_000)
    return frame


def wait_for_tile(page: Page, responses: list[str]) -> None:
    """A tile (not a full-size image) arrives once the viewer has laid out the page, which can be
    a moment after its canvas shows."""
    deadline = time.monotonic() + 15
    while not any("/full/" not in u and u.endswith("/0/default.jpg") for u in responses):
        if time.monotonic() > deadline:
            raise AssertionError(f"no tile was drawn: {responses}")
        page.wait_for_timeout(100)


def wait_for_frame(page: Page, url: str) -> None:
    """The iframe is on another origin: its location can only be read from outside the page."""
    deadline = time.monotonic() + 15
    while url not in [frame.url for frame in page.frames]:
        if time.monotonic() > deadline:
            raise AssertionError(f"the embed never went to {url}: {[f.url for f in page.frames]}")
        page.wait_for_timeout(100)


def test_an_embed_in_another_sites_page_shows_the_document_and_turns_its_pages(
    library: Library, tmp_path: Path
) -> None:
    item = library.store.load_item(library.items[SAMPLE])
    root = tmp_path / "other-site"
    root.mkdir()
    code = httpx.get(f"{library.url}/oembed", params={"url": f"{library.url}/items/{item.id}"}).json()["html"]
    (root / "index.html").write_text(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A class</title></head>'
        f"<body><h1>Lesson: Breton ballads</h1>{code}</body></html>"
    )
    tiles: list[str] = []
    with static_site(root) as origin, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("response", lambda r: tiles.append(r.url) if "/iiif/image/" in r.url and r.status == 200 else None)
        page.goto(f"{origin}/index.html")
        frame = embed_frame(page)
        assert "Page 1 of 4" in frame.locator(".page-nav").inner_text()
        wait_for_tile(page, tiles)
        shoot(page, "embed-other-site.png")
        frame.locator("a[rel='next']").click()
        wait_for_frame(page, f"{library.url}/embed/{item.id}/2")
        frame = embed_frame(page)
        assert "Page 2 of 4" in frame.locator(".page-nav").inner_text()
        assert frame.locator("figcaption a[rel~='license']").inner_text() == "CC BY-SA 3.0"
        page.set_viewport_size(PHONE)  # type: ignore[arg-type]
        page.wait_for_timeout(500)
        shoot(page, "embed-other-site-phone.png")


def test_a_region_chosen_in_the_reader_opens_again_in_the_reader_and_in_mirador(
    library: Library, tmp_path: Path
) -> None:
    item = library.store.load_item(library.items[SAMPLE])
    page_two = item.pages[1]
    with chromium(tmp_path / "profile") as browser:
        with opened(browser, f"{library.url}/items/{item.id}/2") as page:
            drag_a_region(page)
            shoot(page, "reader-region-selected.png")
            token = page.locator(".region-code").input_value()
            state_link = page.locator("a.region-state").get_attribute("href")
            image_link = page.locator("a.region-image").get_attribute("href")
        view = cs.view_of(cs.decode(token))
        assert view.canvas == urls.canvas(library.url, item.id, page_two.id)
        assert view.manifest == urls.manifest(library.url, item.id)
        assert view.region is not None
        x, y, w, h = view.region
        assert 0 < x < page_two.width and 0 < y < page_two.height and w > 50 and h > 50
        assert state_link is not None and parse_qs(urlparse(state_link).query)["iiif-content"] == [token]
        assert image_link is not None
        crop = Image.open(BytesIO(httpx.get(image_link, timeout=30).content))
        assert crop.size == (w, h)
        slack = page_two.width * 0.02

        with opened(browser, state_link) as page:
            assert urlparse(page.url).query == f"xywh={x},{y},{w},{h}"
            assert covers(reader_view(page), (x, y, w, h), slack), (reader_view(page), view.region)

        with mirador_site(tmp_path / "mirador") as origin:
            (tmp_path / "mirador" / "state.html").write_text(MIRADOR_STATE_PAGE)
            mirador = browser.new_page()
            mirador.goto(f"{origin}/state.html?iiif-content={token}")
            mirador.locator(".openseadragon-canvas canvas").first.wait_for(state="visible", timeout=60_000)
            state = mirador_viewer_state(mirador)
            mirador.wait_for_timeout(1500)
            shoot(mirador, "mirador-content-state.png")
    assert state["canvasId"] == view.canvas
    bounds = state["bounds"]
    assert covers((bounds["x"], bounds["y"], bounds["width"], bounds["height"]), (x, y, w, h), slack), bounds


def mirador_viewer_state(page: Page) -> dict[str, Any]:
    """Mirador's window canvas and what its OpenSeadragon shows (world coordinates: canvas pixels),
    once it has settled: the image placed at its canvas size (OpenSeadragon first adds it one unit
    wide) and the viewport unchanged over a quarter of a second (the zoom to the region is animated)."""
    deadline = time.monotonic() + 30
    previous: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        state: dict[str, Any] | None = page.evaluate(
            """() => {
                const ref = Mirador.OSDReferences.get("w");
                const osd = ref && ref.current;
                if (!osd || osd.world.getItemCount() === 0) return null;
                if (osd.world.getItemAt(0).getBounds(true).width <= 1) return null;
                const b = osd.viewport.getBounds(true);
                return {canvasId: window.mirador.store.getState().windows.w.canvasId,
                        bounds: {x: b.x, y: b.y, width: b.width, height: b.height}};
            }"""
        )
        if state and state == previous:
            return state
        previous = state
        page.wait_for_timeout(250)
    raise AssertionError(f"Mirador never settled on a viewport (last seen: {previous})")


def test_the_current_view_becomes_the_region_from_the_keyboard(library: Library, tmp_path: Path) -> None:
    item_id = library.items[SAMPLE]
    with chromium(tmp_path / "profile") as browser, opened(browser, f"{library.url}/items/{item_id}") as page:
        page.locator("body").press("+")
        page.locator("body").press("+")
        settle(page)
        shown = reader_view(page)
        page.get_by_role("button", name="Use the current view").focus()
        page.keyboard.press("Enter")
        page.locator("#region-result").wait_for(state="visible")
        assert page.evaluate("document.activeElement.id") == "region-result"
        region = cs.view_of(cs.decode(page.locator(".region-code").input_value())).region
        assert region is not None
        x, y, w, h = region
        assert abs(x - max(0, shown[0])) <= 2 and abs(w - min(shown[2], shown[0] + shown[2] - x)) <= 2
        reader_link = page.locator("a.region-reader").get_attribute("href")
        assert reader_link == f"{library.url}/items/{item_id}?xywh={x},{y},{w},{h}"


def test_the_copy_button_puts_the_embed_code_on_the_clipboard(library: Library, tmp_path: Path) -> None:
    item_id = library.items[SAMPLE]
    with chromium(tmp_path / "profile") as browser:
        browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=library.url)
        with opened(browser, f"{library.url}/items/{item_id}") as page:
            page.get_by_role("button", name="Copy the embed code").click()
            page.wait_for_function("() => document.querySelector('.share .copied').textContent === 'Copied'")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == page.locator("#embed-code").input_value()
            assert copied.startswith(f'<iframe src="{library.url}/embed/{item_id}"')
            page.locator(".share").scroll_into_view_if_needed()
            shoot(page, "reader-share.png")


def test_the_embed_and_the_region_panel_have_no_serious_accessibility_violations(
    library: Library, tmp_path: Path
) -> None:
    item_id = library.items[SAMPLE]
    axe = npm_file("axe-core/axe.min.js").read_text()
    found: dict[str, list[str]] = {}
    with chromium(tmp_path / "profile") as browser:
        for name, path in (("embed", f"/embed/{item_id}/2?xywh=100,100,400,300"), ("region", f"/items/{item_id}/2")):
            for width, height in ((1280, 900), (360, 740)):
                with opened(browser, f"{library.url}{path}") as page:
                    page.set_viewport_size({"width": width, "height": height})
                    if name == "region":
                        page.get_by_role("button", name="Use the current view").click()
                    page.evaluate(axe)  # through the DevTools protocol: our CSP rightly refuses injected scripts
                    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                    problems = serious(result["violations"])
                    if problems:
                        found[f"{name} {width}"] = problems
    assert found == {}
