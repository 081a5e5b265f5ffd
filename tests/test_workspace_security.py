"""Nobody but an archivist changes anything: every route the application defines is checked.

The routes are read from the application itself, so a write route added later without its guard
fails here without anyone having to remember to add it to a list.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from heritage.config import Config
from heritage.ingest.items import ingest, plan
from heritage.model import Item
from heritage.store import Store
from tests.conftest import SAMPLES, running_workers, tree, wait_until_settled
from tests.workspace import add_user, csrf_of

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
READ_ONLY_POSTS = {
    "/oai": "OAI-PMH sends the same read-only requests by POST as by GET (protocol §3.1.1.2)",
    "/login": "the login form itself, guarded by its own double-submit token and the throttle",
}
HOSTILE_TITLE = '<script>alert("Gwerz")</script>'
HOSTILE_DESCRIPTION = "<img src=x onerror=alert(1)>"


def _routes(client: TestClient) -> list[Route]:
    return [r for r in client.app.routes if isinstance(r, Route)]  # type: ignore[attr-defined]


def _concrete(path: str, item: Item) -> str:
    """A route's path with real values: the stored item, its first page, a real user."""
    values = {"item": item.id, "page": item.pages[0].id, "user": "anna", "slug": "barzaz-breiz"}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return next((v for k, v in values.items() if k in name), "x1")

    return re.sub(r"\{([a-z_]+)(?::[a-z]+)?\}", value, path)


def _write_requests(client: TestClient, item: Item) -> list[tuple[str, str]]:
    found = []
    for route in _routes(client):
        for method in sorted(set(route.methods or ()) & set(UNSAFE)):
            if route.path not in READ_ONLY_POSTS:
                found.append((method, _concrete(route.path, item)))
    return found


@pytest.fixture
def stored_item(store: Store, config: Config) -> Item:
    """A real two-page item in the store (not processed: the guards come before any work)."""
    return ingest(store, plan(SAMPLES / "real" / "nubis-1886"), "Barzaz Breiz", config.max_pixels, 1 << 30)


def test_the_application_has_write_routes_to_check(web: TestClient, stored_item: Item) -> None:
    paths = {path for _, path in _write_requests(web, stored_item)}
    assert "/logout" in paths
    assert any(p.startswith("/workspace/") for p in paths)


def test_every_write_route_refuses_anonymous_visitors_and_changes_nothing(
    web: TestClient, stored_item: Item, store: Store
) -> None:
    before = tree(store.root)
    answers = {
        (method, path): web.request(method, path, data={"csrf": "guess"}).status_code
        for method, path in _write_requests(web, stored_item)
    }
    assert {k: v for k, v in answers.items() if v not in (401, 403)} == {}
    assert tree(store.root) == before


def test_every_write_route_is_wrapped_in_a_guard(web: TestClient) -> None:
    unguarded = [
        r.path
        for r in _routes(web)
        if set(r.methods or ()) & set(UNSAFE) and r.path not in READ_ONLY_POSTS and not hasattr(r.endpoint, "guard")
    ]
    assert unguarded == []


def test_every_workspace_page_sends_anonymous_visitors_to_the_login_form(web: TestClient, stored_item: Item) -> None:
    pages = [
        _concrete(r.path, stored_item)
        for r in _routes(web)
        if r.path.startswith("/workspace") and "GET" in (r.methods or ())
    ]
    assert pages
    for path in pages:
        response = web.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2Fworkspace"), path


def test_every_write_route_refuses_an_archivist_without_the_csrf_token(
    archivist: TestClient, stored_item: Item, store: Store
) -> None:
    before = tree(store.root / "items")
    answers = {
        (method, path): archivist.request(method, path, data={"csrf": "not-the-token"}).status_code
        for method, path in _write_requests(archivist, stored_item)
    }
    assert {k: v for k, v in answers.items() if v != 403} == {}
    assert tree(store.root / "items") == before


def test_a_request_from_another_site_is_refused_even_with_the_token(archivist: TestClient) -> None:
    forged = archivist.post(
        "/logout",
        data={"csrf": archivist.csrf},
        headers={"origin": "https://evil.example"},  # type: ignore[attr-defined]
    )
    assert forged.status_code == 403
    assert archivist.get("/workspace").status_code == 200


def test_the_login_form_refuses_a_post_without_its_own_token(web: TestClient, store: Store) -> None:
    add_user(store)
    response = web.post("/login", data={"username": "anna", "password": "kenavo-ar-wech-all", "csrf": "x"})
    assert response.status_code == 403
    assert "heritage_session" not in response.cookies


