"""The recognised page as plain data, between Tesseract's ALTO and ours.

Post-processing (column repair, long s, languages) works on this small model rather than on
XML, so each step is a pure function that is easy to test; ``alto.py`` reads and writes it.
Coordinates are pixels of the master image.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Token:
    """One recognised word and its box."""

    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: float | None = None

    @property
    def right(self) -> int:
        return self.x + self.w


@dataclass
class Line:
    tokens: list[Token]
    lang: str | None = None

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


@dataclass
class Block:
    lines: list[Line]
    lang: str | None = None


@dataclass
class Page:
    width: int
    height: int
    blocks: list[Block] = field(default_factory=list)

    def lines(self) -> list[Line]:
        """Every line in reading order."""
        return [line for block in self.blocks for line in block.lines]

    @property
    def text(self) -> str:
        """Lines joined by newlines, blocks separated by a blank line."""
        return "\n\n".join("\n".join(line.text for line in block.lines) for block in self.blocks)


def bounds(tokens: list[Token]) -> tuple[int, int, int, int]:
    """Smallest box (x, y, w, h) around some tokens."""
    x0 = min(t.x for t in tokens)
    y0 = min(t.y for t in tokens)
    x1 = max(t.x + t.w for t in tokens)
    y1 = max(t.y + t.h for t in tokens)
    return x0, y0, x1 - x0, y1 - y0
