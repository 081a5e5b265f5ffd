"""A job's error as an archivist can act on it: what went wrong and what to do, in plain words.

The stored text (``jobs.error_text``) is for whoever runs the servers; the workspace shows this
explanation and keeps the technical text in a ``<details>`` beneath it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from heritage.status import STALLED
from heritage.web.i18n import gettext as _

_RULES: list[tuple[re.Pattern[str], Callable[[], str]]] = [
    (
        re.compile(re.escape(STALLED[:40])),
        lambda: _("The worker stopped during this job (it was stopped or crashed). Retry the page."),
    ),
    (
        re.compile(r"JobTimeoutException|exceeded maximum timeout|took more than \d+ s", re.I),
        lambda: _(
            "This page took longer than the time allowed. Retry it; if it fails again, the image may be too large."
        ),
    ),
    (
        re.compile(r"Tesseract binary not found"),
        lambda: _("The text recognition program (Tesseract) is missing on the server. Tell the administrator."),
    ),
    (
        re.compile(r"Tesseract (failed|wrote no ALTO|saw)"),
        lambda: _("Tesseract could not read this image. Check that it is a page of text, then retry or replace it."),
    ),
    (
        re.compile(r"DecompressionBomb|megapixels, above the limit|HERITAGE_MAX_PIXELS", re.I),
        lambda: _("The image is too large to process. Replace it with a smaller scan."),
    ),
    (
        re.compile(r"truncated|corrupt|cannot identify image|UnidentifiedImageError|broken data stream", re.I),
        lambda: _("The image file is damaged and cannot be read. Replace it with a good copy."),
    ),
    (
        re.compile(r"ConnectionError|ConnectionRefused|not reachable|ConnectionTimeout|ServiceUnavailable", re.I),
        lambda: _("A server service (search or queue) could not be reached. Retry in a few minutes."),
    ),
    (
        re.compile(r"No space left|MemoryError|Cannot allocate", re.I),
        lambda: _("The server ran out of disk space or memory. Tell the administrator, then retry."),
    ),
    (
        re.compile(r"no OCR yet|FileNotFoundError", re.I),
        lambda: _("A file this step needs is missing: a page before it did not finish. Retry the failed pages."),
    ),
]


def explain(error: str) -> str:
    """The plain explanation of a stored error text (a generic one when it is not recognised)."""
    for pattern, message in _RULES:
        if pattern.search(error):
            return message()
    return _("Something went wrong while processing. Retry; if it fails again, tell the administrator.")
