"""Publishing in the workspace, end to end: a draft processed by a real worker is invisible to the
public everywhere (IIIF, images, PDF, text, reader, search) and visible to archivists; publishing,
unpublishing, deleting to the trash, restoring and emptying it each change exactly that."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest
from starlette.testclient import TestClient

from heritage import audit, jobs, trash
from heritage.accounts import Role
from heritage.config import Config
from heritage.ingest.items import ingest, plan
from heritage.model import Item
from heritage.search.client import connect
from heritage.search.index import ensure_index
from heritage.store import Store
from tests.conftest import OPENSEARCH_URL, heritage_cli, running_workers, wait_until_settled
from tests.workspace import add_user, log_in, one_page_folder

EN = {"accept-language": "en"}


@pytest.fixture
def worker(env: dict[str, str]) -> Iterator[None]:
    with running_workers(env):
        yield


@pytest.fixture
def draft(worker: None, store: Store, config: Config, tmp_path: Path) -> Item:
    """A one-page draft, uploaded as the workspace does and processed by a real worker."""
    ensure_index(connect(config.opensearch_url), config.index)  # a library that has published before
    item = ingest(store, plan(one_page_folder(tmp_path)), "Imprimés", config.max_pixels, config.max_file_bytes, True)
    jobs.enqueue_item(config, store, item, jobs.connect(config))
    wait_until_settled(store, [item.id], timeout=300)
    return item


@pytest.fixture
def visitor(web: TestClient, config: Config) -> TestClient:
    """Someone not logged in, on the same application as ``archivist``."""
    return TestClient(web.app, base_url=config.base_url, follow_redirects=False)


def logged_in(web: TestClient, config: Config, store: Store, username: str, role: Role) -> TestClient:
    client = TestClient(web.app, base_url=config.base_url, follow_redirects=False)
    client.csrf = log_in(client, add_user(store, username, role))  # type: ignore[attr-defined]
    return client


@pytest.fixture
def admin(web: TestClient, config: Config, store: Store) -> TestClient:
    return logged_in(web, config, store, "morgan", Role.ADMIN)


def a_word(store: Store, item: Item) -> str:
    """A long word of the page's OCR, to search for."""
    text = store.read_ocr(item.id, item.pages[0].id, "txt").decode()
    return max(re.findall(r"\b[a-zé]{6,}\b", text), key=len)


def private_urls(store: Store, item: Item) -> list[str]:
    """Everything the library serves of an item: IIIF, images, PDF, text, reader, search inside it."""
    page = item.pages[0]
    info = json.loads((store.image_dir(page.id) / "info.json").read_text())
    w, h = info["sizes"][0]["width"], info["sizes"][0]["height"]
    return [
        f"/iiif/{item.id}/manifest.json",
        f"/iiif/image/{page.id}/info.json",
        f"/iiif/image/{page.id}/full/{w},{h}/0/default.jpg",
        f"/iiif/dynamic/{page.id}/info.json",
        f"/iiif/dynamic/{page.id}/full/200,/0/default.jpg",
        f"/iiif/{item.id}/document.pdf",
        f"/iiif/{item.id}/text/{page.id}.txt",
        f"/iiif/{item.id}/alto/{page.id}.xml",
        f"/items/{item.id}/text.txt",
        f"/items/{item.id}",
        f"/iiif/{item.id}/search?q={a_word(store, item)}",
    ]


def statuses(client: TestClient, urls: list[str]) -> dict[str, int]:
    return {url: client.get(url, headers=EN).status_code for url in urls}


def found_in_search(client: TestClient, config: Config, word: str) -> set[str]:
    httpx.post(f"{OPENSEARCH_URL}/{config.index}/_refresh", timeout=30)
    response = client.get("/api/search", params={"q": word})
    assert response.status_code == 200, response.text
    return {hit["item_id"] for hit in response.json()["hits"]}


def in_collections(client: TestClient, item: Item) -> bool:
    listed = client.get("/iiif/collection").text + client.get(f"/iiif/collection/{item.collection}").text
    return item.id in listed


def post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf": client.csrf, **fields}, headers=EN)  # type: ignore[attr-defined]


def test_a_draft_answers_404_to_visitors_everywhere(draft: Item, visitor: TestClient, store: Store) -> None:
    urls = private_urls(store, draft)
    assert statuses(visitor, urls) == dict.fromkeys(urls, 404)


def test_an_archivist_sees_every_file_of_a_draft_and_no_cache_keeps_it(
    draft: Item, archivist: TestClient, store: Store
) -> None:
    for url in private_urls(store, draft):
        response = archivist.get(url, headers=EN)
        assert response.status_code == 200, url
        assert "private" in response.headers["cache-control"], url


def test_a_draft_is_in_no_search_result_nor_collection(
    draft: Item, visitor: TestClient, config: Config, store: Store
) -> None:
    assert draft.id not in found_in_search(visitor, config, a_word(store, draft))
    assert not in_collections(visitor, draft)
    assert draft.id not in visitor.get("/sitemap.xml").text


