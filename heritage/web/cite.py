"""Citations and embed codes for a document or one of its pages, in the reader's language.

A teacher copies one of these into class material: a citation in a common style (a plain,
Chicago-like reference, an APA-like one, BibTeX and RIS for reference managers), all with the
permanent URL of the exact page, the credit line and the rights; or the iframe of the embed page.
Pure functions of their inputs: the web handlers gather the facts, these only write them out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from heritage.model import Item
from heritage.web.i18n import gettext as _
from heritage.web.reader_metadata import rights_label

EMBED_WIDTH = 560
"""Default width of an embed: fits a column of most course pages and blogs."""
EMBED_CHROME = 112
"""Height of the embed page around the image: its toolbar and its credit line, in CSS pixels."""

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#$_^~])")
_RIS_TYPES = {"Text": "BOOK", "Image": "ART", "StillImage": "ART", "Sound": "SOUND", "MovingImage": "VIDEO"}


@dataclass(frozen=True)
class Citation:
    """What a reference names: the document, where it is, who made and holds it, how to reuse it."""

    item_id: str
    title: str
    creators: list[str]
    date: str
    publisher: list[str]
    type: str
    language: list[str]
    provider: str  # the library holding the digital copy
    url: str  # permanent URL of the page (of the document for page 1)
    page: int
    pages: int
    credit: str  # the manifest's required statement, in the reader's language
    rights: str  # the licence as people name it, in the reader's language
    rights_uri: str

    @property
    def year(self) -> str:
        match = re.search(r"\d{4}", self.date)
        return match.group(0) if match else ""

    @property
    def where(self) -> str:
        return _("Page %(n)s of %(total)s") % {"n": self.page, "total": self.pages} if self.pages > 1 else ""


def _sentence(*parts: str) -> str:
    """Non-empty parts joined as sentences, each ending with exactly one full stop."""
    return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in (p.strip() for p in parts) if p)


def plain(c: Citation) -> str:
    """A Chicago-like reference: creator. Title. Publisher, date. Page. Library. URL. Credit. Rights."""
    published = ", ".join([*c.publisher, c.date] if c.date else c.publisher)
    rights = _("Rights: %(rights)s") % {"rights": c.rights}
    return _sentence(", ".join(c.creators), c.title, published, c.where, c.provider, c.url, c.credit, rights)


def apa(c: Citation) -> str:
    """An APA-like reference: Creator (year). Title [page]. Publisher. Library. URL"""
    date = f"({c.year or _('n.d.')})"
    title = c.title + (f" [{c.where}]" if c.where else "")
    head = [f"{' & '.join(c.creators)} {date}", title] if c.creators else [f"{title} {date}"]
    return _sentence(*head, "; ".join(c.publisher), c.provider) + f" {c.url}"


def _bibtex_value(text: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex(c: Citation) -> str:
    """A BibTeX ``@misc`` entry keyed by the item id, for LaTeX and reference managers."""
    fields = [
        ("author", " and ".join(f"{{{_bibtex_value(name)}}}" for name in c.creators)),
        ("title", f"{{{_bibtex_value(c.title)}}}"),
        ("year", c.year),
        ("date", c.date),
        ("publisher", _bibtex_value(" and ".join(c.publisher))),
        ("pages", str(c.page) if c.pages > 1 else ""),
        ("language", ", ".join(c.language)),
        ("organization", _bibtex_value(c.provider)),
        ("url", c.url.replace("{", "%7B").replace("}", "%7D")),
        ("note", _bibtex_value(_sentence(c.credit, _("Rights: %(rights)s") % {"rights": c.rights}))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{c.item_id}{'-' + str(c.page) if c.pages > 1 else ''},\n{body}\n}}\n"


def ris(c: Citation) -> str:
    """An RIS record (CRLF lines, as the format asks) for Zotero, EndNote and Mendeley."""
    tags = [("TY", _RIS_TYPES.get(c.type, "GEN")), ("TI", c.title)]
    tags += [("AU", name) for name in c.creators]
    tags += [("PY", c.year), ("DA", c.date)]
    tags += [("PB", name) for name in c.publisher]
    tags += [("LA", code) for code in c.language]
    tags += [("SP", str(c.page) if c.pages > 1 else ""), ("DB", c.provider), ("UR", c.url)]
    tags += [("N1", c.credit), ("N1", _("Rights: %(rights)s") % {"rights": c.rights} + f" <{c.rights_uri}>")]
    lines = [f"{tag}  - {' '.join(value.split())}" for tag, value in tags if value]
    return "\r\n".join([*lines, "ER  - ", ""])


def embed_size(width: int, height: int, maxwidth: int | None = None, maxheight: int | None = None) -> tuple[int, int]:
    """The iframe's size for a page of width × height: the default width, shrunk to fit the limits."""
    frame_w = min(EMBED_WIDTH, maxwidth) if maxwidth else EMBED_WIDTH
    frame_h = round(frame_w * height / width) + EMBED_CHROME
    if maxheight and frame_h > maxheight:
        frame_h = maxheight
        frame_w = max(1, round((maxheight - EMBED_CHROME) * width / height)) if maxheight > EMBED_CHROME else 1
    return frame_w, frame_h


def iframe(src: str, title: str, width: int, height: int) -> str:
    """The embed code other sites paste: an iframe that loads lazily and may go full screen."""
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
        f'loading="lazy" allowfullscreen style="border:0;max-width:100%"></iframe>'
    )


def embed_path(item_id: str, number: int) -> str:
    return f"/embed/{item_id}" if number == 1 else f"/embed/{item_id}/{number}"


def citation_path(item_id: str, number: int, extension: str) -> str:
    return f"/cite/{item_id}/{number}.{extension}"


def citation(item: Item, number: int, pages: int, url: str, credit: str, provider: str) -> Citation:
    """The facts a reference to page ``number`` of an item names, labels in the reader's language."""
    dc = item.metadata
    return Citation(
        item_id=item.id,
        title=dc.title,
        creators=dc.creator,
        date=dc.date,
        publisher=dc.publisher,
        type=dc.type,
        language=dc.language,
        provider=provider,
        url=url,
        page=number,
        pages=pages,
        credit=credit,
        rights=rights_label(dc.rights),
        rights_uri=dc.rights,
    )


@dataclass(frozen=True)
class Share:
    """The reader's "Share and cite" section for one page."""

    permalink: str
    embed_code: str
    styles: list[tuple[str, str]]  # (style name, reference)
    files: list[tuple[str, str]]  # (label, href)


def share(base_url: str, c: Citation, image_width: int, image_height: int) -> Share:
    width, height = embed_size(image_width, image_height)
    return Share(
        permalink=c.url,
        embed_code=iframe(base_url + embed_path(c.item_id, c.page), c.title, width, height),
        styles=[(_("Plain (Chicago-like)"), plain(c)), (_("APA-like"), apa(c)), ("BibTeX", bibtex(c))],
        files=[
            (_("Citation for Zotero, EndNote, Mendeley (.ris)"), citation_path(c.item_id, c.page, "ris")),
            (_("Citation for LaTeX (.bib)"), citation_path(c.item_id, c.page, "bib")),
        ],
    )
