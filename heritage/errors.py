"""Every error the core raises on purpose, each knowing its HTTP status and CLI exit code.

Boundaries (CLI, web) turn these into a clear message or a status page; anything else is a bug
and is left to crash loudly.
"""

from __future__ import annotations


class HeritageError(Exception):
    """Base of all expected failures."""

    http_status = 500
    exit_code = 1


class ConfigError(HeritageError):
    """A HERITAGE_* variable holds a value that cannot be used."""

    exit_code = 78


class InvalidInputError(HeritageError):
    """An uploaded file or its metadata is refused; the store is left unchanged."""

    http_status = 400
    exit_code = 65


class TooLargeError(InvalidInputError):
    """A file is bigger (bytes or pixels) than the configured limits."""

    http_status = 413


class NotFoundError(HeritageError):
    """An item, page or file the caller asked for does not exist."""

    http_status = 404
    exit_code = 66


class StoreError(HeritageError):
    """The data directory is missing, unwritable or inconsistent."""

    exit_code = 74


class ServiceUnavailableError(HeritageError):
    """Redis, OpenSearch or another service cannot be reached."""

    http_status = 503
    exit_code = 69


class NotImplementedFeatureError(HeritageError):
    """A valid request for a feature this server does not offer (IIIF Image API §7: 501)."""

    http_status = 501


class OcrError(HeritageError):
    """Tesseract failed or produced output we cannot use."""

    exit_code = 70


class JobFailedError(HeritageError):
    """An item's processing ended in failure (ingest --wait reports this)."""

    exit_code = 75
