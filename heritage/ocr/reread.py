"""Doubtful lines of a cleaned page read again alone, in three views, and read anew where
the views agree.

On a cleaned page (faint ribbon, worn or uneven paper) Tesseract doubts some words of lines
it otherwise reads well, for reasons its page-wide view gives it: a handwritten mark above a
line stretched the line's box and its baseline ("Ganis," read "canta" under a pencilled
"(1)"), broken strokes of faint letters ("JE&AN"). Read alone in the band of its own words,
such a line often comes out better, but which size reads it best changes from line to line
and with a pixel more or less of margin: keeping whichever reading Tesseract was surest of
(mean word confidence, at half size) moved single pages by -8 to +7 errors when the crop
moved by 1-2 px. So each line is read at full, 0.6 and half size (one Tesseract run for all
the lines of a page), and a stretch of it is read anew only where two views agree on a
reading and more views agree with it than with the first reading (a vote, as ROVER combines
OCR engines). Measured on the 11 cleaned sample pages (character errors): typescript p.11
32 -> 30, NuBIS 1941 28 -> 22 and 21 -> 19, Montesquieu f14 9 -> 8, f15 18 -> 17, f16
34 -> 31, Montesquieu f13 and the four worn pages unchanged; with 0.4 or 0.6 of the line's
height as margin instead of 0.5 pages moved by at most 4 (f14 then read 11, 2 worse than
without). Cleaned pages only, as in ``missed``: the cleaned image is in memory there.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from statistics import mean, median

from PIL import Image

from heritage.errors import OcrError
from heritage.ocr import alto, noise
from heritage.ocr import tesseract as tesseract_exec
from heritage.ocr.page import Line, Page, Token, bounds

SCALES = (1.0, 0.6, 0.5)
"""Each doubtful line is read at these fractions of its size: three views that fail apart."""
MIN_VOTES = 2
"""A stretch of a line is read anew when at least this many views agree on its new reading."""


def doubtful_lines(page: Page) -> list[Line]:
    """The lines with a word Tesseract doubts, except those ``noise`` will drop anyway."""
    heights = [t.h for line in page.lines() for t in line.tokens]
    if not heights:
        return []
    typical = median(heights)
    return [
        line
        for line in page.lines()
        if any((t.confidence or 0) < noise.DOUBT for t in line.tokens) and not noise.is_noise(line, typical)
    ]


def band(line: Line, width: int, height: int) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) to read a line in: from the median top to the median bottom of
    its words, so that a word stretched by a mark above it does not widen it, padded by half
    that height all round, within the page."""
    x, _, w, _ = bounds(line.tokens)
    top = round(median(t.y for t in line.tokens))
    bottom = round(median(t.y + t.h for t in line.tokens))
    pad = max(1, (bottom - top) // 2)
    return max(0, x - pad), max(0, top - pad), min(width, x + w + pad), min(height, bottom + pad)


def _view(crop: Image.Image, scale: float) -> Image.Image:
    """A crop at ``scale`` of its size, by Lanczos."""
    if scale == 1.0:
        return crop
    size = (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
    return crop.resize(size, Image.Resampling.LANCZOS)


def _placed(found: Page, box: tuple[int, int, int, int], scale: float, line: Line) -> list[Token]:
    """The words of a line read alone, in page pixels, without those beyond the line's ends
    (the padding can take in a page edge, read as "|")."""
    left, right = min(t.x for t in line.tokens), max(t.right for t in line.tokens)
    tokens = [
        replace(
            t,
            x=box[0] + round(t.x / scale),
            y=box[1] + round(t.y / scale),
            w=round(t.w / scale),
            h=round(t.h / scale),
        )
        for read in found.lines()
        for t in read.tokens
    ]
    return [t for t in tokens if left <= t.x + t.w / 2 <= right]


def _read_all(crops: list[Image.Image], models: Sequence[str], tesseract: str, tessdata: str) -> list[Page]:
    """Each crop read as one line, all in one Tesseract run (a list of images: the model is
    loaded once, where a run per crop cost 0.15 s each)."""
    with tempfile.TemporaryDirectory(prefix="heritage-ocr-reread-") as scratch:
        paths = []
        for i, crop in enumerate(crops):
            path = Path(scratch) / f"{i}.tif"
            crop.save(path, format="TIFF")
            paths.append(str(path))
        listing = Path(scratch) / "lines.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        raw = tesseract_exec.run_alto(listing, models, tesseract, ("--psm", "7"), tessdata)
    pages = alto.read_pages(raw)
    if len(pages) != len(crops):
        raise OcrError(f"Tesseract read {len(pages)} of {len(crops)} line images")
    return pages


def stretches(readings: list[list[Token]]) -> list[list[list[Token]]]:
    """Readings of one line cut where no word of any of them crosses: for each stretch, the
    words each reading has there (by their centres)."""
    spans: list[list[int]] = []
    for x0, x1 in sorted((t.x, t.right) for reading in readings for t in reading):
        if spans and x0 < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    return [[[t for t in reading if x0 <= t.x + t.w / 2 < x1] for reading in readings] for x0, x1 in spans]


def _text(tokens: list[Token]) -> str:
    return " ".join(t.text for t in tokens)


def _confidence(tokens: list[Token]) -> float:
    return mean(t.confidence or 0.0 for t in tokens)


def vote(first: list[Token], views: list[list[Token]]) -> list[Token]:
    """A line's words, stretch by stretch, as first read unless ``MIN_VOTES`` views agree on
    another reading and more views agree on it than on the first one (which votes too)."""
    chosen: list[Token] = []
    for old, *seen in stretches([first, *views]):
        texts = Counter(_text(tokens) for tokens in seen if tokens)
        best, votes = texts.most_common(1)[0] if texts else ("", 0)
        if votes >= MIN_VOTES and best != _text(old) and votes > 1 + texts[_text(old)]:
            surest: list[Token] = max((tokens for tokens in seen if _text(tokens) == best), key=_confidence)
            chosen += surest
        else:
            chosen += old
    return chosen


def reread_doubtful(
    page: Page, seen: Image.Image, models: Sequence[str], tesseract: str = "tesseract", tessdata: str = ""
) -> Page:
    """The page with each doubtful line read again alone in three views, and read anew where
    they agree. ``seen`` is the cleaned page Tesseract read."""
    lines = doubtful_lines(page)
    if not lines:
        return page
    boxes = [band(line, seen.width, seen.height) for line in lines]
    crops = [_view(seen.crop(box), scale) for box in boxes for scale in SCALES]
    found = iter(_read_all(crops, models, tesseract, tessdata))
    chosen = {
        id(line): vote(line.tokens, [_placed(next(found), box, scale, line) for scale in SCALES])
        for line, box in zip(lines, boxes, strict=True)
    }
    blocks = [
        replace(block, lines=[replace(line, tokens=chosen.get(id(line), line.tokens)) for line in block.lines])
        for block in page.blocks
    ]
    return replace(page, blocks=blocks)