def test_publishing_makes_the_draft_public_and_findable(
    draft: Item, archivist: TestClient, visitor: TestClient, config: Config, store: Store
) -> None:
    response = post(archivist, f"/workspace/items/{draft.id}/publish")

    assert response.status_code == 303
    assert response.headers["location"] == f"/workspace/items/{draft.id}?done=published"
    urls = private_urls(store, draft)
    assert statuses(visitor, urls) == dict.fromkeys(urls, 200)
    assert draft.id in found_in_search(visitor, config, a_word(store, draft))
    assert in_collections(visitor, draft)
    assert audit.entries(store, draft.id)[0].action == "publish"
    assert audit.entries(store, draft.id)[0].user == "anna"


def test_unpublishing_hides_the_item_again_from_search_and_collections(
    draft: Item, archivist: TestClient, visitor: TestClient, config: Config, store: Store
) -> None:
    post(archivist, f"/workspace/items/{draft.id}/publish")

    response = post(archivist, f"/workspace/items/{draft.id}/unpublish")

    assert response.status_code == 303
    urls = private_urls(store, draft)
    assert statuses(visitor, urls) == dict.fromkeys(urls, 404)
    assert draft.id not in found_in_search(visitor, config, a_word(store, draft))
    assert not in_collections(visitor, draft)
    assert statuses(archivist, urls) == dict.fromkeys(urls, 200)
    assert [e.action for e in audit.entries(store, draft.id)][:2] == ["unpublish", "publish"]


def test_the_command_line_ingests_a_draft_and_publishes_it(
    worker: None, env: dict[str, str], visitor: TestClient, config: Config, store: Store, tmp_path: Path
) -> None:
    result = heritage_cli(["ingest", "--draft", "--wait", str(one_page_folder(tmp_path))], env, timeout=300)
    assert result.returncode == 0, result.stderr
    item = store.load_item(result.stdout.split("\t")[0])
    urls = private_urls(store, item)
    assert statuses(visitor, urls) == dict.fromkeys(urls, 404)

    published = heritage_cli(["publish", item.id], env)

    assert published.returncode == 0, published.stderr
    assert statuses(visitor, urls) == dict.fromkeys(urls, 200)
    assert item.id in found_in_search(visitor, config, a_word(store, item))


def test_the_delete_page_names_the_item_and_its_pages(draft: Item, archivist: TestClient) -> None:
    response = archivist.get(f"/workspace/items/{draft.id}/delete", headers=EN)

    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    assert draft.metadata.title in page.findtext(".//h1")
    assert "This item has 1 page." in response.text
    form = page.find(f".//form[@action='/workspace/items/{draft.id}/delete']")
    assert form.find(".//input[@name='confirm'][@type='checkbox']") is not None
    label = page.find(".//label[@for='delete-confirm']")
    assert label is not None and "1 page" in label.text_content()


def test_deleting_without_the_confirmation_changes_nothing(draft: Item, archivist: TestClient, store: Store) -> None:
    response = post(archivist, f"/workspace/items/{draft.id}/delete")

    assert response.status_code == 400
    assert "nothing was deleted" in response.text
    assert store.load_item(draft.id) == draft
    assert trash.entries(store) == []


def test_deleting_moves_the_item_to_the_trash_and_hides_it_from_everyone(
    draft: Item, archivist: TestClient, visitor: TestClient, config: Config, store: Store
) -> None:
    post(archivist, f"/workspace/items/{draft.id}/publish")
    urls, word = private_urls(store, draft), a_word(store, draft)

    response = post(archivist, f"/workspace/items/{draft.id}/delete", confirm="yes")

    assert response.status_code == 303 and response.headers["location"] == "/workspace?done=deleted"
    assert statuses(visitor, urls) == dict.fromkeys(urls, 404)
    assert statuses(archivist, urls) == dict.fromkeys(urls, 404)
    assert draft.id not in found_in_search(visitor, config, word)
    assert not in_collections(visitor, draft)
    assert [e.item.id for e in trash.entries(store)] == [draft.id]
    entry = audit.entries(store, draft.id)[0]
    assert (entry.user, entry.action) == ("anna", "delete")


def test_the_trash_lists_the_deleted_item_for_an_administrator(
    draft: Item, archivist: TestClient, admin: TestClient
) -> None:
    post(archivist, f"/workspace/items/{draft.id}/delete", confirm="yes")

    page = lxml.html.fromstring(admin.get("/workspace/trash", headers=EN).text)

    row = page.find(".//tbody/tr")
    cells = [c.text_content().strip() for c in row]
    assert draft.metadata.title in cells[0] and draft.id in cells[0]
    assert cells[1] == "1" and cells[2] == "anna"


