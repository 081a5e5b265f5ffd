"""Spelling suggestions for a site search that found nothing: "did you mean …?"

Only words of the query that match no page are replaced, each by a close word the index holds
(the OpenSearch term suggester on the page text fields, edit distance at most 2). The suggester
answers with index terms, which are folded and, for French, stemmed (``royaum``), so each one is
turned back into a printed word of the library with the autocomplete vocabulary before it is
shown. Everything runs in two requests whatever the query, plus one per misspelt word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from opensearchpy import OpenSearch

from heritage.errors import InvalidInputError
from heritage.search import terms
from heritage.search.api import suggest_terms
from heritage.search.client import translated_errors
from heritage.search.documents import OTHER_FIELD, TEXT_FIELDS
from heritage.search.query import PAGES, ParsedQuery, parse_query, text_query

SUGGESTED_FIELDS = (*TEXT_FIELDS.values(), OTHER_FIELD)
CANDIDATES = 3
"""Close index terms considered per misspelt word."""


@dataclass(frozen=True)
class Spelling:
    """A query to offer instead, and the words of it that were changed."""

    q: str
    changed: tuple[str, ...]


def _query_words(parsed: ParsedQuery) -> list[str]:
    """The words that must match, phrase words included, each once, in order."""
    found = [*parsed.words, *(w for phrase in parsed.phrases for w in phrase)]
    return list(dict.fromkeys(found))


def build_spelling(words: list[str]) -> dict[str, Any]:
    """One ``_search`` body: per word, the pages it matches (as the site search matches it) and
    the term suggester's close words in each text field."""
    present = {f"w{n}": text_query(ParsedQuery(words=(word,))) for n, word in enumerate(words)}
    suggest: dict[str, Any] = {}
    for n, word in enumerate(words):
        for name in SUGGESTED_FIELDS:
            suggest[f"w{n}-{name}"] = {
                "text": word,
                "term": {"field": name, "suggest_mode": "always", "size": CANDIDATES, "sort": "score"},
            }
    return {
        "size": 0,
        "query": {"bool": {"filter": [PAGES]}},
        "aggs": {"present": {"filters": {"filters": present}}},
        "suggest": suggest,
    }


def _candidates(response: dict[str, Any], n: int) -> list[str]:
    """Index terms close to word ``n``, best first (score, then how often they occur)."""
    options: dict[str, tuple[float, int]] = {}
    for name in SUGGESTED_FIELDS:
        for entry in response.get("suggest", {}).get(f"w{n}-{name}", []):
            for option in entry.get("options", []):
                best = options.get(option["text"], (0.0, 0))
                options[option["text"]] = max(best, (option["score"], option["freq"]))
    ranked = sorted(options.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    return [text for text, _ in ranked[:CANDIDATES]]


def _printed(client: OpenSearch, alias: str, term: str) -> str | None:
    """The library's printed word for an index term: the same folded word, else the commonest
    word starting with it (a French stem); None when no word can be found."""
    try:
        found = suggest_terms(client, alias, term, limit=10)
    except InvalidInputError:  # a term with digits or signs is no word to offer
        return None
    exact = [t.term for t in found if terms.fold(t.term) == terms.fold(term)]
    return exact[0] if exact else (found[0].term if found else None)


def _as_typed(word: str, typed: str) -> str:
    """The suggestion with the reader's capital initial, if they typed one."""
    return word[:1].upper() + word[1:] if typed[:1].isupper() else word


def _replace(q: str, typed: str, word: str) -> str:
    pattern = rf"(?<![\w'’]){re.escape(typed)}(?![\w'’])"
    return re.sub(pattern, lambda _: word, q, count=1)


def suggest_spellings(client: OpenSearch, alias: str, q: str, limit: int = 3) -> list[Spelling]:
    """Queries like ``q`` with each word that matches no page replaced by a close word of the
    library, best first; empty when every word is found or nothing close exists."""
    words = _query_words(parse_query(q))
    if not words:
        return []
    with translated_errors(client, "suggesting spellings"):
        response = client.search(index=alias, body=build_spelling(words))
    buckets = response.get("aggregations", {}).get("present", {}).get("buckets", {})
    replacements: dict[str, list[str]] = {}
    for n, word in enumerate(words):
        if buckets.get(f"w{n}", {}).get("doc_count", 0):
            continue
        printed = (_printed(client, alias, term) for term in _candidates(response, n))
        found = list(dict.fromkeys(p for p in printed if p and terms.fold(p) != terms.fold(word)))
        if found:
            replacements[word] = [_as_typed(p, word) for p in found]
    return _combined(q, replacements, limit)


def _combined(q: str, replacements: dict[str, list[str]], limit: int) -> list[Spelling]:
    """The k-th suggestion takes each misspelt word's k-th replacement (or its last one)."""
    spellings: list[Spelling] = []
    depth = max((len(v) for v in replacements.values()), default=0)
    for k in range(depth):
        suggested, changed = q, []
        for typed, options in replacements.items():
            word = options[min(k, len(options) - 1)]
            suggested = _replace(suggested, typed, word)
            changed.append(word)
        if suggested not in (s.q for s in spellings):
            spellings.append(Spelling(suggested, tuple(changed)))
    return spellings[:limit]
