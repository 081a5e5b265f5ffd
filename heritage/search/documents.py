"""Page documents: what the index stores and analyses for one page of an item.

One document per page (``kind: page``), carrying its item's metadata for filters and facets, and
one per item (``kind: item``) with its vocabulary for suggestions. The page's words
are written into one text field per language (``text_br``, ``text_fr``, ``text_other``) in
reading order, one space-separated chunk per word; in each field a word of another language
becomes ``GAP``, which the analysers drop leaving a hole. Breton words are also written
respelled (``text_br_spelling``) and with their initial's mutation class (``text_br_radicals``),
prepared by ``breton.py``, chunk for chunk. So chunk *n* of any field is word *n* of
``layout.words``, whose box is ``layout.boxes[4n:4n+4]``: the highlighter returns a field whole
(``number_of_fragments: 0``) and ``hits.py`` maps its marked chunks back to boxes. Text runs on
across lines and blocks, so a phrase may span two lines.

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
from typing import Any, Protocol

from heritage.model import Item, Page
from heritage.search import breton, terms
from heritage.search.analysis import EMPTY, GAP, JOIN

TEXT_FIELDS = {"br": "text_br", "fr": "text_fr"}
OTHER_FIELD = "text_other"
LANGUAGES = ("br", "fr", "en", "la")
"""Languages the OCR tells apart; any other value of ``Word.lang`` is analysed neutrally."""
PREPARED_FIELDS = (("text_br_spelling", breton.spelling_key), ("text_br_radicals", breton.radicals_key))
"""Fields derived from ``text_br`` by ``breton.py``, each with the function preparing a word."""
_HYPHENS = ("-", "¬", "\u00ad", "\u2010", "\u2e17")
_SPACE = re.compile(r"\s")
_UNSAFE = re.compile(rf"[{GAP}{JOIN}\ue000-\uf8ff\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_YEAR = re.compile(r"(?<!\d)(1\d{3}|20\d{2})(?!\d)")


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


def field_for(lang: str | None) -> str:
    return TEXT_FIELDS.get(lang or "", OTHER_FIELD)


@lru_cache(maxsize=1 << 17)
def _derived(chunk: str, field: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A chunk's prepared Breton forms (one per ``PREPARED_FIELDS``; none unless Breton) and its
    suggestion entries; cached, since a library repeats its words endlessly."""
    lang = next((lang for lang, name in TEXT_FIELDS.items() if name == field), "")
    entries = tuple(terms.entry(word) for word in terms.words(chunk.replace(JOIN, " "), lang))
    if field != TEXT_FIELDS["br"]:
        return (), entries
    parts = chunk.split(JOIN)
    return tuple(JOIN.join(key(p) for p in parts) or EMPTY for _, key in PREPARED_FIELDS), entries


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """A word as one chunk: NFC, inner spaces made no-break, no format characters nor our markers."""
    text = _SPACE.sub("\u00a0", unicodedata.normalize("NFC", text).strip())
    return "".join(c for c in _UNSAFE.sub("", text) if unicodedata.category(c) not in ("Cc", "Cs"))


def year_of(date: str) -> int | None:
    """The first plausible year of a free-text Dublin Core date (``1846``, ``ca. 1840-1850``)."""
    match = _YEAR.search(date)
    return int(match.group(1)) if match else None


def _joins(words: Sequence[Word], texts: list[str]) -> set[int]:
    """Indices *i* where word *i* ends its line with a hyphen and word *i+1* goes on with it."""
    joins = set()
    for i in range(len(texts) - 1):
        first, second = words[i], words[i + 1]
        if (
            texts[i].endswith(_HYPHENS)
            and len(texts[i]) > 1
            and texts[i][-2].isalpha()
            and texts[i + 1][:1].isalpha()
            and first.line_id != second.line_id
            and first.block_id == second.block_id
            and field_for(first.lang) == field_for(second.lang)
        ):
            joins.add(i)
    return joins


def _metadata(item: Item) -> dict[str, Any]:
    """The item's fields that every document of it carries, for filters, facets and display."""
    metadata = item.metadata
    year = year_of(metadata.date)
    return {
        "item_id": item.id,
        "collection": item.collection,
        "title": metadata.title,
        "creator": metadata.creator,
        "subject": metadata.subject,
        "date": metadata.date,
        "year": year,
        "decade": None if year is None else year - year % 10,
        "type": metadata.type,
        "rights": metadata.rights,
    }


def _page(item: Item, page: Page, page_number: int, words: Sequence[Word]) -> tuple[dict[str, Any], set[str]]:
    """A page's document and the suggestion entries of its words."""
    kept = [(w, clean(w.text)) for w in words]
    kept = [(w, t) for w, t in kept if t]
    page_words = [w for w, _ in kept]
    texts = [t for _, t in kept]
    fields = [field_for(w.lang) for w in page_words]
    joins = _joins(page_words, texts)
    chunks = list(texts)
    for i in joins:
        chunks[i + 1] = f"{texts[i + 1]}{JOIN}{texts[i].rstrip(''.join(_HYPHENS))}{texts[i + 1]}"

    line_numbers: dict[tuple[str, str], int] = {}
    lines = [line_numbers.setdefault((w.block_id, w.line_id), len(line_numbers)) for w in page_words]
    languages = sorted({w.lang for w in page_words if w.lang in LANGUAGES}) or list(item.metadata.language)
    document: dict[str, Any] = {
        "kind": "page",
        **_metadata(item),
        "page_id": page.id,
        "page_number": page_number,
        "width": page.width,
        "height": page.height,
        "language": languages,
        "layout": {
            "words": texts,
            "boxes": [v for w in page_words for v in (w.x, w.y, w.w, w.h)],
            "lines": lines,
            "joins": sorted(joins),
        },
    }
    languages_columns: dict[str, list[str]] = {name: [] for name in sorted(set(fields))}
    prepared_columns: dict[str, list[str]] = {}
    if TEXT_FIELDS["br"] in languages_columns:
        prepared_columns = {name: [] for name, _ in PREPARED_FIELDS}
    gaps = (GAP,) * len(prepared_columns)
    entries: set[str] = set()
    for chunk, field in zip(chunks, fields, strict=True):
        for name, column in languages_columns.items():
            column.append(chunk if name == field else GAP)
        prepared, found = _derived(chunk, field)
        entries.update(found)
        for column, value in zip(prepared_columns.values(), prepared or gaps, strict=True):
            column.append(value)
    document.update((name, " ".join(column)) for name, column in (languages_columns | prepared_columns).items())
    return document, entries


def page_document(item: Item, page: Page, page_number: int, words: Sequence[Word]) -> dict[str, Any]:
    """The document of one page (``page_number`` counts from 1) from its OCR words."""
    return _page(item, page, page_number, words)[0]


def item_document(item: Item, pages_by_entry: Counter[str]) -> dict[str, Any]:
    """The item's own document: its metadata and vocabulary, for suggestions.

    ``vocab`` (indexed, not stored) gives each word once, so a terms aggregation over item
    documents counts items; ``vocab_pages`` (stored, not indexed) lists [key, word, pages] for
    suggestions within the item.
    """
    return {
        "kind": "item",
        **_metadata(item),
        "language": list(item.metadata.language),
        "vocab": [*sorted(pages_by_entry), terms.SENTINEL],
        "vocab_pages": [[*entry.split(terms.SEPARATOR, 1), n] for entry, n in pages_by_entry.most_common()],
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
