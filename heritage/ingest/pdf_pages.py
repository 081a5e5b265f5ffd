"""A PDF becomes one page image per page, made by poppler's ``pdftoppm``; hostile PDFs are refused.

Measured on this machine (A4 pages, each a full-page scan, 300 dpi, RGB): ``pdftoppm -tiff
-tiffcompression lzw`` 0.8 s a page at 65 MB peak memory; ``pdftoppm -png`` 6.7 s a page
(poppler's slow zlib level); pypdfium2 + Pillow PNG at level 1 0.9 s a page at 164 MB and one
more binary dependency. So: poppler (already installed for the document PDF's tests), LZW TIFF.

Before any page is rendered the file is read by pypdf, and a PDF that could act when opened
(JavaScript, an open action, launch, form submission, event actions) or that carries embedded
files is refused, as is one with more pages than ``HERITAGE_MAX_PDF_PAGES``. Each page is
rendered at ``HERITAGE_PDF_DPI``, lowered for a page that would otherwise pass the pixel limit.
"""

from __future__ import annotations

import math
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

from heritage.errors import InvalidInputError, TooLargeError

PDF_SIGNATURE = b"%PDF-"
POINTS_PER_INCH = 72
RENDER_TIMEOUT_SECONDS = 300  # one page; a page that takes longer is a hostile or broken file
INFO_TIMEOUT_SECONDS = 60
MAX_OBJECTS = 2_000_000  # more objects than any real scan needs: refuse rather than walk for minutes

_ACTIVE_KEYS = {
    "/JS": "contains JavaScript",
    "/JavaScript": "contains JavaScript",
    "/AA": "runs actions when it is opened, closed or a page is shown",
    "/EmbeddedFiles": "carries embedded files",
    "/EF": "carries embedded files",
    "/RichMedia": "carries embedded media",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "contains JavaScript",
    "/Launch": "contains an action that launches a program",
    "/SubmitForm": "contains a form that sends data elsewhere",
    "/ImportData": "contains an action that imports data",
}
_PAGE_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)
_PAGES = re.compile(r"^Pages:\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class PdfPlan:
    """What rendering a PDF will make: each page's size in points and the dpi chosen for it."""

    sizes: list[tuple[float, float]]
    dpi: list[int]


def is_pdf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(len(PDF_SIGNATURE)) == PDF_SIGNATURE


def _pdfinfo(path: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["pdfinfo", *args, str(path)], capture_output=True, text=True, timeout=INFO_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as e:
        raise InvalidInputError(f"{path.name}: reading this PDF took too long; it is damaged or hostile") from e
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise InvalidInputError(f"{path.name}: not a readable PDF ({reason})")
    return done.stdout


def page_count(path: Path) -> int:
    found = _PAGES.search(_pdfinfo(path))
    if not found or int(found.group(1)) == 0:
        raise InvalidInputError(f"{path.name}: the PDF has no pages")
    return int(found.group(1))


def _dpi_for(width_pt: float, height_pt: float, dpi: int, max_pixels: int) -> int:
    """The configured dpi, or the highest one that keeps the page within the pixel limit."""
    area_in = (width_pt / POINTS_PER_INCH) * (height_pt / POINTS_PER_INCH)
    if area_in <= 0:
        return dpi
    return max(1, min(dpi, math.floor(math.sqrt(max_pixels / area_in))))


def active_content(reader: PdfReader) -> str | None:
    """Why a PDF could act on its reader's machine, or None: every object reachable from the
    trailer is visited once, with names decoded by pypdf (so ``/J#61vaScript`` is still found)."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                return f"has more than {MAX_OBJECTS:,} objects"
            resolved = obj.get_object()
            if resolved is None:
                continue
            obj = resolved
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[name]
                if name == "/OpenAction" and isinstance(value.get_object(), DictionaryObject):
                    return "runs an action when it is opened"
                if name == "/S" and isinstance(value, NameObject) and value in _ACTIVE_ACTIONS:
                    return _ACTIVE_ACTIONS[value]
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def check_pdf(path: Path, max_pages: int, max_pixels: int, dpi: int) -> PdfPlan:
    """Refuse what we will not render, before rendering anything; say how each page will be made."""
    name = path.name
    count = page_count(path)
    if count > max_pages:
        raise TooLargeError(f"{name}: {count:,} pages is above the limit of {max_pages:,} (HERITAGE_MAX_PDF_PAGES)")
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise InvalidInputError(f"{name}: the PDF is encrypted or password-protected; upload an unprotected copy")
        reason = active_content(reader)
    except InvalidInputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as e:
        raise InvalidInputError(f"{name}: the PDF is damaged ({e})") from e
    if reason:
        raise InvalidInputError(
            f"{name}: the PDF {reason}; PDFs with scripts, actions or attachments are refused."
            " Export its pages as images, or print it to a new PDF, and upload that"
        )
    sizes = [(float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(_pdfinfo(path, "-f", "1", "-l", str(count)))]
    if len(sizes) != count:
        raise InvalidInputError(f"{name}: the PDF's pages cannot be measured; it is damaged")
    return PdfPlan(sizes, [_dpi_for(w, h, dpi, max_pixels) for w, h in sizes])


def render_page(path: Path, number: int, dpi: int, target: Path) -> Path:
    """One page (1-based) as an LZW TIFF at ``target`` (its name without the suffix)."""
    try:
        done = subprocess.run(
            [
                "pdftoppm",
                "-f",
                str(number),
                "-l",
                str(number),
                "-r",
                str(dpi),
                "-tiff",
                "-tiffcompression",
                "lzw",
                "-singlefile",
                str(path),
                str(target),
            ],
            capture_output=True,
            text=True,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired as e:
        raise InvalidInputError(f"{path.name}: page {number} took too long to render; the PDF is damaged") from e
    output = target.with_name(target.name + ".tif")
    if done.returncode != 0 or not output.exists():
        reason = done.stderr.strip() or f"exit code {done.returncode}"
        raise InvalidInputError(f"{path.name}: page {number} cannot be rendered ({reason})")
    return output


def render_pages(path: Path, dest: Path, max_pages: int, max_pixels: int, dpi: int) -> list[Path]:
    """Every page of a checked PDF as an image in ``dest``, in page order."""
    plan = check_pdf(path, max_pages, max_pixels, dpi)
    dest.mkdir(parents=True, exist_ok=True)
    stem = path.stem[:150] or "page"
    return [
        render_page(path, number, page_dpi, dest / f"{stem}-{number:04d}")
        for number, page_dpi in enumerate(plan.dpi, start=1)
    ]
