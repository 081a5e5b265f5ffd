"""Languages of lines and blocks, against the ground truth of the Breton samples."""

from __future__ import annotations

from pathlib import Path

from heritage.ocr.alto import parse_words, read_tesseract, write
from heritage.ocr.language import label_languages
from heritage.ocr.page import Block, Line, Page, Token

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


def test_line_languages_match_the_ground_truth_on_every_breton_page() -> None:
    agree = total = 0
    for path in sorted(SAMPLES.glob("*/*.gt.alto.xml")):
        data = path.read_bytes()
        truth = [w.lang for w in parse_words(data)]
        page, software = read_tesseract(data)  # the same lines, without LANG
        ours = [w.lang for w in parse_words(write(label_languages(page), path.name, software, ""))]
        agree += sum(a == b for a, b in zip(ours, truth, strict=True))
        total += len(truth)
    assert agree / total >= 0.97


def test_folio_is_undetermined_and_short_lines_follow_their_column() -> None:
    def line(y: int, text: str) -> Line:
        return Line([Token(w, 100 + 90 * i, y, 80, 40) for i, w in enumerate(text.split())])

    verses = [
        "Pa guz ann heol, pa goenv ar mor.",
        "Me oar kana war dreuz ma dor.",
        "II.",
        "Pa oann iaouank me a gane ;",
        "Pa'z onn deut koz, me gan ive.",
    ]
    page = Page(1000, 1000, [Block([line(60 * i, v) for i, v in enumerate(verses)]), Block([line(900, "1")])])
    labelled = label_languages(page)
    assert [ln.lang for ln in labelled.blocks[0].lines] == ["br"] * 5
    assert labelled.blocks[0].lang == "br"
    assert labelled.blocks[1].lines[0].lang == "und" and labelled.blocks[1].lang == "und"
