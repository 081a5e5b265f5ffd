"""IIIF Change Discovery 1.0 level 2, read from a live server while real workers publish, withdraw, rebuild."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree

from heritage import activity
from heritage.activity import Event, Kind
from heritage.config import Config
from heritage.harvest import change_discovery
from heritage.store import Store
from heritage.web.app import create_app
from tests.conftest import LiveServer, free_port, heritage_cli, running_workers, wait_until_settled
from tests.test_oai import GWERZ, KELEIER, NS, SCHEMA, ingest, item_folder, withdraw

LD_JSON = 'application/ld+json;profile="http://iiif.io/api/discovery/1/context.json"'


def fetch(url: str, accept: str | None = None) -> httpx.Response:
    response = httpx.get(url, headers={"accept": accept} if accept else {}, timeout=30)
    assert response.status_code == 200, url
    return response


def walk_backwards(collection_url: str) -> list[dict[str, Any]]:
    """What the spec's collection algorithm does: start at `last`, follow `prev` to the first page."""
    collection = fetch(collection_url).json()
    activities: list[dict[str, Any]] = []
    url: str | None = collection["last"]["id"]
    while url:
        page = fetch(url).json()
        assert page["partOf"] == {"id": collection_url, "type": "OrderedCollection"}
        activities = page["orderedItems"] + activities
        url = page.get("prev", {}).get("id")
    return activities


def test_publish_withdraw_and_republish_appear_as_create_delete_update_in_order(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(change_discovery, "PAGE_SIZE", 3)
    port = free_port()
    env = {**env, "HERITAGE_BASE_URL": f"http://127.0.0.1:{port}"}
    store = Store(Path(env["HERITAGE_DATA_DIR"]))
    with running_workers(env), LiveServer(create_app(Config.from_env(env)), port) as server:
        gwerz = ingest(env, item_folder(tmp_path, "gwerz", GWERZ), "Barzaz Breiz")
        keleier = ingest(env, item_folder(tmp_path, "keleier", KELEIER))
        wait_until_settled(store, [gwerz, keleier], timeout=600)
        manifest = f"{server.url}/iiif/{gwerz}/manifest.json"
        withdraw(env, gwerz)
        assert httpx.get(manifest, timeout=30).status_code == 404
        result = heritage_cli(["rebuild", "--wait", gwerz], env, timeout=600)
        assert result.returncode == 0, result.stderr
        assert httpx.get(manifest, timeout=30).status_code == 200

        collection_url = f"{server.url}/iiif/activity/all-changes"
        collection = fetch(collection_url).json()
        assert collection["@context"] == change_discovery.CONTEXT
        assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 4
        assert collection["first"] == {"id": f"{server.url}/iiif/activity/page-0", "type": "OrderedCollectionPage"}
        assert collection["last"] == {"id": f"{server.url}/iiif/activity/page-1", "type": "OrderedCollectionPage"}

        activities = walk_backwards(collection_url)
        assert [(a["type"], a["object"]["id"]) for a in activities] == [
            ("Create", f"{server.url}/iiif/{i}/manifest.json")
            for i in sorted([gwerz, keleier], key=lambda i: first_seq(store, i))
        ] + [("Delete", manifest), ("Update", manifest)]
        assert all(a["object"]["type"] == "Manifest" for a in activities)
        times = [a["endTime"] for a in activities]
        assert times == sorted(times) and all(t.endswith("Z") and len(t) == 20 for t in times)
        assert [a["endTime"] for a in activities] == [e.time for e in activity.events(store)]
        assert "seeAlso" not in activities[2]["object"]  # nothing to describe once deleted
        record = fetch(activities[3]["object"]["seeAlso"][0]["id"])
        SCHEMA.validate(io.BytesIO(record.content))
        header = etree.fromstring(record.content).find(".//oai:header", NS)
        assert header.get("status") is None and header.find("oai:datestamp", NS).text == activities[3]["endTime"]


def first_seq(store: Store, item_id: str) -> int:
    return next(e.seq for e in activity.events(store) if e.item_id == item_id)


def test_pages_link_both_ways_and_only_the_last_one_changes(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(change_discovery, "PAGE_SIZE", 2)
    port = free_port()
    config = Config.from_env({**env, "HERITAGE_BASE_URL": f"http://127.0.0.1:{port}"})
    store = Store(config.data_dir).ensure()
    for n, item_id in enumerate(["abcdefghijkm", "abcdefghijkn", "abcdefghijkp"]):
        activity.record_published(store, item_id, f"2024-05-0{n + 1}T10:00:00Z")
    activity.record_withdrawn(store, "abcdefghijkn", "2024-05-09T10:00:00Z")
    activity.record_published(store, "abcdefghijkq", "2024-05-10T10:00:00Z")
    with LiveServer(create_app(config), port) as server:
        base = f"{server.url}/iiif/activity"
        pages = [fetch(f"{base}/page-{n}").json() for n in range(3)]
        assert [p["startIndex"] for p in pages] == [0, 2, 4]
        assert [len(p["orderedItems"]) for p in pages] == [2, 2, 1]
        assert "prev" not in pages[0] and "next" not in pages[2]
        for earlier, later in zip(pages, pages[1:], strict=False):
            assert earlier["next"]["id"] == later["id"] and later["prev"]["id"] == earlier["id"]
        assert [a["type"] for p in pages for a in p["orderedItems"]] == ["Create"] * 3 + ["Delete", "Create"]
        full = fetch(f"{base}/page-0")
        last = fetch(f"{base}/page-2")
        assert full.headers["cache-control"] == "public, max-age=86400"
        assert last.headers["cache-control"] == "public, max-age=60"
        assert full.headers["content-type"] == LD_JSON
        assert fetch(f"{base}/page-0", accept="application/json").headers["content-type"] == "application/json"
        assert fetch(f"{base}/all-changes", accept="application/ld+json").headers["content-type"] == LD_JSON
        assert full.headers["access-control-allow-origin"] == "*"
        for missing in ("page-3", "page-01", "page--1", "page-x"):
            assert httpx.get(f"{base}/{missing}", timeout=30).status_code == 404


def test_an_empty_stream_still_has_its_first_and_last_page() -> None:
    collection = change_discovery.ordered_collection("http://h", 0)
    assert collection["totalItems"] == 0
    assert (
        collection["first"]
        == collection["last"]
        == {"id": "http://h/iiif/activity/page-0", "type": "OrderedCollectionPage"}
    )
    page = change_discovery.ordered_collection_page("http://h", [], 0)
    assert page["orderedItems"] == [] and "next" not in page and "prev" not in page


def test_an_activity_names_the_manifest_and_its_dublin_core_record() -> None:
    event = Event(0, "abcdefghijkm", Kind.CREATE, "2024-05-01T10:00:00Z")
    assert change_discovery.activity_json("http://h", event) == {
        "type": "Create",
        "object": {
            "id": "http://h/iiif/abcdefghijkm/manifest.json",
            "type": "Manifest",
            "seeAlso": [
                {
                    "id": "http://h/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai%3Ah%3Aabcdefghijkm",
                    "type": "Dataset",
                    "format": "text/xml",
                    "profile": "http://www.openarchives.org/OAI/2.0/oai_dc/",
                }
            ],
        },
        "endTime": "2024-05-01T10:00:00Z",
    }
