"""The reader's query, parsed and checked, and the OpenSearch requests built from it.

User input never reaches ``query_string``: we read words, "quoted phrases" and -exclusions
ourselves and build ``match`` / ``match_phrase`` / ``bool`` clauses, so ``title:(a OR b)`` or
``/re.*/`` are only the words they contain. Whatever cannot be searched (too long, NUL, no
letters at all, a page beyond the window) is refused here with ``InvalidInputError``.

Each word must match (AND), in any of: the Breton exact field, the Breton variants field (old
spellings and mutated forms, see ``breton.py``), French, other languages, or the item's title,
creator and subject (``meta``). Boosts rank exact forms above their variants (``BOOSTS``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from heritage.errors import InvalidInputError
from heritage.search import breton, terms
from heritage.search.documents import VARIANTS_FIELD

MAX_QUERY_CHARS = 500
MAX_WORDS = 32
MAX_PAGE_SIZE = 100
MAX_WINDOW = 10_000
"""``index.max_result_window``: deeper pages need a scroll, which a reader never wants."""
MAX_FILTER_VALUES = 20
MAX_SUGGESTIONS = 50

MARK_START = "\ue000"
MARK_END = "\ue001"
"""Highlight tags: private-use characters, which ``documents.clean`` removes from page text."""

BOOSTS = {
    "text_br": 4.0,
    VARIANTS_FIELD: 1.0,
    "text_fr": 3.0,
    "text_other": 3.0,
    "meta": 1.0,
}
HIGHLIGHTED = (VARIANTS_FIELD, "text_fr", "text_other")
"""Fields whose marks give the matched words: every Breton match shows in the variants field."""
EXCLUDED_FROM = ("text_br", "text_fr", "text_other")
"""An excluded word removes pages that contain it as written, not its variants."""
FACETS = ("collection", "language", "decade", "type")
MAX_FACET_VALUES = 500
"""Values counted over all facets together (see ``documents._metadata``)."""
PAGES = {"term": {"kind": "page"}}
ITEMS = {"term": {"kind": "item"}}
PREPARED = {VARIANTS_FIELD: breton.variants_key}

_QUOTES = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc\-][^\W_]+)*")
_DROPPED = frozenset({"Mn", "Me", "Cf", "Co", "Cs"})


class Sort(StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"  # oldest first
    DATE_DESC = "-date"


@dataclass(frozen=True)
class ParsedQuery:
    """Words and phrases that must match, and those that must not."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded_words: tuple[str, ...] = ()
    excluded_phrases: tuple[tuple[str, ...], ...] = ()

    @property
    def positive(self) -> bool:
        return bool(self.words or self.phrases)


def _clean(q: str) -> str:
    """NFC; controls become spaces; format (bidi, zero-width), private-use, surrogate and
    variation characters and combining marks left over after composition are dropped."""
    if "\x00" in q:
        raise InvalidInputError("the query contains a NUL character")
    q = unicodedata.normalize("NFC", q)
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in q if unicodedata.category(c) not in _DROPPED)


def parse_query(q: str) -> ParsedQuery:
    """Read ``q``: words, "phrases" (an unclosed quote runs to the end), -word and -"phrase"."""
    if not isinstance(q, str):
        raise InvalidInputError("the query must be text")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInputError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    q = _clean(q)
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded_words: list[str] = []
    excluded_phrases: list[tuple[str, ...]] = []
    segments = _QUOTES.split(q)
    for n, segment in enumerate(segments):
        if n % 2:  # inside quotes
            phrase = tuple(_WORD.findall(segment))
            negated = segments[n - 1].endswith("-")
            if len(phrase) == 1:
                (excluded_words if negated else words).append(phrase[0])
            elif phrase:
                (excluded_phrases if negated else phrases).append(phrase)
            continue
        for token in segment.split():
            found = _WORD.findall(token)
            (excluded_words if token.startswith("-") else words).extend(found)
    count = len(words) + len(excluded_words) + sum(map(len, phrases)) + sum(map(len, excluded_phrases))
    if count > MAX_WORDS:
        raise InvalidInputError(f"the query has {count} words; at most {MAX_WORDS} are searched")
    parsed = ParsedQuery(tuple(words), tuple(phrases), tuple(excluded_words), tuple(excluded_phrases))
    if q.strip() and not (parsed.positive or parsed.excluded_words or parsed.excluded_phrases):
        raise InvalidInputError("the query has no letters or digits to search for")
    return parsed


