"""The OpenSearch analysis settings: per-language analysers, and splitters for prepared Breton text.

Analysers, on the standard tokenizer (which keeps ``c'hoari`` and ``l'église`` whole):

- ``breton``: the exact Breton field. Apostrophes unified (’ ‘ ʼ -> '), Breton elisions only
  (``d'``, ``n'``, ``m'`` and the ``'z`` of ``pa'z``; never the ``c'`` of ``c'h``), lowercase,
  accent folding that makes ``ñ`` findable as ``n`` (and ``ù`` as ``u``).
- ``french_text``: French elisions (``l'``, ``qu'``, ``jusqu'``…, but not ``c'`` before ``h``, so a
  Breton word on a line taken for French keeps its ``c'h``), light stemming
  (``chanter``/``chante``), accent folding (``Église``/``eglise``), long s (``ſ``).
- ``neutral``: other and unknown languages, and metadata: lowercase and folding.

The Breton variants field (old spellings and mutations) arrives already prepared by
``breton.py`` (see why there), so its analysers only split: ``prepared`` cuts at spaces, ``/``
(parts of one word), ``¦`` (a line-end hyphen join) and ``-`` (a word with nothing to index);
``prepared_bridged`` (its query side) also widens a ``b``/``m`` class to ``v`` words and back
(``breton.BRIDGES``).

``GAP`` is the placeholder ``documents.py`` writes for a word of another language: the first
filter removes it and leaves a hole, so a phrase never jumps over foreign words.
"""

from __future__ import annotations

from typing import Any

from heritage.search.breton import BRIDGES

GAP = "ǂ"
"""A letter (Unicode Lo, so the tokenizer keeps it as a token) that never occurs in our texts."""
PART = "/"
JOIN = "¦"
EMPTY = "-"
"""Written for a word that prepares to nothing (``—``, ``«``): a separator, so no token and no hole,
but a chunk the highlighter cannot trim away."""

BRETON = "breton"
FRENCH = "french_text"
NEUTRAL = "neutral"
PREPARED = "prepared"
PREPARED_BRIDGED = "prepared_bridged"

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u00b4", "\u2032")
_FRENCH_ARTICLES = ("l", "m", "t", "qu", "n", "s", "j", "d", "c(?!'h)", "jusqu", "quoiqu", "lorsqu", "puisqu")


def _bridges() -> dict[str, dict[str, Any]]:
    return {
        f"bridge_{source}_{target}": {"type": "pattern_replace", "pattern": f"^{source}", "replacement": target}
        for source, targets in BRIDGES.items()
        for target in targets
    }


def analysis_settings() -> dict[str, Any]:
    """The ``index.analysis`` block."""
    bridges = _bridges()

    def analyzer(char_filters: list[str], tokenizer: str, filters: list[str]) -> dict[str, Any]:
        return {"type": "custom", "char_filter": char_filters, "tokenizer": tokenizer, "filter": filters}

    return {
        "char_filter": {
            "typography": {
                "type": "mapping",
                "mappings": [f"\\u{ord(a):04x}=>'" for a in _APOSTROPHES] + ["\\u017f=>s"],
            },
        },
        "tokenizer": {
            "prepared": {"type": "char_group", "tokenize_on_chars": [" ", PART, JOIN, EMPTY], "max_token_length": 255},
        },
        "filter": {
            "gap": {"type": "stop", "stopwords": [GAP], "ignore_case": False},
            "breton_elision": {"type": "pattern_replace", "pattern": "^[dnm]'|(?<=\\p{L})'z$", "replacement": ""},
            "french_elision": {
                "type": "pattern_replace",
                "pattern": f"^(?:{'|'.join(_FRENCH_ARTICLES)})'",
                "replacement": "",
            },
            "french_stem": {"type": "stemmer", "language": "light_french"},
            **bridges,
            "bridges": {"type": "multiplexer", "filters": sorted(bridges), "preserve_original": True},
        },
        "analyzer": {
            BRETON: analyzer(["typography"], "standard", ["gap", "lowercase", "breton_elision", "asciifolding"]),
            FRENCH: analyzer(
                ["typography"], "standard", ["gap", "lowercase", "french_elision", "french_stem", "asciifolding"]
            ),
            NEUTRAL: analyzer(["typography"], "standard", ["gap", "lowercase", "asciifolding"]),
            PREPARED: analyzer([], "prepared", ["gap"]),
            PREPARED_BRIDGED: analyzer([], "prepared", ["gap", "bridges"]),
        },
    }
