"""Search over HTTP on the published sample library: the site API and IIIF Content Search."""

from __future__ import annotations

import json
from urllib.parse import urlparse

import httpx
import jsonschema

from heritage.config import Config
from heritage.web.app import create_app
from tests.conftest import OPENSEARCH_URL, SCHEMAS, Library, LiveServer, free_port, get
from tests.tcp_proxy import TcpProxy


def test_site_search_names_item_manifest_canvas_page_snippet_and_boxes(library: Library) -> None:
    body = get(f"{library.url}/api/search", params={"q": "Gwenc'hlan"}).json()
    assert body["total"] >= 1
    hit = body["hits"][0]
    assert hit["item_id"] == library.items["barzaz-breiz-01"]
    assert hit["manifest"] == f"{library.url}/iiif/{hit['item_id']}/manifest.json"
    assert hit["canvas"] == f"{library.url}/iiif/{hit['item_id']}/canvas/{hit['page_id']}"
    assert hit["page_number"] >= 1
    assert "<mark>" in hit["snippet"]
    assert hit["boxes"] and all(box["w"] > 0 and box["h"] > 0 for box in hit["boxes"])
    assert {"collection", "language", "decade", "type"} <= set(body["facets"])


def test_site_search_filters_by_collection(library: Library) -> None:
    body = get(f"{library.url}/api/search", params={"q": "an", "collection": "keleier"}).json()
    assert body["total"] >= 1
    assert {h["item_id"] for h in body["hits"]} == {library.items["keleier-bremaik"]}


def test_a_bad_query_is_a_400_with_the_reason(library: Library) -> None:
    for params in ({"q": "x" * 5000}, {"q": "kan", "page": "two"}, {"q": "kan", "sort": "random"}):
        response = get(f"{library.url}/api/search", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]


def test_suggest_completes_a_prefix(library: Library) -> None:
    body = get(f"{library.url}/api/suggest", params={"q": "gwenc"}).json()
    assert any(t["term"].startswith("gwenc") for t in body["terms"])


def test_manifests_declare_both_search_services_and_still_validate(library: Library) -> None:
    schema = jsonschema.Draft7Validator(json.loads((SCHEMAS / "iiif-presentation-3.schema.json").read_text()))
    manifest = get(f"{library.url}/iiif/{library.items['barzaz-breiz-01']}/manifest.json").json()
    assert [e.message for e in schema.iter_errors(manifest)] == []
    types = {s.get("type") or s.get("@type") for s in manifest["service"]}
    assert types == {"SearchService2", "SearchService1"}


def test_content_search_2_gives_highlighting_annotations_on_canvas_boxes(library: Library) -> None:
    item_id = library.items["barzaz-breiz-01"]
    body = get(f"{library.url}/iiif/{item_id}/search", params={"q": "Gwenc'hlan", "motivation": "painting"}).json()
    assert body["type"] == "AnnotationPage"
    assert body["ignored"] == ["motivation"]
    assert body["items"], body
    for annotation in body["items"]:
        assert annotation["motivation"] == "highlighting"
        canvas, _, box = annotation["target"].partition("#xywh=")
        assert canvas.startswith(f"{library.url}/iiif/{item_id}/canvas/")
        assert all(int(v) >= 0 for v in box.split(","))
    assert body["annotations"][0]["items"][0]["motivation"] == "contextualizing"


def test_content_search_1_is_what_mirador_reads(library: Library) -> None:
    item_id = library.items["barzaz-breiz-01"]
    body = get(f"{library.url}/iiif/{item_id}/search1", params={"q": "Gwenc'hlan"}).json()
    assert body["@type"] == "sc:AnnotationList"
    assert body["resources"] and body["hits"]
    assert all("#xywh=" in r["on"] for r in body["resources"])
    ids = {r["@id"] for r in body["resources"]}
    assert all(set(h["annotations"]) <= ids for h in body["hits"])
    assert body["within"]["total"] >= 1


def test_content_search_autocomplete_in_both_versions(library: Library) -> None:
    item_id = library.items["keleier-bremaik"]
    v2 = get(f"{library.url}/iiif/{item_id}/autocomplete", params={"q": "brez"}).json()
    v1 = get(f"{library.url}/iiif/{item_id}/autocomplete1", params={"q": "brez"}).json()
    assert v2["type"] == "TermPage" and v2["items"]
    assert v1["@type"] == "search:TermList" and v1["terms"]
    assert urlparse(v1["terms"][0]["url"]).path == f"/iiif/{item_id}/search1"


def test_search_of_an_unknown_item_is_a_404(library: Library) -> None:
    assert get(f"{library.url}/iiif/aaaaaaaaaaaa/search", params={"q": "kan"}).status_code == 404


def test_opensearch_down_gives_503_the_site_keeps_working_and_recovers(library: Library) -> None:
    proxy = TcpProxy(urlparse(OPENSEARCH_URL).port or 9200)
    proxy.start()
    config = Config.from_env({**library.env, "HERITAGE_OPENSEARCH_URL": f"http://127.0.0.1:{proxy.port}"})
    with LiveServer(create_app(config), free_port()) as server:
        assert httpx.get(f"{server.url}/api/search", params={"q": "kan"}, timeout=30).status_code == 200
        proxy.stop()
        down = httpx.get(f"{server.url}/api/search", params={"q": "kan"}, timeout=30)
        assert down.status_code == 503
        assert "OpenSearch" in down.json()["error"]
        assert httpx.get(f"{server.url}/", timeout=30).status_code == 200
        manifest = f"{server.url}/iiif/{library.items['barzaz-breiz-01']}/manifest.json"
        assert httpx.get(manifest, timeout=30).status_code == 200
        proxy.start()
        assert httpx.get(f"{server.url}/api/search", params={"q": "kan"}, timeout=30).status_code == 200
