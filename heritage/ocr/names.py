"""Names in capitals misread, put right from the same name read well elsewhere on the page.

A play's speaker names stand alone in capitals, where Tesseract has no context to go on: on
the faint typescript page 11 "MAITEN" came out as "MAÏTEN", "HAITAN", "AITEN", "UAITEN" and
"JEAN" as "JLAN", "JAN", "JE&AN", while the dialogue read "Maiten" and "Jean" with
confidence. A word in capitals that no word list knows as read and that is one letter (two
letters misread in a long word) away from exactly one such confident name on the page is
taken to be that name. Measured: that page 40 -> 37 character errors, no other sample page
changed (a first version that also took accents and elisions off titles in capitals,
"DESTINÉES", "D’ARTHUR", made four pages 1-3 errors worse). "JE&AN" was left as read while
its letters were looked up ("jean" is French) rather than the word as read.

The same faint capitals show one more misreading: a serifed I read as I and Ï side by side
("SCENE ÏI", "MAIÏITEN"), which no French word has; such a pair is one I. With "JE&AN" these
took that page from 36 to 32 errors, no other sample page changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from heritage.ocr import longs
from heritage.ocr.page import Page, Token

SURE = 0.9
"""A name read with at least this confidence is trusted as the page's spelling of it."""
MIN_LENGTH = 4
"""Shorter names are not trusted: too many words are one letter away from them."""
_ELISION = re.compile(r"['’-]")
_DOUBLE_I = re.compile("ÏI|IÏ")

LONG = 6
"""A word this long or longer may have two of its letters misread."""


def single_i(text: str) -> str:
    """A word with each I read twice (I beside Ï) as one I."""
    return _DOUBLE_I.sub("I", text)


def _key(text: str) -> str:
    """Letters only, in capitals, without accents, an I read twice as one."""
    letters = "".join(c for c in unicodedata.normalize("NFD", single_i(text)) if c.isalpha())
    return letters.upper()


def distance(a: str, b: str) -> int:
    """Edit distance between two short words."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _names(page: Page) -> dict[str, str]:
    """Capitalised words read with confidence, in capitals (accents kept), by their key: the
    page's spelling of its names."""
    return {
        _key(t.text): _core(t.text).upper()
        for line in page.lines()
        for t in line.tokens
        if (t.confidence or 0) >= SURE and _capitalised(t.text) and len(_key(t.text)) >= MIN_LENGTH
    }


def _capitalised(text: str) -> bool:
    return next((c.isupper() for c in text if c.isalpha()), False)


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= MIN_LENGTH - 1 and all(c.isupper() for c in letters)


def name_for(text: str, names: dict[str, str]) -> str | None:
    """The one name (``names``: spelling by key) a word in capitals is a misreading of, if any."""
    key = _key(text)
    if not _capitals(text) or _ELISION.search(_core(text)) or _french(_core(text)):
        return None  # not in capitals, "D’ARTHUR" (not a name but an elided word) or French
    if key in names:
        return names[key] if _core(text) != names[key] else None
    close = [name for name in names if distance(key, name) <= _allowed(key, name)]
    return names[close[0]] if len(close) == 1 else None


def _french(word: str) -> bool:
    """Whether a word as read (accents aside) is French: "SCENE" is, "JE&AN" is not."""
    return bool(longs.word_frequencies()[1].get(longs.fold(word.lower())))


def _span(text: str) -> tuple[int, int]:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    return letters[0], letters[-1] + 1


def _core(text: str) -> str:
    """From the first letter to the last: "JE&AN" of "JE&AN,"."""
    start, end = _span(text)
    return text[start:end]


def respell(text: str, name: str) -> str:
    """``text`` with the name in place of its letters, keeping the punctuation around them."""
    start, end = _span(text)
    return text[:start] + name + text[end:]


def _allowed(key: str, name: str) -> int:
    """Two letters may be misread in a long name, one letter only may be missing or added
    (so that "JEANNE" is not taken for "JEAN")."""
    return 2 if len(key) == len(name) >= LONG else 1


def restore_names(page: Page) -> Page:
    """The page with its misread names in capitals spelled as read well elsewhere on it."""
    names = _names(page)

    def fix(token: Token) -> Token:
        name = name_for(token.text, names)
        if name is not None:
            return replace(token, text=respell(token.text, name))
        letters = [c for c in token.text if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and _DOUBLE_I.search(token.text):
            return replace(token, text=single_i(token.text))
        return token

    blocks = [
        replace(block, lines=[replace(line, tokens=[fix(t) for t in line.tokens]) for line in block.lines])
        for block in page.blocks
    ]
    return replace(page, blocks=blocks)
