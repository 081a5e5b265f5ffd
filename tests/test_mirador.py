"""Mirador (from npm, served from another local origin) opens our manifest and draws our tiles."""

from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path

from PIL import Image

from tests.browser import chromium, mirador_site
from tests.conftest import ARTIFACTS, Library


def is_tile(url: str) -> bool:
    """A tile request names a region in pixels; thumbnails ask for the full image."""
    return url.endswith("/0/default.jpg") and "/full/" not in url


def test_mirador_draws_our_tiles(library: Library, tmp_path: Path) -> None:
    manifest = f"{library.url}/iiif/{library.items['barzaz-breiz-01']}/manifest.json"
    ours: list[tuple[str, int]] = []
    failed: list[str] = []
    errors: list[str] = []
    with mirador_site(tmp_path / "site") as origin, chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.on("response", lambda r: ours.append((r.url, r.status)) if r.url.startswith(library.url) else None)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{origin}/index.html?manifest={manifest}")
        canvas = page.locator(".openseadragon-canvas canvas").first
        canvas.wait_for(state="visible", timeout=60_000)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(is_tile(u) for u, _ in ours):
            page.wait_for_timeout(250)
        page.wait_for_timeout(1500)
        shot = canvas.screenshot()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "mirador-manifest.png").write_bytes(shot)
    tiles = [(u, s) for u, s in ours if u.endswith("/default.jpg")]
    assert any(is_tile(u) for u, _ in tiles), f"Mirador requested no tile from our server: {tiles}"
    assert all(status == 200 for _, status in tiles), tiles
    assert failed == [] and errors == []
    colours = Image.open(BytesIO(shot)).convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the canvas looks blank"
