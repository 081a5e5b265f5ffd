from __future__ import annotations

import pytest

from heritage.errors import InvalidInputError
from heritage.model import (
    RIGHTS_UNDETERMINED,
    DublinCore,
    Stage,
    StageState,
    StageStatus,
    collection_slug,
    is_id,
    new_id,
    page_state,
)


def test_ids_are_opaque_url_safe_and_distinct() -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(is_id(i) and i.isalnum() and i.islower() for i in ids)
    assert not is_id("../etc") and not is_id("ABCDEFGHJKLM")


def test_sample_metadata_is_read_with_lists_for_repeatable_fields() -> None:
    dc = DublinCore.from_json(
        {"title": "Barzaz Breiz", "language": ["br", "fr"], "subject": "Kanaouennoù", "date": 1846}
    )
    assert dc.language == ["br", "fr"]
    assert dc.subject == ["Kanaouennoù"]
    assert dc.date == "1846"
    assert dc.rights == RIGHTS_UNDETERMINED


def test_control_and_bidi_override_characters_are_removed() -> None:
    dc = DublinCore.from_json({"title": "Gwerz\u202e\x00 Skolan\x07"})
    assert dc.title == "Gwerz Skolan"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": {"$gt": ""}}, "must be text"),
        ({"title": "x", "creator": [1, {"a": 2}]}, "must be text"),
        ({"title": "x", "rights": "javascript:alert(1)"}, "rights must be"),
        ({"title": "x", "language": ["Breton"]}, "ISO 639"),
        ({"title": "x", "owner": "me"}, "unknown metadata fields: owner"),
        ({"title": "x" * 5000}, "longer than"),
        ({"title": ""}, "needs a title"),
        ([], "JSON object"),
    ],
)
def test_bad_metadata_is_refused_with_a_clear_message(data: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        DublinCore.from_json(data)


def test_licence_uris_from_both_vocabularies_are_accepted() -> None:
    for rights in (
        "https://creativecommons.org/licenses/by-sa/3.0/",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        "http://creativecommons.org/publicdomain/mark/1.0/",
        "http://rightsstatements.org/vocab/InC/1.0/",
    ):
        assert DublinCore.from_json({"title": "x", "rights": rights}).rights == rights.replace("https:", "http:")


def test_collection_slugs_are_readable_ascii() -> None:
    assert collection_slug("Imprimés français") == "imprimes-francais"
    assert collection_slug("Barzaz Breiz") == "barzaz-breiz"
    with pytest.raises(InvalidInputError):
        collection_slug("…")


def test_a_page_is_done_only_when_every_stage_is_and_failed_wins() -> None:
    done, failed = StageStatus(StageState.DONE), StageStatus(StageState.FAILED)
    running = StageStatus(StageState.RUNNING)
    assert page_state({Stage.OCR: done, Stage.TILES: done}) == "done"
    assert page_state({Stage.OCR: failed, Stage.TILES: running}) == "failed"
    assert page_state({Stage.OCR: running, Stage.TILES: done}) == "ocr"
    assert page_state({}) == "queued"
