"""The OpenSearch client, and the one place its exceptions become ours.

Every public function of the package runs its calls inside ``translated_errors`` so callers only
ever meet ``ServiceUnavailableError`` (node down, slow, overloaded, index missing) or
``InvalidInputError`` (a request the node refused as malformed), each with a message that
names the node and what was being done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opensearchpy import OpenSearch
from opensearchpy.exceptions import (
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    OpenSearchException,
    RequestError,
    TransportError,
)

from heritage.errors import InvalidInputError, ServiceUnavailableError

DEFAULT_TIMEOUT = 10.0


def connect(url: str, timeout: float = DEFAULT_TIMEOUT) -> OpenSearch:
    """A client for the node at ``url``; nothing is sent until the first call."""
    return OpenSearch(url, timeout=timeout, max_retries=1, retry_on_timeout=False)


def node_url(client: OpenSearch) -> str:
    hosts = client.transport.hosts or [{}]
    host = hosts[0]
    return f"{host.get('scheme', 'http')}://{host.get('host', '?')}:{host.get('port', '?')}"


def _reason(error: TransportError) -> str:
    info = error.info
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        root = info["error"].get("root_cause") or [info["error"]]
        return str(root[0].get("reason") or root[0].get("type"))
    return str(error.error)


@contextmanager
def translated_errors(client: OpenSearch, doing: str) -> Iterator[None]:
    """Run OpenSearch calls, turning its exceptions into ours; ``doing`` says what for."""
    url = node_url(client)
    try:
        yield
    except ConnectionTimeout as e:
        raise ServiceUnavailableError(f"OpenSearch at {url} did not answer in time while {doing}") from e
    except ConnectionError as e:
        cause = e.info if isinstance(e.info, Exception) else e.error
        refused = "refused" in str(cause).lower()
        detail = "connection refused" if refused else str(cause)
        raise ServiceUnavailableError(f"OpenSearch at {url} is unreachable ({detail}) while {doing}") from e
    except NotFoundError as e:
        raise ServiceUnavailableError(f"the search index is missing at {url} while {doing}: {_reason(e)}") from e
    except RequestError as e:
        raise InvalidInputError(f"OpenSearch refused the request while {doing}: {_reason(e)}") from e
    except TransportError as e:
        raise ServiceUnavailableError(f"OpenSearch at {url} failed while {doing}: {e.status_code} {_reason(e)}") from e
    except OpenSearchException as e:
        raise ServiceUnavailableError(f"OpenSearch at {url} failed while {doing}: {e}") from e
