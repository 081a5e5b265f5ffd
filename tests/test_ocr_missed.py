"""Rows of text outside every line Tesseract made are read alone (real Tesseract)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from heritage.ocr.missed import find_rows, read_missed
from heritage.ocr.page import Block, Line, Page, Token

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _page() -> tuple[Page, Image.Image]:
    """A heading row under a line that Tesseract is taken to have read, and a speck."""
    image = Image.new("L", (1000, 400), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(MONO, 48)
    draw.text((40, 200), "SCENE  PREMIERE", font=font, fill=70)
    draw.text((40, 40), "Pourquoi donc ce silence", font=font, fill=40)
    draw.rectangle((500, 340, 503, 343), fill=0)
    box = draw.textbbox((40, 40), "Pourquoi donc ce silence", font=font)
    line = Line([Token("Pourquoi donc ce silence", box[0], box[1], box[2] - box[0], box[3] - box[1], 0.95)])
    return Page(1000, 400, [Block([line])]), image


def test_only_the_text_sized_row_outside_the_lines_is_found() -> None:
    page, image = _page()
    rows = find_rows(page, np.asarray(image))
    assert len(rows) == 1
    assert 180 <= rows[0][1] <= 215


def test_the_missed_row_is_read_and_placed_in_reading_order() -> None:
    page, image = _page()
    read = read_missed(page, image, ["fra"])
    assert [line.text for line in read.lines()] == ["Pourquoi donc ce silence", "SCENE PREMIERE"]
    heading = read.lines()[1].tokens[0]
    assert 30 <= heading.x <= 50 and 190 <= heading.y <= 230


def test_a_lone_figure_outside_the_lines_is_not_kept() -> None:
    page, image = _page()
    ImageDraw.Draw(image).rectangle((0, 150, 1000, 400), fill=255)
    ImageDraw.Draw(image).text((400, 250), "7", font=ImageFont.truetype(MONO, 48), fill=40)
    assert [line.text for line in read_missed(page, image, ["fra"]).lines()] == ["Pourquoi donc ce silence"]


def test_a_row_between_the_lines_of_a_block_joins_that_block() -> None:
    page, image = _page()
    font = ImageFont.truetype(MONO, 48)
    draw = ImageDraw.Draw(image)
    draw.text((40, 320), "entend le vent", font=font, fill=40)
    box = draw.textbbox((40, 320), "entend le vent", font=font)
    below = Line([Token("entend le vent", box[0], box[1], box[2] - box[0], box[3] - box[1], 0.95)])
    page.blocks[0].lines.append(below)
    read = read_missed(page, image, ["fra"])
    assert len(read.blocks) == 1
    assert [line.text for line in read.lines()] == ["Pourquoi donc ce silence", "SCENE PREMIERE", "entend le vent"]
