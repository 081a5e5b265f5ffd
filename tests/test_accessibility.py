"""axe-core (from npm) finds no serious or critical WCAG 2.1 AA violation on the main pages.

Run in Debian's Chromium at desktop and phone sizes, in Breton and in French, after the page's
scripts have run (the reader's viewer included), as a visitor would meet them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heritage.accounts import Role
from tests.browser import chromium, npm_file
from tests.conftest import Library
from tests.workspace import PASSWORD

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


def workspace_pages(library: Library) -> dict[str, str]:
    item = library.items["barzaz-breiz-03"]
    return {
        "workspace": "/workspace",
        "workspace-failed": "/workspace?state=failed",
        "workspace-item": f"/workspace/items/{item}",
        "workspace-edit": f"/workspace/items/{item}/edit",
        "workspace-delete": f"/workspace/items/{item}/delete",
        "workspace-upload": "/workspace/upload",
        "workspace-collections": "/workspace/collections",
        "workspace-collection": "/workspace/collections/barzaz-breiz",
        "workspace-audit": "/workspace/audit",
        "workspace-users": "/workspace/users",
        "workspace-account": "/workspace/account",
        "workspace-trash": "/workspace/trash",
    }


@pytest.fixture(scope="module")
def administrator(library: Library) -> str:
    from tests.workspace import add_user

    return add_user(library.store, "axe-admin", Role.ADMIN)


def logged_in(page: Any, library: Library, username: str) -> None:
    page.goto(f"{library.url}/login")
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{library.url}/workspace")


@pytest.mark.parametrize("language", ["br", "fr"])
@pytest.mark.parametrize("size", SIZES)
def test_workspace_pages_have_no_serious_accessibility_violations_and_fit_a_phone(
    library: Library, administrator: str, tmp_path: Path, size: str, language: str
) -> None:
    axe = npm_file("axe-core/axe.min.js").read_text()
    found: dict[str, list[str]] = {}
    overflowing: dict[str, int] = {}
    with chromium(tmp_path / "profile") as browser:
        page = browser.new_page()
        width, height = SIZES[size]
        page.set_viewport_size({"width": width, "height": height})
        page.set_extra_http_headers({"accept-language": language})
        page.goto(f"{library.url}/login")
        page.evaluate(axe)
        login = serious(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"])
        if login:
            found["login"] = login
        logged_in(page, library, administrator)
        for name, path in workspace_pages(library).items():
            response = page.goto(f"{library.url}{path}", wait_until="networkidle")
            assert response is not None and response.status == 200, path
            page.evaluate(axe)
            problems = serious(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"])
            if problems:
                found[name] = problems
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                overflowing[name] = scroll_width
    assert found == {}
    assert overflowing == {}
