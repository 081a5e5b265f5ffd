"""``GET /api/export``: the bulk export of every published item, built on demand and cached.

The first request after a publish or withdrawal builds the archive (``heritage/export.py``) in
the thread pool; every other request streams the cached file from disk, with ``ETag`` and
``Last-Modified`` so a harvester can ask whether anything changed.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.export import current_export
from heritage.store import Store

EXPORT_PATH = "/api/export"
FILENAME = "heritage-library.zip"
MAX_AGE = 300
DESCRIPTION = (
    "Built from the store on the first request after a publication or withdrawal, then served from"
    " disk until the library changes again. `catalogue.json` lists the items; each"
    " `items/<id>/metadata.json` holds the Dublin Core record, the collection, the IIIF manifest and"
    " reader URLs and the pages, whose OCR text is in `items/<id>/text/<nnnn>.txt`."
)


def routes(config: Config) -> list[Route]:
    store = Store(config.data_dir)

    async def export(request: Request) -> Response:
        path = await run_in_threadpool(current_export, store, config.base_url)
        headers = {"cache-control": f"public, max-age={MAX_AGE}", "access-control-allow-origin": "*"}
        return FileResponse(path, media_type="application/zip", filename=FILENAME, headers=headers)

    return [Route(EXPORT_PATH, export, methods=["GET", "HEAD"])]
