"""Spelling suggestions: the request built, and the suggested queries put together."""

from __future__ import annotations

from heritage.search.spelling import Spelling, _combined, _replace, build_spelling


def test_the_request_asks_each_word_in_every_text_field_and_counts_its_pages() -> None:
    body = build_spelling(["gwenclan", "royaune"])
    assert body["size"] == 0
    assert set(body["aggs"]["present"]["filters"]["filters"]) == {"w0", "w1"}
    assert {k for k in body["suggest"] if k.startswith("w1-")} == {"w1-text_br", "w1-text_fr", "w1-text_other"}
    assert body["suggest"]["w0-text_br"]["text"] == "gwenclan"


def test_a_word_is_replaced_whole_not_inside_another() -> None:
    assert _replace("an ann an", "an", "ar") == "ar ann an"
    assert _replace("c'hoari an", "an", "ar") == "c'hoari ar"
    assert _replace('"bale arzhor"', "arzhor", "arzur") == '"bale arzur"'


def test_suggestions_take_each_misspelt_words_next_replacement() -> None:
    found = _combined("Gwenclan royaune", {"Gwenclan": ["Gwenc'hlan", "Gwellañ"], "royaune": ["royaume"]}, 3)
    assert found == [
        Spelling("Gwenc'hlan royaume", ("Gwenc'hlan", "royaume")),
        Spelling("Gwellañ royaume", ("Gwellañ", "royaume")),
    ]


def test_no_misspelt_word_no_suggestion() -> None:
    assert _combined("kan", {}, 3) == []
