"""Page clean-up before Tesseract, done only for pages a cheap look says need it.

Tesseract binarises a page with one global Otsu threshold. That fails where the paper is not
evenly bright: light falling off across a worn page, dark page edges and gutters, the verso's
text showing through. Dividing the page by an estimate of its paper (a grey closing at low
resolution, which erases the text and keeps the lighting) makes the paper uniformly white;
whatever is then still lighter than ``CLIP`` (show-through, stains) is set to white. The
geometry is untouched, so Tesseract's boxes stay in the master's pixels.

Measured on shared/samples (character error rate of bare ``tesseract -l fra`` on the master,
then on the cleaned page): worn Barzaz Breiz 63.0% -> 0.5%, Montesquieu 1783 25.1% -> 6.4%,
NuBIS 1941 1.9% -> 1.1%; on the clean rendered pages 0.37% -> 0.40%, no gain for 0.25 s
(12%) more per page, hence ``needs_cleanup``. The typescript page 11 got worse (48.7% ->
53.8%) until ``noise`` dropped the lines Tesseract makes of its rows of hyphens. Tesseract's
own adaptive thresholding (``-c thresholding_method=2``, Sauvola) reached only 5.5% on the
worn copy and took twice as long.

A faint typewriter ribbon is the exception to clipping: there the ink itself is lighter than
``CLIP`` in part, and clipping cut the bars off its e's (read as o: "tôte", "los", "lover").
Tesseract lays the page out on its own Otsu binarisation but its LSTM reads the grey image,
so on a faint page (``faint_ink``) the light range near ink is compressed above the threshold
instead of whitened: the layout stays as it was and the recognition sees the whole strokes.
Only that page is faint among the samples; there it read 57 -> 50 errors, and 36-37 either
way once ``ribbon`` and ``names`` correct what is left (they catch the same e's).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageFilter, UnidentifiedImageError

from heritage.errors import OcrError

UNEVEN_LIMIT = 0.15
"""Clean a page whose paper varies by more than this fraction of its brightness.

