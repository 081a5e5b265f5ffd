"""Words as autocomplete lists them: lowercase, apostrophes unified, elisions removed, folded key.

Suggestions come from each item document's ``vocab``: for each distinct word of the item,
``key + SEPARATOR + display`` in the keyword field ``vocab.<initial>`` (``vocab.k`` for
``kana``), so a prefix typed without accents (``ganta``) finds ``gantañ``, the reader is shown
the printed form, and an aggregation for a prefix only walks the words sharing its initial.
Indexing (``documents.py``) and the suggest query (``query.py``) use the same functions, so the
two sides cannot drift.
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "\x1f"
MAX_TERM_CHARS = 60
SENTINEL = "\U0010ffff"
"""Added to every vocabulary so that no prefix sorts after the last term: a terms aggregation
with an ``include`` prefix fails (HTTP 500) otherwise, e.g. on "zzz" or any non-ASCII letter
(opensearch-project/OpenSearch#19636); ``execution_hint: map`` avoids it but is slow."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "\u2032": "'", "ſ": "s"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ELISIONS = {
    "br": re.compile(r"^[dnm]'|'z$"),
    "fr": re.compile(r"^(?:l|m|t|qu|n|s|j|d|c(?!'h)|jusqu|quoiqu|lorsqu|puisqu)'"),
}


def normalise(text: str) -> str:
    """Lowercase NFC text with one apostrophe and no long s: the printed form, comparable."""
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES).lower()


def fold(text: str) -> str:
    """Accents off (``ñ`` -> ``n``), as the analysers fold them."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str, lang: str) -> list[str]:
    """The words of ``text`` in their display form, elided as ``lang`` elides."""
    elision = _ELISIONS.get(lang)
    found = []
    for match in _WORD.finditer(normalise(text)):
        word = elision.sub("", match.group(0)) if elision else match.group(0)
        if 2 <= len(word) <= MAX_TERM_CHARS:
            found.append(word)
    return found


def initial(key: str) -> str:
    """The ``vocab`` sub-field of a folded key: its first letter if a to z, else ``_``."""
    first = key[:1]
    return first if "a" <= first <= "z" else "_"


def entry(word: str) -> str:
    """The keyword stored for a word: its folded key, then the form to show."""
    return f"{fold(word)}{SEPARATOR}{word}"
