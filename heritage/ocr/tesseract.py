"""The only code that runs the Tesseract binary: its arguments, environment and failures.

One process per page, reading a file path (handing it an in-memory image makes pytesseract
write a temporary PNG first, +3 s a page) and writing ALTO to stdout, single-threaded: with
``OMP_THREAD_LIMIT=1`` a page took 3 s instead of 10 s here, and the job layer runs one
worker per core anyway.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from heritage.errors import OcrError

TIMEOUT_SECONDS = 600
"""A page that takes longer is stuck (a normal one takes 1-5 s)."""


def command(
    image: Path,
    models: Sequence[str],
    tesseract: str = "tesseract",
    options: Sequence[str] = (),
    tessdata: str = "",
) -> list[str]:
    """The argument list for one page (or ``options`` such as ``--psm 7`` for one line): ALTO
    on stdout, with the models of ``tessdata`` (a directory; empty: the system's).

    No ``--dpi``: when a file has no resolution Tesseract estimates it from the text size
    (421 for a 400 dpi page here), which read as well as forcing 300.
    """
    where = ["--tessdata-dir", tessdata] if tessdata else []
    return [tesseract, str(image), "stdout", *where, "-l", "+".join(models), *options, "alto"]


def run_alto(
    image: Path,
    models: Sequence[str],
    tesseract: str = "tesseract",
    options: Sequence[str] = (),
    tessdata: str = "",
) -> bytes:
    """Tesseract's ALTO for one image file, or OcrError saying why there is none."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            command(image, models, tesseract, options, tessdata),
            env=env,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        )
    except FileNotFoundError as e:
        raise OcrError(f"Tesseract binary not found: {tesseract}") from e
    except subprocess.TimeoutExpired as e:
        raise OcrError(f"Tesseract took more than {TIMEOUT_SECONDS} s on {image.name}") from e
    except subprocess.CalledProcessError as e:
        lines = e.stderr.decode("utf-8", "replace").splitlines()
        detail = "; ".join(line.strip() for line in lines if line.strip())[:300]
        raise OcrError(f"Tesseract failed on {image.name} (exit {e.returncode}): {detail}") from e
    if not done.stdout.strip():
        raise OcrError(f"Tesseract wrote no ALTO for {image.name}")
    return done.stdout
