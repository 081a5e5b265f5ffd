"""Headless Debian Chromium driven by Playwright (never a downloaded browser), and the npm cache."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, sync_playwright

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
