"""Decide whether a file is an image we can keep, before anything touches the store.

The file's first bytes decide its type, never its name; the header's dimensions are checked
against the pixel limit before a single pixel is decoded (decompression bombs); then every
frame is decoded once so truncated or corrupt files are refused now, not in a worker later.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from heritage.errors import InvalidInputError, TooLargeError
from heritage.imaging import pixel_limit
from heritage.store import sha256_file

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
)
_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"RIFF", "a RIFF (WebP, AVI or WAV) file"),
    (b"<", "an XML or HTML document"),
    (b"{", "a JSON document"),
)
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "JPEG2000": "jp2"}
_EXIF_ORIENTATION = 0x0112
_TRANSPOSED = {5, 6, 7, 8}  # orientations that swap width and height


@dataclass(frozen=True)
class CheckedImage:
    path: Path
    format: str
    sha256: str
    frames: list[tuple[int, int]]  # displayed (width, height) of each frame, EXIF orientation applied


def sniff_format(head: bytes) -> str | None:
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    return None


def _describe_unknown(head: bytes) -> str:
    for signature, name in _KNOWN_OTHERS:
        if head.lstrip().startswith(signature):
            return name
    if head and all(32 <= b < 127 or b in b"\t\r\n" for b in head):
        return "a text file"
    return "an unknown kind of file"


def displayed_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    return (height, width) if orientation in _TRANSPOSED else (width, height)


def check_image(path: Path, max_pixels: int, max_bytes: int) -> CheckedImage:
    """Return what we need to store the file, or raise InvalidInputError saying why not."""
    name = path.name
    try:
        info = path.stat()
    except OSError as e:
        raise InvalidInputError(f"{name}: cannot be read ({e.strerror})") from e
    if not stat.S_ISREG(info.st_mode):
        raise InvalidInputError(f"{name}: not a regular file")
    if info.st_size == 0:
        raise InvalidInputError(f"{name}: the file is empty (0 bytes)")
    if info.st_size > max_bytes:
        raise TooLargeError(
            f"{name}: {info.st_size:,} bytes is above the limit of {max_bytes:,} (HERITAGE_MAX_FILE_BYTES)"
        )
    with path.open("rb") as f:
        head = f.read(16)
    kind = sniff_format(head)
    if kind is None:
        raise InvalidInputError(
            f"{name}: not a JPEG, PNG, TIFF or JPEG 2000 image; its content is {_describe_unknown(head)}"
        )
    frames = _decode_frames(path, kind, max_pixels)
    return CheckedImage(path=path, format=kind, sha256=sha256_file(path), frames=frames)


def _decode_frames(path: Path, kind: str, max_pixels: int) -> list[tuple[int, int]]:
    name = path.name
    frames: list[tuple[int, int]] = []
    try:
        with pixel_limit(max_pixels), Image.open(path) as image:
            if image.format != kind:
                raise InvalidInputError(f"{name}: starts like {kind} but decodes as {image.format}")
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                width, height = image.size
                if width * height > max_pixels:
                    raise _too_many_pixels(name, width, height, max_pixels)
                size = displayed_size(image)
                if kind == "JPEG":
                    # Decoding at 1/8 scale still reads every byte of the stream, so a truncated
                    # file fails here, but without holding the full-size pixels in memory.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
                frames.append(size)
    except TooLargeError as e:
        raise TooLargeError(f"{name}: {e}") from e
    except InvalidInputError:
        raise
    except Exception as e:  # noqa: BLE001 - hostile files make decoders raise anything; all mean "corrupt"
        raise InvalidInputError(f"{name}: the {kind} data is corrupt or truncated ({e})") from e
    return frames


def _too_many_pixels(name: str, width: int, height: int, max_pixels: int) -> TooLargeError:
    return TooLargeError(
        f"{name}: {width}x{height} is {width * height / 1e6:.0f} megapixels, above the limit of "
        f"{max_pixels / 1e6:.0f} (HERITAGE_MAX_PIXELS)"
    )
