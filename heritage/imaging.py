"""Pillow's process-wide decompression-bomb limit, raised to ours for the time of one decode."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

from PIL import Image

from heritage.errors import TooLargeError


@contextlib.contextmanager
def pixel_limit(max_pixels: int) -> Iterator[None]:
    """Let Pillow open images up to our limit (its default is lower) and refuse beyond it, then restore.

    Process-wide state, like Pillow's own limit: a worker handles one page at a time per process.
    """
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as e:
        raise TooLargeError(
            f"refused as a decompression bomb: the image has more than {max_pixels / 1e6:.0f} megapixels "
            "(HERITAGE_MAX_PIXELS)"
        ) from e
    finally:
        Image.MAX_IMAGE_PIXELS = previous
