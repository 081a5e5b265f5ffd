"""Settings from ``HERITAGE_*`` environment variables, each with a default and a help string.

One place for every knob, so the README table and the code cannot drift apart: a test reads
``SETTINGS`` and fails when one is missing from the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from heritage.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("HERITAGE_DATA_DIR", "data", "Data directory: the system of record (masters, metadata, derivatives)."),
    Setting("HERITAGE_REDIS_URL", "redis://127.0.0.1:6379/0", "Redis used by the RQ job queue."),
    Setting("HERITAGE_OPENSEARCH_URL", "http://127.0.0.1:9200", "OpenSearch node for full-text search."),
    Setting("HERITAGE_BASE_URL", "http://127.0.0.1:8000", "Public base URL written into IIIF ids (no trailing slash)."),
    Setting(
        "HERITAGE_INDEX",
        "heritage",
        "OpenSearch alias the library searches; `heritage reindex` rebuilds the index behind it.",
    ),
    Setting("HERITAGE_QUEUE", "heritage", "Name of the RQ queue the workers listen on."),
    Setting("HERITAGE_WORKERS", "0", "Worker processes started by `heritage worker`; 0 means one per core."),
    Setting("HERITAGE_WEB_PROCESSES", "0", "Processes of `heritage serve`; 0 means one per core."),
    Setting(
        "HERITAGE_JOB_RETRIES", "2", "How many times a failed page job is retried before the page is marked failed."
    ),
    Setting("HERITAGE_JOB_TIMEOUT", "900", "Seconds a single job may run before RQ kills it."),
    Setting(
        "HERITAGE_TILE_THREADS",
        "2",
        "Most threads encoding one page's tiles while the job's own thread reduces the levels; more than one"
        " only while cores are idle.",
    ),
    Setting(
        "HERITAGE_MAX_PIXELS",
        "400000000",
        "Largest accepted image in pixels (width x height); bigger files are refused as bombs.",
    ),
    Setting("HERITAGE_MAX_FILE_BYTES", "2147483648", "Largest accepted master file in bytes."),
    Setting("HERITAGE_TESSERACT", "tesseract", "The Tesseract binary to run."),
    Setting(
        "HERITAGE_DEFAULT_LANGUAGE",
        "br",
        "Interface language (br, fr or en) for visitors whose browser asks for none of them.",
    ),
    Setting(
        "HERITAGE_IIIF_MAX_WIDTH",
        "6000",
        "Widest and tallest image the dynamic IIIF service makes (its info.json maxWidth and maxHeight).",
    ),
    Setting("HERITAGE_IIIF_MAX_AREA", "24000000", "Largest image in pixels the dynamic IIIF service makes (maxArea)."),
    Setting(
        "HERITAGE_IIIF_CACHE_BYTES",
        "1073741824",
        "Disk space for rendered dynamic images and PDFs (public/cache); the least recently used go first.",
    ),
    Setting(
        "HERITAGE_ADMIN_EMAIL",
        "",
        "Contact address harvesters see in OAI-PMH Identify; empty means contact@ the host of HERITAGE_BASE_URL.",
    ),
    Setting(
        "HERITAGE_TESSDATA",
        "",
        "Directory of the Tesseract models (`--tessdata-dir`); empty means the system's (Debian's fast ones);"
        " `scripts/models.sh` fetches others.",
    ),
    Setting(
        "HERITAGE_INBOX",
        "scans/inbox",
        "Hot folder `heritage watch` ingests from (relative to the working directory); taken entries move"
        " to its .done/, refused ones to .failed/ with a REPORT.txt.",
    ),
    Setting(
        "HERITAGE_MAX_UPLOAD_FILES", "1000", "Most files one upload in the workspace may hold (page images and PDFs)."
    ),
    Setting("HERITAGE_MAX_PDF_PAGES", "2000", "Most pages an uploaded PDF may have; each page becomes a page image."),
    Setting(
        "HERITAGE_PDF_DPI",
        "300",
        "Resolution at which uploaded PDF pages are rendered to images (lowered for a page that would pass"
        " HERITAGE_MAX_PIXELS).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _raw(env: Mapping[str, str], name: str) -> str:
    return env.get(name, _BY_NAME[name].default)


def _int(env: Mapping[str, str], name: str, minimum: int = 0) -> int:
    raw = _raw(env, name)
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _url(env: Mapping[str, str], name: str) -> str:
    raw = _raw(env, name).rstrip("/")
    if not raw.startswith(("http://", "https://", "redis://", "rediss://", "unix://")):
        raise ConfigError(f"{name} must be a URL, got {raw!r}")
    return raw


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = _raw(env, name)
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class Config:
    data_dir: Path
    redis_url: str
    opensearch_url: str
    base_url: str
    index: str
    queue: str
    workers: int
    web_processes: int
    job_retries: int
    job_timeout: int
    tile_threads: int
    max_pixels: int
    max_file_bytes: int
    tesseract: str
    default_language: str
    iiif_max_width: int
    iiif_max_area: int
    iiif_cache_bytes: int
    admin_email: str
    tessdata: str
    inbox: Path
    max_upload_files: int
    max_pdf_pages: int
    pdf_dpi: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        workers = _int(env, "HERITAGE_WORKERS")
        return cls(
            data_dir=Path(_raw(env, "HERITAGE_DATA_DIR")).resolve(),
            redis_url=_url(env, "HERITAGE_REDIS_URL"),
            opensearch_url=_url(env, "HERITAGE_OPENSEARCH_URL"),
            base_url=_url(env, "HERITAGE_BASE_URL"),
            index=_raw(env, "HERITAGE_INDEX"),
            queue=_raw(env, "HERITAGE_QUEUE"),
            workers=workers or (os.cpu_count() or 1),
            web_processes=_int(env, "HERITAGE_WEB_PROCESSES") or (os.cpu_count() or 1),
            job_retries=_int(env, "HERITAGE_JOB_RETRIES"),
            job_timeout=_int(env, "HERITAGE_JOB_TIMEOUT", minimum=1),
            tile_threads=_int(env, "HERITAGE_TILE_THREADS", minimum=1),
            max_pixels=_int(env, "HERITAGE_MAX_PIXELS", minimum=1),
            max_file_bytes=_int(env, "HERITAGE_MAX_FILE_BYTES", minimum=1),
            tesseract=_raw(env, "HERITAGE_TESSERACT"),
            default_language=_choice(env, "HERITAGE_DEFAULT_LANGUAGE", ("br", "fr", "en")),
            iiif_max_width=_int(env, "HERITAGE_IIIF_MAX_WIDTH", minimum=1),
            iiif_max_area=_int(env, "HERITAGE_IIIF_MAX_AREA", minimum=1),
            iiif_cache_bytes=_int(env, "HERITAGE_IIIF_CACHE_BYTES", minimum=1),
            admin_email=_raw(env, "HERITAGE_ADMIN_EMAIL"),
            tessdata=_raw(env, "HERITAGE_TESSDATA"),
            inbox=Path(_raw(env, "HERITAGE_INBOX")).resolve(),
            max_upload_files=_int(env, "HERITAGE_MAX_UPLOAD_FILES", minimum=1),
            max_pdf_pages=_int(env, "HERITAGE_MAX_PDF_PAGES", minimum=1),
            pdf_dpi=_int(env, "HERITAGE_PDF_DPI", minimum=36),
        )
