"""The item reader."""

from __future__ import annotations

from opensearchpy import OpenSearch
from starlette.routing import Route

from heritage.config import Config
from heritage.store import Store
from heritage.web.catalogue import Catalogue


def routes(config: Config, store: Store, client: OpenSearch, catalogue: Catalogue) -> list[Route]:
    return []
