"""Mirador (npm) searches inside our manifest through Content Search 1.0, lists and draws the hits."""

from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

from PIL import Image

from tests.browser import chromium, mirador_site
from tests.conftest import ARTIFACTS, Library


def highlighted_pixels(png: bytes) -> int:
    """Pixels tinted by Mirador's search overlays (blue #00BFFF or, when selected, yellow #FFFF00)
    over beige paper: paper is never bluer than it is red, nor this yellow."""
    image = Image.open(BytesIO(png)).convert("RGB")
    return sum(1 for r, g, b in image.getdata() if b - r > 30 or (r > 200 and g > 200 and r - b > 90))


def test_mirador_lists_and_highlights_search_hits(library: Library, tmp_path: Path) -> None:
    manifest = f"{library.url}/iiif/{library.items['barzaz-breiz-01']}/manifest.json"
    searches: list[int] = []
    errors: list[str] = []
    with mirador_site(tmp_path / "site", sidebar=True) as origin, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("response", lambda r: searches.append(r.status) if "/search1?" in r.url else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{origin}/index.html?manifest={manifest}")
        canvas = page.locator(".openseadragon-canvas canvas").first
        canvas.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(2000)
        before = highlighted_pixels(canvas.screenshot())
        page.locator('[role="tab"][aria-label="Search"]').click()  # shown because the manifest has a search service
        box = page.locator('input[id^="search-cw"]')
        box.fill("heol")
        box.press("Enter")
        page.locator("li", has_text="heol").first.wait_for(timeout=30_000)
        deadline = time.monotonic() + 20
        after = before
        while time.monotonic() < deadline and after <= before + 50:
            page.wait_for_timeout(500)
            after = highlighted_pixels(canvas.screenshot())
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mirador-search.png"))
        results = page.locator("li", has_text="heol").count()
    assert searches and all(status == 200 for status in searches)
    assert results >= 1, "Mirador listed no hit"
    assert after > before + 50, f"no highlight drawn ({before} -> {after} tinted pixels)"
    assert errors == []
