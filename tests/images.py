"""Small test images made on the fly: hostile ones and unusual but legitimate ones."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(path: Path, width: int, height: int) -> Path:
    """A few hundred bytes whose header claims width x height pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


def cmyk_jpeg(path: Path) -> Path:
    Image.new("CMYK", (300, 200), (0, 128, 255, 20)).save(path, "JPEG")
    return path


def png_16bit(path: Path) -> Path:
    image = Image.new("I;16", (320, 240))
    image.putdata([(x * 200) % 65535 for x in range(320 * 240)])
    image.save(path, "PNG")
    return path


def exif_rotated_jpeg(path: Path, width: int = 400, height: int = 200) -> Path:
    """Stored landscape, shown portrait: orientation 6 means rotate 90 degrees clockwise."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, width // 4, height))
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(path, "JPEG", exif=exif)
    return path


def multipage_tiff(path: Path, pages: int = 3) -> Path:
    frames = [Image.new("L", (200 + 10 * i, 300), 255 - 40 * i) for i in range(pages)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    return path
