"""Character error rate between OCR output and a diplomatic ground truth.

The transcriptions in ``shared/samples`` are diplomatic (long s, ``¬`` hyphens, tapuscorpus
marks for underlines, superscripts and illegible words) while Tesseract reads modern forms, so
both sides go through the same normalisation before they are compared: the score then counts
reading errors, not transcription conventions.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_CHARS = str.maketrans(
    {
        "ſ": "s",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "¬": "-",
        "_": None,  # tapuscorpus underline mark
        "^": None,  # tapuscorpus superscript mark
    }
)
_ILLEGIBLE = re.compile(r"~{2,}")
_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n\s*")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([;:!?,.)\]\"])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[\"])\s+")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Reduce a transcription or an OCR text to what both can be fairly compared on.

    NFKC folds ligatures and decomposed accents; long s, quotes, dashes and French typographic
    spaces before punctuation are conventions of the edition, not readings; a hyphen at a line
    end (printed ``-`` or transcribed ``¬``) is joined so that line breaks do not count.
    """
    text = unicodedata.normalize("NFKC", text).translate(_CHARS)
    text = _ILLEGIBLE.sub(" ", text)
    text = _LINE_END_HYPHEN.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy row per character of ``a`` so a page takes milliseconds."""
    if not a or not b:
        return len(a) + len(b)
    codes_b = np.array([ord(c) for c in b], dtype=np.int64)
    index = np.arange(len(b) + 1, dtype=np.int64)
    row = index.copy()
    for i, char in enumerate(a, start=1):
        best = np.empty_like(row)
        best[0] = i
        best[1:] = np.minimum(row[1:] + 1, row[:-1] + (codes_b != ord(char)))
        # insertions chain along the row: D[j] = min over k <= j of best[k] + (j - k)
        row = np.minimum.accumulate(best - index) + index
    return int(row[-1])


def cer(ocr: str, truth: str) -> float:
    """Errors per ground-truth character, after normalising both texts."""
    reference = normalise(truth)
    return levenshtein(normalise(ocr), reference) / max(len(reference), 1)
