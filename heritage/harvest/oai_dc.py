"""An item's Dublin Core as the ``oai_dc`` record aggregators harvest; a pure function over the model.

Every field of our ``DublinCore`` is carried over, plus what an aggregator needs to link back:
the item's reader page and its IIIF manifest as ``dc:identifier``, its IIIF collection as
``dc:relation``, the masters' media types as ``dc:format``. Metadata comes from archivists and
their files, so text is stripped of what XML 1.0 cannot hold; lxml escapes the rest.
"""

from __future__ import annotations

import re

from lxml import etree

from heritage.iiif import urls
from heritage.model import Item

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "JPEG2000": "image/jp2"}
# Characters XML 1.0 forbids even when escaped (lone surrogates, U+FFFE, U+FFFF, C0 controls).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """What of a string an XML document can carry; lxml refuses the rest instead of escaping it."""
    return _NOT_XML.sub("", value)


def item_url(base: str, item_id: str) -> str:
    return f"{base}/items/{item_id}"


def dublin_core(base: str, item: Item) -> etree._Element:
    """The ``oai_dc:dc`` element for one published item."""
    dc = item.metadata
    root = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    # Free text is in the document's language when it has exactly one, as in the manifest.
    lang = dc.language[0] if len(dc.language) == 1 else None
    _add(root, "title", [dc.title], lang)
    _add(root, "creator", dc.creator)
    _add(root, "subject", dc.subject, lang)
    _add(root, "description", [dc.description], lang)
    _add(root, "publisher", dc.publisher)
    _add(root, "date", [dc.date])
    _add(root, "type", [dc.type])
    _add(root, "format", sorted({_MEDIA_TYPES.get(p.format, "") for p in item.pages}))
    _add(root, "identifier", [item_url(base, item.id), urls.manifest(base, item.id)])
    _add(root, "source", [dc.source])
    _add(root, "language", dc.language)
    _add(root, "relation", [urls.collection(base, item.collection)] if item.collection else [])
    _add(root, "rights", [dc.rights])
    return root


def _add(parent: etree._Element, name: str, values: list[str], lang: str | None = None) -> None:
    for value in values:
        text = xml_text(value).strip()
        if not text:
            continue
        element = etree.SubElement(parent, f"{{{DC_NS}}}{name}")
        element.text = text
        if lang:
            element.set(XML_LANG, lang)
