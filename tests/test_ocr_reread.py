"""Doubtful lines of a cleaned page are read again in three views and read anew where they agree."""

from __future__ import annotations

from pathlib import Path

from heritage.ocr import preprocess
from heritage.ocr.page import Block, Line, Page, Token
from heritage.ocr.reread import band, doubtful_lines, reread_doubtful, stretches, vote

TYPESCRIPT = Path(__file__).resolve().parents[1].parent / "shared/samples/real/typescript-rapport-1984"

GANIS = Line(
    [
        Token("canta", 916, 2905, 180, 116, 0.90),
        Token("tu", 1163, 2909, 106, 108, 0.30),
        Token("te", 1318, 2954, 68, 46, 0.92),
        Token("tais", 1439, 2952, 148, 48, 0.90),
        Token("?", 1635, 2953, 31, 46, 0.91),
    ]
)
"""Tesseract's reading of "Ganis, tu te tais ?" under a pencilled "(1)" on the typescript
page 11: the mark stretched the first two words' boxes."""


def _words(text: str, x: int = 0, confidence: float = 0.9) -> list[Token]:
    return [Token(word, x + 100 * i, 0, 80, 40, confidence) for i, word in enumerate(text.split())]


def test_the_band_is_that_of_the_words_a_mark_did_not_stretch() -> None:
    # rows 2952-3000, where "te tais ?" stand, padded by half their height; not from 2905
    assert band(GANIS, 3830, 5307) == (916 - 24, 2952 - 24, 1666 + 24, 3000 + 24)


def test_stretches_are_cut_where_no_word_of_any_reading_crosses() -> None:
    first = [Token("canta", 0, 0, 180, 40), Token("tu", 250, 0, 100, 40), Token("te", 400, 0, 70, 40)]
    second = [Token("Ganis;/tu", 0, 0, 350, 40), Token("te", 402, 0, 68, 40)]
    assert [[[t.text for t in r] for r in s] for s in stretches([first, second])] == [
        [["canta", "tu"], ["Ganis;/tu"]],
        [["te"], ["te"]],
    ]


def test_two_views_that_agree_outvote_the_first_reading() -> None:
    first = _words("JE&AN baisse")
    views = [_words("JEAN baisse"), _words("JLAN baisse"), _words("JEAN baisse")]
    assert [t.text for t in vote(first, views)] == ["JEAN", "baisse"]


def test_a_reading_of_one_view_alone_is_not_taken() -> None:
    first = _words("Jean baisse")
    views = [_words("Jesn baisse"), _words("Jean baisse"), _words("Jcan baisse")]
    assert [t.text for t in vote(first, views)] == ["Jean", "baisse"]


def test_only_doubtful_lines_that_noise_keeps_are_read_again() -> None:
    sure = Line(_words("vent siffler dans les portes.)"))
    doubtful = Line(_words("U … As-tu donc", confidence=0.9)[:1] + _words("regret ü&", 200, 0.25))
    noise = Line(_words("ge: Hdmi té sl ET hd", confidence=0.1))
    assert doubtful_lines(Page(1000, 1000, [Block([sure, doubtful, noise])])) == [doubtful]


def test_a_line_stretched_by_a_mark_reads_as_typed() -> None:
    seen = preprocess.clean(TYPESCRIPT / "11_da54b_default.jpg")
    page = reread_doubtful(Page(seen.width, seen.height, [Block([GANIS])]), seen, ["fra"])
    assert page.text.startswith("Ganis") and page.text.endswith("tu te tais ?")
