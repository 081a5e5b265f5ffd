"""Strokes a faint ribbon left out are put back, on French lines of pages that show it only."""

from __future__ import annotations

from heritage.ocr.page import Block, Line, Page, Token
from heritage.ocr.ribbon import correct, punctuation, restore_strokes, shows_faint_ribbon


def _page(*lines: str, lang: str = "fr") -> Page:
    return Page(
        1000,
        1000,
        [
            Block(
                [
                    Line([Token(w, 10 * i, 40 * n, 10, 30, 0.9) for i, w in enumerate(text.split())], lang)
                    for n, text in enumerate(lines)
                ]
            )
        ],
    )


FAINT = (
    "( Jean baisse la tôte sans répondre, silence, on entend le",
    "vent siffler dans los portes.)",
    "\" - Ag-tu done du regret de m'avoir épousée..,,. dis ?",
    "( sans lover la tôto) Je n'ai pas de regret",
    "{s'exaltant pen à pou) Pourquoi donc ce silence, Mon emi ,.,.,. Regar-",
)


def test_words_missing_strokes_get_the_spelling_french_prefers() -> None:
    assert [
        correct(w) for w in ("tôte", "los", "lover", "tôto", "pen", "pou", "emi", "dc", "Ag", "done", "Basaue")
    ] == [
        "tête",
        "les",
        "lever",
        "tête",
        "peu",
        "peu",
        "ami",
        "de",
        "As",
        "donc",
        "Basque",
    ]


def test_french_words_and_names_in_capitals_stay_as_read() -> None:
    for word in ("portes", "gants", "le", "de", "cette", "considère", "MAITEN", "JLAN", "a"):
        assert correct(word) is None


def test_dots_and_commas_in_a_run_are_an_ellipsis_and_braces_parentheses() -> None:
    assert punctuation("épousée..,,. dis") == "épousée..... dis"
    assert punctuation(",.,.,.") == "......"
    assert punctuation("a, b. c... d, (e)") == "a, b. c... d, (e)"
    assert punctuation("{s'exaltant peu à peu}") == "(s'exaltant peu à peu)"


def test_an_apostrophe_read_twice_inside_a_word_is_one() -> None:
    assert punctuation("(s'‘exaltant") == "(s'exaltant" and punctuation("l’homme '‘ ''") == "l’homme '‘ ''"


def test_a_faint_page_is_recognised_and_restored() -> None:
    page = _page(*FAINT)
    assert shows_faint_ribbon(page)
    text = restore_strokes(page).text
    assert "la tête sans" in text and "dans les portes" in text and "As-tu donc" in text
    assert "sans lever la tête" in text and "(s'exaltant peu à peu)" in text and "Mon ami ......" in text


def test_clean_french_and_breton_lines_are_left_alone() -> None:
    clean = _page("Jean baisse la tête sans répondre, on entend le vent siffler dans les portes.")
    assert not shows_faint_ribbon(clean) and restore_strokes(clean) == clean
    breton = _page(*FAINT, lang="br")
    assert not shows_faint_ribbon(breton) and restore_strokes(breton) == breton
