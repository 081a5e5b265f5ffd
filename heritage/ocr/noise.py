"""Drop the lines Tesseract made out of things that are not text.

Page edges, ornaments and rows of typewriter hyphens come out as lines of short "words" that
Tesseract itself doubts ("ge: Hdmi té sl ET hd à 4 7", median confidence 0.15). They add
false matches to search and noise to the reading text, so a line goes when most of its words
are doubtful and it is either long enough that this is no accident or sized unlike the text.
Short doubtful lines of text-sized letters (a misread heading) stay. Measured: 19th-20th
century French pages 3.26% -> 2.13% character errors, pre-1800 7.0% -> 5.7%, Breton unchanged.

A short doubtful line that sits on a line of text, its box overlapping that line's by a good part
of its height and within its width, is a mark made on that line, not a line: the pencilled "(1)"
above "Ganis," on the typescript page 11, read "BA" (3 errors there; no other sample page has
one). A heading, however short, has a row of its own.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

from heritage.ocr.page import Line, Page, bounds

DOUBT = 0.4
"""A line whose median word confidence is below this is doubtful: on the sample pages the
noise lines measured 0.15-0.33, the lowest real ones (small footnotes, a line next to a dark
page edge) 0.44-0.48."""
MIN_WORDS = 4
"""A doubtful line with at least this many words is noise."""
SIZE_RANGE = (0.5, 2.0)
"""A doubtful line whose words' median height is outside this range of the page's is noise."""
MARK_OVERLAP = 0.25
"""A short doubtful line whose box overlaps another line's by this fraction of its height is a
mark on that line ("BA" on "Ganis,": 0.38); lines of text touch by their ascenders at most."""


def doubtful(line: Line) -> bool:
    """Whether Tesseract itself doubts most of the line's words."""
    confidences = [t.confidence for t in line.tokens if t.confidence is not None]
    return bool(confidences) and median(confidences) < DOUBT


def is_noise(line: Line, typical_height: float) -> bool:
    """Whether a line is noise on a page whose words are ``typical_height`` tall."""
    if not doubtful(line):
        return False
    if len(line.tokens) >= MIN_WORDS:
        return True
    height = median(t.h for t in line.tokens) / typical_height
    return not SIZE_RANGE[0] <= height <= SIZE_RANGE[1]


def is_mark(line: Line, lines: list[Line]) -> bool:
    """Whether a line is a mark made on one of ``lines``: short, doubtful, and lying on it."""
    if len(line.tokens) >= MIN_WORDS or not doubtful(line):
        return False
    x, y, w, h = bounds(line.tokens)
    for other in lines:
        ox, oy, ow, oh = bounds(other.tokens)
        overlap = min(y + h, oy + oh) - max(y, oy)
        if other is not line and ox <= x and x + w <= ox + ow and overlap >= MARK_OVERLAP * h:
            return True
    return False


def drop_noise(page: Page) -> Page:
    """The page without its noise lines and the marks on its other lines (and without blocks
    left empty)."""
    heights = [t.h for line in page.lines() for t in line.tokens]
    if not heights:
        return page
    typical = median(heights)
    text = [line for line in page.lines() if not is_noise(line, typical)]
    kept = {id(line) for line in text}
    blocks = []
    for block in page.blocks:
        lines = [line for line in block.lines if id(line) in kept and not is_mark(line, text)]
        if lines:
            blocks.append(replace(block, lines=lines))
    return replace(page, blocks=blocks)
