from __future__ import annotations

import json

import jsonschema
import pytest

from heritage.iiif.manifest import (
    PageImage,
    as_plain_text,
    build_collection,
    build_manifest,
    entry_for,
    language_map,
    thumbnail_size,
)
from heritage.model import Collection, DublinCore, Item, Page
from tests.conftest import SCHEMAS

BASE = "https://heritage.example"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(json.loads((SCHEMAS / "iiif-presentation-3.schema.json").read_text()))


def sample_item(pages: int = 2) -> tuple[Item, list[PageImage]]:
    dc = DublinCore.from_json(
        {
            "title": "Barzaz Breiz",
            "creator": "Théodore Hersart de La Villemarqué",
            "date": "1846",
            "language": ["br", "fr"],
            "rights": "https://creativecommons.org/licenses/by-sa/3.0/",
            "source": "Wikisource",
            "description": "<script>alert(1)</script>",
        }
    )
    page_list = [Page(f"page{n:07d}", f"m{n}.jpg", 0, "0" * 64, "JPEG", 2400, 3600, f"{n}.jpg") for n in range(pages)]
    item = Item("itemabcdefgh", dc, page_list, "barzaz-breiz", "2026-12-01T00:00:00+00:00")
    sizes = [(75, 113), (150, 225), (300, 450), (600, 900), (1200, 1800), (2400, 3600)]
    return item, [PageImage(p, 2400, 3600, sizes) for p in page_list]


def test_a_manifest_validates_against_the_presentation_3_schema(validator: jsonschema.Draft7Validator) -> None:
    item, images = sample_item()
    manifest = build_manifest(BASE, item, images, Collection("barzaz-breiz", "Barzaz Breiz"))
    assert sorted(e.message for e in validator.iter_errors(manifest)) == []


def test_canvases_carry_size_image_service_thumbnail_and_alto() -> None:
    item, images = sample_item()
    canvas = build_manifest(BASE, item, images, None)["items"][1]
    assert (canvas["width"], canvas["height"]) == (2400, 3600)
    body = canvas["items"][0]["items"][0]["body"]
    assert body["service"][0] == {"id": f"{BASE}/iiif/image/page0000001", "type": "ImageService3", "profile": "level0"}
    assert canvas["thumbnail"][0]["id"].endswith("/full/300,450/0/default.jpg")
    assert canvas["seeAlso"][0]["profile"] == "http://www.loc.gov/standards/alto/v4/alto.xsd"
    assert len({c["id"] for c in build_manifest(BASE, item, images, None)["items"]}) == 2


def test_labels_and_metadata_are_language_maps() -> None:
    item, images = sample_item()
    manifest = build_manifest(BASE, item, images, None)
    assert manifest["label"] == {"none": ["Barzaz Breiz"]}
    languages = [m["value"] for m in manifest["metadata"] if m["label"]["en"] == ["Language"]]
    assert languages == [
        {"br": ["brezhoneg"], "fr": ["breton"], "en": ["Breton"]},
        {"br": ["galleg"], "fr": ["français"], "en": ["French"]},
    ]
    assert manifest["rights"] == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert manifest["navDate"] == "1846-01-01T00:00:00Z"
    assert language_map("Kan", ["br"]) == {"br": ["Kan"]}


def test_metadata_that_looks_like_html_reaches_viewers_as_escaped_text() -> None:
    item, images = sample_item()
    summary = build_manifest(BASE, item, images, None)["summary"]
    assert summary == {"none": ["<span>&lt;script&gt;alert(1)&lt;/script&gt;</span>"]}


def test_text_with_a_lone_angle_bracket_is_left_as_it_is() -> None:
    assert as_plain_text("Kan <1846>: Gwerz") == "Kan <1846>: Gwerz"
    assert as_plain_text("<b>Gwerz</b>") == "<span>&lt;b&gt;Gwerz&lt;/b&gt;</span>"


def test_the_thumbnail_is_the_smallest_static_size_wide_enough() -> None:
    assert thumbnail_size([(75, 113), (150, 225), (300, 450), (600, 900)]) == (300, 450)
    assert thumbnail_size([(100, 80), (200, 160)]) == (200, 160)


def test_a_collection_validates_and_lists_manifests(validator: jsonschema.Draft7Validator) -> None:
    item, images = sample_item()
    collection = build_collection(BASE, [entry_for(BASE, item, images[0])], {"none": ["Barzaz Breiz"]}, "barzaz-breiz")
    assert sorted(e.message for e in validator.iter_errors(collection)) == []
    assert collection["id"] == f"{BASE}/iiif/collection/barzaz-breiz"
    assert collection["items"][0]["id"] == f"{BASE}/iiif/itemabcdefgh/manifest.json"
    empty = build_collection(BASE, [], {"none": ["Nothing yet"]})
    assert sorted(e.message for e in validator.iter_errors(empty)) == []
