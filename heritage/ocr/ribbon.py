"""Letters a faint typewriter ribbon leaves incomplete, given back where French says so.

Where the ribbon is faint Tesseract sees an e without its bar as o or c, ê as ô, e as u, u
as n, s as g, q as a ("la tôte", "los portes", "lover", "pen à peu", "Ag-tu", "dc",
"Basaue"), the dots of an ellipsis as commas ("épousée..,,. dis"), ( as { and an
apostrophe as two ("s'‘exaltant"). A page is
taken to show it when enough of its French words are unknown or rare as read and common once
a letter is taken for the one it may have lost strokes of (6 of 77 on the faint typescript
page 11, at most 3.7% on the other sample pages). On such a page each French word gets the
spelling a word-frequency list prefers, runs of dots and commas become dots, braces
parentheses and a run of apostrophes inside a word one. Measured: that page 50 -> 40
character errors (one more with the apostrophes), every other page unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from itertools import combinations, product

from heritage.ocr import longs
from heritage.ocr.page import Line, Page, Token

CONFUSIONS = {"o": "e", "ô": "ê", "c": "e", "u": "e", "n": "u", "e": "ac", "g": "s", "a": "q"}
"""What Tesseract read -> the letters it may be, with strokes lost or a speck added (all seen
on page 11: "tôte", "lus", "dc", "pen", "emi", "done", "Ag", "Basaue")."""
MAX_CHANGES = 2
"""At most this many letters of a word are changed ("tôto" -> "tête")."""
MIN_EVIDENCE = 0.05
"""Fraction of a page's French words that must read as such errors before any is corrected:
measured 7.8% on the typescript page 11, 3.7% at most elsewhere (Montesquieu f14: "pen",
"eet", "sées", "Ro"), 0-2.5% on the Breton pages' French lines."""
MIN_COUNT = 100
"""An unknown word is replaced only by a word at least this frequent (not by a rare form)."""
PREFERENCE = 100.0
"""A known word is replaced only by one this many times more frequent ("lover" 163 -> "lever"
17,562; "pou" 677 -> "peu" 502,791), so that "portes", "gants", "le" stay as read."""
LANGUAGE = "fr"
"""The word list is French: Breton lines are left alone."""

_LETTERS = re.compile(r"[^\W\d_]+")
_DOTS = re.compile(r"[.,]*(?:\.,|,\.|,,)[.,]*")
_BRACES = str.maketrans("{}", "()")
_APOSTROPHES = re.compile(r"(?<=[^\W\d_])(['’‘])['’‘]+(?=[^\W\d_])")


def _count(word: str) -> int:
    exact, folded = longs.word_frequencies()
    return exact.get(word) or folded.get(longs.fold(word), 0)


@lru_cache(maxsize=1)
def _highest() -> int:
    return max(longs.word_frequencies()[0].values())


def _spellings(word: str) -> list[str]:
    """The word with one to ``MAX_CHANGES`` of its letters taken for what they may have lost."""
    doubtful = [i for i, c in enumerate(word) if c in CONFUSIONS]
    spellings = set()
    for n in range(1, MAX_CHANGES + 1):
        for positions in combinations(doubtful, n):
            for letters in product(*(CONFUSIONS[word[i]] for i in positions)):
                spelling = list(word)
                for i, letter in zip(positions, letters, strict=True):
                    spelling[i] = letter
                spellings.add("".join(spelling))
    return sorted(spellings)


@lru_cache(maxsize=65536)
def correct(word: str) -> str | None:
    """The spelling to use instead of ``word`` (letters only), if one is clearly more French.

    Cached: a page's words repeat, and the look-ups are most of the cost of the page test."""
    lower = word.lower()
    if len(lower) < 2 or (word != lower and word[1:] != lower[1:]):
        return None  # all capitals: a name or heading, which the word list does not know
    read = _count(lower)
    if PREFERENCE * read > _highest():
        return None  # no spelling can be that much more frequent: skip the look-ups
    spellings = _spellings(lower)
    if not spellings:
        return None
    best = max(spellings, key=lambda s: (_count(s), s))
    if _count(best) < max(MIN_COUNT, PREFERENCE * read):
        return None
    return best if word == lower else best[0].upper() + best[1:]


def _french_words(page: Page) -> list[str]:
    return [m.group() for line in page.lines() if line.lang == LANGUAGE for m in _words(line)]


def _words(line: Line) -> list[re.Match[str]]:
    return [m for t in line.tokens for m in _LETTERS.finditer(t.text)]


def shows_faint_ribbon(page: Page) -> bool:
    """Whether enough French words read as such errors: rarer as read than with a stroke back."""
    words = _french_words(page)
    evidence = sum(1 for w in words if correct(w))
    return bool(words) and evidence >= max(2, MIN_EVIDENCE * len(words))


def punctuation(text: str) -> str:
    """Runs of dots and commas (an ellipsis read in part as commas) as dots, braces, which a
    typewriter does not have, as the parentheses they are a faint reading of, and apostrophes
    side by side inside a word (one apostrophe read twice) as the first."""
    dotted = _DOTS.sub(lambda m: "." * len(m.group()), text).translate(_BRACES)
    return _APOSTROPHES.sub(r"\1", dotted)


def _restore(token: Token) -> Token:
    text = punctuation(_LETTERS.sub(lambda m: correct(m.group()) or m.group(), token.text))
    return token if text == token.text else replace(token, text=text)


def restore_strokes(page: Page) -> Page:
    """The page with its French lines corrected, or unchanged if it shows no faint ribbon.

    Needs the lines' languages (``language.label_languages``)."""
    if not shows_faint_ribbon(page):
        return page
    blocks = [
        replace(
            block,
            lines=[
                replace(line, tokens=[_restore(t) for t in line.tokens]) if line.lang == LANGUAGE else line
                for line in block.lines
            ],
        )
        for block in page.blocks
    ]
    return replace(page, blocks=blocks)
