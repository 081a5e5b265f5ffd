"""The site's own CSS, scripts and vendored viewer, served with far-future caching.

Templates link each asset as ``/static/PATH?v=HASH``; the hash changes with the file, so a
browser may keep it for a year and still never run a stale script.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
ASSET_MAX_AGE = 365 * 86400


@cache
def _digest(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """The versioned URL of an asset; a missing asset is a bug (or `make frontend` not run)."""
    return f"/static/{path}?v={_digest(path)}"


class AssetFiles(StaticFiles):
    def file_response(
        self, full_path: Any, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["cache-control"] = (
            f"public, max-age={ASSET_MAX_AGE}, immutable" if versioned else "public, max-age=300"
        )
        return response
