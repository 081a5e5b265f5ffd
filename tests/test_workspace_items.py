"""The workspace's item pages over HTTP, as an archivist uses them: list, progress, errors in plain
words, status.json, every repair form with its CSRF token, refusals that change nothing, audit."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from redis import Redis
from starlette.testclient import TestClient

from heritage import audit
from heritage.config import Config
from heritage.model import Item, Stage, StageState, StageStatus
from heritage.store import Store
from tests.conftest import tree
from tests.test_repair import SAMPLE, TITLE_BAND, crop, make_item, process

EN = {"accept-language": "en"}


def html(response: object) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.text)  # type: ignore[attr-defined]


def post(client: TestClient, url: str, data: dict[str, object] | None = None, **kwargs: object) -> object:
    return client.post(url, data={"csrf": client.csrf, **(data or {})}, headers=EN, **kwargs)  # type: ignore[attr-defined,arg-type]


@pytest.fixture
def item(tmp_path: Path, store: Store, config: Config) -> Item:
    """Two pages, stored but not processed (no worker runs): every form can act on it."""
    return make_item(tmp_path, store, config)


@pytest.fixture
def failed_item(tmp_path: Path, env: dict[str, str], store: Store, config: Config) -> Item:
    made = make_item(tmp_path, store, config, pages=1)
    process(env, store, config, made, HERITAGE_TESSERACT="/nonexistent/tesseract")
    return made


def last_action(store: Store, item: Item) -> tuple[str, str, str]:
    entry = audit.entries(store, item.id)[0]
    return entry.user, entry.action, entry.target


def test_anonymous_visitors_are_sent_to_the_login_form(web: TestClient, item: Item) -> None:
    for url in ("/workspace", f"/workspace/items/{item.id}", f"/workspace/items/{item.id}/edit"):
        response = web.get(url)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert web.get(f"/workspace/items/{item.id}/status.json").status_code in (303, 401)


def test_the_list_shows_every_item_newest_first_with_its_state_and_progress(
    archivist: TestClient, tmp_path: Path, store: Store, config: Config
) -> None:
    first = make_item(tmp_path / "a", store, config, pages=1)
    second = make_item(tmp_path / "b", store, config, pages=1)
    store.set_draft(second.id, True)
    page = html(archivist.get("/workspace", headers=EN))
    rows = page.xpath("//table[contains(@class,'items-list')]/tbody/tr")
    links = [row.xpath(".//a/@href")[0] for row in rows]
    assert links == [f"/workspace/items/{second.id}", f"/workspace/items/{first.id}"]
    cells = [c.text_content().strip() for c in rows[0].xpath("./td")]
    assert cells[:3] == ["1", "Queued", "Draft"]
    assert rows[0].xpath(".//progress/@max") == ["3"]


def test_the_list_filters_drafts_and_public_items(
    archivist: TestClient, tmp_path: Path, store: Store, config: Config
) -> None:
    public = make_item(tmp_path / "a", store, config, pages=1)
    draft = make_item(tmp_path / "b", store, config, pages=1)
    store.set_draft(draft.id, True)
    drafts = html(archivist.get("/workspace?state=drafts", headers=EN)).xpath("//tbody//a/@href")
    publics = html(archivist.get("/workspace?state=public", headers=EN)).xpath("//tbody//a/@href")
    assert drafts == [f"/workspace/items/{draft.id}"]
    assert publics == [f"/workspace/items/{public.id}"]


def test_an_item_page_shows_each_page_and_every_action_with_a_csrf_token(archivist: TestClient, item: Item) -> None:
    page = html(archivist.get(f"/workspace/items/{item.id}", headers=EN))
    assert [h.text_content().split()[:2] for h in page.xpath("//ol[@class='pages']//h3")] == [
        ["Page", "1"],
        ["Page", "2"],
    ]
    actions = {f.get("action") for f in page.xpath("//form[@method='post']")}
    base = f"/workspace/items/{item.id}"
    page_id = item.pages[0].id
    assert {f"{base}/ocr", f"{base}/pages/order", f"{base}/unpublish", f"{base}/pages/{page_id}/rotate"} <= actions
    assert {f"{base}/pages/{page_id}/remove", f"{base}/pages/{page_id}/replace"} <= actions
    for form in page.xpath("//form[@method='post']"):
        assert form.xpath(".//input[@name='csrf']/@value") == [archivist.csrf]  # type: ignore[attr-defined]
    assert page.xpath("//noscript/meta[@http-equiv='refresh']")  # queued: the page refreshes without JS


def test_a_draft_offers_publish_instead_of_unpublish(archivist: TestClient, item: Item, store: Store) -> None:
    store.set_draft(item.id, True)
    actions = html(archivist.get(f"/workspace/items/{item.id}", headers=EN)).xpath("//form/@action")
    assert f"/workspace/items/{item.id}/publish" in actions
    assert f"/workspace/items/{item.id}/unpublish" not in actions


def test_a_failed_page_is_explained_in_plain_words_with_the_technical_text_beneath(
    archivist: TestClient, failed_item: Item
) -> None:
    page = html(archivist.get(f"/workspace/items/{failed_item.id}", headers=EN))
    problem = page.xpath("//li[@class='page']//div[@class='problem']")[0]
    assert "Tesseract) is missing on the server" in problem.xpath("./p")[0].text_content()
    assert "Tesseract binary not found" in problem.xpath(".//details/pre")[0].text_content()
    assert page.xpath(f"//form[@action='/workspace/items/{failed_item.id}/retry']")
    assert not page.xpath("//noscript/meta")  # settled: nothing to refresh for


def test_status_json_gives_the_progress_and_each_pages_state_in_words(archivist: TestClient, failed_item: Item) -> None:
    response = archivist.get(f"/workspace/items/{failed_item.id}/status.json", headers=EN)
    status = response.json()
    assert response.headers["cache-control"] == "private, no-store"
    assert (status["state"], status["label"], status["in_work"], status["total"]) == ("failed", "Failed", False, 3)
    page = status["pages"][0]
    assert (page["id"], page["state"], page["label"]) == (failed_item.pages[0].id, "failed", "Failed")
    assert page["errors"][0]["stage"] == "Text recognition (OCR)"
    assert "Tesseract binary not found" in page["errors"][0]["technical"]


def test_retry_through_its_form_queues_the_failed_page_and_is_audited(
    archivist: TestClient, failed_item: Item, store: Store
) -> None:
    response = post(archivist, f"/workspace/items/{failed_item.id}/retry")
    assert response.status_code == 303  # type: ignore[attr-defined]
    page_id = failed_item.pages[0].id
    assert store.stage_status(failed_item.id, page_id, Stage.OCR).state is StageState.QUEUED
    assert last_action(store, failed_item) == ("anna", "retry", failed_item.id)


def test_retry_when_nothing_failed_is_a_400_with_a_message(archivist: TestClient, item: Item, store: Store) -> None:
    response = post(archivist, f"/workspace/items/{item.id}/retry")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Nothing has failed" in html(response).xpath("//*[@role='alert']")[0].text_content()
    assert audit.entries(store, item.id) == []


def test_rerun_ocr_through_its_form_saves_the_languages_and_queues_ocr_only(
    archivist: TestClient, item: Item, store: Store, redis: Redis
) -> None:
    for page in item.pages:
        for stage in Stage:
            store.set_stage_status(item.id, page.id, stage, StageStatus(StageState.DONE))
    response = post(archivist, f"/workspace/items/{item.id}/ocr", {"language": ["fr", "la"]})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert store.load_item(item.id).ocr_languages == ["fr", "la"]
    states = {(p.id, s): store.stage_status(item.id, p.id, s).state for p in item.pages for s in Stage}
    assert {s for (_, stage), s in states.items() if stage is Stage.OCR} == {StageState.QUEUED}
    assert {s for (_, stage), s in states.items() if stage is Stage.TILES} == {StageState.DONE}
    assert last_action(store, item)[1] == "rerun ocr"


def queued_jobs(redis: Redis) -> int:
    return len(redis.keys("rq:job:*"))


def test_rerun_ocr_with_an_unknown_language_is_a_400_and_changes_nothing(
    archivist: TestClient, item: Item, store: Store, redis: Redis
) -> None:
    before = tree(store.root / "items")
    response = post(archivist, f"/workspace/items/{item.id}/ocr", {"language": "klingon"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Choose languages from the list." in response.text  # type: ignore[attr-defined]
    assert tree(store.root / "items") == before
    assert queued_jobs(redis) == 0


def test_moving_a_page_down_through_its_button_reorders_the_pages(
    archivist: TestClient, item: Item, store: Store
) -> None:
    first, second = (p.id for p in item.pages)
    response = post(archivist, f"/workspace/items/{item.id}/pages/order", {"move": f"{first}:down"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert [p.id for p in store.load_item(item.id).pages] == [second, first]
    assert last_action(store, item)[1] == "reorder"


def test_position_numbers_reorder_the_pages(archivist: TestClient, item: Item, store: Store) -> None:
    first, second = (p.id for p in item.pages)
    post(archivist, f"/workspace/items/{item.id}/pages/order", {f"position-{first}": "2", f"position-{second}": "1"})
    assert [p.id for p in store.load_item(item.id).pages] == [second, first]


def test_a_position_that_is_not_a_number_is_a_400_and_changes_nothing(
    archivist: TestClient, item: Item, store: Store
) -> None:
    first, second = (p.id for p in item.pages)
    response = post(archivist, f"/workspace/items/{item.id}/pages/order", {f"position-{first}": "two"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Give every page a position number." in response.text  # type: ignore[attr-defined]
    assert store.load_item(item.id) == item


def test_rotating_through_its_form_turns_the_page_and_queues_its_work(
    archivist: TestClient, item: Item, store: Store
) -> None:
    page = item.pages[1]
    response = post(archivist, f"/workspace/items/{item.id}/pages/{page.id}/rotate", {"degrees": "270"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    turned = store.load_item(item.id).pages[1]
    assert (turned.rotation, turned.width, turned.height) == (270, page.height, page.width)
    assert last_action(store, item) == ("anna", "rotate", f"{item.id}/{page.id}")


def test_a_rotation_by_45_degrees_is_a_400_and_changes_nothing(
    archivist: TestClient, item: Item, store: Store, redis: Redis
) -> None:
    response = post(archivist, f"/workspace/items/{item.id}/pages/{item.pages[0].id}/rotate", {"degrees": "45"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "90, 180 or 270 degrees" in response.text  # type: ignore[attr-defined]
    assert store.load_item(item.id) == item
    assert queued_jobs(redis) == 0


def test_removing_needs_the_confirmation_box(archivist: TestClient, item: Item, store: Store) -> None:
    response = post(archivist, f"/workspace/items/{item.id}/pages/{item.pages[0].id}/remove")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Tick the box" in response.text  # type: ignore[attr-defined]
    assert store.load_item(item.id) == item


def test_removing_with_confirmation_takes_the_page_out_and_keeps_its_master(
    archivist: TestClient, item: Item, store: Store
) -> None:
    gone = item.pages[0]
    response = post(archivist, f"/workspace/items/{item.id}/pages/{gone.id}/remove", {"confirm": "yes"})
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert [p.id for p in store.load_item(item.id).pages] == [item.pages[1].id]
    assert store.master_path(item.id, gone).exists()
    assert last_action(store, item)[1] == "remove page"


def test_replacing_through_the_file_form_stores_a_new_page_in_the_same_place(
    archivist: TestClient, item: Item, store: Store, tmp_path: Path
) -> None:
    image = crop(SAMPLE / "0003.jpg", tmp_path / "new.jpg", TITLE_BAND)
    old = item.pages[1]
    response = post(
        archivist,
        f"/workspace/items/{item.id}/pages/{old.id}/replace",
        files={"image": ("new.jpg", image.read_bytes(), "image/jpeg")},
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    pages = store.load_item(item.id).pages
    assert pages[0] == item.pages[0] and pages[1].id != old.id and pages[1].original_name == "new.jpg"
    assert store.master_path(item.id, old).exists()
    assert last_action(store, item)[1] == "replace page"


def test_replacing_with_a_file_that_is_not_an_image_is_a_400_and_changes_nothing(
    archivist: TestClient, item: Item, store: Store
) -> None:
    before = tree(store.root / "items")
    response = post(
        archivist,
        f"/workspace/items/{item.id}/pages/{item.pages[0].id}/replace",
        files={"image": ("page.jpg", b"%PDF-1.4 not an image", "image/jpeg")},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "page.jpg: not a JPEG, PNG, TIFF or JPEG 2000 image" in response.text  # type: ignore[attr-defined]
    assert tree(store.root / "items") == before


def test_the_edit_form_is_prefilled_with_the_items_description(archivist: TestClient, item: Item) -> None:
    page = html(archivist.get(f"/workspace/items/{item.id}/edit", headers=EN))
    assert page.get_element_by_id("md-title").value == item.metadata.title
    assert page.get_element_by_id("md-rights").value == item.metadata.rights
    assert page.xpath("//input[@name='language'][@checked]/@value") == ["br", "fr"]


def test_saving_the_description_updates_the_item_and_is_audited(
    archivist: TestClient, item: Item, store: Store
) -> None:
    data = {"title": "Emzivadez <Lannion>", "language": ["br"], "rights": item.metadata.rights, "type": "Text"}
    response = post(archivist, f"/workspace/items/{item.id}/metadata", data)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert store.load_item(item.id).metadata.title == "Emzivadez <Lannion>"
    assert last_action(store, item)[1] == "edit metadata"
    shown = archivist.get(f"/workspace/items/{item.id}", headers=EN).text
    assert "Emzivadez &lt;Lannion&gt;" in shown and "<Lannion>" not in shown


def test_a_description_without_title_is_a_400_with_the_error_beside_the_field(
    archivist: TestClient, item: Item, store: Store
) -> None:
    response = post(archivist, f"/workspace/items/{item.id}/metadata", {"title": " ", "creator": "Luzel"})
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = html(response)
    assert page.get_element_by_id("md-title-error").text_content() == "Give the document a title."
    assert page.get_element_by_id("md-creator").text_content() == "Luzel"
    assert store.load_item(item.id) == item
    assert audit.entries(store, item.id) == []


def test_a_form_without_the_csrf_token_is_refused(archivist: TestClient, item: Item, store: Store) -> None:
    response = archivist.post(f"/workspace/items/{item.id}/pages/{item.pages[0].id}/rotate", data={"degrees": "90"})
    assert response.status_code == 403
    assert store.load_item(item.id) == item
