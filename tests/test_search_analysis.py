"""The analysers on the real node: French morphology, Breton apostrophes, every mutation and
every historical-spelling example from ``breton.py`` must meet as documented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from heritage.search import drop_index, ensure_index
from heritage.search.analysis import BRETON, BRETON_DEMUTATED, BRETON_SPELLING, FRENCH, GAP, NEUTRAL
from heritage.search.breton import FIXED_WORDS, MUTATIONS, SPELLING_RULES, Mutation, demutations
from tests.search_samples import client_or_fail, unique_alias


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[OpenSearch, str]]:
    client = client_or_fail()
    alias = unique_alias()
    ensure_index(client, alias)
    yield client, alias
    drop_index(client, alias)


def tokens(node: tuple[OpenSearch, str], analyzer: str, text: str) -> list[str]:
    client, alias = node
    answer = client.indices.analyze(index=alias, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in answer["tokens"]]


def positions(node: tuple[OpenSearch, str], analyzer: str, text: str) -> dict[int, set[str]]:
    client, alias = node
    answer = client.indices.analyze(index=alias, body={"analyzer": analyzer, "text": text})
    found: dict[int, set[str]] = {}
    for t in answer["tokens"]:
        found.setdefault(t["position"], set()).add(t["token"])
    return found


def test_french_elision_stemming_and_accents_meet(node: tuple[OpenSearch, str]) -> None:
    assert tokens(node, FRENCH, "eglise Église l'église L’ÉGLISE") == ["eglis"] * 4
    assert tokens(node, FRENCH, "chanter chante chantée") == ["chant"] * 3
    assert tokens(node, FRENCH, "qu’elle jusqu'au d'être") == ["elle", "au", "etre"]
    assert tokens(node, FRENCH, "pareſſeuſe") == tokens(node, FRENCH, "paresseuse")


def test_french_elision_spares_breton_c_h(node: tuple[OpenSearch, str]) -> None:
    # a Breton word on a line the OCR took for French keeps its c'h
    assert tokens(node, FRENCH, "c'hoari c’est") == ["c'hoari", "est"]


def test_breton_keeps_c_h_words_whole_with_either_apostrophe(node: tuple[OpenSearch, str]) -> None:
    for analyzer in (BRETON, NEUTRAL):
        assert tokens(node, analyzer, "C’hoari c'hoari cʼhoari") == ["c'hoari"] * 3, analyzer
    assert tokens(node, BRETON_SPELLING, "C’hoari c'hoari cʼhoari") == ["c'hwari"] * 3  # o for /w/, respelled
    assert tokens(node, BRETON, "kelc’h morvarc'h GWENC’HLAN") == ["kelc'h", "morvarc'h", "gwenc'hlan"]


def test_breton_elisions_only_breton_ones(node: tuple[OpenSearch, str]) -> None:
    assert tokens(node, BRETON, "d'ann n’eo m'em pa’z ma'z") == ["ann", "eo", "em", "pa", "ma"]
    assert tokens(node, BRETON, "l'ene qu'eo") == ["l'ene", "qu'eo"]  # French elisions are not Breton


def test_breton_folding_keeps_n_tilde_findable_as_n(node: tuple[OpenSearch, str]) -> None:
    assert tokens(node, BRETON, "gantañ GANTAN kraoñ") == ["gantan", "gantan", "kraon"]
    assert tokens(node, BRETON, "kanaouennoù kanaouennou") == ["kanaouennou"] * 2


def test_gap_placeholder_leaves_a_hole(node: tuple[OpenSearch, str]) -> None:
    found = positions(node, BRETON, f"tad {GAP} {GAP} mamm")
    assert found == {0: {"tad"}, 3: {"mamm"}}


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.kind}-{m.radical}-{m.mutated}")
def test_every_mutation_meets_its_radical(node: tuple[OpenSearch, str], mutation: Mutation) -> None:
    radical, mutated = f"{mutation.radical}arv", f"{mutation.mutated}arv"
    assert set(tokens(node, BRETON_DEMUTATED, radical)) & set(tokens(node, BRETON_DEMUTATED, mutated))


@pytest.mark.parametrize(
    ("radical", "forms"),
    [
        ("tad", ["dad", "zad"]),
        ("kador", ["gador", "c'hador", "c’hador"]),
        ("breur", ["vreur"]),
        ("mamm", ["vamm"]),
        ("gwin", ["win"]),
        ("penn", ["benn", "fenn"]),
        ("bro", ["vro", "pro"]),
        ("gwerc'hez", ["werc'hez"]),
    ],
)
def test_the_issue_examples_meet_both_ways(node: tuple[OpenSearch, str], radical: str, forms: list[str]) -> None:
    radical_tokens = set(tokens(node, BRETON_DEMUTATED, radical))
    for form in forms:
        assert radical_tokens & set(tokens(node, BRETON_DEMUTATED, form)), (radical, form)


def test_mutation_candidates_share_the_position(node: tuple[OpenSearch, str]) -> None:
    found = positions(node, BRETON_DEMUTATED, "he zad")
    assert found[0] == {"he"}
    assert {"dat", "tat"} <= found[1]  # radicals of zad, respelled (final d -> t)


def test_fixed_words_are_not_demutated(node: tuple[OpenSearch, str]) -> None:
    for word in sorted(FIXED_WORDS):
        assert len(set(tokens(node, BRETON_DEMUTATED, word))) == 1, word
    # nor produced as a radical: "kant" (hundred) would otherwise match "gant" (with)
    assert not set(tokens(node, BRETON_DEMUTATED, "kant")) & set(tokens(node, BRETON_DEMUTATED, "gant"))
    assert not set(tokens(node, BRETON_DEMUTATED, "pont")) & set(tokens(node, BRETON_DEMUTATED, "vont"))


def test_demutations_drop_implied_pairs() -> None:
    pairs = demutations()
    assert ("kw", "gw") not in pairs and ("k", "g") in pairs
    assert ("c'h", "g") in pairs and ("c'h", "k") in pairs and ("v", "b") in pairs and ("v", "m") in pairs
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("rule", "old", "modern"),
    [(r.name, old, modern) for r in SPELLING_RULES for old, modern in r.examples],
)
def test_every_spelling_example_meets(node: tuple[OpenSearch, str], rule: str, old: str, modern: str) -> None:
    assert tokens(node, BRETON_SPELLING, old) == tokens(node, BRETON_SPELLING, modern)


def test_spelling_joins_hyphenated_particles(node: tuple[OpenSearch, str]) -> None:
    assert tokens(node, BRETON_SPELLING, "gan-in a-walc'h") == tokens(node, BRETON_SPELLING, "ganin awalc'h")


def test_spelling_keeps_distinct_words_apart(node: tuple[OpenSearch, str]) -> None:
    for a, b in (("tad", "mamm"), ("ker", "kar"), ("eur", "ur"), ("c'hoari", "choari")):
        assert tokens(node, BRETON_SPELLING, a) != tokens(node, BRETON_SPELLING, b), (a, b)
