"""The whole document as one PDF: every page image, with its OCR words as invisible text over it.

Made on the first request and then cached (public/cache, under the same cap as the dynamic
images) until the item is published again, rather than at publish time: most documents are never
downloaded as a PDF, and making one encodes every page again, so doing it in the publish job
would slow every publication and spend disk on files nobody asked for. The first reader of a
100-page book waits a few seconds; everyone after gets the file.

Pages: the image at most `LONG_SIDE` pixels on its long side (about 150 dpi for an A4 scan) in
JPEG quality `JPEG_QUALITY`, made by the dynamic image service (so from the static pyramid), which
keeps a 100-page book at some 20 MB; the page has the scan's physical size when the master says
its resolution. Text: each ALTO word in render mode 3 (invisible), on its line's baseline, sized
from the line's height and stretched to the word's box, so that search, selection and copy find
each word where it is printed.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from heritage.errors import NotFoundError
from heritage.iiif.dynamic_request import Limits, Plan, fit_limits
from heritage.iiif.dynamic_service import ImageService
from heritage.imaging import pixel_limit
from heritage.model import Item, is_id
from heritage.ocr.alto import Word, parse_words
from heritage.store import Store

LONG_SIDE = 1600
JPEG_QUALITY = 70
WORD_GAP = 0.3  # least space between two words, in font sizes (see `_widths`)
DEFAULT_DPI = 300  # when the master does not say, a usual scanning resolution
FONT = "DejaVuSans"  # embedded (subset) with a ToUnicode map, so the text extracts as it was written
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core: it has
# every letter of Breton and old French, long s included (reportlab's own Vera lacks ſ)
_GENERATING = threading.Lock()  # one PDF at a time per process: bounds CPU and memory, and a second
# request for the same document waits, then finds it cached


@dataclass(frozen=True)
class PdfPage:
    image: Path  # a JPEG of the whole page
    width: int  # the page's full-resolution size in pixels, the ALTO's coordinate space
    height: int
    dpi: float
    words: list[Word]


def document_pdf(store: Store, images: ImageService, item_id: str) -> Path:
    """The cached PDF of a published item, made first if needed; NotFoundError if not published."""
    manifest = store.manifest_path(item_id) if is_id(item_id) else None
    if manifest is None or not manifest.exists():
        raise NotFoundError(f"no published item {item_id!r}")
    version = manifest.stat().st_mtime_ns  # publishing again makes a new PDF
    path = images.cache.path("pdf", f"{item_id}/{version}", ".pdf")
    with _GENERATING:
        if not images.cache.hit(path):
            item = store.load_item(item_id)
            pages = list(pdf_pages(store, images, item))
            images.cache.put(path, lambda tmp: write_pdf(tmp, item, pages))
    return path


def pdf_pages(store: Store, images: ImageService, item: Item) -> Iterable[PdfPage]:
    for page in item.pages:
        record = json.loads(store.tiles_info_path(item.id, page.id).read_text())
        width, height = record["width"], record["height"]
        size = fit_limits((width, height), Limits(LONG_SIDE, LONG_SIDE, LONG_SIDE * LONG_SIDE), upscale=False)
        plan = Plan((0, 0, width, height), size, False, 0, "default", "jpg")
        image = images.image(page.id, plan, JPEG_QUALITY)
        words = parse_words(store.read_ocr(item.id, page.id, "alto.xml"))
        yield PdfPage(image, width, height, _dpi(store.master_path(item.id, page), images.max_pixels), words)


def _dpi(master: Path, max_pixels: int) -> float:
    """The scan's resolution from the master's header (no decode), if it is a plausible one."""
    with pixel_limit(max_pixels), Image.open(master) as image:
        dpi = image.info.get("dpi", (DEFAULT_DPI,))[0]
    return float(dpi) if 50 <= float(dpi) <= 2400 else DEFAULT_DPI


def write_pdf(path: Path, item: Item, pages: Iterable[PdfPage]) -> None:
    _register_font()
    canvas = Canvas(str(path), pageCompression=1)
    canvas.setTitle(item.metadata.title)
    canvas.setAuthor("; ".join(item.metadata.creator))
    canvas.setSubject(item.metadata.description)
    canvas.setCreator("heritage")
    for page in pages:
        scale = 72 / page.dpi  # points per pixel
        width, height = page.width * scale, page.height * scale
        canvas.setPageSize((width, height))
        canvas.drawImage(str(page.image), 0, 0, width, height)
        _draw_words(canvas, page.words, scale, height)
        canvas.showPage()
    canvas.save()


def _draw_words(canvas: Canvas, words: list[Word], scale: float, page_height: float) -> None:
    """Each line's words on a common baseline, invisible (render mode 3), each stretched to its box
    and followed by a space, in the ALTO's reading order (what copying and `pdftotext -raw` give)."""
    face = pdfmetrics.getFont(FONT).face
    ascent, descent = face.ascent / 1000, -face.descent / 1000
    text = canvas.beginText()
    text.setTextRenderMode(3)
    for line in _lines(words):
        top, bottom = min(w.y for w in line), max(w.y + w.h for w in line)
        size = max((bottom - top) * scale / (ascent + descent), 1.0)
        baseline = page_height - bottom * scale + descent * size
        text.setFont(FONT, size)
        for word, width in zip(line, _widths(line, WORD_GAP * size / scale), strict=True):
            natural = pdfmetrics.stringWidth(word.text, FONT, size)
            text.setHorizScale(100 * width * scale / natural if natural else 100)
            text.setTextOrigin(word.x * scale, baseline)
            text.textOut(f"{word.text} ")
    canvas.drawText(text)


def _widths(line: list[Word], min_gap: float) -> list[float]:
    """Each word's drawn width in pixels: its box, narrowed (to half at most) where the next word
    starts less than `min_gap` after it. Extractors ignore space characters and split words by
    geometry (poppler at about a fifth of the font size), so a tight gap would join two words."""
    widths = []
    for word, following in zip(line, [*line[1:], None], strict=True):
        room = following.x - word.x - min_gap if following else word.w
        widths.append(max(min(word.w, room), word.w / 2))
    return widths


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: dict[tuple[str, str], list[Word]] = defaultdict(list)
    for word in words:
        lines[(word.block_id, word.line_id)].append(word)
    return list(lines.values())


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
