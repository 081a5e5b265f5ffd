"""The upload pages over HTTP: the form without JavaScript, the streamed PUT path, the guards."""

from __future__ import annotations

import json

import lxml.html
from redis import Redis
from starlette.testclient import TestClient

from heritage import audit
from heritage.config import Config
from heritage.ingest import uploads
from heritage.model import Collection
from heritage.store import Store
from tests.conftest import SAMPLES

PAGES = [SAMPLES / "barzaz-breiz-05" / f"000{n}.jpg" for n in (1, 2)]
EN = {"accept-language": "en"}
CC_BY = "http://creativecommons.org/licenses/by/4.0/"


def page(response: object) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.text)  # type: ignore[attr-defined]


def queue_length(redis: Redis, config: Config) -> int:
    return int(redis.llen(f"rq:queue:{config.queue}"))


def form_fields(client: TestClient, **fields: str | list[str]) -> dict[str, str | list[str]]:
    return {"csrf": client.csrf, "title": "", "type": "Text", "rights": CC_BY, **fields}  # type: ignore[attr-defined]


def put(client: TestClient, batch: str, name: str, body: bytes, token: str | None = None) -> object:
    headers = {"x-csrf-token": client.csrf if token is None else token, "content-type": "application/octet-stream"}  # type: ignore[attr-defined]
    return client.put(f"/workspace/uploads/{batch}/{name}", content=body, headers={**headers, **EN})


def test_the_upload_page_needs_a_login(web: TestClient) -> None:
    response = web.get("/workspace/upload")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_a_put_without_a_session_is_refused_and_stores_nothing(web: TestClient, store: Store) -> None:
    response = web.put(f"/workspace/uploads/{uploads.new_batch_id()}/0001.jpg", content=PAGES[0].read_bytes())
    assert response.status_code == 401
    assert not uploads.uploads_root(store).exists()


def test_a_put_without_the_csrf_token_is_refused(archivist: TestClient, store: Store) -> None:
    response = put(archivist, uploads.new_batch_id(), "0001.jpg", PAGES[0].read_bytes(), token="forged")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert not uploads.uploads_root(store).exists()


def test_the_form_has_a_label_for_every_control_and_works_without_script(archivist: TestClient, store: Store) -> None:
    store.save_collection(Collection("barzaz-breiz", "Barzaz Breiz"))
    html = page(archivist.get("/workspace/upload", headers=EN))
    form = html.get_element_by_id("upload-form")
    assert form.get("method") == "post" and form.get("enctype") == "multipart/form-data"
    files = html.get_element_by_id("upload-files")
    assert files.get("type") == "file" and files.get("multiple") is not None
    for control in html.xpath("//main//input[not(@type='hidden')]|//main//select|//main//textarea"):
        labelled = control.get("id") and html.xpath(f"//label[@for='{control.get('id')}']")
        assert labelled or control.getparent().tag == "label", lxml.html.tostring(control)
    rights = [o.get("value") for o in html.xpath("//select[@id='md-rights']//option")]
    assert len(rights) == 20 and CC_BY in rights
    assert "barzaz-breiz" in [o.get("value") for o in html.xpath("//select[@id='md-collection']/option")]
    assert html.xpath("//script[contains(@src, 'js/upload.js')]")


def test_a_plain_multipart_post_stores_a_draft_queues_it_and_goes_to_the_item(
    archivist: TestClient, store: Store, config: Config, redis: Redis
) -> None:
    files = [("files", (p.name, p.read_bytes(), "image/jpeg")) for p in PAGES]
    response = archivist.post(
        "/workspace/upload",
        data=form_fields(archivist, title="Barzaz Breiz", creator="La Villemarqué", language=["br"]),
        files=files,
        headers=EN,
    )
    assert response.status_code == 303, response.text
    [item_id] = store.item_ids()
    assert response.headers["location"] == f"/workspace/items/{item_id}"
    item = store.load_item(item_id)
    assert store.is_draft(item_id) and len(item.pages) == 2
    assert item.metadata.creator == ["La Villemarqué"] and item.metadata.rights == CC_BY
    assert queue_length(redis, config) == 4  # OCR and tiles per page; publish waits for them
    [entry] = [e for e in audit.entries(store, item_id) if e.action == "upload"]
    assert entry.user == "anna"
    assert not any(uploads.uploads_root(store).iterdir())


