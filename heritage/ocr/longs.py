"""Long s (ſ) that Tesseract read as f, on pages printed with it.

Debian's French models have no ſ (``frm`` has one but read these pages worse: 18% errors
against 13% for ``fra``), so ``fra`` reads "ſes" as "fes", "eſt" as "eft", "poſſible" as
"poffible": on the Henriade (1728) about three errors in four were these. A page is taken to
use long s when enough of its words are not French as read but become French once an f is
taken for an s (4-10% of the words on the 18th-century pages, at most 0.5% on the others); on
such a page each word with an f inside gets the spelling a French word-frequency list prefers.
Measured: pre-1800 pages 5.7% -> 3.2% character errors, every other page unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from itertools import product

from spellchecker import SpellChecker

from heritage.ocr.page import Page, Token

MIN_EVIDENCE = 0.02
"""Fraction of a page's words that must read as long-s errors before any is corrected."""
PREFERENCE = 3.0
"""An s-spelling replaces the f-spelling when it is this many times more frequent
(so "sont" replaces "font", 11 times rarer, but "fort" and "sort" stay as read)."""
MAX_F = 4
"""Words with more inner f than this are left alone (2**n spellings to look up)."""

_LETTERS = re.compile(r"[^\W\d_]+")
_LINE_END = re.compile(r"([^\W\d_]+)([-¬])$")


@lru_cache(maxsize=1)
def word_frequencies() -> tuple[dict[str, int], dict[str, int]]:
    """French word frequencies, exact and with accents folded (old print often has none:
    "regne"); ``ribbon`` uses them too."""
    exact = dict(SpellChecker(language="fr", distance=1).word_frequency.dictionary)
    folded: dict[str, int] = {}
    for word, count in exact.items():
        key = fold(word)
        folded[key] = max(count, folded.get(key, 0))
    return exact, folded


def fold(word: str) -> str:
    """The word without its accents."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def preload() -> None:
    """Load the French word frequencies (0.5 s) ahead of the first page."""
    word_frequencies()


def _score(word: str) -> int:
    """How common a word is in modern French, looking through old spellings: oi for ai
    (avoit, connoissoit, foible) and missing accents (desiroit)."""
    exact, folded = word_frequencies()
    word = word.lower()
    modern = word.replace("oi", "ai")
    return exact.get(word) or exact.get(modern) or folded.get(fold(word)) or folded.get(fold(modern), 0)


def _spellings(word: str) -> list[str]:
    """The word with some inner lowercase f taken as ſ, and "fl" as ſſ (ſ never ends a word)."""
    options: list[list[str]] = []
    i = 0
    while i < len(word):
        if word.startswith("fl", i) and i + 2 < len(word):
            options.append(["fl", "ss", "sl"])
            i += 2
        elif word[i] == "f" and i + 1 < len(word):
            options.append(["f", "s"])
            i += 1
        else:
            options.append([word[i]])
            i += 1
    if sum(len(o) > 1 for o in options) > MAX_F:
        return []
    spellings = {"".join(p) for p in product(*options)} - {word}
    return sorted(spellings)


def _best(word: str) -> str | None:
    """The s-spelling to use instead of ``word``, if one is clearly more French."""
    spellings = _spellings(word)
    if not spellings:
        return None
    best = max(spellings, key=lambda s: (_score(s), s))
    return best if _score(best) > PREFERENCE * _score(word) else None


def uses_long_s(page: Page) -> bool:
    """Whether enough words read as long-s errors: unknown as read, known with an s."""
    words = [m.group() for line in page.lines() for t in line.tokens for m in _LETTERS.finditer(t.text)]
    evidence = sum(1 for w in words if _spellings(w) and not _score(w) and _best(w))
    return bool(words) and evidence >= max(2, MIN_EVIDENCE * len(words))


def _restore(token: Token) -> Token:
    text = _LETTERS.sub(lambda m: _best(m.group()) or m.group(), token.text)
    return token if text == token.text else replace(token, text=text)


def _rejoin(this: list[Token], following: list[Token]) -> None:
    """Correct a word hyphenated across two lines ("fem-" "bloit") as one word, in place."""
    head = _LINE_END.search(this[-1].text)
    tail = _LETTERS.match(following[0].text)
    if not head or not tail:
        return
    start = head.group(1)
    best = _best(start + tail.group())
    if best:
        this[-1] = replace(this[-1], text=this[-1].text[: head.start(1)] + best[: len(start)] + head.group(2))
        following[0] = replace(following[0], text=best[len(start) :] + following[0].text[tail.end() :])


def restore_long_s(page: Page) -> Page:
    """The page with long-s misreadings corrected, or unchanged if it shows none."""
    if not uses_long_s(page):
        return page
    tokens = [[_restore(t) for t in line.tokens] for line in page.lines()]
    for this, following in zip(tokens, tokens[1:], strict=False):
        if this and following:
            _rejoin(this, following)
    restored = iter(tokens)
    blocks = [
        replace(block, lines=[replace(line, tokens=next(restored)) for line in block.lines]) for block in page.blocks
    ]
    return replace(page, blocks=blocks)
