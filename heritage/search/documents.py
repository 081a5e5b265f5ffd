"""Page and item documents: what the index stores and analyses for an item.

One document per page (``kind: page``), carrying its item's metadata for filters and facets, and
one per item (``kind: item``) with its vocabulary for suggestions. A page's words are written
into one text field per language (``text_br``, ``text_fr``, ``text_other``) in reading order, one
space-separated chunk per word; in each field a word of another language becomes ``GAP``,
which the analysers drop leaving a hole. Breton words are also written as their variant keys
(``text_br_variants``, see ``breton.py``), chunk for chunk. So chunk *n* of any field is word
*n* of the stored layout, with its box: the highlighter returns a field whole
(``number_of_fragments: 0``) and ``hits.py`` maps its marked chunks back to words and boxes.
Text runs on across lines and blocks, so a phrase may span two lines.

Line-end hyphens (``bre-`` / ``zoneg``): the chunk of the second part also carries the joined
word after ``JOIN`` (``zoneg¦brezoneg``), so ``brezoneg`` is found, and so are both halves of a
compound split at a line end (``bladenn-`` / ``se``). The joined word is one position further
on, which costs a phrase running through it; the words themselves are kept as printed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Any, Protocol

from heritage.model import Item, Page
from heritage.search import breton, layout, terms
from heritage.search.analysis import EMPTY, GAP, JOIN

TEXT_FIELDS = {"br": "text_br", "fr": "text_fr"}
OTHER_FIELD = "text_other"
VARIANTS_FIELD = "text_br_variants"
LANGUAGES = ("br", "fr", "en", "la")
"""Languages the OCR tells apart; any other value of ``Word.lang`` is analysed neutrally."""
FACET_SEPARATOR = "\x1f"
_HYPHENS = ("-", "¬", "\u00ad", "\u2010", "\u2e17")
_SPACE = re.compile(r"\s")
_UNSAFE = re.compile(rf"[{GAP}{JOIN}\ue000-\uf8ff\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")
_BOX = attrgetter("x", "y", "w", "h")


class Word(Protocol):
    """What a page document needs of a word; ``heritage.ocr.alto.Word`` is one."""

    @property
    def text(self) -> str: ...
    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def w(self) -> int: ...
    @property
    def h(self) -> int: ...
    @property
    def lang(self) -> str | None: ...
    @property
    def line_id(self) -> str: ...
    @property
    def block_id(self) -> str: ...


def doc_id(item_id: str, page_id: str) -> str:
    """A page's document id; the item's own document has the item id."""
    return f"{item_id}.{page_id}"


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """A word as one chunk: NFC, inner spaces made no-break, no format characters nor our markers."""
    text = _SPACE.sub("\u00a0", unicodedata.normalize("NFC", text).strip())
    return "".join(c for c in _UNSAFE.sub("", text) if unicodedata.category(c) not in ("Cc", "Cs"))


@lru_cache(maxsize=1 << 17)
def _derived(chunk: str, field: str) -> tuple[str, tuple[str, ...]]:
    """A chunk's variant key (``GAP`` unless Breton) and its suggestion entries; cached, since a
    library repeats its words endlessly."""
    lang = next((lang for lang, name in TEXT_FIELDS.items() if name == field), "")
    entries = tuple(terms.entry(word) for word in terms.words(chunk.replace(JOIN, " "), lang))
    if field != TEXT_FIELDS["br"]:
        return GAP, entries
    return JOIN.join(breton.variants_key(p) for p in chunk.split(JOIN)) or EMPTY, entries


def year_of(date: str) -> int | None:
    """The first plausible year of a free-text Dublin Core date (``1846``, ``ca. 1840-1850``)."""
    match = _YEAR.search(date)
    return int(match.group(1)) if match else None


def _joins(words: Sequence[Word], texts: list[str]) -> set[int]:
    """Indices *i* where word *i* ends its line with a hyphen and word *i+1* goes on with it."""
    joins = set()
    for i in [i for i, t in enumerate(texts[:-1]) if t.endswith(_HYPHENS)]:
        first, second = words[i], words[i + 1]
        if (
            len(texts[i]) > 1
            and texts[i][-2].isalpha()
            and texts[i + 1][:1].isalpha()
            and first.line_id != second.line_id
            and first.block_id == second.block_id
            and TEXT_FIELDS.get(first.lang or "") == TEXT_FIELDS.get(second.lang or "")
        ):
            joins.add(i)
    return joins


def _metadata(item: Item, languages: list[str]) -> dict[str, Any]:
    """The item's fields that each of its documents carries, for search, filters, facets, display.

    ``facets`` holds every facet value as ``name + FACET_SEPARATOR + value``, so that a single
    terms aggregation counts them all in one pass over the matching pages.
    """
    metadata = item.metadata
    year = year_of(metadata.date)
    decade = None if year is None else year - year % 10
    facets = [f"language{FACET_SEPARATOR}{lang}" for lang in languages]
    facets += [
        f"{name}{FACET_SEPARATOR}{value}"
        for name, value in (("collection", item.collection), ("type", metadata.type), ("decade", decade))
        if value
    ]
    return {
        "item_id": item.id,
        "collection": item.collection,
        "title": metadata.title,
        "creator": metadata.creator,
        "subject": metadata.subject,
        "date": metadata.date,
        "year": year,
        "type": metadata.type,
        "rights": metadata.rights,
        "language": languages,
        "facets": facets,
    }


def _page(item: Item, page: Page, page_number: int, words: Sequence[Word]) -> tuple[dict[str, Any], set[str]]:
    """A page's document and the suggestion entries of its words."""
    cleaned = [clean(w.text) for w in words]
    page_words = [w for w, t in zip(words, cleaned, strict=True) if t]
    texts = [t for t in cleaned if t]
    fields = [TEXT_FIELDS.get(w.lang or "", OTHER_FIELD) for w in page_words]
    joins = _joins(page_words, texts)
    chunks = list(texts)
    for i in joins:
        chunks[i + 1] = f"{texts[i + 1]}{JOIN}{texts[i].rstrip(''.join(_HYPHENS))}{texts[i + 1]}"
    lines = [(w.block_id, w.line_id) for w in page_words]
    previous = [None, *lines][: len(lines)]
    line_starts = [i for i, (line, before) in enumerate(zip(lines, previous, strict=True)) if line != before]
    languages = sorted({w.lang for w in page_words if w.lang in LANGUAGES}) or list(item.metadata.language)
    document: dict[str, Any] = {
        "kind": "page",
        **_metadata(item, languages),
        "page_id": page.id,
        "page_number": page_number,
        "width": page.width,
        "height": page.height,
        "layout": {
            "words": texts,
            "boxes": layout.pack(list(chain.from_iterable(map(_BOX, page_words)))),
            "line_starts": line_starts,
            "joins": sorted(joins),
        },
    }
    derived = [_derived(c, f) for c, f in zip(chunks, fields, strict=True)]
    for name in sorted(set(fields)):
        document[name] = " ".join([c if f == name else GAP for c, f in zip(chunks, fields, strict=True)])
    if TEXT_FIELDS["br"] in document:
        document[VARIANTS_FIELD] = " ".join([key for key, _ in derived])
    return document, {e for _, found in derived for e in found}


