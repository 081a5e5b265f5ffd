"""Placeholder: the workspace's upload routes."""

from __future__ import annotations

from starlette.routing import BaseRoute

from heritage.config import Config
from heritage.store import Store


def routes(config: Config, store: Store) -> list[BaseRoute]:
    return []
