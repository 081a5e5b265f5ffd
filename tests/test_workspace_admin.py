"""Administration through the workspace's forms, over HTTP with real sessions and CSRF tokens:
accounts, collections and the audit log, and the guarantees around them (throttled logins,
logging out everywhere, one account never acting as another, passwords stored only as hashes)."""

from __future__ import annotations

import json

import httpx
import lxml.html
import pytest
from starlette.testclient import TestClient

from heritage import audit
from heritage.accounts import THROTTLE_FAILURES, Accounts, Role
from heritage.config import Config
from heritage.model import Collection
from heritage.pipeline import write_collections
from heritage.store import Store
from tests.workspace import PASSWORD, add_user, csrf_of, log_in

EN = {"accept-language": "en"}
NEW_PASSWORD = "demat-d-an-holl-dud"


def client(web: TestClient, config: Config) -> TestClient:
    """Another browser on the same application, with its own cookies."""
    return TestClient(web.app, base_url=config.base_url, follow_redirects=False)


def logged_in(web: TestClient, config: Config, store: Store, username: str, role: Role) -> TestClient:
    browser = client(web, config)
    browser.csrf = log_in(browser, add_user(store, username, role))  # type: ignore[attr-defined]
    return browser


@pytest.fixture
def admin(web: TestClient, config: Config, store: Store) -> TestClient:
    return logged_in(web, config, store, "morgan", Role.ADMIN)


def post(browser: TestClient, path: str, **fields: str) -> httpx.Response:
    return browser.post(path, data={"csrf": browser.csrf, **fields}, headers=EN)  # type: ignore[attr-defined]


def attempt_login(browser: TestClient, username: str, password: str) -> httpx.Response:
    form = browser.get("/login", headers=EN)
    fields = {"username": username, "password": password, "csrf": csrf_of(form.text), "next": "/workspace"}
    return browser.post("/login", data=fields, headers=EN)


def is_logged_in(browser: TestClient) -> bool:
    return browser.get("/workspace", headers=EN).status_code == 200


# -- accounts ---------------------------------------------------------------------------


def test_an_administrator_adds_an_archivist_who_can_then_log_in(
    admin: TestClient, web: TestClient, config: Config, store: Store
) -> None:
    response = post(admin, "/workspace/users", username="yann", name="Yann", role="archivist", password=PASSWORD)

    assert response.status_code == 303 and response.headers["location"] == "/workspace/users?done=added"
    assert Accounts(store).user("yann").role is Role.ARCHIVIST
    assert attempt_login(client(web, config), "yann", PASSWORD).status_code == 303
    entry = audit.entries(store, "yann")[0]
    assert (entry.user, entry.action, entry.detail) == ("morgan", "add user", "archivist")


def test_the_users_page_lists_every_account_with_its_role(admin: TestClient, archivist: TestClient) -> None:
    page = lxml.html.fromstring(admin.get("/workspace/users", headers=EN).text)

    rows = {row.findtext("th"): row.findall("td")[1].text_content() for row in page.findall(".//tbody/tr")}
    assert rows == {"anna": "archivist", "morgan": "administrator"}
    assert page.find(".//form[@action='/workspace/users/anna/password']") is not None


def test_a_new_account_with_a_short_password_is_refused_and_nothing_is_stored(admin: TestClient, store: Store) -> None:
    response = post(admin, "/workspace/users", username="yann", role="archivist", password="short")

    assert response.status_code == 400
    alert = lxml.html.fromstring(response.text).find(".//*[@role='alert']")
    assert alert is not None and "at least 10 characters" in alert.text_content()
    assert [u.username for u in Accounts(store).users()] == ["morgan"]


def test_an_account_form_without_its_csrf_token_is_refused(admin: TestClient, store: Store) -> None:
    response = admin.post("/workspace/users", data={"username": "yann", "role": "admin", "password": PASSWORD})

    assert response.status_code == 403
    assert [u.username for u in Accounts(store).users()] == ["morgan"]