def page_document(item: Item, page: Page, page_number: int, words: Sequence[Word]) -> dict[str, Any]:
    """The document of one page (``page_number`` counts from 1) from its OCR words."""
    return _page(item, page, page_number, words)[0]


def item_document(item: Item, pages_by_entry: Counter[str]) -> dict[str, Any]:
    """The item's own document: its metadata and vocabulary, for suggestions.

    ``vocab`` (indexed, not stored) gives each word once, by initial, so a terms aggregation over
    item documents counts items; ``vocab_pages`` (stored, not indexed) has a line
    ``key SEPARATOR word SEPARATOR pages`` per word, for suggestions within the item: one string
    rather than thousands of small lists, cheaper to build, store and read back.
    """
    vocab: dict[str, list[str]] = {}
    for entry in pages_by_entry:
        vocab.setdefault(terms.initial(entry), []).append(entry)
    return {
        "kind": "item",
        **_metadata(item, list(item.metadata.language)),
        "vocab": {initial: [*entries, terms.SENTINEL] for initial, entries in vocab.items()},
        "vocab_pages": "\n".join(f"{entry}{terms.SEPARATOR}{n}" for entry, n in pages_by_entry.items()),
    }


def item_documents(item: Item, words_by_page: Mapping[str, Sequence[Word]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, document) for every page of ``item`` (a page without words is indexed for its
    metadata), then for the item itself."""
    pages_by_entry: Counter[str] = Counter()
    for number, page in enumerate(item.pages, start=1):
        document, entries = _page(item, page, number, words_by_page.get(page.id, ()))
        pages_by_entry.update(entries)
        yield doc_id(item.id, page.id), document
    yield item.id, item_document(item, pages_by_entry)
