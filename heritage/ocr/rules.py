"""Rows of typewriter hyphens, given back as hyphens instead of being dropped as noise.

A typescript rules off its headings and footnotes with a row of ``-`` typed at the machine's
pitch. Tesseract's ``fra`` makes such a row a line of short doubtful "words" ("Des ie A en on
dat Gé", median confidence 0.24) that ``noise`` drops, and the hyphens then count as missing:
83 of the 548 characters of the typescript page 11. The image tells such a row apart from a
misread line or a page edge: its ink lies in a band far thinner than the letters, cut into
flat marks of one width at a regular pitch. Such a line becomes its hyphens, one per mark (a
mark as long as several hyphens counts as many), with a space wherever a hyphen is missing
from the pitch. Only doubtful lines that look like such a row in Tesseract's words are
looked at in the image, so most pages never decode it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from statistics import median

import numpy as np

from heritage.ocr import noise
from heritage.ocr.page import Line, Page, Token, bounds

MIN_MARKS = 3
"""Fewer marks than this are not a row (a dash, a stray speck)."""
MAX_THICKNESS = 0.4
"""A hyphen mark is at most this fraction of the text height thick (measured 0.2-0.27; the
x-height of the typescript's letters is 0.75)."""
MIN_FLATNESS = 1.5
"""A hyphen mark is at least this many times as wide as thick (measured 2.3-3.2)."""
PITCH_TOLERANCE = 0.25
"""The distance between two marks is a whole number of pitches within this fraction."""
MAX_LETTERS = 3
"""Tesseract reads a row of hyphens as "words" of at most this many letters (median)."""
MAX_HEIGHT = 0.8
"""... whose boxes are at most this fraction of the text height (median)."""
CONFIDENCE = 0.9
"""Word confidence given to the hyphens: the geometry is a sure sign, but not a reading."""
_JOIN = 1 / 16
"""Ink columns closer than this fraction of the text height belong to one mark: the ribbon
leaves hyphens broken by 1-3 px gaps, while hyphens are 7-16 px apart at 400 dpi."""


def otsu(values: np.ndarray) -> float:
    """The grey level that best splits ``values`` in two (ink and paper)."""
    hist = np.bincount(values.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    total, grand = weight[-1], mean[-1]
    between = (grand * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1e-9)
    return float(np.argmax(between[:-1]))


def _marks(ink: np.ndarray, join: int) -> list[tuple[int, int, int, int]]:
    """Runs of inked columns (gaps up to ``join`` closed) as (start, end, top, bottom)."""
    columns = np.flatnonzero(ink.any(axis=0))
    if not columns.size:
        return []
    breaks = np.flatnonzero(np.diff(columns) > join + 1)
    starts = np.concatenate(([columns[0]], columns[breaks + 1]))
    ends = np.concatenate((columns[breaks], [columns[-1]])) + 1
    marks = []
    for start, end in zip(starts, ends, strict=True):
        rows = np.flatnonzero(ink[:, start:end].any(axis=1))
        marks.append((int(start), int(end), int(rows[0]), int(rows[-1]) + 1))
    return marks


def read_rule(grey: np.ndarray, text_height: float) -> list[tuple[int, int, str]] | None:
    """The hyphen groups of a row, as (start, end, hyphens) in the region's columns, or None
    if the region (a line's box on the grey page) is not a row of hyphens."""
    if grey.size == 0 or int(grey.max()) - int(grey.min()) < 32:
        return None
    marks = _marks(grey <= otsu(grey), max(1, round(_JOIN * text_height)))
    if len(marks) < MIN_MARKS:
        return None
    thickness = [bottom - top for _, _, top, bottom in marks]
    widths = [end - start for start, end, _, _ in marks]
    if max(thickness) > MAX_THICKNESS * text_height:
        return None
    if any(w < MIN_FLATNESS * t for w, t in zip(widths, thickness, strict=True)):
        return None
    width = median(widths)
    single = [(s + e) / 2 for s, e, _, _ in marks if e - s <= 1.5 * width]
    steps = [b - a for a, b in zip(single, single[1:], strict=False)]
    if len(steps) < MIN_MARKS - 1:
        return None
    pitch = min(steps)
    pitch = median(s for s in steps if s < 1.5 * pitch)
    if any(abs(s / pitch - round(s / pitch)) > PITCH_TOLERANCE for s in steps):
        return None
    groups: list[tuple[int, int, str]] = []
    for start, end, _, _ in marks:
        count = max(1, round((end - start - width) / pitch) + 1)
        if groups and start - groups[-1][1] < pitch:
            first, _, hyphens = groups.pop()
            groups.append((first, end, hyphens + "-" * count))
        else:
            groups.append((start, end, "-" * count))
    return groups


def restore_rules(page: Page, grey: Callable[[], np.ndarray]) -> Page:
    """The page with its doubtful lines that are rows of hyphens read as such.

    ``grey`` gives the page as an 8-bit array (called only if some line is doubtful).
    """
    confident = [t.h for line in page.lines() for t in line.tokens if (t.confidence or 0) >= noise.DOUBT]
    if not confident:
        return page
    text_height = median(confident)
    image: np.ndarray | None = None
    blocks = []
    for block in page.blocks:
        lines = []
        for line in block.lines:
            if noise.doubtful(line) and _may_be_rule(line, text_height):
                image = grey() if image is None else image
                line = _as_rule(line, image, text_height)
            lines.append(line)
        blocks.append(replace(block, lines=lines))
    return replace(page, blocks=blocks)


def _may_be_rule(line: Line, text_height: float) -> bool:
    """What Tesseract makes of a row of hyphens: several "words" of one to three letters,
    lower than the text (the rows of page 11: 0.6-0.65 of its height). Only such lines make
    the image be looked at: decoding a clean page again costs 2-30% of a Tesseract run."""
    return (
        len(line.tokens) >= MIN_MARKS
        and median(len(t.text) for t in line.tokens) <= MAX_LETTERS
        and median(t.h for t in line.tokens) <= MAX_HEIGHT * text_height
    )


def _as_rule(line: Line, image: np.ndarray, text_height: float) -> Line:
    x, y, w, h = bounds(line.tokens)
    pad = round(text_height / 4)
    x0, y0 = max(0, x - pad), max(0, y - pad)
    region = image[y0 : y + h + pad, x0 : x + w + pad]
    groups = read_rule(region, text_height)
    if groups is None:
        return line
    tokens = [Token(text, x0 + start, y, end - start, h, CONFIDENCE) for start, end, text in groups]
    return replace(line, tokens=tokens)
