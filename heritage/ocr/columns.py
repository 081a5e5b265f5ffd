"""Cut lines that Tesseract ran across a column gutter, and put the page back in column order.

Tesseract's layout analysis joins the lines of two columns when the gutter is narrow: on the
worn Barzaz Breiz page 3 (a 120 px gutter at 400 dpi) each of the left column's nine Breton
lines was joined to the French line beside it, so the text read across the columns (28%
character errors although every word was right). The gutter still shows in the word boxes: a
vertical strip that (almost) no word crosses, with text on both sides. A line with words on
both sides of it and a gap there wider than any word space is cut in two: that page read
with 0.6% errors again. Whether Tesseract merges depends on small changes to the image (it
did after some of the clean-up variants tried, not after the one adopted), so this is what
keeps such pages safe rather than a lucky threshold.

Only two columns are handled: the bilingual layout of the collection.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

import numpy as np

from heritage.ocr.page import Block, Line, Page, Token

MIN_GUTTER = 1.0
"""Narrowest gutter, in median word heights (a word space is about 0.3)."""
CENTRAL = (0.25, 0.75)
"""Where across the text's width a gutter may lie."""
MIN_SIDE = 0.25
"""Each column spans at least this fraction of the text's width."""


def find_gutter(page: Page) -> tuple[int, int] | None:
    """The strip (x0, x1) between two columns of text, if the page has one.

    The clearest strip wins: one no word crosses, else one only a title or two cross.
    """
    lines = page.lines()
    if len(lines) < 4:
        return None
    tokens = [t for line in lines for t in line.tokens]
    left, right = min(t.x for t in tokens), max(t.right for t in tokens)
    width = right - left
    coverage = np.zeros(width + 1, dtype=np.int32)
    for t in tokens:
        coverage[t.x - left : t.right - left] += 1
    lo, hi = int(width * CENTRAL[0]), int(width * CENTRAL[1])
    min_width = MIN_GUTTER * median(t.h for t in tokens)
    for crossing in range(max(2, len(lines) // 20) + 1):
        open_ = np.flatnonzero(coverage[lo:hi] <= crossing) + lo
        if open_.size == 0:
            continue
        runs = np.split(open_, np.flatnonzero(np.diff(open_) > 1) + 1)
        best = max(runs, key=len)
        x0, x1 = int(best[0]) + left, int(best[-1]) + left + 1
        if x1 - x0 >= min_width and _two_columns(tokens, x0, x1, width):
            return x0, x1
    return None


def _two_columns(tokens: list[Token], x0: int, x1: int, width: int) -> bool:
    """Whether the text on each side of a strip is wide enough to be a column."""
    left_side = [t for t in tokens if t.right <= x0]
    right_side = [t for t in tokens if t.x >= x1]
    if not left_side or not right_side:
        return False
    spans = (
        max(t.right for t in left_side) - min(t.x for t in left_side),
        max(t.right for t in right_side) - min(t.x for t in right_side),
    )
    return min(spans) >= MIN_SIDE * width


def _cut(line: Line, middle: float, min_gap: float) -> tuple[Line, Line] | None:
    """The line's two halves if it has words on both sides of the gutter and a gap there."""
    if any(t.x < middle < t.right for t in line.tokens):
        return None
    left = [t for t in line.tokens if t.right <= middle]
    right = [t for t in line.tokens if t.x >= middle]
    if not left or not right or min(t.x for t in right) - max(t.right for t in left) < min_gap:
        return None
    return Line(left, line.lang), Line(right, line.lang)


def _side(tokens: list[Token], middle: float) -> str:
    if all(t.right <= middle for t in tokens):
        return "left"
    if all(t.x >= middle for t in tokens):
        return "right"
    return "across"


def split_columns(page: Page) -> Page:
    """The page with merged lines cut and mixed blocks split at the gutter.

    Unchanged when Tesseract kept the columns apart.
    """
    gutter = find_gutter(page)
    if gutter is None:
        return page
    middle = (gutter[0] + gutter[1]) / 2
    min_gap = MIN_GUTTER * median(t.h for line in page.lines() for t in line.tokens)
    blocks: list[Block] = []
    moved: list[Line] = []
    for block in page.blocks:
        lefts: list[Line] = []
        rights: list[Line] = []
        for line in block.lines:
            halves = _cut(line, middle, min_gap)
            if halves:
                lefts.append(halves[0])
                rights.append(halves[1])
            elif _side(line.tokens, middle) == "right":
                rights.append(line)
            else:
                lefts.append(line)
        if lefts and rights:
            blocks += [replace(block, lines=lefts), replace(block, lines=rights)]
            moved += block.lines
        else:
            blocks.append(block)
    if not moved:
        return page
    top = min(t.y for line in moved for t in line.tokens)
    bottom = max(t.y + t.h for line in moved for t in line.tokens)
    return replace(page, blocks=_column_order(blocks, middle, top, bottom))


def _column_order(blocks: list[Block], middle: float, top: int, bottom: int) -> list[Block]:
    """Within the band of split blocks, left column before right; elsewhere Tesseract's order."""
    ordered: list[Block] = []
    run: list[tuple[str, Block]] = []

    def flush() -> None:
        ordered.extend(b for side, b in run if side == "left")
        ordered.extend(b for side, b in run if side == "right")
        run.clear()

    for block in blocks:
        tokens = [t for line in block.lines for t in line.tokens]
        side = _side(tokens, middle)
        in_band = min(t.y for t in tokens) < bottom and max(t.y + t.h for t in tokens) > top
        if side != "across" and in_band:
            run.append((side, block))
        else:
            flush()
            ordered.append(block)
    flush()
    return ordered