def test_a_session_cookie_is_http_only_same_site_and_secure_over_https(store: Store, env: dict[str, str]) -> None:
    from heritage.web.app import create_app

    add_user(store)
    config = Config.from_env({**env, "HERITAGE_BASE_URL": "https://heritage.example"})
    with TestClient(create_app(config), base_url="https://heritage.example", follow_redirects=False) as client:
        page = client.get("/login")
        response = client.post(
            "/login", data={"username": "anna", "password": "kenavo-ar-wech-all", "csrf": csrf_of(page.text)}
        )
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("heritage_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_logging_out_ends_the_session_for_good(archivist: TestClient) -> None:
    cookie = archivist.cookies["heritage_session"]
    archivist.post("/logout", data={"csrf": archivist.csrf})  # type: ignore[attr-defined]
    archivist.cookies.set("heritage_session", cookie)
    assert archivist.get("/workspace").status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/iiif/..%2f..%2faccounts/users/anna.json",
        "/iiif/%2e%2e/%2e%2e/accounts/users/anna.json",
        "/iiif/image/..%2F..%2F..%2Faudit.jsonl",
        "/static/..%2f..%2f..%2faccounts/users/anna.json",
        "/items/..%2f..%2faccounts/1",
        "/workspace/items/..%2f..%2faccounts",
    ],
)
def test_path_traversal_in_urls_reaches_nothing_outside_the_public_tree(archivist: TestClient, path: str) -> None:
    response = archivist.get(path)
    assert response.status_code in (400, 404)
    assert "argon2" not in response.text


@pytest.fixture
def hostile_item(tmp_path: Path, store: Store, config: Config, env: dict[str, str]) -> Item:
    """A published one-page item whose title and description are markup, processed for real."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    shutil.copy(SAMPLES / "real" / "nubis-1886" / "17b9_1886_1.jpg", folder / "0001.jpg")
    metadata = {"title": HOSTILE_TITLE, "description": HOSTILE_DESCRIPTION, "language": "fr"}
    (folder / "metadata.json").write_text(json.dumps(metadata))
    from heritage import jobs

    item = ingest(store, plan(folder), "", config.max_pixels, 1 << 30)
    jobs.enqueue_item(config, store, item, jobs.connect(config))
    with running_workers(env):
        wait_until_settled(store, [item.id], timeout=600)
    return item


def test_markup_in_metadata_is_shown_as_text_on_the_reader_page(web: TestClient, hostile_item: Item) -> None:
    page = web.get(f"/items/{hostile_item.id}", headers={"accept-language": "en"})
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    assert not [s for s in doc.iter("script") if "alert" in (s.text or "") or "alert" in s.get("src", "")]
    assert not doc.xpath("//img[@onerror]")
    assert HOSTILE_TITLE in doc.findtext(".//h1")
    assert HOSTILE_TITLE in doc.findtext(".//title")


def test_markup_in_metadata_is_escaped_text_in_the_manifest(web: TestClient, hostile_item: Item) -> None:
    manifest = web.get(f"/iiif/{hostile_item.id}/manifest.json").json()
    assert manifest["label"]["fr"] == ['<span>&lt;script&gt;alert("Gwerz")&lt;/script&gt;</span>']
    assert manifest["summary"]["none"] == ["<span>&lt;img src=x onerror=alert(1)&gt;</span>"]


def test_markup_in_metadata_is_shown_as_text_in_search_results(web: TestClient, hostile_item: Item) -> None:
    page = web.get("/search", params={"q": "Gwerz"}, headers={"accept-language": "en"})
    doc = lxml.html.fromstring(page.text)
    assert not [s for s in doc.iter("script") if "alert" in (s.text or "")]
    assert any(HOSTILE_TITLE in (a.text_content() or "") for a in doc.iter("a"))


def test_logging_in_from_the_bare_login_page_lands_on_the_workspace(web: TestClient, store: Store) -> None:
    add_user(store)
    page = web.get("/login")
    response = web.post(
        "/login",
        data={"username": "anna", "password": "kenavo-ar-wech-all", "csrf": csrf_of(page.text), "next": "/workspace"},
    )
    assert lxml.html.fromstring(page.text).xpath("string(//input[@name='next']/@value)") == "/workspace"
    assert response.headers["location"] == "/workspace"