def test_an_administrator_resets_a_password_and_that_persons_sessions_end(
    admin: TestClient, archivist: TestClient, web: TestClient, config: Config
) -> None:
    response = post(admin, "/workspace/users/anna/password", password=NEW_PASSWORD)

    assert response.status_code == 303
    assert not is_logged_in(archivist)
    assert attempt_login(client(web, config), "anna", PASSWORD).status_code == 401
    assert attempt_login(client(web, config), "anna", NEW_PASSWORD).status_code == 303


def test_an_archivist_changes_their_own_password_by_giving_the_current_one(
    archivist: TestClient, web: TestClient, config: Config
) -> None:
    response = post(
        archivist, "/workspace/users/anna/password", current=PASSWORD, password=NEW_PASSWORD, repeat=NEW_PASSWORD
    )

    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert not is_logged_in(archivist)
    assert attempt_login(client(web, config), "anna", NEW_PASSWORD).status_code == 303


def test_a_wrong_current_password_changes_nothing(archivist: TestClient, web: TestClient, config: Config) -> None:
    response = post(
        archivist,
        "/workspace/users/anna/password",
        current="not-my-password",
        password=NEW_PASSWORD,
        repeat=NEW_PASSWORD,
    )

    assert response.status_code == 400
    assert "current password is wrong" in response.text
    assert is_logged_in(archivist)
    assert attempt_login(client(web, config), "anna", PASSWORD).status_code == 303


def test_archivist_b_cannot_change_the_password_of_archivist_a(
    archivist: TestClient, web: TestClient, config: Config, store: Store
) -> None:
    other = logged_in(web, config, store, "yann", Role.ARCHIVIST)

    response = post(
        other, "/workspace/users/anna/password", current=PASSWORD, password=NEW_PASSWORD, repeat=NEW_PASSWORD
    )

    assert response.status_code == 403
    assert is_logged_in(archivist)
    assert Accounts(store).authenticate("anna", PASSWORD) is not None


def test_archivist_b_cannot_end_the_sessions_of_archivist_a(
    archivist: TestClient, web: TestClient, config: Config, store: Store
) -> None:
    other = logged_in(web, config, store, "yann", Role.ARCHIVIST)

    assert post(other, "/workspace/users/anna/sessions/end").status_code == 403
    assert is_logged_in(archivist)


def test_an_administrator_ends_someone_elses_sessions(admin: TestClient, archivist: TestClient, store: Store) -> None:
    response = post(admin, "/workspace/users/anna/sessions/end")

    assert response.status_code == 303
    assert not is_logged_in(archivist)
    assert is_logged_in(admin)
    assert audit.entries(store, "anna")[0].action == "end sessions"


def test_log_out_everywhere_ends_the_session_of_a_second_browser(
    archivist: TestClient, web: TestClient, config: Config
) -> None:
    second = client(web, config)
    log_in(second, "anna")

    response = post(archivist, "/logout/everywhere")

    assert response.status_code == 303
    assert not is_logged_in(second)
    assert not is_logged_in(archivist)


def test_the_account_page_offers_a_password_change_and_log_out_everywhere(archivist: TestClient) -> None:
    page = lxml.html.fromstring(archivist.get("/workspace/account", headers=EN).text)

    form = page.find(".//form[@action='/workspace/users/anna/password']")
    assert {i.get("name") for i in form.iter("input")} == {"csrf", "current", "password", "repeat"}
    for control in form.xpath(".//input[@type='password']"):
        assert page.find(f".//label[@for='{control.get('id')}']") is not None
    assert page.find(".//form[@action='/logout/everywhere']") is not None


# -- logging in -------------------------------------------------------------------------


