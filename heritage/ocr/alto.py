"""ALTO in and out: Tesseract's ALTO 3 to our page model, the model to ALTO 4.4, ALTO to words.

Tesseract 5.3 writes ALTO 3 with the server path in ``fileName`` and wraps every block in a
``ComposedBlock``. We rebuild the document from the page model instead of patching Tesseract's
XML, so that what we publish is always the same shape: ALTO 4.4 (valid against the official
XSD), the public image name, ``LANG`` on every block and line, ``WC`` on every word.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from heritage.errors import OcrError
from heritage.ocr.page import Block, Line, Page, Token, bounds

NS = "http://www.loc.gov/standards/alto/ns-v4#"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMA_LOCATION = f"{NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class Word:
    """A word as search needs it: text, box in master pixels, confidence and language."""

    text: str
    x: int
    y: int
    w: int
    h: int
    confidence: float | None
    lang: str | None
    line_id: str
    block_id: str


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    """The element and its descendants named ``name`` in any ALTO namespace (or none); lxml
    filters in C, which matters to the reader: it parses a page's ALTO on its first view."""
    return list(element.iter(f"{{*}}{name}"))


def _int(element: etree._Element, name: str) -> int:
    return round(float(element.get(name, "0")))


def _parse(alto: bytes) -> etree._Element:
    try:
        return etree.fromstring(alto, _PARSER)
    except etree.XMLSyntaxError as e:
        raise OcrError(f"unreadable ALTO: {e}") from e


def read_tesseract(alto: bytes) -> tuple[Page, str]:
    """Tesseract's ALTO (any version) as a page, plus the software name it reports."""
    root = _parse(alto)
    pages = _children(root, "Page")
    if not pages:
        raise OcrError("Tesseract's ALTO has no Page")
    software = " ".join(e.text or "" for e in _children(root, "softwareName")).strip()
    return _page(pages[0]), software or "tesseract"


def read_pages(alto: bytes) -> list[Page]:
    """Every page of Tesseract's ALTO for a list of images, in the list's order."""
    return [_page(page_el) for page_el in _children(_parse(alto), "Page")]


def _page(page_el: etree._Element) -> Page:
    page = Page(width=_int(page_el, "WIDTH"), height=_int(page_el, "HEIGHT"))
    for block_el in _children(page_el, "TextBlock"):
        lines = []
        for line_el in _children(block_el, "TextLine"):
            tokens = [
                Token(
                    text=s.get("CONTENT", "").strip(),
                    x=_int(s, "HPOS"),
                    y=_int(s, "VPOS"),
                    w=_int(s, "WIDTH"),
                    h=_int(s, "HEIGHT"),
                    confidence=float(s.get("WC")) if s.get("WC") else None,
                )
                for s in _children(line_el, "String")
            ]
            tokens = [t for t in tokens if t.text]
            if tokens:
                lines.append(Line(tokens))
        if lines:
            page.blocks.append(Block(lines))
    return page


def _box(element: etree._Element, tokens: list[Token]) -> None:
    x, y, w, h = bounds(tokens)
    element.set("HPOS", str(x))
    element.set("VPOS", str(y))
    element.set("WIDTH", str(w))
    element.set("HEIGHT", str(h))


def write(page: Page, file_name: str, software: str, settings: str) -> bytes:
    """The page as an ALTO 4.4 document naming the image ``file_name``.

    ``settings`` records how the text was made (models, clean-up) so that a reader of the
    ALTO can tell a re-run from the original.
    """
    q = etree.QName
    root = etree.Element(q(NS, "alto"), nsmap={None: NS, "xsi": _XSI})
    root.set(q(_XSI, "schemaLocation"), _SCHEMA_LOCATION)
    description = etree.SubElement(root, q(NS, "Description"))
    etree.SubElement(description, q(NS, "MeasurementUnit")).text = "pixel"
    source = etree.SubElement(description, q(NS, "sourceImageInformation"))
    etree.SubElement(source, q(NS, "fileName")).text = file_name
    processing = etree.SubElement(description, q(NS, "Processing"), ID="ocr")
    etree.SubElement(processing, q(NS, "processingCategory")).text = "contentGeneration"
    etree.SubElement(processing, q(NS, "processingStepSettings")).text = settings
    software_el = etree.SubElement(processing, q(NS, "processingSoftware"))
    name, _, version = software.partition(" ")
    etree.SubElement(software_el, q(NS, "softwareName")).text = name
    if version:
        etree.SubElement(software_el, q(NS, "softwareVersion")).text = version

    layout = etree.SubElement(root, q(NS, "Layout"))
    page_el = etree.SubElement(
        layout,
        q(NS, "Page"),
        ID="page",
        PHYSICAL_IMG_NR="1",
        WIDTH=str(page.width),
        HEIGHT=str(page.height),
    )
    space = etree.SubElement(
        page_el, q(NS, "PrintSpace"), HPOS="0", VPOS="0", WIDTH=str(page.width), HEIGHT=str(page.height)
    )
    line_no = word_no = 0
    for block_no, block in enumerate(page.blocks, start=1):
        block_el = etree.SubElement(space, q(NS, "TextBlock"), ID=f"b{block_no}")
        _box(block_el, [t for line in block.lines for t in line.tokens])
        if block.lang:
            block_el.set("LANG", block.lang)
        for line in block.lines:
            line_no += 1
            line_el = etree.SubElement(block_el, q(NS, "TextLine"), ID=f"l{line_no}")
            _box(line_el, line.tokens)
            if line.lang:
                line_el.set("LANG", line.lang)
            for i, token in enumerate(line.tokens):
                if i:
                    etree.SubElement(line_el, q(NS, "SP"))
                word_no += 1
                string_el = etree.SubElement(line_el, q(NS, "String"), ID=f"w{word_no}")
                _box(string_el, [token])
                if token.confidence is not None:
                    string_el.set("WC", f"{min(max(token.confidence, 0.0), 1.0):.2f}")
                string_el.set("CONTENT", token.text)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def parse_words(alto: bytes) -> list[Word]:
    """Every word of an ALTO document (any version) in document order.

    The language is the nearest ``LANG`` among the String, its TextLine and its TextBlock, as
    ALTO inherits it; words with no content (eScriptorium leaves some) are skipped.
    """
    words = []
    for block_el in _children(_parse(alto), "TextBlock"):
        block_id = block_el.get("ID", "")
        for line_el in _children(block_el, "TextLine"):
            line_id = line_el.get("ID", "")
            line_lang = line_el.get("LANG") or block_el.get("LANG")
            for s in _children(line_el, "String"):
                text = s.get("CONTENT", "").strip()
                if not text:
                    continue
                wc = s.get("WC")
                words.append(
                    Word(
                        text=text,
                        x=_int(s, "HPOS"),
                        y=_int(s, "VPOS"),
                        w=_int(s, "WIDTH"),
                        h=_int(s, "HEIGHT"),
                        confidence=float(wc) if wc else None,
                        lang=s.get("LANG") or line_lang,
                        line_id=line_id,
                        block_id=block_id,
                    )
                )
    return words
