"""Long s read as f is restored, on pages that show it and on no others."""

from __future__ import annotations

from heritage.ocr.longs import restore_long_s, uses_long_s
from heritage.ocr.page import Block, Line, Page, Token


def _page(*lines: str) -> Page:
    return Page(
        1000,
        1000,
        [
            Block(
                [
                    Line([Token(w, 10 * i, 40 * n, 10, 30, 0.9) for i, w in enumerate(text.split())])
                    for n, text in enumerate(lines)
                ]
            )
        ],
    )


HENRIADE = (
    "Et qui de fa patrie emporta les regrets,",
    "Quand du Nord étonné de fes vertus fuprèmes,",
    "Les peuples à fes pieds mettoient les diadèmes.",
    "Endormi fur le Trône au fein de la moleffe,",
    "Il eft fort dangereux qu'ils font poffible- ",
    "ment fans foible refpect. Tel fem-",
    "bloit l'Efprit.",
)


def test_a_page_printed_with_long_s_is_recognised() -> None:
    assert uses_long_s(_page(*HENRIADE))


def test_words_get_their_s_back() -> None:
    text = restore_long_s(_page(*HENRIADE)).text
    for restored in ("sa patrie", "ses vertus suprèmes", "sur le Trône au sein", "Il est fort", "sont", "sans"):
        assert restored in text
    assert "foible" in text  # a real f: "faible" in today's spelling
    assert "fort" in text  # as common as "sort": left as read


def test_a_word_hyphenated_across_lines_is_restored_as_one() -> None:
    text = restore_long_s(_page(*HENRIADE)).text
    assert "sem-\nbloit" in text
    assert "l'Esprit" in text


def test_modern_french_and_breton_are_left_alone() -> None:
    modern = _page("Il fait froid sur la falaise, les phares sont forts.", "Un fer, un feu, des fils.")
    breton = _page("Ar fri, ar fell, an Aotrou Doue a fell dezhañ.", "Fest-noz e Sant-Ivi.")
    assert not uses_long_s(modern) and restore_long_s(modern) is modern
    assert not uses_long_s(breton) and restore_long_s(breton) is breton
