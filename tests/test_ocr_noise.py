"""Lines Tesseract made of page edges and rules are dropped; doubtful real text stays."""

from __future__ import annotations

from heritage.ocr.noise import drop_noise, is_mark
from heritage.ocr.page import Block, Line, Page, Token


def _line(y: int, words: list[tuple[str, float]], height: int = 40) -> Line:
    return Line([Token(text, 100 * i, y, 80, height, wc) for i, (text, wc) in enumerate(words)])


def test_noise_lines_go_and_real_lines_stay() -> None:
    text = [_line(60 * i, [("peinture", 0.93), ("encore", 0.95), ("plus", 0.9), ("belle.", 0.92)]) for i in range(5)]
    edge = _line(400, [("ge:", 0.39), ("Hdmi", 0.0), ("té", 0.15), ("sl", 0.5), ("ET", 0.37), ("hd", 0.0)])
    ornament = _line(500, [("TE", 0.35), ("ed", 0.2)], height=200)
    heading = _line(600, [("JAN", 0.3)])  # a misread heading, sized like the text
    footnote = _line(700, [("lt", 0.25), ("toujours", 0.95), ("nommé", 0.36), ("Valois,", 0.6)])
    page = Page(1000, 1000, [Block(text), Block([edge]), Block([ornament, heading]), Block([footnote])])
    kept = drop_noise(page)
    assert [line.text for line in kept.lines()] == [line.text for line in text] + ["JAN", footnote.text]
    assert len(kept.blocks) == 3


def test_lines_without_confidences_are_kept() -> None:
    page = Page(100, 100, [Block([Line([Token("a", 0, 0, 5, 5)] * 5)])])
    assert drop_noise(page).lines() == page.lines()


def test_a_doubtful_mark_lying_on_a_line_goes_but_a_heading_stays() -> None:
    # the typescript page 11: a pencilled "(1)" read "BA" on "Ganis, tu te tais ?"
    ganis = Line([Token("Ganis;/tu", 916, 2928, 353, 89, 0.83), Token("tais", 1439, 2952, 148, 48, 0.9)])
    mark = Line([Token("BA", 1101, 2892, 57, 58, 0.12)])
    heading = Line([Token("MAITEN", 1712, 3875, 242, 49, 0.0)])
    assert is_mark(mark, [ganis, mark, heading])
    assert not is_mark(heading, [ganis, mark, heading])
    assert not is_mark(ganis, [ganis, mark, heading])
