"""Speaker names in capitals are spelled as the page reads them with confidence elsewhere."""

from __future__ import annotations

from heritage.ocr.names import distance, name_for, respell, restore_names, single_i
from heritage.ocr.page import Block, Line, Page, Token


def _line(text: str, confidence: float) -> Line:
    return Line([Token(w, 100 * i, 0, 90, 30, confidence) for i, w in enumerate(text.split())])


PLAY = Page(
    2000,
    2000,
    [
        Block([_line("MAÏTEN + JLAN", 0.3)]),
        Block([_line("HAITEN", 0.3), _line("Pourquoi donc ce silence ?", 0.9)]),
        Block([_line("JE&AN,", 0.3), _line("(Jean lève la tête, considère Maiten impassible)", 0.95)]),
    ],
)


def test_edit_distance() -> None:
    assert distance("MAITEN", "HAITAN") == 2 and distance("JAN", "JEAN") == 1 and distance("", "AB") == 2


def test_misread_names_take_the_page_spelling() -> None:
    names = {"MAITEN": "MAITEN", "JEAN": "JEAN", "POURQUOI": "POURQUOI", "DESTINEES": "DESTINÉES"}
    words = ("MAÏTEN", "HAITAN", "AITEN", "JLAN", "JAAN", "UMAITEN", "DESTINEFS", "DESTINÉES")
    assert [name_for(w, names) for w in words] == [
        "MAITEN",
        "MAITEN",
        "MAITEN",
        "JEAN",
        "JEAN",
        "MAITEN",
        "DESTINÉES",
        None,
    ]


def test_words_that_are_not_misread_names_stay() -> None:
    names = {"MAITEN": "MAITEN", "JEAN": "JEAN", "DARTHUR": "D’ARTHUR"}
    for word in (
        "MAITEN",
        "JEAN",
        "Maiten",
        "JEANNE",
        "SCENE",
        "ACTE",
        "BA",
        "MAI",
        "MOITIE",
        "D'ARTHUR",
        "L'HUMANITÉ",
    ):
        assert name_for(word, names) is None
    assert name_for("JEAX", {"JEAN": "JEAN", "JEAS": "JEAS"}) is None  # two names as close: no guess


def test_a_word_read_with_a_symbol_in_it_is_no_french_word() -> None:
    assert name_for("JE&AN", {"JEAN": "JEAN"}) == "JEAN" and name_for("JEAN", {"JEAN": "JEAN"}) is None


def test_an_i_read_beside_an_i_with_diaeresis_is_one_i() -> None:
    assert [single_i(w) for w in ("ÏI", "MAIÏITEN", "MAÏS", "naïf")] == ["I", "MAIITEN", "MAÏS", "naïf"]
    assert name_for("MAIÏITEN", {"MAITEN": "MAITEN"}) == "MAITEN"


def test_punctuation_around_a_name_is_kept() -> None:
    assert respell("(JLAN),", "JEAN") == "(JEAN),"


def test_a_page_gets_its_names_back() -> None:
    text = restore_names(PLAY).text
    assert text.startswith("MAITEN + JEAN\n\nMAITEN\n") and "JEAN,\n(Jean" in text
    assert restore_names(Page(10, 10, [Block([_line("MAÏTEN", 0.3)])])).text == "MAÏTEN"
    assert restore_names(Page(10, 10, [Block([_line("SCENE ÏI", 0.5)])])).text == "SCENE I"
