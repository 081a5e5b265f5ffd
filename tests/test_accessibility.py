"""axe-core (from npm) finds no serious or critical WCAG 2.1 AA violation on the main pages.

Run in Debian's Chromium at desktop and phone sizes, in Breton and in French, after the page's
scripts have run (the reader's viewer included), as a visitor would meet them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium, npm_file
from tests.conftest import Library

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 900), "phone": (360, 740)}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


def pages(library: Library) -> dict[str, str]:
    item = library.items["barzaz-breiz-03"]
    return {
        "home": "/",
        "collections": "/collections",
        "collection": "/collections/barzaz-breiz",
        "search": "/search?q=eostik",
        "search-empty": "/search?q=zzzqqq",
        "item": f"/items/{item}",
        "item-hit": f"/items/{item}/2?q=eostik",
        "not-found": "/items/nosuchitem0",
    }


def serious(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", ["br", "fr"])
@pytest.mark.parametrize("size", SIZES)
def test_main_pages_have_no_serious_accessibility_violations(
    library: Library, tmp_path: Path, size: str, language: str
) -> None:
    axe = npm_file("axe-core/axe.min.js").read_text()
    found: dict[str, list[str]] = {}
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        width, height = SIZES[size]
        page.set_viewport_size({"width": width, "height": height})
        page.set_extra_http_headers({"accept-language": language})
        for name, path in pages(library).items():
            page.goto(f"{library.url}{path}", wait_until="networkidle")
            page.evaluate(axe)  # through the DevTools protocol: our CSP rightly refuses injected scripts
            result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
            problems = serious(result["violations"])
            if problems:
                found[name] = problems
    assert found == {}


def test_main_pages_fit_a_360_pixel_wide_phone_without_sideways_scrolling(library: Library, tmp_path: Path) -> None:
    overflowing = {}
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        page.set_viewport_size({"width": 360, "height": 740})
        for name, path in pages(library).items():
            page.goto(f"{library.url}{path}", wait_until="networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                overflowing[name] = width
    assert overflowing == {}
