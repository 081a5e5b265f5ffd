"""A page's words with their boxes and lines, as stored beside the indexed text (not indexed).

Boxes are the bulk of a page document: as 1,400 JSON integers for a page of 350 words they were
a third of its bytes and half the time spent serialising it, and again in every search answer.
They are kept as base64 of little-endian unsigned 16-bit x, y, w, h (ample for pages up to
65,535 pixels; larger values are clamped), and lines as the index of each line's first word.
"""

from __future__ import annotations

import base64
import sys
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

_MAX = 0xFFFF


def pack(values: list[int]) -> str:
    try:
        packed = array("H", values)
    except OverflowError:
        packed = array("H", [min(max(v, 0), _MAX) for v in values])
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def unpack(text: str) -> array[int]:
    values = array("H", base64.b64decode(text))
    if sys.byteorder == "big":
        values.byteswap()
    return values


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels."""

    x: int
    y: int
    w: int
    h: int


class Layout:
    """The stored ``layout`` object of a page, read back."""

    def __init__(self, stored: dict[str, Any] | None) -> None:
        stored = stored or {}
        self.words: list[str] = stored.get("words", [])
        self.joins: list[int] = stored.get("joins", [])
        self._boxes = unpack(stored.get("boxes", ""))
        self._line_starts: list[int] = stored.get("line_starts", [])

    def box(self, i: int) -> Box:
        return Box(*self._boxes[4 * i : 4 * i + 4])

    def line(self, i: int) -> int:
        return bisect_right(self._line_starts, i) - 1

    def line_boxes(self, indices: list[int]) -> list[Box]:
        """One box per line for a run of words: the union of its words' boxes on each line."""
        by_line: dict[int, list[Box]] = {}
        for i in indices:
            by_line.setdefault(self.line(i), []).append(self.box(i))
        result = []
        for boxes in by_line.values():
            x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
            x1, y1 = max(b.x + b.w for b in boxes), max(b.y + b.h for b in boxes)
            result.append(Box(x0, y0, x1 - x0, y1 - y0))
        return result
