"""``ocr_page`` end to end with the real Tesseract on real sample pages.

Each page is read once per module (four Tesseract runs, plus one tiny blank page) and every
test looks at the shared result.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from bench.cer import cer
from heritage.errors import OcrError
from heritage.ocr import OcrResult, choose_models, ocr_page
from heritage.ocr.alto import NS, Word, parse_words

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "samples"
XSD = SHARED / "schemas" / "alto-4-4.local.xsd"

CLEAN = SAMPLES / "barzaz-breiz-01" / "0001.jpg"
WORN = SAMPLES / "barzaz-breiz-03-worn" / "0003.jpg"
BILEVEL = SAMPLES / "real" / "voltaire-henriade-1728" / "bpt6k70173w_f10.tif"


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def clean() -> OcrResult:
    return ocr_page(CLEAN, ["br", "fr"], "0001.jpg")


@pytest.fixture(scope="module")
def worn() -> OcrResult:
    return ocr_page(WORN, ["br", "fr"], "worn-0003.jpg")


@pytest.fixture(scope="module")
def bilevel() -> OcrResult:
    return ocr_page(BILEVEL, ["fr"], "f10.tif")


def _truth(image: Path) -> str:
    return image.with_name(image.name.split(".")[0] + ".gt.txt").read_text(encoding="utf-8")


def _overlap(a: Word, b: Word) -> float:
    """Intersection over union of two word boxes."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / (a.w * a.h + b.w * b.h - w * h)


@pytest.mark.parametrize("name", ["clean", "worn", "bilevel"])
def test_alto_is_valid_alto_4_4(name: str, request: pytest.FixtureRequest, schema: etree.XMLSchema) -> None:
    result: OcrResult = request.getfixturevalue(name)
    document = etree.fromstring(result.alto)
    schema.assertValid(document)
    assert etree.QName(document).namespace == NS


def test_file_name_is_the_public_name_not_the_server_path(clean: OcrResult) -> None:
    names = etree.fromstring(clean.alto).findall(f".//{{{NS}}}fileName")
    assert [n.text for n in names] == ["0001.jpg"]
    assert str(CLEAN.parent).encode() not in clean.alto


def test_words_have_confidences_and_boxes_inside_the_page(clean: OcrResult) -> None:
    with Image.open(CLEAN) as im:
        width, height = im.size
    words = parse_words(clean.alto)
    assert len(words) > 200
    for word in words:
        assert word.confidence is not None and 0 <= word.confidence <= 1
        assert 0 <= word.x and word.x + word.w <= width and word.w > 0
        assert 0 <= word.y and word.y + word.h <= height and word.h > 0


def test_word_boxes_match_the_ground_truth(clean: OcrResult) -> None:
    ours = parse_words(clean.alto)
    truth = parse_words(CLEAN.with_name("0001.gt.alto.xml").read_bytes())
    placed = [max(_overlap(w, t) for t in truth) > 0.5 for w in ours]
    same = [any(t.text == w.text and _overlap(w, t) > 0.5 for t in truth) for w in ours]
    assert sum(placed) / len(ours) >= 0.95
    assert sum(same) / len(ours) >= 0.9


def test_line_languages_match_the_ground_truth(clean: OcrResult) -> None:
    ours = parse_words(clean.alto)
    truth = parse_words(CLEAN.with_name("0001.gt.alto.xml").read_bytes())
    assert {w.lang for w in ours} <= {"br", "fr", "en", "la", "und"}
    agree = [w.lang == max(truth, key=lambda t: _overlap(w, t)).lang for w in ours]
    assert sum(agree) / len(agree) >= 0.9
    blocks = etree.fromstring(clean.alto).findall(f".//{{{NS}}}TextBlock")
    assert blocks and all(b.get("LANG") for b in blocks)


def test_text_follows_the_alto(clean: OcrResult) -> None:
    words = parse_words(clean.alto)
    assert clean.text.split() == [w.text for w in words]
    assert "\n\n" in clean.text


def test_clean_breton_page_within_target(clean: OcrResult) -> None:
    assert cer(clean.text, _truth(CLEAN)) <= 0.01


def test_worn_page_within_target(worn: OcrResult) -> None:
    """Bare Tesseract reads this page with 93% errors (show-through, merged columns)."""
    assert cer(worn.text, _truth(WORN)) <= 0.05


def test_bilevel_tiff_is_read_with_long_s_restored(bilevel: OcrResult) -> None:
    assert cer(bilevel.text, _truth(BILEVEL)) <= 0.06
    words = {w.text for w in parse_words(bilevel.alto)}
    assert {"ses", "sur"} <= words and not {"fes", "fur"} & words


def test_blank_page_gives_valid_empty_alto(tmp_path: Path, schema: etree.XMLSchema) -> None:
    blank = tmp_path / "blank.png"
    Image.new("L", (600, 800), 255).save(blank, dpi=(300, 300))
    result = ocr_page(blank, [], "blank.png")
    schema.assertValid(etree.fromstring(result.alto))
    assert result.text == ""


def test_non_image_raises_ocr_error(tmp_path: Path) -> None:
    text = tmp_path / "page.jpg"
    text.write_text("not an image\n")  # Tesseract would read this as a list of image files
    with pytest.raises(OcrError):
        ocr_page(text, ["fr"], "page.jpg")


def test_truncated_image_raises_ocr_error(tmp_path: Path) -> None:
    truncated = tmp_path / "page.jpg"
    truncated.write_bytes(CLEAN.read_bytes()[:200_000])
    with pytest.raises(OcrError):
        ocr_page(truncated, ["br"], "page.jpg")


def test_missing_binary_raises_ocr_error() -> None:
    with pytest.raises(OcrError):
        ocr_page(CLEAN, ["br"], "0001.jpg", tesseract="/nonexistent/tesseract")


@pytest.mark.parametrize(
    ("languages", "models"),
    [(["br", "fr"], ["fra"]), (["br"], ["fra"]), ([], ["fra"]), (["en"], ["eng"]), (["fr", "la"], ["fra", "lat"])],
)
def test_models_follow_the_item_languages(languages: list[str], models: list[str]) -> None:
    assert choose_models(languages) == models
