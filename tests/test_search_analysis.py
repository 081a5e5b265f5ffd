"""The analysers on the real node: French morphology, Breton apostrophes and elisions, the gap
placeholder, and the splitting of prepared Breton text with its v-class bridges."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from heritage.search import drop_index, ensure_index
from heritage.search.analysis import BRETON, FRENCH, GAP, NEUTRAL, PREPARED, PREPARED_BRIDGED
from heritage.search.breton import variants_key
from tests.search_samples import client_or_fail, unique_alias

Node = tuple[OpenSearch, str]


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    client = client_or_fail()
    alias = unique_alias()
    ensure_index(client, alias)
    yield client, alias
    drop_index(client, alias)


def analyse(node: Node, analyzer: str, text: str) -> list[tuple[int, str]]:
    client, alias = node
    answer = client.indices.analyze(index=alias, body={"analyzer": analyzer, "text": text})
    return [(t["position"], t["token"]) for t in answer["tokens"]]


def tokens(node: Node, analyzer: str, text: str) -> list[str]:
    return [t for _, t in analyse(node, analyzer, text)]


def test_french_elision_stemming_and_accents_meet(node: Node) -> None:
    assert tokens(node, FRENCH, "eglise Église l'église L’ÉGLISE") == ["eglis"] * 4
    assert tokens(node, FRENCH, "chanter chante chantée") == ["chant"] * 3
    assert tokens(node, FRENCH, "qu’elle jusqu'au d'être") == ["elle", "au", "etre"]
    assert tokens(node, FRENCH, "pareſſeuſe") == tokens(node, FRENCH, "paresseuse")


def test_french_elision_spares_breton_c_h(node: Node) -> None:
    # a Breton word on a line the OCR took for French keeps its c'h
    assert tokens(node, FRENCH, "c'hoari c’est") == ["c'hoari", "est"]


def test_breton_keeps_c_h_words_whole_with_either_apostrophe(node: Node) -> None:
    for analyzer in (BRETON, NEUTRAL):
        assert tokens(node, analyzer, "C’hoari c'hoari cʼhoari") == ["c'hoari"] * 3, analyzer
    assert tokens(node, BRETON, "kelc’h morvarc'h GWENC’HLAN") == ["kelc'h", "morvarc'h", "gwenc'hlan"]


def test_breton_elisions_only_breton_ones(node: Node) -> None:
    assert tokens(node, BRETON, "d'ann n’eo m'em pa’z ma'z") == ["ann", "eo", "em", "pa", "ma"]
    assert tokens(node, BRETON, "l'ene qu'eo") == ["l'ene", "qu'eo"]  # French elisions are not Breton


def test_breton_folding_keeps_n_tilde_findable_as_n(node: Node) -> None:
    assert tokens(node, BRETON, "gantañ GANTAN kraoñ") == ["gantan", "gantan", "kraon"]
    assert tokens(node, BRETON, "kanaouennoù kanaouennou") == ["kanaouennou"] * 2


def test_gap_placeholder_leaves_a_hole(node: Node) -> None:
    for analyzer in (BRETON, FRENCH, NEUTRAL, PREPARED):
        assert analyse(node, analyzer, f"tad {GAP} {GAP} mamm") == [(0, "tad"), (3, "mamm")], analyzer


def test_prepared_text_splits_words_parts_and_joins(node: Node) -> None:
    found = analyse(node, PREPARED, "ωal/κam ǂ - zoneg¦brezonek")
    assert found == [(0, "ωal"), (1, "κam"), (3, "zoneg"), (4, "brezonek")]  # "-": no token, no hole


def test_bridges_widen_b_and_m_to_v_and_back(node: Node) -> None:
    found = {w: {t for _, t in analyse(node, PREPARED_BRIDGED, variants_key(w))} for w in ("breur", "mamm", "vreur")}
    assert found == {"breur": {"πreur", "βreur"}, "mamm": {"μam", "βam"}, "vreur": {"βreur", "πreur", "μreur"}}
    assert analyse(node, PREPARED_BRIDGED, "τat κador") == [(0, "τat"), (1, "κador")]