def test_restoring_brings_a_draft_back_and_makes_its_images_again(
    draft: Item, archivist: TestClient, admin: TestClient, visitor: TestClient, store: Store
) -> None:
    urls = private_urls(store, draft)
    post(archivist, f"/workspace/items/{draft.id}/delete", confirm="yes")

    response = post(admin, f"/workspace/trash/{draft.id}/restore")

    assert response.status_code == 303
    assert response.headers["location"] == f"/workspace/items/{draft.id}?done=restored"
    wait_until_settled(store, [draft.id], timeout=300)
    assert store.is_draft(draft.id)
    assert statuses(archivist, urls) == dict.fromkeys(urls, 200)
    assert statuses(visitor, urls) == dict.fromkeys(urls, 404)
    assert audit.entries(store, draft.id)[0].action == "restore"


def test_restoring_with_redis_down_changes_nothing(
    web: TestClient, env: dict[str, str], store: Store, config: Config, tmp_path: Path
) -> None:
    from heritage.web.app import create_app

    item = ingest(store, plan(one_page_folder(tmp_path)), "", config.max_pixels, config.max_file_bytes, True)
    trash.move_to_trash(store, config, item.id, "anna")
    down = create_app(Config.from_env({**env, "HERITAGE_REDIS_URL": "redis://127.0.0.1:9/0"}))
    client = TestClient(down, base_url=config.base_url, follow_redirects=False)
    client.csrf = log_in(client, add_user(store, "morgan", Role.ADMIN))  # type: ignore[attr-defined]

    response = post(client, f"/workspace/trash/{item.id}/restore")

    assert response.status_code == 503
    assert [e.item.id for e in trash.entries(store)] == [item.id]
    assert item.id not in store.item_ids()


def test_emptying_the_trash_needs_the_confirmation(
    draft: Item, archivist: TestClient, admin: TestClient, store: Store
) -> None:
    post(archivist, f"/workspace/items/{draft.id}/delete", confirm="yes")

    response = post(admin, "/workspace/trash/empty")

    assert response.status_code == 400
    assert [e.item.id for e in trash.entries(store)] == [draft.id]


def test_emptying_the_trash_deletes_the_item_for_good_and_says_so_in_the_audit_log(
    draft: Item, archivist: TestClient, admin: TestClient, store: Store
) -> None:
    post(archivist, f"/workspace/items/{draft.id}/delete", confirm="yes")

    response = post(admin, "/workspace/trash/empty", confirm="yes")

    assert response.status_code == 303
    assert trash.entries(store) == []
    assert not (trash.trash_dir(store) / draft.id).exists()
    entry = audit.entries(store, draft.id)[0]
    assert (entry.user, entry.action) == ("morgan", "empty trash")
    assert draft.metadata.title in entry.detail and "1 pages" in entry.detail


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/workspace/trash"),
        ("POST", "/workspace/trash/empty"),
        ("POST", "/workspace/trash/abcdefghijkm/restore"),
        ("GET", "/workspace/users"),
        ("POST", "/workspace/users"),
    ],
)
def test_an_archivist_who_is_not_an_administrator_gets_403_on_admin_routes(
    archivist: TestClient, method: str, path: str
) -> None:
    if method == "GET":
        response = archivist.get(path, headers=EN)
    else:
        response = post(archivist, path, confirm="yes")

    assert response.status_code == 403


def test_a_draft_is_in_no_public_page_feed_or_export(draft: Item, visitor: TestClient, config: Config) -> None:
    reader = f"{config.base_url}/items/{draft.id}"
    for url in (f"/embed/{draft.id}", f"/cite/{draft.id}/1.ris", f"/oembed?url={reader}"):
        assert visitor.get(url, headers=EN).status_code == 404, url
    harvested = visitor.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").text
    harvested += visitor.get("/iiif/activity/all-changes").text + visitor.get("/iiif/activity/page-0").text
    assert draft.id not in harvested
    export = zipfile.ZipFile(io.BytesIO(visitor.get("/api/export").content))
    assert not any(draft.id in name for name in export.namelist())


def test_unpublishing_while_opensearch_is_down_changes_nothing(
    draft: Item, archivist: TestClient, visitor: TestClient, env: dict[str, str], config: Config, store: Store
) -> None:
    from heritage.web.app import create_app

    post(archivist, f"/workspace/items/{draft.id}/publish")
    down = TestClient(
        create_app(Config.from_env({**env, "HERITAGE_OPENSEARCH_URL": "http://127.0.0.1:9"})),
        base_url=config.base_url,
        follow_redirects=False,
    )
    down.csrf = log_in(down, "anna")  # type: ignore[attr-defined]

    response = post(down, f"/workspace/items/{draft.id}/unpublish")

    assert response.status_code == 503
    assert not store.is_draft(draft.id)
    assert visitor.get(f"/iiif/{draft.id}/manifest.json").status_code == 200
    assert draft.id in found_in_search(visitor, config, a_word(store, draft))
    assert audit.entries(store, draft.id)[0].action == "publish"
