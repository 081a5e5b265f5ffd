"""ALTO in and out: Tesseract's ALTO 3 to the page model, the model to ALTO 4.4, ALTO to words."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from heritage.errors import OcrError
from heritage.ocr.alto import NS, parse_words, read_pages, read_tesseract, write
from heritage.ocr.page import Block, Line, Page, Token

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GROUND_TRUTH = sorted((SHARED / "samples").glob("*/*.gt.alto.xml"))
XSD = SHARED / "schemas" / "alto-4-4.local.xsd"

TESSERACT_ALTO = b"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v3#">
 <Description><MeasurementUnit>pixel</MeasurementUnit>
  <sourceImageInformation><fileName>/srv/data/masters/x/0001.jpg</fileName></sourceImageInformation>
  <OCRProcessing ID="OCR_0"><ocrProcessingStep><processingSoftware>
   <softwareName>tesseract 5.3.0</softwareName></processingSoftware></ocrProcessingStep></OCRProcessing>
 </Description>
 <Layout><Page WIDTH="2400" HEIGHT="3600" PHYSICAL_IMG_NR="0" ID="page_0">
  <PrintSpace HPOS="0" VPOS="0" WIDTH="2400" HEIGHT="3600">
   <ComposedBlock ID="cblock_0" HPOS="161" VPOS="509" WIDTH="774" HEIGHT="56">
    <TextBlock ID="block_0" HPOS="161" VPOS="509" WIDTH="774" HEIGHT="56">
     <TextLine ID="line_0" HPOS="161" VPOS="509" WIDTH="774" HEIGHT="56">
      <String ID="string_0" HPOS="161" VPOS="512" WIDTH="58" HEIGHT="41" WC="0.96" CONTENT="Pa"/>
      <SP WIDTH="14" VPOS="512" HPOS="219"/>
      <String ID="string_1" HPOS="233" VPOS="523" WIDTH="81" HEIGHT="42" WC="0.91" CONTENT="guz"/>
      <String ID="string_2" HPOS="320" VPOS="523" WIDTH="5" HEIGHT="5" WC="0.10" CONTENT=" "/>
     </TextLine>
    </TextBlock>
   </ComposedBlock>
   <Illustration ID="cblock_1" HPOS="0" VPOS="3000" WIDTH="2400" HEIGHT="600"/>
  </PrintSpace></Page></Layout></alto>
"""


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def test_reads_tesseract_alto_3() -> None:
    page, software = read_tesseract(TESSERACT_ALTO)
    assert software == "tesseract 5.3.0"
    assert (page.width, page.height) == (2400, 3600)
    [block] = page.blocks
    [line] = block.lines
    assert [(t.text, t.x, t.y, t.w, t.h, t.confidence) for t in line.tokens] == [
        ("Pa", 161, 512, 58, 41, 0.96),
        ("guz", 233, 523, 81, 42, 0.91),
    ]


def test_reads_every_page_of_a_list_of_images_in_order() -> None:
    second = TESSERACT_ALTO.replace(b'CONTENT="Pa"', b'CONTENT="Ma"').replace(
        b'WIDTH="2400" HEIGHT="3600"', b'WIDTH="9" HEIGHT="9"'
    )
    layouts = [
        part.split(b"</Layout>")[0] for part in (TESSERACT_ALTO.split(b"<Layout>")[1], second.split(b"<Layout>")[1])
    ]
    both = TESSERACT_ALTO.split(b"<Layout>")[0] + b"<Layout>" + b"".join(layouts) + b"</Layout></alto>"
    assert [(p.width, p.lines()[0].tokens[0].text) for p in read_pages(both)] == [(2400, "Pa"), (9, "Ma")]


def test_writes_valid_alto_4_4_with_public_name(schema: etree.XMLSchema) -> None:
    page, software = read_tesseract(TESSERACT_ALTO)
    page.blocks[0].lang = "br"
    page.blocks[0].lines[0].lang = "br"
    document = write(page, "0001.jpg", software, "tesseract -l fra")
    root = etree.fromstring(document)
    schema.assertValid(root)
    assert root.findtext(f".//{{{NS}}}fileName") == "0001.jpg"
    assert b"/srv/data" not in document
    assert root.findtext(f".//{{{NS}}}softwareVersion") == "5.3.0"
    line = root.find(f".//{{{NS}}}TextLine")
    assert line is not None
    assert (line.get("LANG"), line.get("HPOS"), line.get("VPOS"), line.get("WIDTH"), line.get("HEIGHT")) == (
        "br",
        "161",
        "512",
        "153",
        "53",
    )


def test_written_alto_reads_back_word_for_word() -> None:
    page = Page(
        100,
        50,
        [
            Block(
                [Line([Token("Kenavo", 1, 2, 30, 10, 0.5), Token("d'ar", 35, 2, 20, 10, 1.0)], "br")],
                "br",
            ),
            Block([Line([Token("1", 45, 40, 5, 8, 0.9)], "und")], "und"),
        ],
    )
    words = parse_words(write(page, "p.png", "tesseract 5.3.0", ""))
    assert [(w.text, w.x, w.y, w.w, w.h, w.confidence, w.lang) for w in words] == [
        ("Kenavo", 1, 2, 30, 10, 0.5, "br"),
        ("d'ar", 35, 2, 20, 10, 1.0, "br"),
        ("1", 45, 40, 5, 8, 0.9, "und"),
    ]
    assert words[0].line_id == words[1].line_id != words[2].line_id
    assert words[0].block_id != words[2].block_id


def test_empty_page_is_valid(schema: etree.XMLSchema) -> None:
    schema.assertValid(etree.fromstring(write(Page(10, 10), "blank.png", "tesseract", "")))


@pytest.mark.parametrize("path", GROUND_TRUTH, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parse_words_on_ground_truth(path: Path) -> None:
    data = path.read_bytes()
    root = etree.fromstring(data)
    strings = root.findall(f".//{{{NS}}}String")
    page = root.find(f".//{{{NS}}}Page")
    assert page is not None
    width, height = int(page.get("WIDTH", "0")), int(page.get("HEIGHT", "0"))
    words = parse_words(data)
    assert [w.text for w in words] == [s.get("CONTENT") for s in strings]
    assert {w.lang for w in words} <= {"br", "fr", "und"}
    for word in words:
        assert word.confidence is None and word.line_id and word.block_id
        assert 0 <= word.x <= word.x + word.w <= width and 0 <= word.y <= word.y + word.h <= height


def test_real_ground_truth_with_empty_strings() -> None:
    """eScriptorium exports keep empty Strings; they are not words."""
    data = (SHARED / "samples" / "real" / "nubis-1941" / "m3j5_1941_1.xml").read_bytes()
    words = parse_words(data)
    assert words and all(w.text for w in words)


def test_broken_xml_is_an_ocr_error() -> None:
    with pytest.raises(OcrError):
        read_tesseract(b"<alto><Layout>")
    with pytest.raises(OcrError):
        read_tesseract(b"<alto/>")
