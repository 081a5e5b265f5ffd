"""Text-sized ink that Tesseract's layout analysis left out, read again line by line.

On the typescript page 11 the letter-spaced headings "A C T E I" and "SCENE I" (faint
purple, three pitches between letters) were in no line at all: Tesseract's page layout took
their letters, far apart, for specks. Read alone as one line (``--psm 7``) they come out
nearly right ("A CO TE ?", "SCLHNE ÏI"). So on a cleaned page the ink outside every line
Tesseract made is cut into rows; a row as tall as the text and within the text's width is
read alone, and kept unless ``noise`` would drop it (short doubtful lines of text-sized
letters stay, as misread headings do on the rest of the page). Cleaned pages only: the image
is then in memory, and a clean page's layout is trusted (a second decode of the master
would cost more than the 5% overhead allowed).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from statistics import median

import numpy as np
from PIL import Image

from heritage.ocr import alto, noise
from heritage.ocr import tesseract as tesseract_exec
from heritage.ocr.page import Block, Line, Page, bounds
from heritage.ocr.rules import otsu

SCALE = 4
"""The page is searched for ink at a quarter of its size (text stays 10+ px tall)."""
HEIGHT_RANGE = (0.75, 2.0)
"""A row is read when its height is within this range of the text height: the letters'
rows measured 1.0-1.1, the strip of a page's edge 0.5."""
MAX_ROWS = 6
"""At most this many rows are read again on a page (one Tesseract run each)."""
MIN_CHARACTERS = 2
"""A row read as less is not kept: a lone figure or stroke outside the lines is a page
number (which some transcriptions leave out: NuBIS does) or a rule's edge ("|", "1")."""
_MARGIN = 0.25
"""Ink this close (in text heights) to a line Tesseract made belongs to that line."""


def _rows(ink: np.ndarray, low: int, high: int) -> list[tuple[int, int]]:
    """Bands of rows with ink, as (top, bottom), whose height is within [low, high]."""
    inked = np.flatnonzero(ink.any(axis=1))
    if not inked.size:
        return []
    breaks = np.flatnonzero(np.diff(inked) > 1)
    tops = np.concatenate(([inked[0]], inked[breaks + 1]))
    bottoms = np.concatenate((inked[breaks], [inked[-1]])) + 1
    return [(int(t), int(b)) for t, b in zip(tops, bottoms, strict=True) if low <= b - t <= high]


def _text_height(page: Page) -> float | None:
    heights = [t.h for line in page.lines() if not noise.doubtful(line) for t in line.tokens]
    return median(heights) if heights else None


def find_rows(page: Page, grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h) in page pixels of the text-sized rows of ink outside every line."""
    height = _text_height(page)
    if height is None:
        return []
    confident = [line for line in page.lines() if not noise.doubtful(line)]
    left = min(t.x for line in confident for t in line.tokens) // SCALE
    right = max(t.right for line in confident for t in line.tokens) // SCALE
    small = np.asarray(Image.fromarray(grey).reduce(SCALE))
    ink = small <= otsu(small)
    ink[:, :left] = False
    ink[:, right:] = False
    margin = round(_MARGIN * height)
    for line in page.lines():
        x, y, w, h = bounds(line.tokens)
        ink[
            max(0, y - margin) // SCALE : (y + h + margin) // SCALE + 1,
            max(0, x - margin) // SCALE : (x + w + margin) // SCALE + 1,
        ] = False
    low, high = (round(limit * height / SCALE) for limit in HEIGHT_RANGE)
    boxes = []
    for top, bottom in _rows(ink, max(low, 2), high):
        columns = np.flatnonzero(ink[top:bottom].any(axis=0))
        x0, x1 = int(columns[0]) * SCALE, (int(columns[-1]) + 1) * SCALE
        boxes.append((x0, top * SCALE, x1 - x0, (bottom - top) * SCALE))
    return boxes[:MAX_ROWS]


def _read(crop: Image.Image, models: Sequence[str], tesseract: str, tessdata: str) -> Page:
    with tempfile.TemporaryDirectory(prefix="heritage-ocr-row-") as scratch:
        path = Path(scratch) / "row.tif"
        crop.save(path, format="TIFF")
        raw = tesseract_exec.run_alto(path, models, tesseract, ("--psm", "7"), tessdata)
    return alto.read_tesseract(raw)[0]


def read_missed(
    page: Page, grey: Image.Image, models: Sequence[str], tesseract: str = "tesseract", tessdata: str = ""
) -> Page:
    """The page with the rows of text its layout missed, each in reading order."""
    blocks = list(page.blocks)
    height = _text_height(page)
    for x, y, w, h in find_rows(page, np.asarray(grey)):
        pad = h // 2
        x0, y0 = max(0, x - pad), max(0, y - pad)
        found = _read(grey.crop((x0, y0, x + w + pad, y + h + pad)), models, tesseract, tessdata)
        for line in found.lines():
            if height and not noise.is_noise(line, height) and len(line.text.replace(" ", "")) >= MIN_CHARACTERS:
                _place(blocks, Line([replace(t, x=t.x + x0, y=t.y + y0) for t in line.tokens], line.lang))
    return replace(page, blocks=blocks)


def _place(blocks: list[Block], line: Line) -> None:
    """Put a line (in place) into the block whose lines it lies between, else as a block of
    its own before the first block below it."""
    y = line.tokens[0].y
    for i, block in enumerate(blocks):
        tops = [other.tokens[0].y for other in block.lines]
        if tops and tops[0] < y < tops[-1]:
            at = next(j for j, top in enumerate(tops) if top > y)
            blocks[i] = replace(block, lines=[*block.lines[:at], line, *block.lines[at:]])
            return
    at = next((i for i, b in enumerate(blocks) if b.lines and b.lines[0].tokens[0].y > y), len(blocks))
    blocks.insert(at, Block([line]))
