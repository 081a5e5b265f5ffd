"""IIIF Content State 1.0: our encoding is the spec's, and every form of target we accept decodes."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from heritage.errors import InvalidInputError
from heritage.iiif import content_state as cs

BASE = "http://127.0.0.1:8765"
MANIFEST = f"{BASE}/iiif/abcdefghijkm/manifest.json"
CANVAS = f"{BASE}/iiif/abcdefghijkm/canvas/npqrstuvwxyz"


def spec_encode(text: str) -> str:
    """The spec's own recipe (§6.1, as its JavaScript example): encodeURIComponent, btoa, url-safe, no '='."""
    uri_encoded = quote(text, safe="-_.!~*'()")
    return base64.b64encode(uri_encoded.encode()).decode().replace("+", "-").replace("/", "_").replace("=", "")


def test_the_annotation_targets_the_canvas_region_and_names_the_manifest() -> None:
    document = cs.annotation(cs.View(MANIFEST, CANVAS, (10, 20, 300, 400)))
    assert document["type"] == "Annotation"
    assert document["motivation"] == ["contentState"]
    assert document["target"] == {
        "id": f"{CANVAS}#xywh=10,20,300,400",
        "type": "Canvas",
        "partOf": [{"id": MANIFEST, "type": "Manifest"}],
    }


def test_a_whole_page_has_no_fragment() -> None:
    assert cs.annotation(cs.View(MANIFEST, CANVAS))["target"]["id"] == CANVAS


def test_encoding_follows_the_spec_recipe_and_has_no_padding() -> None:
    document = cs.annotation(cs.View(MANIFEST, CANVAS, (1, 2, 3, 4)))
    encoded = cs.encode(document)
    assert encoded == spec_encode(json.dumps(document, separators=(",", ":")))
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded


def test_non_ascii_text_survives_the_round_trip() -> None:
    document = {"type": "Annotation", "label": {"br": ["Gwenc’hlan, Diougan — é"]}}
    assert cs.decode(cs.encode(document)) == document


@pytest.mark.parametrize("region", [(0, 0, 1, 1), (12, 345, 678, 9), (999999, 1, 2, 3)])
def test_decode_reads_back_what_encode_wrote(region: tuple[int, int, int, int]) -> None:
    view = cs.View(MANIFEST, CANVAS, region)
    assert cs.view_of(cs.decode(cs.encode(cs.annotation(view)))) == view


def test_a_state_encoded_by_another_client_with_padding_and_spaces_decodes() -> None:
    document = cs.annotation(cs.View(MANIFEST, CANVAS, (5, 6, 7, 8)))
    padded = base64.urlsafe_b64encode(quote(json.dumps(document, indent=2), safe="").encode()).decode()
    assert padded.endswith("=") or len(padded) % 4 == 0
    assert cs.view_of(cs.decode(padded)).region == (5, 6, 7, 8)


def test_a_plain_uri_is_taken_as_is() -> None:
    assert cs.decode(f"{CANVAS}#xywh=1,2,3,4") == f"{CANVAS}#xywh=1,2,3,4"
    assert cs.view_of(cs.decode(f"{CANVAS}#xywh=1,2,3,4")) == cs.View("", CANVAS, (1, 2, 3, 4))


def test_a_bare_canvas_target_without_the_annotation_is_understood() -> None:
    target = {"id": f"{CANVAS}#xywh=9,8,7,6", "type": "Canvas", "partOf": [{"id": MANIFEST, "type": "Manifest"}]}
    assert cs.view_of(target) == cs.View(MANIFEST, CANVAS, (9, 8, 7, 6))


def test_a_specific_resource_with_a_fragment_selector_is_understood() -> None:
    state = {
        "type": "Annotation",
        "motivation": ["contentState"],
        "target": {
            "type": "SpecificResource",
            "source": {"id": CANVAS, "type": "Canvas", "partOf": [{"id": MANIFEST, "type": "Manifest"}]},
            "selector": {"type": "FragmentSelector", "value": "xywh=100,200,30,40"},
        },
    }
    assert cs.view_of(state) == cs.View(MANIFEST, CANVAS, (100, 200, 30, 40))


def test_a_list_of_targets_uses_the_first() -> None:
    state = {"type": "Annotation", "target": [{"id": CANVAS, "type": "Canvas"}, {"id": "other", "type": "Canvas"}]}
    assert cs.view_of(state).canvas == CANVAS


@pytest.mark.parametrize("value", ["not base64 at all!", "a", "eyJ0eXBlIjoi", "x" * (cs.MAX_ENCODED + 4)])
def test_garbage_is_refused_as_invalid_input(value: str) -> None:
    with pytest.raises(InvalidInputError):
        cs.view_of(cs.decode(value))


def test_a_manifest_alone_does_not_name_a_page() -> None:
    with pytest.raises(InvalidInputError):
        cs.view_of({"id": MANIFEST, "type": "Manifest"})


@pytest.mark.parametrize("text", ["1,2,3", "1,2,0,4", "-1,2,3,4", "1.5,2,3,4", "pct:1,2,3,4", ""])
def test_regions_must_be_whole_pixels_with_a_size(text: str) -> None:
    with pytest.raises(InvalidInputError):
        cs.parse_xywh(text)


def test_clip_keeps_the_part_inside_the_page() -> None:
    assert cs.clip((90, 10, 50, 50), 100, 200) == (90, 10, 10, 50)
    assert cs.clip((100, 10, 5, 5), 100, 200) is None


def test_our_canvas_uris_name_item_and_page_and_others_do_not() -> None:
    assert cs.canvas_ids(CANVAS, BASE) == ("abcdefghijkm", "npqrstuvwxyz")
    assert cs.canvas_ids("https://example.org/iiif/abcdefghijkm/canvas/npqrstuvwxyz", BASE) is None
    assert cs.canvas_ids(f"{BASE}/iiif/abcdefghijkm/manifest.json", BASE) is None
