"""A page's OCR as the reader shows it: blocks and lines in reading order, words with boxes.

The same words feed two views: the text beside the image (blocks as paragraphs, with ``lang``
where the language changes) and the transparent layer over the image, where each word sits at
its ALTO box so a reader can select it in place. Boxes stay in page pixels: the layer is an SVG
whose ``viewBox`` is the page, so it scales with the image (static or deep zoom) by itself and
needs no ``style`` attribute, which the site's content security policy forbids.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markupsafe import Markup

from heritage.ocr.alto import Word, parse_words
from heritage.search.layout import Box

FONT_SCALE = 0.8
"""Font size as a share of the word box height: the box holds ascenders and descenders."""
BASELINE = 0.78
"""Where the baseline sits in the box, from its top, for text of mixed case."""
UNKNOWN_LANGUAGES = frozenset({"", "und", "zxx"})
EXCERPT_CHARS = 160
"""Length of the page's opening words in the description search engines show."""


@dataclass(frozen=True)
class TextWord:
    text: str
    lang: str  # "" when unknown
    x: int
    y: int
    w: int
    h: int
    hit: bool  # inside a search hit box

    @property
    def font_size(self) -> int:
        return max(1, round(self.h * FONT_SCALE))

    @property
    def baseline(self) -> int:
        return self.y + round(self.h * BASELINE)


@dataclass(frozen=True)
class TextLine:
    lang: str
    words: list[TextWord]


@dataclass(frozen=True)
class TextBlock:
    lang: str
    lines: list[TextLine]


def language(code: str | None) -> str:
    """An ALTO language as an HTML ``lang`` value; '' says unknown rather than inheriting."""
    return "" if code is None or code in UNKNOWN_LANGUAGES else code


def _commonest(values: Iterable[str]) -> str:
    counts = Counter(values).most_common(1)
    return counts[0][0] if counts else ""


def _overlaps(word: Word, box: Box) -> bool:
    """More than half of the word lies inside the box (hit boxes may span a whole line)."""
    width = min(word.x + word.w, box.x + box.w) - max(word.x, box.x)
    height = min(word.y + word.h, box.y + box.h) - max(word.y, box.y)
    return width > 0 and height > 0 and width * height * 2 > word.w * word.h


def text_blocks(words: Sequence[Word], hits: Sequence[Box] = ()) -> list[TextBlock]:
    """ALTO words grouped into their blocks and lines, in document (reading) order."""
    blocks: list[list[list[TextWord]]] = []
    last_block = last_line = None
    for word in words:
        if blocks and word.block_id == last_block and word.line_id == last_line:
            blocks[-1][-1].append(_text_word(word, hits))
            continue
        if not blocks or word.block_id != last_block:
            blocks.append([])
        blocks[-1].append([_text_word(word, hits)])
        last_block, last_line = word.block_id, word.line_id
    return [_block(lines) for lines in blocks]


def _text_word(word: Word, hits: Sequence[Box]) -> TextWord:
    hit = any(_overlaps(word, box) for box in hits)
    return TextWord(word.text, language(word.lang), word.x, word.y, word.w, word.h, hit)


def _block(lines: list[list[TextWord]]) -> TextBlock:
    block_lang = _commonest(w.lang for line in lines for w in line)
    return TextBlock(block_lang, [TextLine(_commonest(w.lang for w in line), line) for line in lines])


def _lang(value: str, inherited: str | None) -> str:
    """A ``lang`` attribute where the language differs from the parent's (None: always)."""
    return "" if value == inherited else f' lang="{escape(value)}"'


def layer_svg(blocks: Sequence[TextBlock], width: int, height: int, hits: Sequence[Box]) -> Markup:
    """The transparent, selectable layer: one SVG ``text`` per line, one ``tspan`` per word.

    Each word is stretched to its box (``textLength``) at a font size scaled to the box height,
    so a selection covers the printed word. Hit boxes come first, under the text, so words stay
    selectable. Built with f-strings: through Jinja, a page of words cost ten times as much.
    """
    out = [
        f'<svg class="text-layer" viewBox="0 0 {width} {height}" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false">'
    ]
    out += [
        f'<rect class="hit" id="hit-{n}" x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}"/>'
        for n, b in enumerate(hits, start=1)
    ]
    for block in blocks:
        for line in block.lines:
            spans = " ".join(
                f'<tspan x="{w.x}" y="{w.baseline}" font-size="{w.font_size}" textLength="{w.w}" '
                f'lengthAdjust="spacingAndGlyphs">{escape(w.text, quote=False)}</tspan>'
                for w in line.words
            )
            out.append(f"<text{_lang(line.lang, '')}>{spans}</text>")
    out.append("</svg>")
    return Markup("\n".join(out))


def _word_html(word: TextWord, line_lang: str) -> str:
    text = escape(word.text, quote=False)
    text = f"<mark>{text}</mark>" if word.hit else text
    return f"<span{_lang(word.lang, line_lang)}>{text}</span>" if word.lang != line_lang else text


def text_html(blocks: Sequence[TextBlock]) -> Markup:
    """The page's text beside the image: a paragraph per block, a line break per line, and
    ``lang`` wherever the language changes, so screen readers switch pronunciation."""
    paragraphs = []
    for block in blocks:
        lines = (
            f'<span class="line"{_lang(line.lang, block.lang)}>'
            + " ".join(_word_html(w, line.lang) for w in line.words)
            + "</span>"
            for line in block.lines
        )
        paragraphs.append(f"<p{_lang(block.lang, None)}>" + "<br>\n".join(lines) + "</p>")
    return Markup("\n".join(paragraphs))


def plain_text(blocks: Sequence[TextBlock], limit: int) -> str:
    """The page's first words as one line, cut at a word boundary, for a description."""
    words = (w.text for block in blocks for line in block.lines for w in line.words)
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > limit:
            return text + " …"
        text = f"{text} {word}" if text else word
    return text


@dataclass(frozen=True)
class PageText:
    """What the reader prints of a page's OCR, ready to insert in the template."""

    layer: Markup
    text: Markup
    excerpt: str
    empty: bool


@lru_cache(maxsize=1024)
def _page_text(path: Path, mtime_ns: int, width: int, height: int, hits: tuple[Box, ...]) -> PageText:
    blocks = text_blocks(parse_words(path.read_bytes()), hits)
    return PageText(
        layer_svg(blocks, width, height, hits), text_html(blocks), plain_text(blocks, EXCERPT_CHARS), not blocks
    )


def page_text(alto: Path, width: int, height: int, hits: Sequence[Box] = ()) -> PageText:
    """A published page's text views, built once per version of its ALTO and set of hits.

    Parsing and printing a page of words costs tens of milliseconds, more than the whole budget
    of an item page; the file's modification time in the key means a republished page is read
    afresh.
    """
    return _page_text(alto, alto.stat().st_mtime_ns, width, height, tuple(hits))
