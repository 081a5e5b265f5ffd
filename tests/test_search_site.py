"""Site search on the real sample pages (Barzaz Breiz 1846, Keleier, Voltaire 1728), indexed once:
French and Breton analysis, mutations, historical spellings, phrases, facets, filters, boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from heritage.search import Box, Filters, SearchRequest, SearchResult, Sort, search
from heritage.search.query import build_search
from heritage.search.terms import fold
from tests.search_samples import GtWord, Library, indexed_library, line_words, made_up_item, sample_item

SAMPLE_NAMES = {
    "barzaz-breiz-01": "barzaz-breiz",
    "barzaz-breiz-02": "barzaz-breiz",
    "barzaz-breiz-03": "barzaz-breiz",
    "barzaz-breiz-05": "barzaz-breiz",
    "keleier-bremaik": "keleier",
}


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    entries = [(name, *sample_item(name, collection)) for name, collection in SAMPLE_NAMES.items()]
    entries.append(("voltaire", *sample_item("real/voltaire-henriade-1728", "imprimes", default_lang="fr")))
    mutations = [
        line_words([line])
        for line in (
            "Ur kador koad",
            "Ur gador koad",
            "Ar c'hador koad",
            "He mamm",
            "He vamm",
            "Gwin ruz",
            "Ar win ruz",
        )
    ]
    mutations.append(line_words(["le chat"], "fr") + line_words(["ar c'hazh"], "br", 1) + line_words(["noir"], "fr", 2))
    entries.append(
        (
            "mutations",
            *made_up_item(
                "Skouerioù evit an testoù",
                mutations,
                date="1975",
                type="Dataset",
                rights="http://creativecommons.org/publicdomain/zero/1.0/",
                language=["br"],
            ),
        )
    )
    hostile = [line_words(["<script>alert(1)</script> & co", "Komz a ra karan-", "tezus ervat"])]
    entries.append(("hostile", *made_up_item("Testenn", hostile, collection="made-up-2", date="2001")))
    yield from indexed_library(entries)


def run(library: Library, q: str = "", **kwargs: object) -> SearchResult:
    return search(library.client, library.alias, SearchRequest(q=q, **kwargs))  # type: ignore[arg-type]


def pages(library: Library, result: SearchResult) -> list[tuple[str, int]]:
    names = {item.id: name for name, item in library.items.items()}
    return [(names[h.item_id], h.page_number) for h in result.hits]


def test_french_accents_elision_and_stemming(library: Library) -> None:
    found = [pages(library, run(library, q)) for q in ("eglise", "Église", "l'église", "L’ÉGLISE")]
    assert found[0] == [("voltaire", 3)] and all(f == found[0] for f in found)
    chanter = run(library, "chanter")
    assert pages(library, chanter)[0] == ("barzaz-breiz-01", 1)  # "je chante", four times
    assert "je <mark>chante</mark> sur le seuil" in chanter.hits[0].snippet


def test_c_h_words_with_either_apostrophe(library: Library) -> None:
    typographic, straight = run(library, "c’hoari"), run(library, "c'hoari")
    assert pages(library, typographic) == pages(library, straight)
    assert {("barzaz-breiz-01", 3), ("keleier-bremaik", 3)} <= set(pages(library, straight))
    assert run(library, "hoari").total == 0  # c'hoari never loses its c'


def test_a_radical_finds_its_mutated_forms_exact_first(library: Library) -> None:
    found = pages(library, run(library, "tad"))
    assert set(found) == {("barzaz-breiz-02", 1), ("barzaz-breiz-02", 2), ("barzaz-breiz-05", 2)}
    assert found[-1] == ("barzaz-breiz-05", 2)  # only "zad" there: ranked after the exact "tad"
    assert ("barzaz-breiz-05", 2) in pages(library, run(library, "breur"))  # "da vreur"
    # made-up pages: 1 kador, 2 gador, 3 c'hador, 4 mamm, 5 vamm, 6 gwin, 7 win
    assert pages(library, run(library, "kador")) == [("mutations", 1), ("mutations", 2), ("mutations", 3)]
    assert pages(library, run(library, "mamm"))[-1] == ("mutations", 5)
    assert set(pages(library, run(library, "mamm"))) == {("mutations", 4), ("barzaz-breiz-02", 2), ("mutations", 5)}
    assert pages(library, run(library, "gwin"))[-1] == ("mutations", 7)
    assert set(pages(library, run(library, "gwin"))) == {("mutations", 6), ("barzaz-breiz-05", 1), ("mutations", 7)}


def test_a_mutated_form_finds_its_radical(library: Library) -> None:
    assert {("barzaz-breiz-02", 1), ("barzaz-breiz-02", 2)} <= set(pages(library, run(library, "zad")))
    assert pages(library, run(library, "zad"))[0] == ("barzaz-breiz-05", 2)
    assert ("barzaz-breiz-02", 1) in pages(library, run(library, "vreur"))
    assert pages(library, run(library, "gador")) == [("mutations", 2), ("mutations", 1), ("mutations", 3)]
    assert pages(library, run(library, "c’hador")) == [("mutations", 3), ("mutations", 1), ("mutations", 2)]
    assert pages(library, run(library, "vamm"))[:2] == [("mutations", 5), ("mutations", 4)]
    assert pages(library, run(library, "win"))[:2] == [("mutations", 7), ("mutations", 6)]
    assert ("keleier-bremaik", 5) in pages(library, run(library, "gwerc'hez"))  # "ar Werc'hez"


def test_modern_spelling_finds_1846_spelling(library: Library) -> None:
    yaouank = run(library, "yaouank")
    assert {("barzaz-breiz-01", 1), ("barzaz-breiz-03", 2), ("barzaz-breiz-03", 3)} <= set(pages(library, yaouank))
    assert any("<mark>iaouank</mark>" in h.snippet for h in yaouank.hits)
    assert ("barzaz-breiz-01", 1) in pages(library, run(library, "kozh"))  # "koz"
    assert ("barzaz-breiz-01", 1) in pages(library, run(library, "ivez"))  # "ive"
    assert ("barzaz-breiz-01", 1) in pages(library, run(library, '"gant an oad"'))  # "gand ann oad"


def test_1846_spelling_finds_modern_spelling(library: Library) -> None:
    assert ("keleier-bremaik", 5) in pages(library, run(library, "brezonek"))  # "brezhoneg"
    assert ("keleier-bremaik", 1) in pages(library, run(library, "evid"))  # "evit"
    first = run(library, "gant").hits[0]
    assert first.item_id == library.items["keleier-bremaik"].id  # exact "gant" before 1846 "gand"


def test_phrase_spanning_two_lines(library: Library) -> None:
    result = run(library, '"ar c’hoad"')
    hit = result.hits[pages(library, result).index(("barzaz-breiz-01", 1))]
    assert "<mark>ar c’hoad,</mark>" in hit.snippet
    assert len(hit.boxes) == 2 and hit.boxes[0].y != hit.boxes[1].y  # "ar" ends a line, "c’hoad," starts the next
    assert pages(library, run(library, '"Stéphanie Guillaume"')) == [("keleier-bremaik", 1)]
    assert run(library, '"tad mamm"').total == 0  # both words on the page, not side by side


def test_phrase_never_jumps_over_the_other_language(library: Library) -> None:
    assert pages(library, run(library, '"le chat"')) == [("mutations", 8)]
    assert run(library, '"chat noir"').total == 0  # a Breton line lies between them


def test_exclusion(library: Library) -> None:
    assert pages(library, run(library, "breur -tad")) == [("barzaz-breiz-05", 2)]
    assert run(library, '-"ar c’hoad" c’hoad').total < run(library, "c’hoad").total


def test_facets_count_pages(library: Library) -> None:
    result = run(library, "", page_size=1)
    facets = {name: {v.value: v.count for v in values} for name, values in result.facets.items()}
    assert facets["collection"] == {"barzaz-breiz": 15, "keleier": 6, "imprimes": 4, "made-up": 8, "made-up-2": 1}
    assert facets["decade"] == {"1720": 4, "1840": 15, "1970": 8, "2000": 1}
    assert facets["type"] == {"Text": 26, "Dataset": 8}
    # Breton on 11 Barzaz pages (the 4th of each song is French only), 6 Keleier, 9 made up, plus
    # the folio-only page of barzaz-breiz-02, which falls back to its item's languages
    assert facets["language"]["br"] == 27
    assert result.total == sum(facets["collection"].values())


def test_filters(library: Library) -> None:
    assert run(library, filters=Filters(collection=("keleier",))).total == 6
    assert run(library, filters=Filters(collection=("keleier", "imprimes"))).total == 10
    assert run(library, filters=Filters(year_from=1800, year_to=1900)).total == 15
    assert run(library, filters=Filters(year_to=1800)).total == 4
    assert run(library, filters=Filters(type=("Dataset",))).total == 8
    assert run(library, filters=Filters(rights=("http://creativecommons.org/publicdomain/zero/1.0/",))).total == 8
    assert run(library, filters=Filters(language=("fr",), collection=("made-up",))).total == 1
    french = run(library, "chanter", filters=Filters(collection=("barzaz-breiz",)))
    assert french.total >= 1 and all(name.startswith("barzaz") for name, _ in pages(library, french))


def test_sort_by_date_and_paging(library: Library) -> None:
    oldest = run(library, "", sort=Sort.DATE)
    assert pages(library, oldest)[0] == ("voltaire", 1)
    newest = run(library, "", sort=Sort.DATE_DESC)
    assert pages(library, newest)[0] == ("hostile", 1)
    first, second = run(library, "", page=1, page_size=5), run(library, "", page=2, page_size=5)
    assert first.total == second.total and not set(pages(library, first)) & set(pages(library, second))


def test_metadata_match_without_text_match(library: Library) -> None:
    result = run(library, "skouerioù")  # only in the made-up item's title
    assert result.total == 8 and all(h.boxes == [] for h in result.hits)
    assert result.hits[0].snippet.startswith("Ur kador")


def test_snippet_escapes_page_text(library: Library) -> None:
    (hit,) = run(library, "alert").hits
    assert hit.snippet.startswith("<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark> &amp; co")
    assert "<script>" not in hit.snippet


def test_line_end_hyphenation(library: Library) -> None:
    (hit,) = run(library, "karantezus").hits
    assert len(hit.boxes) == 2 and "<mark>karan- tezus</mark>" in hit.snippet


def _overlap(a: Box, b: GtWord) -> float:
    dx = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    dy = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    inter = max(0, dx) * max(0, dy)
    return inter / (a.w * a.h + b.w * b.h - inter)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("iaouank", "iaouank"),
        ("vreur", "vreur"),
        ("chante", "chante"),
        ("c’hoari", "c’hoari"),
        ("tad", "dad"),
    ],
)
def test_hit_boxes_are_the_ground_truth_word_boxes(library: Library, q: str, expected: str) -> None:
    result = run(library, q, page_size=50)
    names = {item.id: name for name, item in library.items.items()}
    seen = set()
    for hit in result.hits:
        name = names[hit.item_id]
        if name not in SAMPLE_NAMES:
            continue
        page_id = library.items[name].pages[hit.page_number - 1].id
        gt = library.words[name][page_id]
        for box in hit.boxes:
            best = max(gt, key=lambda w: _overlap(box, w))
            assert _overlap(box, best) > 0.9, (q, name, box, best)
            seen.add(fold(best.text).strip(".,;:!?"))
    assert fold(expected) in seen


def test_every_highlighted_field_has_one_chunk_per_word(library: Library) -> None:
    """The invariant the boxes rest on, checked on the node's own highlighter output."""
    body = build_search(SearchRequest(q="ar", page_size=100))
    response = library.client.search(index=library.alias, body=body)
    assert response["hits"]["hits"]
    for hit in response["hits"]["hits"]:
        count = len(hit["_source"]["layout"]["words"])
        for field, values in hit.get("highlight", {}).items():
            assert len(values[0].split(" ")) == count, (field, hit["_id"])