def _field_clause(words: tuple[str, ...], name: str) -> dict[str, Any]:
    """One word (``match``, all its parts) or a phrase (``match_phrase``) in one field; the Breton
    variants field gets the words prepared as its pages were."""
    key = PREPARED.get(name)
    text = " ".join(key(w) for w in words) if key else " ".join(words)
    if len(words) > 1:
        return {"match_phrase": {name: {"query": text, "boost": BOOSTS[name]}}}
    return {"match": {name: {"query": text, "operator": "and", "boost": BOOSTS[name]}}}


def _clause(words: tuple[str, ...], fields: tuple[str, ...]) -> dict[str, Any]:
    """One word or phrase in any of ``fields``."""
    return {"bool": {"should": [_field_clause(words, name) for name in fields], "minimum_should_match": 1}}


def text_query(parsed: ParsedQuery) -> dict[str, Any]:
    """The scoring part: every word and phrase must match somewhere; exclusions must not."""
    fields = tuple(BOOSTS)
    must = [_clause((w,), fields) for w in parsed.words] + [_clause(p, fields) for p in parsed.phrases]
    must_not = [_clause((w,), EXCLUDED_FROM) for w in parsed.excluded_words]
    must_not += [_clause(p, EXCLUDED_FROM) for p in parsed.excluded_phrases]
    return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _checked_values(name: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > MAX_FILTER_VALUES:
        raise InvalidInputError(f"at most {MAX_FILTER_VALUES} values for the {name} filter")
    for value in values:
        if not isinstance(value, str) or not value or len(value) > 200 or not value.isprintable():
            raise InvalidInputError(f"invalid {name} filter value {value!r}")
    return values


@dataclass(frozen=True)
class Filters:
    """Facet filters: any of the values within a field, all fields together; years inclusive."""

    collection: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    rights: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None

    def __post_init__(self) -> None:
        for name in ("collection", "language", "type", "rights"):
            _checked_values(name, getattr(self, name))
        for name in ("year_from", "year_to"):
            value = getattr(self, name)
            if value is not None and not (_is_int(value) and -9999 <= value <= 9999):
                raise InvalidInputError(f"{name} must be a year, got {value!r}")
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise InvalidInputError(f"year_from ({self.year_from}) is after year_to ({self.year_to})")

    def clauses(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = [
            {"terms": {name: list(getattr(self, name))}}
            for name in ("collection", "language", "type", "rights")
            if getattr(self, name)
        ]
        years = {k: v for k, v in (("gte", self.year_from), ("lte", self.year_to)) if v is not None}
        if years:
            found.append({"range": {"year": years}})
        return found


def _check_page(page: int, page_size: int) -> None:
    for name, value in (("page", page), ("page_size", page_size)):
        if not _is_int(value) or value < 1:
            raise InvalidInputError(f"{name} must be a whole number from 1, got {value!r}")
    if page_size > MAX_PAGE_SIZE:
        raise InvalidInputError(f"page_size must be at most {MAX_PAGE_SIZE}, got {page_size}")
    if page * page_size > MAX_WINDOW:
        raise InvalidInputError(f"results beyond the first {MAX_WINDOW} cannot be paged to; refine the search")


@dataclass(frozen=True)
class SearchRequest:
    """A site search as the web layer receives it (``GET /api/search``)."""

    q: str = ""
    filters: Filters = field(default_factory=Filters)
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        if not isinstance(self.sort, Sort):
            raise InvalidInputError(f"sort must be one of {', '.join(s.value for s in Sort)}")
        _check_page(self.page, self.page_size)

    @property
    def parsed(self) -> ParsedQuery:
        return parse_query(self.q)


def highlight(parsed: ParsedQuery) -> dict[str, Any]:
    """Whole fields back, marked: ``hits.py`` maps marked chunks to words and boxes. Each field
    gets only its own clauses to highlight, which is cheaper than sifting the whole query."""
    phrases = [(w,) for w in parsed.words] + list(parsed.phrases)
    return {
        "type": "unified",
        "number_of_fragments": 0,
        "pre_tags": [MARK_START],
        "post_tags": [MARK_END],
        "fields": {
            name: {"highlight_query": {"bool": {"should": [_field_clause(p, name) for p in phrases]}}}
            for name in HIGHLIGHTED
        },
    }


_HIT_SOURCE = ["item_id", "page_id", "page_number", "title", "collection", "date", "layout"]
_TIES = [{"item_id": "asc"}, {"page_number": "asc"}]


def build_search(request: SearchRequest) -> dict[str, Any]:
    """The ``_search`` body of a site search: query, filters, facets, highlights, sort, page."""
    parsed = request.parsed
    query = text_query(parsed)
    query["bool"]["filter"] = [PAGES, *request.filters.clauses()]
    if request.sort is Sort.RELEVANCE:
        sort: list[Any] = ["_score", *_TIES]
    else:
        order = "asc" if request.sort is Sort.DATE else "desc"
        sort = [{"year": {"order": order, "missing": "_last"}}, "_score", *_TIES]
    return {
        "query": query,
        "sort": sort,
        "from": (request.page - 1) * request.page_size,
        "size": request.page_size,
        "track_total_hits": True,
        "_source": _HIT_SOURCE,
        "highlight": highlight(parsed),
        "aggs": {"facets": {"terms": {"field": "facets", "size": MAX_FACET_VALUES}}},
    }


def _check_item(item_id: str) -> None:
    if not isinstance(item_id, str) or not item_id or len(item_id) > 100:
        raise InvalidInputError("an item id is needed")


def build_item_search(item_id: str, q: str, page: int, page_size: int) -> dict[str, Any]:
    """The ``_search`` body of a search within one item, pages in reading order."""
    _check_item(item_id)
    _check_page(page, page_size)
    parsed = parse_query(q)
    if not parsed.positive:
        raise InvalidInputError("nothing to search for: give at least one word")
    query = text_query(parsed)
    query["bool"]["filter"] = [PAGES, {"term": {"item_id": item_id}}]
    return {
        "query": query,
        "sort": [{"page_number": "asc"}],
        "from": (page - 1) * page_size,
        "size": page_size,
        "track_total_hits": True,
        "_source": ["page_id", "page_number", "layout"],
        "highlight": highlight(parsed),
    }


def suggest_key(prefix: str) -> str:
    """The folded prefix that suggestions must start with."""
    if not isinstance(prefix, str) or len(prefix) > terms.MAX_TERM_CHARS:
        raise InvalidInputError(f"a prefix is text of at most {terms.MAX_TERM_CHARS} characters")
    key = terms.fold(_clean(prefix).strip())
    if not re.fullmatch(r"[^\W\d_]+(?:'[^\W\d_]*)*'?", key):
        raise InvalidInputError("a prefix is the start of one word, letters only")
    return key


def _check_limit(limit: int) -> None:
    if not _is_int(limit) or not 1 <= limit <= MAX_SUGGESTIONS:
        raise InvalidInputError(f"limit must be from 1 to {MAX_SUGGESTIONS}, got {limit!r}")


def build_suggest(prefix: str, limit: int) -> dict[str, Any]:
    """Words of the whole library starting with ``prefix``, by number of items holding them.

    A terms aggregation over the item documents' vocabularies (one value per word and item).
    """
    _check_limit(limit)
    key = suggest_key(prefix)
    include = "".join(c if c.isascii() and c.isalnum() else f"\\{c}" for c in key) + ".*"
    field = f"vocab.{terms.initial(key)}"
    aggregation = {
        "field": field,
        "include": include,
        "size": limit * 2,
        "order": [{"_count": "desc"}, {"_key": "asc"}],
    }
    query = {"bool": {"filter": [ITEMS, {"prefix": {field: key}}]}}
    return {"size": 0, "query": query, "aggs": {"terms": {"terms": aggregation}}}


def build_item_vocabulary(item_id: str, limit: int) -> dict[str, Any]:
    """The vocabulary of one item (its words with the pages holding each), to filter in Python."""
    _check_limit(limit)
    _check_item(item_id)
    return {
        "size": 1,
        "query": {"bool": {"filter": [ITEMS, {"term": {"item_id": item_id}}]}},
        "_source": ["vocab_pages"],
    }
