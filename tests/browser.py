"""Headless Debian Chromium driven by Playwright (never a downloaded browser), and the npm cache."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
NPM_CACHE = Path(os.environ.get("HERITAGE_CACHE_DIR", Path.home() / ".cache" / "heritage")) / "npm" / "node_modules"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def npm_file(relative: str) -> Path:
    path = NPM_CACHE / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make frontend`", pytrace=False)
    return path


@contextmanager
def chromium(profile: Path) -> Iterator[BrowserContext]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system`", pytrace=False)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


MIRADOR_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mirador</title></head>
<body style="margin:0"><div id="viewer" style="position:absolute;inset:0"></div>
<script src="mirador.min.js"></script>
<script>
const manifest = new URLSearchParams(location.search).get("manifest");
Mirador.viewer({id: "viewer", windows: [{manifestId: manifest, sideBarOpen: SIDEBAR}]});
</script></body></html>"""


@contextmanager
def mirador_site(root: Path, sidebar: bool = False) -> Iterator[str]:
    """Mirador from the npm cache on its own origin; open ``{origin}/?manifest=URL``."""
    root.mkdir()
    shutil.copy(npm_file("mirador/dist/mirador.min.js"), root / "mirador.min.js")
    (root / "index.html").write_text(MIRADOR_PAGE.replace("SIDEBAR", "true" if sidebar else "false"))
    with static_site(root) as origin:
        yield origin


@contextmanager
def static_site(root: Path) -> Iterator[str]:
    """A second origin on loopback, as another institution's viewer page would be."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


# -- the reader's deep-zoom view ---------------------------------------------------------------


def layer_box(page: Page) -> dict[str, float]:
    box = page.locator(".osd .text-layer").bounding_box()
    assert box is not None
    return box


def settle(page: Page) -> None:
    """Wait until the overlay stops moving (OpenSeadragon animates every zoom)."""
    previous: dict[str, float] | None = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        box = layer_box(page)
        if box == previous:
            return
        previous = box
    raise AssertionError("the viewer never came to rest")


def visible_word(page: Page) -> tuple[str, float, float]:
    """A word of the overlay lying well inside the viewer and on top there: its text and centre."""
    found = page.evaluate(
        r"""() => {
            const frame = document.querySelector('.osd').getBoundingClientRect();
            for (const word of document.querySelectorAll('.osd .text-layer tspan')) {
                const r = word.getBoundingClientRect();
                const x = r.x + r.width / 2, y = r.y + r.height / 2;
                const inside = r.x > frame.x + 10 && r.right < frame.right - 10
                    && r.y > frame.y + 10 && r.bottom < frame.bottom - 10;
                const letters = /^\p{L}{3,}$/u.test(word.textContent.trim());
                if (inside && letters && document.elementFromPoint(x, y) === word) return [word.textContent, x, y];
            }
            return null;
        }"""
    )
    assert found, "no word of the text layer is in view"
    return found[0], found[1], found[2]


def hit_is_shown(page: Page) -> None:
    hit = page.locator(".osd .text-layer rect.hit").first
    hit.wait_for(state="attached")
    box = hit.bounding_box()
    viewer = page.locator(".osd").bounding_box()
    assert box is not None and viewer is not None
    assert box["width"] > 4 and box["height"] > 4
    assert viewer["x"] <= box["x"] and box["x"] + box["width"] <= viewer["x"] + viewer["width"]
    assert viewer["y"] <= box["y"] and box["y"] + box["height"] <= viewer["y"] + viewer["height"]
