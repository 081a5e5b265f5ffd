"""Home, collection and search result pages."""

from __future__ import annotations

from opensearchpy import OpenSearch
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from heritage.config import Config
from heritage.web.catalogue import Catalogue
from heritage.web.site import render


def routes(config: Config, client: OpenSearch, catalogue: Catalogue) -> list[Route]:
    async def home(request: Request) -> Response:
        return render(request, "home.html", {"entries": catalogue.snapshot().entries})

    return [Route("/", home)]
