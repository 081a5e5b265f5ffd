"""The OpenSearch analysis settings, generated from the Breton rules in ``breton.py``.

Why generated rather than written in ``mapping.json``: the mutation filters carry exclusions
computed from ``FIXED_WORDS``, and the spelling rules carry their examples; keeping the rules as
Python data lets the tests walk every rule and example against the node, and keeps the JSON
mapping about fields only. Index creation merges the two (``index.py``).

Why index-time expansion (a ``multiplexer`` of one-rule ``pattern_replace`` filters) rather than
expanding the query in Python: OpenSearch then analyses the reader's words with the very same
chain, phrases over mutated words come for free (a multi-phrase query), and the settings stay
a few kilobytes, where a synonym list of every attested form would weigh megabytes.

Analysers, all on the standard tokenizer (which keeps ``c'hoari`` and ``l'église`` whole):

- ``breton``: the exact field. Apostrophes unified (’ ‘ ʼ -> '), Breton elisions only
  (``d'``, ``n'``, ``m'`` and the ``'z`` of ``pa'z``; never the ``c'`` of ``c'h``), lowercase,
  accent folding (``ñ`` -> ``n``, ``ù`` -> ``u``).
- ``breton_spelling``: the same, hyphens inside words dropped, then ``SPELLING_RULES``.
- ``breton_demutated``: ``breton``, then every candidate radical, then ``SPELLING_RULES``
  (hyphens kept, so each part of a compound is demutated).
- ``french``: French elisions (``l'``, ``qu'``, ``jusqu'``…, but not ``c'`` before ``h``),
  light stemming (``chanter``/``chante``), accent folding (``Église``/``eglise``), long s.
- ``neutral``: for other and unknown languages and for metadata: lowercase and folding.

``GAP`` is the placeholder ``documents.py`` writes for a word of another language: the first
filter removes it and leaves a hole, so a phrase never jumps over foreign words.
"""

from __future__ import annotations

import re
from typing import Any

from heritage.search.breton import FIXED_WORDS, SPELLING_RULES, demutations

GAP = "ǂ"
"""A letter (Unicode Lo, so the tokenizer keeps it as a token) that never occurs in our texts."""

BRETON = "breton"
BRETON_SPELLING = "breton_spelling"
BRETON_DEMUTATED = "breton_demutated"
FRENCH = "french_text"
NEUTRAL = "neutral"

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u00b4", "\u2032")
_FRENCH_ARTICLES = ("l", "m", "t", "qu", "n", "s", "j", "d", "c(?!'h)", "jusqu", "quoiqu", "lorsqu", "puisqu")


def _demutation_pattern(mutated: str, radical: str) -> str:
    """``^mutated`` unless the word is fixed or its radical would be (see ``FIXED_WORDS``)."""
    rests = sorted(
        {w[len(mutated):] for w in FIXED_WORDS if w.startswith(mutated)}
        | {w[len(radical):] for w in FIXED_WORDS if w.startswith(radical)}
    )
    excluded = f"(?!(?:{'|'.join(re.escape(r) for r in rests)})$)" if rests else ""
    return f"^{re.escape(mutated)}{excluded}(?=\\p{{L}})"


def _filters() -> dict[str, dict[str, Any]]:
    filters: dict[str, dict[str, Any]] = {
        "gap": {"type": "stop", "stopwords": [GAP], "ignore_case": False},
        "breton_elision": {"type": "pattern_replace", "pattern": "^[dnm]'|(?<=\\p{L})'z$", "replacement": ""},
        "french_elision": {
            "type": "pattern_replace",
            "pattern": f"^(?:{'|'.join(_FRENCH_ARTICLES)})'",
            "replacement": "",
        },
        "french_stem": {"type": "stemmer", "language": "light_french"},
    }
    for rule in SPELLING_RULES:
        filters[f"spelling_{rule.name}"] = {
            "type": "pattern_replace",
            "pattern": rule.pattern,
            "replacement": rule.replacement,
        }
    chains = []
    for mutated, radical in demutations():
        name = f"radical_{mutated.replace(chr(39), '')}_{radical}"
        filters[name] = {
            "type": "pattern_replace",
            "pattern": _demutation_pattern(mutated, radical),
            "replacement": radical,
        }
        chains.append(name)
    filters["radicals"] = {"type": "multiplexer", "filters": chains, "preserve_original": True}
    return filters


def analysis_settings() -> dict[str, Any]:
    """The ``index.analysis`` block: char filters, token filters and the five analysers."""
    spelling = [f"spelling_{rule.name}" for rule in SPELLING_RULES]
    breton = ["gap", "lowercase", "breton_elision", "asciifolding"]

    def analyzer(char_filters: list[str], filters: list[str]) -> dict[str, Any]:
        return {"type": "custom", "char_filter": char_filters, "tokenizer": "standard", "filter": filters}

    return {
        "char_filter": {
            "typography": {
                "type": "mapping",
                "mappings": [f"\\u{ord(a):04x}=>'" for a in _APOSTROPHES] + ["\\u017f=>s"],
            },
            "inner_hyphen": {"type": "pattern_replace", "pattern": "(?<=\\p{L})[-\u2010\u2011](?=\\p{L})",
                             "replacement": ""},
        },
        "filter": _filters(),
        "analyzer": {
            BRETON: analyzer(["typography"], breton),
            BRETON_SPELLING: analyzer(["typography", "inner_hyphen"], breton + spelling),
            BRETON_DEMUTATED: analyzer(["typography"], breton + ["radicals"] + spelling),
            FRENCH: analyzer(["typography"], ["gap", "lowercase", "french_elision", "french_stem", "asciifolding"]),
            NEUTRAL: analyzer(["typography"], ["gap", "lowercase", "asciifolding"]),
        },
    }
