"""Search within one item (IIIF Content Search) and term suggestions, on real sample pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from heritage.errors import InvalidInputError
from heritage.search import Box, search_item, suggest_terms
from tests.search_samples import Library, indexed_library, sample_item


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    names = ("barzaz-breiz-01", "barzaz-breiz-03", "keleier-bremaik")
    entries = [(name, *sample_item(name, "samples")) for name in names]
    yield from indexed_library(entries)


def gt_box(library: Library, name: str, page: int, text: str, offset: int = 0) -> Box:
    """The box of the first ground-truth word ``text`` on the page, or of the word ``offset`` after it."""
    words = library.words[name][library.items[name].pages[page - 1].id]
    w = words[[w.text for w in words].index(text) + offset]
    return Box(w.x, w.y, w.w, w.h)


def test_pages_in_reading_order_with_word_boxes(library: Library) -> None:
    item = library.items["barzaz-breiz-03"]
    result = search_item(library.client, library.alias, item.id, "iaouank")
    assert [p.page_number for p in result.pages] == [1, 2, 3] and result.total_pages == 3
    assert result.pages[0].matches[0].text == "iaouang"  # "Greg iaouang": the 1846 text varies too
    match = result.pages[1].matches[0]
    assert match.text == "iaouank" and match.boxes == [gt_box(library, "barzaz-breiz-03", 2, "iaouank")]
    assert match.before.endswith("greg") and match.after  # "va greg iaouank"


def test_phrase_across_lines_has_one_box_per_line(library: Library) -> None:
    item = library.items["barzaz-breiz-01"]
    (page,) = search_item(library.client, library.alias, item.id, '"ar c’hoad"').pages[:1]
    match = page.matches[0]
    assert match.text == "ar c’hoad," and match.before == "Me wel ann hoc’h ’tont doc’h"
    ar = gt_box(library, "barzaz-breiz-01", 1, "c’hoad,", -1)
    assert match.boxes == [ar, gt_box(library, "barzaz-breiz-01", 1, "c’hoad,")]


def test_a_run_on_one_line_is_one_union_box(library: Library) -> None:
    item = library.items["keleier-bremaik"]
    page = search_item(library.client, library.alias, item.id, '"Skol Diwan Roazhon"').pages[0]
    (match,) = page.matches
    skol, roazhon = (gt_box(library, "keleier-bremaik", 1, t) for t in ("Skol", "Roazhon."))
    assert match.boxes == [
        Box(
            skol.x,
            min(skol.y, roazhon.y),
            roazhon.x + roazhon.w - skol.x,
            max(skol.y + skol.h, roazhon.y + roazhon.h) - min(skol.y, roazhon.y),
        )
    ]


def test_only_that_item(library: Library) -> None:
    item = library.items["keleier-bremaik"]
    assert search_item(library.client, library.alias, item.id, "iaouank").pages == []
    with pytest.raises(InvalidInputError, match="nothing to search"):
        search_item(library.client, library.alias, item.id, "-iaouank")


def test_suggestions_with_counts(library: Library) -> None:
    found = suggest_terms(library.client, library.alias, "iaou")
    assert found[0].term == "iaouank" and found[0].count == 2  # items holding it: barzaz-breiz-01 and -03
    item = library.items["barzaz-breiz-01"]
    in_item = suggest_terms(library.client, library.alias, "iaou", item.id)
    assert [(t.term, t.count) for t in in_item] == [("iaouank", 1)]  # pages of the item holding it
    in_03 = suggest_terms(library.client, library.alias, "iaou", library.items["barzaz-breiz-03"].id)
    assert [(t.term, t.count) for t in in_03] == [("iaouank", 2), ("iaouang", 1)]


def test_suggestions_ignore_case_accents_and_apostrophe_kind(library: Library) -> None:
    assert "gantañ" in [t.term for t in suggest_terms(library.client, library.alias, "GANTA", limit=50)]
    straight = suggest_terms(library.client, library.alias, "c'hoa")
    assert straight == suggest_terms(library.client, library.alias, "c’hoa") and straight
    assert all(t.term.startswith("c'hoa") for t in straight)


def test_suggestions_are_bounded(library: Library) -> None:
    assert len(suggest_terms(library.client, library.alias, "a", limit=3)) == 3
    with pytest.raises(InvalidInputError, match="limit"):
        suggest_terms(library.client, library.alias, "a", limit=500)
