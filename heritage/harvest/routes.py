"""The harvesting endpoints: OAI-PMH at ``/oai`` and IIIF Change Discovery under ``/iiif/activity``.

Thin handlers: parse the request, call the protocol module, set media type and cache lifetime.
Both read the activity log through one cached reader, which reads only what was appended since
the last request.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from heritage import activity
from heritage.config import Config
from heritage.harvest import change_discovery, oai
from heritage.iiif.manifest import LIBRARY_NAME
from heritage.store import Store

REPOSITORY_NAME = " / ".join(LIBRARY_NAME[language][0] for language in ("br", "fr", "en"))
MAX_POST_BYTES = 64 * 1024  # OAI-PMH arguments are a few short strings
STREAM_MAX_AGE = 60  # the collection and the last page grow with every publication
FULL_PAGE_MAX_AGE = 86400  # earlier pages never change
_PAGE_NUMBER = re.compile(r"^(0|[1-9][0-9]{0,8})$")
_FORM = "application/x-www-form-urlencoded"


def admin_email(base_url: str) -> str:
    """Identify must name a contact; without HERITAGE_ADMIN_EMAIL, an address at the library's host.

    A host without a dot (``localhost``) gets the reserved ``.invalid`` domain so the address is
    well-formed yet clearly not deliverable.
    """
    host = urlsplit(base_url).hostname or "localhost"
    return f"contact@{host}" if "." in host else f"contact@{host}.invalid"


def discovery_media_type(accept: str) -> str:
    """JSON-LD with the Discovery profile unless the client asks for plain JSON only (section 4.1)."""
    if not accept or "application/ld+json" in accept or "*/*" in accept:
        return f'application/ld+json;profile="{change_discovery.CONTEXT}"'
    return "application/json"


def routes(config: Config, store: Store) -> list[Route]:
    log = activity.Log(store)
    contact = config.admin_email or admin_email(config.base_url)
    repository = oai.Repository(config.base_url, REPOSITORY_NAME, contact, store, log.events)

    async def oai_endpoint(request: Request) -> Response:
        """GET or POST alike (the protocol requires both); nothing here ever changes state."""
        if request.method == "POST":
            if request.headers.get("content-type", "").split(";")[0].strip().lower() != _FORM:
                raise HTTPException(415, f"OAI-PMH requests by POST are sent as {_FORM}")
            body = await request.body()
            if len(body) > MAX_POST_BYTES:
                raise HTTPException(413)
            args = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        else:
            args = request.query_params.multi_items()
        document = await run_in_threadpool(oai.respond, repository, args, datetime.now(UTC))
        return Response(document, media_type="text/xml; charset=utf-8", headers={"cache-control": "no-cache"})

    def discovery_json(request: Request, content: dict[str, Any], max_age: int) -> Response:
        return JSONResponse(
            content,
            media_type=discovery_media_type(request.headers.get("accept", "")),
            headers={
                "cache-control": f"public, max-age={max_age}",
                "access-control-allow-origin": "*",
                "vary": "Accept",
            },
        )

    async def all_changes(request: Request) -> Response:
        total = len(await run_in_threadpool(log.events))
        return discovery_json(request, change_discovery.ordered_collection(config.base_url, total), STREAM_MAX_AGE)

    async def changes_page(request: Request) -> Response:
        raw = request.path_params["number"]
        logged = await run_in_threadpool(log.events)
        last = change_discovery.page_count(len(logged)) - 1
        if not _PAGE_NUMBER.match(raw) or int(raw) > last:
            raise HTTPException(404)
        number = int(raw)
        page = change_discovery.ordered_collection_page(config.base_url, logged, number)
        return discovery_json(request, page, FULL_PAGE_MAX_AGE if number < last else STREAM_MAX_AGE)

    return [
        Route("/oai", oai_endpoint, methods=["GET", "POST"]),
        Route("/iiif/activity/all-changes", all_changes),
        Route("/iiif/activity/page-{number}", changes_page),
    ]
