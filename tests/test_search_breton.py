"""The Breton rules themselves: every mutation and every historical-spelling example meets as
documented, and the few fixed words stay apart."""

from __future__ import annotations

import pytest

from heritage.search.breton import (
    BRIDGES,
    FIXED_WORDS,
    MUTATIONS,
    SPELLING_RULES,
    Mutation,
    radical,
    respell,
    tokens,
    variants_key,
)


def spelled(word: str) -> str:
    return respell("".join(tokens(word)))


def meet(a: str, b: str) -> bool:
    """Whether a query for ``a`` finds ``b`` in the variants field (classes, widened by bridges)."""
    ka, kb = variants_key(a), variants_key(b)
    if ka == kb:
        return True
    if ka[1:] != kb[1:]:
        return False
    return kb[0] in BRIDGES.get(ka[0], ()) or ka[0] in BRIDGES.get(kb[0], ())


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: f"{m.kind}-{m.radical}-{m.mutated}")
def test_every_mutation_meets_its_radical(mutation: Mutation) -> None:
    radical_form, mutated_form = f"{mutation.radical}arv", f"{mutation.mutated}arv"
    assert meet(radical_form, mutated_form) and meet(mutated_form, radical_form)


@pytest.mark.parametrize(
    ("radical_form", "forms"),
    [
        ("tad", ["dad", "zad"]),
        ("kador", ["gador", "c'hador", "c’hador"]),
        ("breur", ["vreur"]),
        ("mamm", ["vamm"]),
        ("gwin", ["win"]),
        ("penn", ["benn", "fenn"]),
        ("bro", ["vro", "pro"]),
        ("gwerc'hez", ["Werc’hez"]),
        ("kant", ["c'hant"]),
        ("mont", ["vont"]),
    ],
)
def test_the_issue_examples_meet_both_ways(radical_form: str, forms: list[str]) -> None:
    for form in forms:
        assert meet(radical_form, form) and meet(form, radical_form), (radical_form, form)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ket", "get"),
        ("me", "ve"),
        ("gant", "kant"),
        ("pont", "vont"),
        ("mamm", "bamm"),
        ("tad", "kad"),
        ("war", "gwar"),
        ("c'hoazh", "goaz"),
    ],
)
def test_unrelated_words_stay_apart(a: str, b: str) -> None:
    assert not meet(a, b) and not meet(b, a)


def test_fixed_words_are_written_respelled() -> None:
    assert {w for w in FIXED_WORDS if respell(w) != w or radical(w) != w} == set()
    assert variants_key("gand") == "gant" and variants_key("c’hoazh") == "c'hwaz"


@pytest.mark.parametrize(
    ("rule", "old", "modern"),
    [(r.name, old, modern) for r in SPELLING_RULES for old, modern in r.examples],
)
def test_every_spelling_example_meets(rule: str, old: str, modern: str) -> None:
    assert spelled(old) == spelled(modern)


def test_spelling_keeps_distinct_words_apart() -> None:
    for a, b in (("tad", "mamm"), ("ker", "kar"), ("eur", "ur"), ("c'hoari", "choari"), ("gouel", "gwel")):
        assert spelled(a) != spelled(b), (a, b)


def test_tokens_fold_unify_apostrophes_and_elide() -> None:
    assert tokens("D’ann") == ["ann"]
    assert tokens("Pa’z") == ["pa"]
    assert tokens("C’HOARI,") == ["c'hoari"]
    assert tokens("gantañ") == ["gantan"]
    assert tokens("gwall-gamm") == ["gwall", "gamm"]
    assert tokens("«") == []


def test_variants_of_a_compound_are_per_part_and_joined() -> None:
    assert variants_key("gwall-gamm") == "ωal/κam/ωalgam"  # so "kamm" finds "gwall-gamm"
    assert variants_key("kamm") == "κam"
    assert variants_key("gan-in").split("/")[-1] == variants_key("ganin")