Measured: rendered clean pages 0.005-0.010, NuBIS 1840/1886 and typescript p.13 0.04-0.12
(cleaning them changed little), Montesquieu 0.20-0.25, worn copy 0.25, typescript p.11 0.28,
NuBIS 1941 (dark scanner border) 0.78-0.80.
"""

CLIP = 215
"""After flattening (paper = 255), anything lighter than this is not ink: show-through
measured 216-250 on the worn copy, ink cores below 130. With the whole pipeline 205-245 kept
the worn copy at 0.4-0.8%; Montesquieu read best at 205-215 (3-5%, up to 9% at 245)."""

FAINT_INK = 185
"""A page whose ink (pixels darker than ``CLIP`` after flattening) has a median grey above this
is faint. Measured: the faint typescript page 11 192; Montesquieu 146-175, the worn copy
162-167, NuBIS 1941 156-160, the clean pages 120-130."""

FAINT_FLOOR = 220
"""On a faint page, what is lighter than ``CLIP`` is mapped onto [FAINT_FLOOR, 255] rather than
set to white: above the Otsu threshold (214 on the typescript page 11), so the layout does not
change. Measured on that page (whole pipeline before ``ribbon`` and ``names``): 57 character
errors clipped, 44-45 with a floor of 217-220 over the whole light range, 53 at 225, 63 at
240; near ink only (``FAINT_REACH``) 50. Applied to every cleaned page it lost as much as it
won (worn copy 0.43% -> 0.63%, NuBIS 1941 1.31% -> 1.66%), hence the gate."""

FAINT_REACH = 8
"""... but only near ink (8-16 px, a stroke's width at 400 dpi): farther away such grey is the
paper's watermark, texture or show-through, which a line read alone (``missed``) took for
letters ("A C T E I" read as "RC R AUNITE" beside the watermark)."""

_SURVEY_WIDTH = 150
_CLOSING = 7
_BACKGROUND_SCALE = 8


@dataclass(frozen=True)
class Survey:
    """What a quick low-resolution decode tells about a page."""

    width: int
    height: int
    bilevel: bool
    unevenness: float
    dpi: tuple[float, float] | None


def _open(image: Path) -> Image.Image:
    try:
        return Image.open(image)
    except (OSError, UnidentifiedImageError, ValueError) as e:
        raise OcrError(f"{image.name} is not a readable image: {e}") from e


def _load(im: Image.Image, name: str) -> None:
    try:
        im.load()
    except (OSError, ValueError, SyntaxError) as e:
        raise OcrError(f"{name} is damaged or truncated: {e}") from e


def _dpi(im: Image.Image) -> tuple[float, float] | None:
    dpi = im.info.get("dpi")
    if not dpi or not all(float(v) > 1 for v in dpi):
        return None
    return float(dpi[0]), float(dpi[1])


def _paper(gray: np.ndarray) -> np.ndarray:
    """The page without its text: a grey closing (max then min filter) wider than letters.

    Separable shifts in numpy: PIL's rank filters took 21 ms on a 150 px wide page, this 1 ms.
    """
    r = _CLOSING // 2
    out = gray
    for extreme in (np.maximum, np.minimum):
        for axis in (0, 1):
            padded = np.pad(out, [(r, r) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
            size = out.shape[axis]
            window = padded.take(range(0, size), axis=axis)
            for shift in range(1, 2 * r + 1):
                window = extreme(window, padded.take(range(shift, shift + size), axis=axis))
            out = window
    return out


def survey(image: Path) -> Survey:
    """Decode the page at low resolution (JPEG's DCT scaling makes it ~10 ms) and measure it.

    Also proves the file is a whole image: a truncated JPEG fails here with OcrError, where
    Tesseract would read half a page or take a text file for a list of image names.
    """
    with _open(image) as im:
        width, height, dpi = im.width, im.height, _dpi(im)
        if im.mode == "1":
            _load(im, image.name)
            return Survey(width, height, True, 0.0, dpi)
        im.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        _load(im, image.name)
        gray = _darkest_channel(im)
    small = gray.resize((_SURVEY_WIDTH, max(1, round(_SURVEY_WIDTH * height / width))), Image.Resampling.BOX)
    paper = _paper(np.asarray(small, dtype=np.float32))
    bright = float(np.percentile(paper, 95))
    unevenness = (bright - float(np.percentile(paper, 5))) / max(bright, 1.0)
    return Survey(width, height, False, unevenness, dpi)


def needs_cleanup(page: Survey) -> bool:
    """Bilevel scans are already thresholded; others only if their paper is uneven."""
    return not page.bilevel and page.unevenness > UNEVEN_LIMIT


def _darkest_channel(im: Image.Image) -> Image.Image:
    """Grey for thresholding: the darkest channel keeps coloured ink (a purple typewriter
    ribbon) as dark as black ink, where luminance would make it pale."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit scans: Pillow's convert("L") would clip them to white, so scale them down
        wide = np.asarray(im, dtype=np.float64)
        return Image.fromarray((wide * 255.0 / max(float(wide.max()), 1.0)).astype(np.uint8))
    if im.mode in ("L", "1", "F"):
        return im.convert("L")
    r, g, b = im.convert("RGB").split()
    return ImageChops.darker(ImageChops.darker(r, g), b)


def clean(image: Path) -> Image.Image:
    """The page flattened to white paper with show-through removed, same size as the master."""
    with _open(image) as im:
        _load(im, image.name)
        gray = _darkest_channel(im)
    small = gray.resize(
        (max(1, gray.width // _BACKGROUND_SCALE), max(1, gray.height // _BACKGROUND_SCALE)),
        Image.Resampling.BOX,
    )
    closed = Image.fromarray(_paper(np.asarray(small, dtype=np.float32)).astype(np.uint8))
    paper = closed.filter(ImageFilter.GaussianBlur(2)).resize(gray.size, Image.Resampling.BILINEAR)
    flat = np.asarray(gray, dtype=np.float32) * 255.0 / np.maximum(np.asarray(paper, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(whiten(flat), 0, 255).astype(np.uint8))


def faint_ink(flat: np.ndarray) -> bool:
    """Whether a flattened page (paper = 255) is typed or printed in faint ink."""
    ink = flat[flat < CLIP]
    return ink.size > 0 and float(np.median(ink)) > FAINT_INK


def whiten(flat: np.ndarray) -> np.ndarray:
    """The flattened page with what is lighter than ``CLIP`` made paper: white, or on a faint
    page light enough for Otsu to take it for paper while the strokes stay whole."""
    light = flat >= CLIP
    if faint_ink(flat):
        strokes = light & near(~light, FAINT_REACH)
        flat[strokes] = FAINT_FLOOR + (np.minimum(flat[strokes], 255.0) - CLIP) * (255.0 - FAINT_FLOOR) / (255.0 - CLIP)
        light &= ~strokes
    flat[light] = 255.0
    return flat


def near(mask: np.ndarray, reach: int) -> np.ndarray:
    """Pixels at most ``reach`` to 2 x ``reach`` pixels from a set one: the mask by blocks of
    ``reach``, each block grown by its neighbours (a dilation at 1/reach the cost)."""
    h, w = mask.shape
    rows, cols = -(-h // reach), -(-w // reach)
    padded = np.zeros((rows * reach, cols * reach), dtype=bool)
    padded[:h, :w] = mask
    blocks = np.asarray(padded.reshape(rows, reach, cols, reach).any(axis=(1, 3)))
    grown = blocks.copy()
    grown[1:] |= blocks[:-1]
    grown[:-1] |= blocks[1:]
    wide = grown.copy()
    wide[:, 1:] |= grown[:, :-1]
    wide[:, :-1] |= grown[:, 1:]
    return np.repeat(np.repeat(wide, reach, axis=0), reach, axis=1)[:h, :w]


def write_cleaned(image: Path, target: Path, dpi: tuple[float, float] | None) -> Image.Image:
    """Clean ``image`` into an uncompressed TIFF (fast to write and to read) for Tesseract;
    the cleaned page is returned for the steps that look at the image again."""
    cleaned = clean(image)
    if dpi:
        cleaned.save(target, format="TIFF", dpi=dpi)
    else:
        cleaned.save(target, format="TIFF")
    return cleaned


def grey(image: Path) -> Image.Image:
    """The master in grey as thresholding sees it (darkest channel), at full size."""
    with _open(image) as im:
        _load(im, image.name)
        return _darkest_channel(im)