def test_a_description_error_shows_the_form_again_with_the_values_and_keeps_the_files(
    archivist: TestClient, store: Store
) -> None:
    files = [("files", (PAGES[0].name, PAGES[0].read_bytes(), "image/jpeg"))]
    response = archivist.post(
        "/workspace/upload", data=form_fields(archivist, creator="Luzel"), files=files, headers=EN
    )
    assert response.status_code == 400
    html = page(response)
    title = html.get_element_by_id("md-title")
    assert title.get("aria-invalid") == "true" and "md-title-error" in title.get("aria-describedby")
    assert html.get_element_by_id("md-creator").text_content() == "Luzel"
    assert store.item_ids() == []
    assert [li.text_content() for li in html.xpath("//section[@class='uploaded']//li")] == ["0001.jpg"]
    finish = html.get_element_by_id("upload-form").get("action")
    again = archivist.post(finish, data=form_fields(archivist, title="Gwerz", creator="Luzel"), headers=EN)
    assert again.status_code == 303
    [item_id] = store.item_ids()
    assert store.load_item(item_id).metadata.title == "Gwerz"


def test_files_put_one_by_one_then_finished_become_one_item_in_file_name_order(
    archivist: TestClient, store: Store
) -> None:
    batch = uploads.new_batch_id()
    for name, path in (("page-10.jpg", PAGES[1]), ("page-2.jpg", PAGES[0])):
        response = put(archivist, batch, name, path.read_bytes())
        assert response.status_code == 201  # type: ignore[attr-defined]
        assert response.json() == {"name": name, "size": path.stat().st_size}  # type: ignore[attr-defined]
    response = archivist.post(f"/workspace/uploads/{batch}/finish", data=form_fields(archivist, title="T"))
    assert response.status_code == 303
    [item_id] = store.item_ids()
    assert [p.original_name for p in store.load_item(item_id).pages] == ["page-2.jpg", "page-10.jpg"]


def test_an_uploaded_metadata_json_fills_what_the_form_leaves_empty(archivist: TestClient, store: Store) -> None:
    batch = uploads.new_batch_id()
    put(archivist, batch, "0001.jpg", PAGES[0].read_bytes())
    described = {"title": "Kanaouenn", "creator": ["Luzel"], "language": ["br", "fr"], "type": "Sound"}
    put(archivist, batch, "metadata.json", json.dumps(described | {"rights": CC_BY}).encode())
    response = archivist.post(
        f"/workspace/uploads/{batch}/finish",
        data={"csrf": archivist.csrf, "title": "", "type": "Text", "date": "1890"},  # type: ignore[attr-defined]
    )
    assert response.status_code == 303, response.text
    [item_id] = store.item_ids()
    metadata = store.load_item(item_id).metadata
    assert (metadata.title, metadata.creator, metadata.language) == ("Kanaouenn", ["Luzel"], ["br", "fr"])
    assert (metadata.type, metadata.rights, metadata.date) == ("Sound", CC_BY, "1890")
    assert len(store.load_item(item_id).pages) == 1  # metadata.json is not a page


def test_a_new_collection_typed_in_the_form_is_created(archivist: TestClient, store: Store) -> None:
    files = [("files", (PAGES[0].name, PAGES[0].read_bytes(), "image/jpeg"))]
    fields = form_fields(archivist, title="T", collection_new="Gwerzioù Breiz-Izel")
    assert archivist.post("/workspace/upload", data=fields, files=files).status_code == 303
    [item_id] = store.item_ids()
    assert store.load_item(item_id).collection == "gwerziou-breiz-izel"
    assert store.load_collection("gwerziou-breiz-izel").name == "Gwerzioù Breiz-Izel"


def test_finishing_an_empty_batch_says_so(archivist: TestClient, store: Store) -> None:
    response = archivist.post(
        f"/workspace/uploads/{uploads.new_batch_id()}/finish", data=form_fields(archivist, title="T"), headers=EN
    )
    assert response.status_code == 400
    assert "No files were uploaded." in page(response).get_element_by_id("upload-error").text_content()
    assert store.item_ids() == []


def test_another_archivists_batch_cannot_be_finished(archivist: TestClient, store: Store) -> None:
    from tests.workspace import add_user, log_in

    batch = uploads.new_batch_id()
    put(archivist, batch, "0001.jpg", PAGES[0].read_bytes())
    archivist.cookies.clear()
    archivist.csrf = log_in(archivist, add_user(store, "yann"))  # type: ignore[attr-defined]
    response = archivist.post(f"/workspace/uploads/{batch}/finish", data=form_fields(archivist, title="T"))
    assert response.status_code == 400
    assert store.item_ids() == []
    assert uploads.batch_files(store, batch, "anna")
