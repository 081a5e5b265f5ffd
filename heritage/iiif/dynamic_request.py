"""Parse an IIIF Image API 3 request (`region/size/rotation/quality.format`) into pixels to make.

Pure functions: the four URL segments, the image's size and the server's limits in, a `Plan` out,
or the error the spec asks for: 400 for a malformed or impossible request (a region outside the
image, a size of less than one pixel, beyond the region without `^`, beyond maxWidth, maxHeight or
maxArea, §4.2), 501 for a valid request this server does not implement (rotation by other than
multiples of 90, formats such as `tif`, §7). `max` and `!w,h` shrink to the limits instead.

One reading follows the IIIF validator rather than the letter of §4.2: `!w,h` (without `^`) larger
than the region is refused with 400, as the validator's `size_noup` test and iipsrv have it, instead
of being capped at the region.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from heritage.errors import InvalidInputError, NotImplementedFeatureError
from heritage.iiif.tile_geometry import Box, Size

QUALITIES = ("default", "color", "gray", "bitonal")
FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_SPEC_FORMATS = frozenset({"tif", "gif", "pdf", "jp2"})  # valid in the spec, not made here: 501
_INT = re.compile(r"^\d+$")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_ROTATION = re.compile(r"^(!?)(\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class Limits:
    """The largest image made, as info.json declares it (maxWidth, maxHeight, maxArea)."""

    max_width: int
    max_height: int
    max_area: int


@dataclass(frozen=True)
class Plan:
    """What to make: a box of the upright full-resolution image, scaled, turned and encoded."""

    region: Box
    size: Size  # before rotation
    mirror: bool
    rotation: int  # clockwise: 0, 90, 180 or 270
    quality: str
    format: str

    def key(self) -> str:
        """One string per distinct image, whatever spelling the request used (for the cache)."""
        left, upper, right, lower = self.region
        turn = f"{'!' if self.mirror else ''}{self.rotation}"
        return f"{left},{upper},{right - left},{lower - upper}/{self.size[0]},{self.size[1]}/{turn}/{self.quality}"


def parse_request(region: str, size: str, rotation: str, quality_format: str, image_size: Size, limits: Limits) -> Plan:
    """The plan for one request against an image of `image_size`, or InvalidInputError (400)."""
    quality, fmt = parse_quality_format(quality_format)
    mirror, degrees = parse_rotation(rotation)
    box = parse_region(region, *image_size)
    scaled = parse_size(size, (box[2] - box[0], box[3] - box[1]), limits)
    return Plan(box, scaled, mirror, degrees, quality, fmt)


def parse_quality_format(value: str) -> tuple[str, str]:
    quality, dot, fmt = value.rpartition(".")
    if not dot or quality not in QUALITIES:
        raise InvalidInputError(f"quality must be one of {', '.join(QUALITIES)}, got {quality!r}")
    if fmt in _SPEC_FORMATS:
        raise NotImplementedFeatureError(f"format {fmt!r} is not offered; use {', '.join(FORMATS)}")
    if fmt not in FORMATS:
        raise InvalidInputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return quality, fmt


def parse_rotation(value: str) -> tuple[bool, int]:
    """`n` or `!n` (mirrored first), n from 0 to 360; only multiples of 90 are made."""
    match = _ROTATION.match(value)
    if not match or float(match.group(2)) > 360:
        raise InvalidInputError(f"rotation must be a number from 0 to 360, optionally after '!', got {value!r}")
    degrees = float(match.group(2))
    if degrees % 90:
        raise NotImplementedFeatureError(f"only rotations by multiples of 90 degrees are offered, got {value!r}")
    return bool(match.group(1)), int(degrees) % 360


def parse_region(value: str, width: int, height: int) -> Box:
    """`full`, `square`, `x,y,w,h` or `pct:x,y,w,h`, clipped to the image; outside it is an error."""
    if value == "full":
        return (0, 0, width, height)
    if value == "square":
        side = min(width, height)
        left, upper = (width - side) // 2, (height - side) // 2
        return (left, upper, left + side, upper + side)
    if value.startswith("pct:"):
        x, y, w, h = _numbers(value[4:], _NUMBER, "region")
        left, upper = round(x * width / 100), round(y * height / 100)
        right, lower = round((x + w) * width / 100), round((y + h) * height / 100)
        if w > 0 and h > 0:  # a sliver under one pixel still shows that pixel
            right, lower = max(right, left + 1), max(lower, upper + 1)
    else:
        x, y, w, h = (int(n) for n in _numbers(value, _INT, "region"))
        left, upper, right, lower = x, y, x + w, y + h
    if right <= left or lower <= upper:
        raise InvalidInputError(f"region {value!r} has no width or no height")
    if left >= width or upper >= height:
        raise InvalidInputError(f"region {value!r} is outside the {width}x{height} image")
    return (left, upper, min(right, width), min(lower, height))


def parse_size(value: str, region: Size, limits: Limits) -> Size:
    """`max`, `w,`, `,h`, `w,h`, `!w,h`, `pct:n`, each optionally after `^` (upscaling allowed)."""
    upscale = value.startswith("^")
    body = value[1:] if upscale else value
    width, height = region
    if body == "max":
        return fit_limits(region, limits, upscale)
    if body.startswith("pct:"):
        (percent,) = _numbers(body[4:], _NUMBER, "size", count=1)
        size = (round(width * percent / 100), round(height * percent / 100))
    elif body.startswith("!"):
        box_w, box_h = (int(n) for n in _numbers(body[1:], _INT, "size", count=2))
        scale = min(box_w / width, box_h / height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if upscale or scale <= 1:
            size = fit_limits(size, limits, upscale=False)
    else:
        size = _width_height(body, region)
    if min(size) < 1:
        raise InvalidInputError(f"size {value!r} gives an image of less than one pixel")
    if not upscale and (size[0] > width or size[1] > height):
        raise InvalidInputError(f"size {value!r} is larger than the {width}x{height} region: upscaling needs '^'")
    if size[0] > limits.max_width or size[1] > limits.max_height or size[0] * size[1] > limits.max_area:
        raise InvalidInputError(f"size {value!r} is beyond this server's limits (see maxWidth, maxArea in info.json)")
    return size


def _width_height(body: str, region: Size) -> Size:
    """`w,`, `,h` or `w,h`; the missing side keeps the region's aspect ratio."""
    parts = body.split(",")
    if len(parts) != 2 or not all(_INT.match(p) for p in parts if p) or parts == ["", ""]:
        raise InvalidInputError(f"size must be max, w,  ,h  w,h  !w,h or pct:n, got {body!r}")
    width, height = region
    if not parts[1]:
        w = int(parts[0])
        return (w, max(1, round(height * w / width)) if w else 0)
    if not parts[0]:
        h = int(parts[1])
        return (max(1, round(width * h / height)) if h else 0, h)
    return (int(parts[0]), int(parts[1]))


def fit_limits(size: Size, limits: Limits, upscale: bool) -> Size:
    """`size` scaled to fit the limits, keeping its aspect ratio; enlarged to them only if `upscale`."""
    width, height = size
    scale = min(limits.max_width / width, limits.max_height / height, math.sqrt(limits.max_area / (width * height)))
    if not upscale:
        scale = min(scale, 1.0)
    if scale == 1.0:
        return size
    return (max(1, math.floor(width * scale)), max(1, math.floor(height * scale)))


def _numbers(text: str, pattern: re.Pattern[str], name: str, count: int = 4) -> list[float]:
    parts = text.split(",")
    if len(parts) != count or not all(pattern.match(p) for p in parts):
        raise InvalidInputError(f"{name} needs {count} comma-separated numbers, got {text!r}")
    return [float(p) for p in parts]