def test_the_sixth_login_after_five_failures_is_refused_even_with_the_right_password(
    web: TestClient, store: Store
) -> None:
    add_user(store)
    for _ in range(THROTTLE_FAILURES):
        assert attempt_login(web, "anna", "a-wrong-password").status_code == 401

    response = attempt_login(web, "anna", PASSWORD)

    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= 15 * 60
    assert not is_logged_in(web)


def test_the_throttle_also_stops_another_username_from_the_same_address(web: TestClient, store: Store) -> None:
    add_user(store)
    add_user(store, "yann")
    for _ in range(THROTTLE_FAILURES):
        attempt_login(web, "anna", "a-wrong-password")

    response = attempt_login(web, "yann", PASSWORD)

    assert response.status_code == 429
    assert "retry-after" in response.headers


def test_passwords_are_stored_as_argon2id_hashes_and_never_in_clear(admin: TestClient, store: Store) -> None:
    post(admin, "/workspace/users", username="yann", role="admin", password=NEW_PASSWORD)
    post(admin, "/workspace/users/yann/password", password=NEW_PASSWORD + "-2")

    for user in Accounts(store).users():
        assert user.password_hash.startswith("$argon2id$")
    written = b"".join(p.read_bytes() for p in store.root.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in written and NEW_PASSWORD.encode() not in written


# -- collections ------------------------------------------------------------------------


def test_creating_a_collection_with_a_description(archivist: TestClient, store: Store) -> None:
    response = post(
        archivist, "/workspace/collections", name="Gwerzioù", description="Ballads collected in Trégor, 1850–1870."
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/workspace/collections/gwerziou?done=created"
    assert store.load_collection("gwerziou") == Collection(
        "gwerziou", "Gwerzioù", "Ballads collected in Trégor, 1850–1870."
    )
    listing = lxml.html.fromstring(archivist.get("/workspace/collections", headers=EN).text)
    assert "Gwerzioù" in [a.text for a in listing.findall(".//tbody//a")]
    assert audit.entries(store, "gwerziou")[0].action == "create collection"


def test_the_iiif_collection_carries_the_description_as_its_summary(
    archivist: TestClient, web: TestClient, store: Store
) -> None:
    post(archivist, "/workspace/collections", name="Gwerzioù", description="<b>Ballads of Trégor</b>")

    document = web.get("/iiif/collection/gwerziou").json()

    assert document["label"] == {"none": ["Gwerzioù"]}
    assert document["summary"] == {"none": ["<span>&lt;b&gt;Ballads of Trégor&lt;/b&gt;</span>"]}  # text, not markup


def test_a_collection_name_already_taken_is_refused(archivist: TestClient, store: Store) -> None:
    store.save_collection(Collection("gwerziou", "Gwerzioù", "first"))

    response = post(archivist, "/workspace/collections", name="Gwerziou", description="second")

    assert response.status_code == 400
    assert "already exists" in response.text
    assert store.load_collection("gwerziou").description == "first"


def test_a_collection_needs_a_name_with_a_letter_or_digit(archivist: TestClient, store: Store) -> None:
    response = post(archivist, "/workspace/collections", name="  ***  ")

    assert response.status_code == 400
    assert store.collections() == []


def test_editing_a_collection_renames_it_and_keeps_its_address(
    archivist: TestClient, web: TestClient, config: Config, store: Store
) -> None:
    store.save_collection(Collection("gwerziou", "Gwerzioù"))
    write_collections(store, config)

    response = post(archivist, "/workspace/collections/gwerziou", name="Gwerzioù Breiz", description="Ballads.")

    assert response.status_code == 303
    assert store.load_collection("gwerziou") == Collection("gwerziou", "Gwerzioù Breiz", "Ballads.")
    document = web.get("/iiif/collection/gwerziou").json()
    assert document["label"] == {"none": ["Gwerzioù Breiz"]} and document["summary"] == {"none": ["Ballads."]}
    assert audit.entries(store, "gwerziou")[0].action == "edit collection"


def test_the_collection_page_shows_its_fields_escaped(archivist: TestClient, store: Store) -> None:
    store.save_collection(Collection("gwerziou", "Gwerzioù", "<script>alert(1)</script>"))

    response = archivist.get("/workspace/collections/gwerziou", headers=EN)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    page = lxml.html.fromstring(response.text)
    assert page.find(".//textarea[@name='description']").text == "<script>alert(1)</script>"
    assert page.find(".//input[@name='name']").get("value") == "Gwerzioù"


@pytest.mark.parametrize("slug", ["nosuch", "%2e%2e", "Gwerziou", "a%2Fb", "-gwerziou"])
def test_an_unknown_or_malformed_collection_is_404(archivist: TestClient, store: Store, slug: str) -> None:
    store.save_collection(Collection("gwerziou", "Gwerzioù"))

    assert archivist.get(f"/workspace/collections/{slug}", headers=EN).status_code == 404


# -- audit log --------------------------------------------------------------------------


def entries_shown(browser: TestClient, query: str = "") -> list[list[str]]:
    page = lxml.html.fromstring(browser.get(f"/workspace/audit{query}", headers=EN).text)
    return [[cell.text_content().strip() for cell in row.findall("td")] for row in page.findall(".//tbody/tr")]


def test_the_audit_log_shows_the_newest_change_first(archivist: TestClient, store: Store) -> None:
    audit.record(store, "anna", "upload", "abcdefghijkm", "3 pages")
    audit.record(store, "yann", "publish", "abcdefghijkm")

    rows = entries_shown(archivist)

    assert [r[1:4] for r in rows[:2]] == [["yann", "publish", "abcdefghijkm"], ["anna", "upload", "abcdefghijkm"]]


def test_the_audit_log_filters_by_item_with_its_pages(archivist: TestClient, store: Store) -> None:
    audit.record(store, "anna", "upload", "abcdefghijkm")
    audit.record(store, "anna", "rotate", "abcdefghijkm/nopqrstuvwxy")
    audit.record(store, "anna", "upload", "zyxwvutsrqpn")

    rows = entries_shown(archivist, "?item=abcdefghijkm")

    assert [r[2] for r in rows] == ["rotate", "upload"]


def test_the_audit_log_filters_by_user(archivist: TestClient, store: Store) -> None:
    audit.record(store, "yann", "upload", "abcdefghijkm")
    audit.record(store, "morgan", "publish", "abcdefghijkm")

    rows = entries_shown(archivist, "?user=yann")

    assert [(r[1], r[2]) for r in rows] == [("yann", "upload")]


def test_the_audit_log_is_paged(archivist: TestClient, store: Store) -> None:
    for n in range(60):
        audit.record(store, "yann", "edit metadata", "abcdefghijkm", f"change {n}")

    first, second = entries_shown(archivist, "?user=yann"), entries_shown(archivist, "?user=yann&page=2")

    assert len(first) == 50 and len(second) == 10
    assert first[0][4] == "change 59" and second[-1][4] == "change 0"
    assert archivist.get("/workspace/audit?page=0", headers=EN).status_code == 400


def test_the_audit_log_shows_details_escaped(archivist: TestClient, store: Store) -> None:
    audit.record(store, "anna", "edit metadata", "abcdefghijkm", '<img src=x onerror="alert(1)">')

    response = archivist.get("/workspace/audit", headers=EN)

    assert '<img src=x onerror="alert(1)">' not in response.text
    assert entries_shown(archivist)[0][4] == '<img src=x onerror="alert(1)">'


def test_the_audit_log_needs_a_login(web: TestClient) -> None:
    response = web.get("/workspace/audit")

    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_audit_entries_are_json_lines_naming_the_person(admin: TestClient, store: Store) -> None:
    post(admin, "/workspace/collections", name="Keleier")

    last = json.loads((store.root / "audit.jsonl").read_text().splitlines()[-1])

    assert (last["user"], last["action"], last["target"]) == ("morgan", "create collection", "keleier")
