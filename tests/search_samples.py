"""Real sample pages for the search tests: ground-truth ALTO read with lxml, items built around them.

The tests read ``*.gt.alto.xml`` themselves (one ``String`` per word with its box, ``LANG`` per
line) so that they check search against the ground truth, not against our own OCR. Each test
module indexes into its own ``heritage-test-<uuid>`` alias and drops it afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from opensearchpy import OpenSearch

from heritage.model import DublinCore, Item, Page, new_id
from heritage.search import connect, drop_index, ensure_index, index_item
from tests.conftest import OPENSEARCH_URL

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@dataclass(frozen=True)
class GtWord:
    text: str
    x: int
    y: int
    w: int
    h: int
    lang: str | None
    line_id: str
    block_id: str


def read_alto(path: Path, default_lang: str | None = None) -> tuple[int, int, list[GtWord]]:
    """Page size and words of a ground-truth ALTO file, in document order."""
    root = etree.parse(str(path)).getroot()
    ns = {"a": root.nsmap[None]}
    page = root.find(".//a:Page", ns)
    assert page is not None, path
    words = []
    for block in root.iterfind(".//a:TextBlock", ns):
        for line in block.iterfind(".//a:TextLine", ns):
            lang = line.get("LANG") or block.get("LANG") or default_lang
            for s in line.iterfind("a:String", ns):
                words.append(
                    GtWord(
                        s.get("CONTENT", ""),
                        round(float(s.get("HPOS", 0))),
                        round(float(s.get("VPOS", 0))),
                        round(float(s.get("WIDTH", 0))),
                        round(float(s.get("HEIGHT", 0))),
                        lang,
                        line.get("ID", ""),
                        block.get("ID", ""),
                    )
                )
    return int(float(page.get("WIDTH", 0))), int(float(page.get("HEIGHT", 0))), words


def alto_files(name: str) -> list[Path]:
    folder = SAMPLES / name
    return sorted(folder.glob("*.gt.alto.xml")) or sorted(folder.glob("*.xml"))


def sample_item(name: str, collection: str, default_lang: str | None = None) -> tuple[Item, dict[str, list[GtWord]]]:
    """An item for a sample folder (its metadata.json, one page per ALTO file) and its words."""
    metadata = json.loads((SAMPLES / name / "metadata.json").read_text(encoding="utf-8"))
    pages, words = [], {}
    for path in alto_files(name):
        width, height, page_words = read_alto(path, default_lang)
        page = Page(new_id(), path.name, 0, "", "JPEG", width, height, path.name)
        pages.append(page)
        words[page.id] = page_words
    item = Item(new_id(), DublinCore.from_json(metadata, name), pages, collection=collection)
    return item, words


def line_words(lines: list[str], lang: str = "br", first_line: int = 0) -> list[GtWord]:
    """Words for a made-up page, one line of text per entry, boxes on a regular grid."""
    words = []
    for n, line in enumerate(lines, start=first_line):
        for k, text in enumerate(line.split()):
            words.append(GtWord(text, 100 + 200 * k, 100 + 80 * n, 180, 60, lang, f"l{n}", "b1"))
    return words


def made_up_item(
    title: str, pages: list[list[GtWord]], collection: str = "made-up", **metadata: object
) -> tuple[Item, dict[str, list[GtWord]]]:
    """An item of made-up pages, for forms the samples do not hold."""
    item_pages = [Page(new_id(), f"{n}.jpg", 0, "", "JPEG", 2400, 3600, f"{n}.jpg") for n in range(len(pages))]
    item = Item(new_id(), DublinCore.from_json({"title": title, **metadata}), item_pages, collection=collection)
    return item, {p.id: w for p, w in zip(item_pages, pages, strict=True)}


def client_or_fail() -> OpenSearch:
    client = connect(OPENSEARCH_URL)
    try:
        client.info()
    except Exception as e:  # noqa: BLE001 - any failure to reach OpenSearch is the same fact for the test
        pytest.fail(f"OpenSearch is not reachable at {OPENSEARCH_URL} ({e}): run `make services`", pytrace=False)
    return client


def unique_alias() -> str:
    return f"heritage-test-{uuid.uuid4().hex[:12]}"


@dataclass
class Library:
    client: OpenSearch
    alias: str
    items: dict[str, Item]  # sample name -> item
    words: dict[str, dict[str, list[GtWord]]]  # sample name -> page id -> words


def indexed_library(entries: list[tuple[str, Item, dict[str, list[GtWord]]]]) -> Iterator[Library]:
    """Index the given items once into a fresh alias, yield it, drop it afterwards."""
    client = client_or_fail()
    alias = unique_alias()
    ensure_index(client, alias)
    try:
        for _, item, words in entries:
            index_item(client, alias, item, words)
        client.indices.refresh(index=alias)
        yield Library(client, alias, {n: i for n, i, _ in entries}, {n: w for n, _, w in entries})
    finally:
        drop_index(client, alias)
