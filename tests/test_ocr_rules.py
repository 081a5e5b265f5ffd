"""Rows of typewriter hyphens become hyphens; text and other doubtful lines are left alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from heritage.ocr import preprocess
from heritage.ocr.page import Block, Line, Page, Token
from heritage.ocr.rules import read_rule, restore_rules

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
TYPESCRIPT = SAMPLES / "real" / "typescript-rapport-1984" / "11_da54b_default.jpg"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _hyphens(pitch: int = 40, marks: str = "-----  ---") -> np.ndarray:
    """A row typed at ``pitch``: a 28x9 px mark per hyphen, nothing per space."""
    image = Image.new("L", (pitch * len(marks) + 40, 60), 235)
    draw = ImageDraw.Draw(image)
    for i, mark in enumerate(marks):
        if mark == "-":
            draw.rectangle((20 + i * pitch, 25, 20 + i * pitch + 28, 34), fill=90)
    return np.asarray(image)


def test_a_row_of_marks_at_one_pitch_is_read_as_hyphens_with_its_gaps() -> None:
    groups = read_rule(_hyphens(), text_height=48)
    assert [text for _, _, text in groups or []] == ["-----", "---"]


def test_letters_are_not_a_rule() -> None:
    image = Image.new("L", (700, 80), 235)
    ImageDraw.Draw(image).text((10, 10), "- a - b - c - d", font=ImageFont.truetype(MONO, 48), fill=60)
    assert read_rule(np.asarray(image), text_height=48) is None


def test_the_typescript_footnote_rule_is_counted_from_its_marks() -> None:
    grey = np.asarray(preprocess.grey(TYPESCRIPT).crop((890, 4640, 3400, 4740)))
    groups = read_rule(grey, text_height=48)
    assert [len(text) for _, _, text in groups or []] == [19, 40]  # transcribed as 19 and 41


def test_only_doubtful_lines_over_a_rule_change() -> None:
    grey = np.full((200, 500), 235, dtype=np.uint8)
    grey[120:180, :440] = _hyphens()
    text = Line([Token("Ganis,", 20, 20, 200, 48, 0.9), Token("tu", 240, 20, 80, 48, 0.95)])
    sure_rule = Line([Token("-----", 20, 135, 400, 30, 0.9)])
    misread = Line([Token(t, 20 + 80 * i, 135, 60, 30, 0.2) for i, t in enumerate(["Des", "ie", "A", "en", "on"])])
    page = Page(500, 200, [Block([text]), Block([sure_rule, misread])])
    restored = restore_rules(page, lambda: grey)
    assert [line.text for line in restored.lines()] == ["Ganis, tu", "-----", "----- ---"]
