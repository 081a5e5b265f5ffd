"""OCR of one page: Tesseract once, then ALTO 4.4 with languages, and the page's plain text.

The steps, each in its own module: a cheap survey of the image decides whether the page needs
clean-up (``preprocess``); Tesseract reads it (``tesseract``); its ALTO becomes our page model
(``alto``), rows of typewriter hyphens are read as such (``rules``), on a cleaned page the
rows of text the layout missed are read alone, one short Tesseract run each (``missed``), and
lines with doubtful words are read again alone at half size (``reread``), lines Tesseract made
of other non-text are dropped (``noise``), lines run across a column gutter are cut
(``columns``), long s read as f is restored (``longs``), lines and blocks get a language
(``language``), strokes a faint ribbon left out are put back (``ribbon``), names in capitals
that were misread are spelled as read well elsewhere on the page (``names``); the
model is written as ALTO 4.4 and the text is taken from it, so both always say the same.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from heritage.errors import OcrError
from heritage.ocr import alto, columns, language, longs, missed, names, noise, preprocess, reread, ribbon, rules
from heritage.ocr import tesseract as tesseract_exec

MODELS = {"br": "fra", "fr": "fra", "en": "eng", "la": "lat"}
"""Tesseract model for each Dublin Core language code.

Measured with bare Tesseract on shared/samples (character error rate, weighted by characters):
on the 21 rendered Breton/French pages ``fra`` 0.37%, ``bre+fra`` 0.98% (2.5 times slower),
``fra+bre`` 0.97%, ``fra+lat`` 0.87%, ``fra+frm`` 0.59%, ``frm`` 5.4% (SERVICES.md: ``bre``
alone 8%): Debian's fast ``bre`` model is weaker than ``fra`` even on Breton, whose letters
``fra`` has. On the 19th-20th century French pages ``fra`` 3.21%, ``fra+lat`` 3.05%, ``fra+frm``
3.24%; on the pre-1800 pages 12.88%, 12.57%, 12.74% (``frm`` 17.9%): no mix gained more than
0.3 points, each was slower, so ``fra`` reads the 18th century too (long s: see ``longs``).
English and Latin items (no samples here) get their own models.
"""
DEFAULT_MODELS = ("fra",)
"""For an item with no (known) language: the collection is Breton and French."""


@dataclass(frozen=True)
class OcrResult:
    alto: bytes
    """ALTO 4.4 XML, valid against the official schema."""
    text: str
    """Plain text of the page: lines joined with newlines, blocks separated by a blank line."""


def preload() -> None:
    """Load the language and word-frequency models now (3 s), not during the first page.

    A job worker that forks per job should call this before forking, so every page shares them.
    """
    language.preload()
    longs.preload()


def choose_models(languages: Sequence[str]) -> list[str]:
    """Tesseract models for an item's languages, without repeats, in a stable order."""
    models: list[str] = []
    for code in languages:
        model = MODELS.get(code.strip().lower()[:2])
        if model and model not in models:
            models.append(model)
    return models or list(DEFAULT_MODELS)


def ocr_page(
    image: Path, languages: Sequence[str], public_name: str, tesseract: str = "tesseract", tessdata: str = ""
) -> OcrResult:
    """Read one master image (left untouched) into ALTO 4.4 and plain text, with the models of
    ``tessdata`` (a directory; empty: the system's).

    Raises OcrError for a file that is not a whole image or when Tesseract fails.
    """
    image = Path(image)
    models = choose_models(languages)
    page_survey = preprocess.survey(image)
    cleaned = preprocess.needs_cleanup(page_survey)
    seen: Image.Image | None = None
    if cleaned:
        with tempfile.TemporaryDirectory(prefix="heritage-ocr-") as scratch:
            source = Path(scratch) / "page.tif"
            seen = preprocess.write_cleaned(image, source, page_survey.dpi)
            raw = tesseract_exec.run_alto(source, models, tesseract, tessdata=tessdata)
    else:
        raw = tesseract_exec.run_alto(image, models, tesseract, tessdata=tessdata)
    page, software = alto.read_tesseract(raw)
    if (page.width, page.height) != (page_survey.width, page_survey.height):
        raise OcrError(
            f"Tesseract saw {page.width}x{page.height} pixels in {image.name}, "
            f"not {page_survey.width}x{page_survey.height}"
        )
    page = rules.restore_rules(page, lambda: np.asarray(seen if seen is not None else preprocess.grey(image)))
    if seen is not None:
        page = missed.read_missed(page, seen, models, tesseract, tessdata)
        page = reread.reread_doubtful(page, seen, models, tesseract, tessdata)
    page = columns.split_columns(noise.drop_noise(page))
    page = ribbon.restore_strokes(language.label_languages(longs.restore_long_s(page)))
    page = names.restore_names(page)
    settings = f"tesseract -l {'+'.join(models)}; clean-up: {'flattened paper' if cleaned else 'none'}"
    document = alto.write(page, public_name, software, settings)
    return OcrResult(alto=document, text=page.text)
