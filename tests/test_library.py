"""Every shared sample, ingested end to end, published and served: judged by the official schemas
and the IIIF Image API validator, not by our own code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from heritage.model import ItemState
from heritage.status import item_status
from tests.conftest import LIBRARY_SAMPLES, SCHEMAS, Library, get


@pytest.fixture(scope="module")
def presentation_schema() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / "iiif-presentation-3.schema.json").read_text()))


@pytest.fixture(scope="module")
def alto_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "alto-4-4.local.xsd")))


def test_every_sample_is_published(library: Library) -> None:
    states = {
        name: item_status(library.store, library.store.load_item(item_id), 3600).state
        for name, item_id in library.items.items()
    }
    assert states == {name: ItemState.PUBLISHED for name in library.items}


def test_every_manifest_validates_against_the_presentation_3_schema(
    library: Library, presentation_schema: jsonschema.Draft7Validator
) -> None:
    for name, item_id in library.items.items():
        response = get(f"{library.url}/iiif/{item_id}/manifest.json")
        assert response.status_code == 200, name
        manifest = response.json()
        assert [e.message for e in presentation_schema.iter_errors(manifest)] == [], name
        canvas_ids = [c["id"] for c in manifest["items"]]
        assert len(canvas_ids) == len(set(canvas_ids)) == len(library.store.load_item(item_id).pages)
        painting = [a["motivation"] for c in manifest["items"] for p in c["items"] for a in p["items"]]
        assert set(painting) == {"painting"}


def test_every_alto_file_validates_against_the_alto_4_schema(library: Library, alto_schema: etree.XMLSchema) -> None:
    checked = 0
    for item_id in library.items.values():
        manifest = get(f"{library.url}/iiif/{item_id}/manifest.json").json()
        for canvas in manifest["items"]:
            response = get(canvas["seeAlso"][0]["id"])
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/xml")
            document = etree.fromstring(response.content)
            alto_schema.assertValid(document)
            checked += 1
    assert checked == sum(len(library.store.load_item(i).pages) for i in library.items.values())


def test_the_top_collection_lists_every_item_and_each_collection_its_own(
    library: Library, presentation_schema: jsonschema.Draft7Validator
) -> None:
    top = get(f"{library.url}/iiif/collection").json()
    assert [e.message for e in presentation_schema.iter_errors(top)] == []
    assert {m["id"].split("/")[-2] for m in top["items"]} == set(library.items.values())
    barzaz = get(f"{library.url}/iiif/collection/barzaz-breiz").json()
    assert [e.message for e in presentation_schema.iter_errors(barzaz)] == []
    assert len(barzaz["items"]) == len(LIBRARY_SAMPLES["Barzaz Breiz"])
    assert get(f"{library.url}/iiif/collection/nope").status_code == 404


def test_iiif_responses_carry_cors_and_iiif_media_types(library: Library) -> None:
    item_id = library.items["barzaz-breiz-01"]
    manifest_url = f"{library.url}/iiif/{item_id}/manifest.json"
    plain = get(manifest_url, headers={"Origin": "http://viewer.example"})
    assert plain.headers["access-control-allow-origin"] == "*"
    assert plain.headers["content-type"] == "application/json"
    linked = get(manifest_url, headers={"Accept": "application/ld+json"})
    assert (
        linked.headers["content-type"] == 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
    )
    service = plain.json()["items"][0]["items"][0]["items"][0]["body"]["service"][0]["id"]
    info = get(f"{service}/info.json", headers={"Accept": "application/ld+json"})
    assert info.headers["content-type"] == 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
    assert info.headers["access-control-allow-origin"] == "*"
    redirect = get(service, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"{service}/info.json"


def test_canvas_thumbnails_are_static_sizes_that_exist(library: Library) -> None:
    manifest = get(f"{library.url}/iiif/{library.items['keleier-bremaik']}/manifest.json").json()
    for canvas in manifest["items"]:
        thumbnail = get(canvas["thumbnail"][0]["id"])
        assert thumbnail.status_code == 200
        assert thumbnail.headers["content-type"] == "image/jpeg"


def test_the_image_api_validator_passes_at_level_0(library: Library) -> None:
    item = library.store.load_item(library.items["validation-image"])
    host = library.url.removeprefix("http://")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "iiif-validate.py"),
            "-s",
            host,
            "-p",
            "iiif/image",
            "-i",
            item.pages[0].id,
            "--version=3.0",
            "--level",
            "0",
            "-v",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_iiif_resources_are_json_404s(library: Library) -> None:
    response = get(f"{library.url}/iiif/aaaaaaaaaaaa/manifest.json")
    assert response.status_code == 404
    assert get(f"{library.url}/iiif/image/aaaaaaaaaaaa").status_code == 404


def test_every_published_item_has_a_reader_page(library: Library) -> None:
    for item_id in library.items.values():
        assert get(f"{library.url}/items/{item_id}").status_code == 200
