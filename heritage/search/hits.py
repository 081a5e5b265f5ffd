"""OpenSearch answers turned into hits: matched words, their boxes, snippets, facets, terms.

The highlighter returns each text field whole with the matched tokens between ``MARK_START``
and ``MARK_END``; chunk *n* of a field is word *n* of the page (see ``documents.py``), so the
marked chunks are the matched words, and the stored layout gives their boxes in image pixels.
The snippet is built from the printed words, HTML-escaped, with ``<mark>`` around matches.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from heritage.search.analysis import JOIN
from heritage.search.documents import FACET_SEPARATOR
from heritage.search.layout import Box, Layout
from heritage.search.query import FACETS, MARK_END, MARK_START, SearchRequest
from heritage.search.terms import SEPARATOR

SNIPPET_WORDS = 30
SNIPPET_CHARS = 320
"""A snippet is at most this many words and, roughly, characters (ALTO with one String per line)."""
CONTEXT_WORDS = 6
"""Words of text before and after a match in a search within an item."""


@dataclass(frozen=True)
class Hit:
    item_id: str
    page_id: str
    page_number: int
    title: str
    date: str  # as catalogued (Dublin Core), for display
    collection: str
    snippet: str  # HTML: escaped text with <mark>…</mark>
    boxes: list[Box]  # one per matched word, in image pixels


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Match:
    """A run of matched words as printed, with text around it and one box per line."""

    text: str
    before: str
    after: str
    boxes: list[Box]


@dataclass(frozen=True)
class PageMatches:
    page_id: str
    page_number: int
    matches: list[Match]


@dataclass(frozen=True)
class ItemSearchResult:
    total_pages: int  # pages of the item that match, over all result pages
    pages: list[PageMatches]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TermCount:
    term: str
    count: int  # pages of the item holding the term, or items of the library


def _marked_chunks(chunks: list[str]) -> Iterable[tuple[int, str]]:
    """(number, chunk) of the chunks holding a mark, reading tags across chunk bounds."""
    inside = False
    for n, chunk in enumerate(chunks):
        start, end = chunk.rfind(MARK_START), chunk.rfind(MARK_END)
        marked = inside or start >= 0
        if start >= 0 or end >= 0:
            inside = start > end  # the last tag in the chunk says whether a mark stays open
        if marked:
            yield n, chunk


def matched_words(highlight: dict[str, list[str]], count: int, joins: Iterable[int]) -> list[int]:
    """Indices of the page's words that the query matched, in reading order.

    A field whose chunks do not line up with the words (never seen; it would be a bug) is
    skipped rather than trusted with wrong boxes.
    """
    joined = set(joins)
    found: set[int] = set()
    for values in highlight.values():
        chunks = values[0].split(" ") if values else []
        if len(chunks) != count:
            continue
        for n, chunk in _marked_chunks(chunks):
            second, _, whole = chunk.partition(JOIN)
            if MARK_START in second or MARK_END in second or not whole:
                found.add(n)
            if whole and (n - 1) in joined and (MARK_START in whole or MARK_END in whole):
                found.update((n - 1, n))
    return sorted(found)


def _densest(matched: list[int], span: int) -> int:
    """The matched index that starts the stretch of ``span`` words holding most matches."""
    best_start, best_count, j = matched[0], 0, 0
    for i, first in enumerate(matched):
        while j < len(matched) and matched[j] < first + span:
            j += 1
        if j - i > best_count:
            best_start, best_count = first, j - i
    return best_start


def snippet(words: list[str], matched: list[int], width: int = SNIPPET_WORDS) -> str:
    """HTML around the densest stretch of matches: escaped words, ``<mark>`` on matched runs."""
    if not words:
        return ""
    focus = _densest(matched, width * 3 // 4) if matched else 0
    start = max(0, focus - width // 4)
    end = min(len(words), start + width)
    start = max(0, end - width)
    while end - start > 1 and sum(len(w) + 1 for w in words[start:end]) > SNIPPET_CHARS:
        if end - 1 - focus >= focus - start:
            end -= 1
        else:
            start += 1
    marked = set(matched)
    out = []
    for i in range(start, end):
        text = html.escape(words[i], quote=False)
        if i in marked and (i - 1 not in marked or i == start):
            text = "<mark>" + text
        if i in marked and (i + 1 not in marked or i == end - 1):
            text += "</mark>"
        out.append(text)
    return ("… " if start else "") + " ".join(out) + (" …" if end < len(words) else "")


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _page_words(hit: dict[str, Any]) -> tuple[Layout, list[int]]:
    layout = Layout(hit["_source"].get("layout"))
    return layout, matched_words(hit.get("highlight", {}), len(layout.words), layout.joins)


def _facets(response: dict[str, Any]) -> dict[str, list[FacetValue]]:
    """The one aggregation over all facet values, split by facet: counts first, decades in order."""
    facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
    for bucket in response.get("aggregations", {}).get("facets", {}).get("buckets", []):
        name, _, value = bucket["key"].partition(FACET_SEPARATOR)
        if name in facets:
            facets[name].append(FacetValue(value, bucket["doc_count"]))
    for name, values in facets.items():
        values.sort(key=(lambda v: int(v.value)) if name == "decade" else (lambda v: (-v.count, v.value)))
    return facets


def parse_search(response: dict[str, Any], request: SearchRequest) -> SearchResult:
    hits = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        layout, matched = _page_words(hit)
        hits.append(
            Hit(
                item_id=source["item_id"],
                page_id=source["page_id"],
                page_number=source["page_number"],
                title=source.get("title", ""),
                date=source.get("date", ""),
                collection=source.get("collection", ""),
                snippet=snippet(layout.words, matched),
                boxes=[layout.box(i) for i in matched],
            )
        )
    return SearchResult(response["hits"]["total"]["value"], request.page, request.page_size, hits, _facets(response))


def parse_item_search(response: dict[str, Any]) -> ItemSearchResult:
    pages = []
    for hit in response["hits"]["hits"]:
        layout, matched = _page_words(hit)
        words = layout.words
        matches = [
            Match(
                text=" ".join(words[run[0] : run[-1] + 1]),
                before=" ".join(words[max(0, run[0] - CONTEXT_WORDS) : run[0]]),
                after=" ".join(words[run[-1] + 1 : run[-1] + 1 + CONTEXT_WORDS]),
                boxes=layout.line_boxes(run),
            )
            for run in _runs(matched)
        ]
        pages.append(PageMatches(hit["_source"]["page_id"], hit["_source"]["page_number"], matches))
    return ItemSearchResult(response["hits"]["total"]["value"], pages)


def _merged(counts: Iterable[tuple[str, str, int]], limit: int) -> list[TermCount]:
    """Spellings of one folded key (``gantañ``, ``gantan``) merged under the commonest, counts added."""
    merged: dict[str, tuple[str, int, int]] = {}
    for key, display, count in counts:
        shown, total, best = merged.get(key, (display, 0, 0))
        if count > best:
            shown, best = display, count
        merged[key] = (shown, total + count, best)
    ranked = sorted(merged.values(), key=lambda v: (-v[1], v[0]))
    return [TermCount(shown, total) for shown, total, _ in ranked[:limit]]


def parse_suggest(response: dict[str, Any], limit: int) -> list[TermCount]:
    """Library words by number of items holding them."""
    buckets = response.get("aggregations", {}).get("terms", {}).get("buckets", [])
    return _merged(((*b["key"].split(SEPARATOR, 1), b["doc_count"]) for b in buckets), limit)


def parse_item_vocabulary(response: dict[str, Any], key: str, limit: int) -> list[TermCount]:
    """An item's words starting with ``key``, by number of its pages holding them."""
    hits = response["hits"]["hits"]
    lines = hits[0]["_source"].get("vocab_pages", "").split("\n") if hits else []
    found = (line.split(SEPARATOR) for line in lines if line.startswith(key))
    return _merged(((k, word, int(n)) for k, word, n in found), limit)
