"""The index behind an alias: create it, write an item's pages in bulk, withdraw an item, rebuild.

Readers always go through the alias. ``reindex`` fills a new index ``<alias>-<timestamp>`` while
the alias still serves the old one, then moves the alias in one atomic ``_aliases`` call and
drops the old index, so searches keep working during a rebuild. Items published while a rebuild
runs go to the old index and must be indexed again once it is done.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import OpenSearchException

from heritage.errors import InvalidInputError, ServiceUnavailableError
from heritage.model import Item
from heritage.search.analysis import analysis_settings
from heritage.search.client import translated_errors
from heritage.search.documents import Word, item_documents

MAPPING_FILE = Path(__file__).with_name("mapping.json")
_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")
_BULK_CHUNK = 250
_BULK_BYTES = 20 * 1024 * 1024

Document = tuple[str, dict[str, Any]]


@cache
def index_body() -> dict[str, Any]:
    """``mapping.json`` with the generated analysis settings merged in, and their fingerprint
    in the mapping's ``_meta``, so an index built by another version of them can be told."""
    body: dict[str, Any] = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    body["settings"]["index"]["analysis"] = analysis_settings()
    fingerprint = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
    body["mappings"]["_meta"] = {"fingerprint": fingerprint}
    return body


def _check_schema(client: OpenSearch, index: str, alias: str) -> None:
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    if mapping.get("_meta", {}).get("fingerprint") != index_body()["mappings"]["_meta"]["fingerprint"]:
        raise ServiceUnavailableError(
            f"the index behind {alias!r} ({index}) was built with other analysis settings or mappings: "
            "rebuild it (`heritage reindex`) before indexing into it"
        )


def _check_alias(alias: str) -> None:
    if not _ALIAS.match(alias):
        raise InvalidInputError(f"index alias must be lowercase letters, digits, '-', '_' or '.', got {alias!r}")


def _new_index_name(alias: str) -> str:
    return f"{alias}-{datetime.now(UTC):%Y%m%d%H%M%S%f}"


def _indices(client: OpenSearch, alias: str) -> list[str]:
    if not client.indices.exists_alias(name=alias):
        return []
    return sorted(client.indices.get_alias(name=alias))


def ensure_index(client: OpenSearch, alias: str) -> str:
    """The index behind ``alias``, created empty (with the alias) when there is none; an index
    built with other settings or mappings is refused (``ServiceUnavailableError``)."""
    _check_alias(alias)
    with translated_errors(client, f"creating the index behind {alias!r}"):
        existing = _indices(client, alias)
        if existing:
            _check_schema(client, existing[0], alias)
            return existing[0]
        name = _new_index_name(alias)
        client.indices.create(index=name, body={**index_body(), "aliases": {alias: {}}})
        return name


def _actions(index: str, documents: Iterable[Document]) -> Iterator[dict[str, Any]]:
    for doc_id, source in documents:
        yield {"_op_type": "index", "_index": index, "_id": doc_id, "_source": source}


def _bulk_error(e: helpers.BulkIndexError) -> str:
    """'N documents refused, first: <reason>' from a bulk error's per-document items."""
    first: Any = e.errors[0] if e.errors else {}
    detail: Any = next(iter(first.values()), {}) if isinstance(first, dict) else first
    reason = detail.get("error", detail) if isinstance(detail, dict) else detail
    return f"{len(e.errors)} documents refused, first: {reason}"


def index_item(
    client: OpenSearch, alias: str, item: Item, words_by_page: Mapping[str, Sequence[Word]], refresh: bool = False
) -> int:
    """Write every page of ``item`` (and its own document) in bulk, drop pages it no longer has;
    returns the number of pages written.

    ``words_by_page`` maps page ids to their OCR words (``heritage.ocr.alto.parse_words``).
    ``refresh`` makes the pages searchable before returning (tests, or a reader waiting).
    """
    _check_alias(alias)
    documents = list(item_documents(item, words_by_page))
    with translated_errors(client, f"indexing item {item.id}"):
        try:
            helpers.bulk(client, _actions(alias, documents), chunk_size=_BULK_CHUNK, max_chunk_bytes=_BULK_BYTES)
        except helpers.BulkIndexError as e:
            raise ServiceUnavailableError(f"OpenSearch refused pages of item {item.id}: {_bulk_error(e)}") from e
        stale = {
            "bool": {
                "filter": [{"term": {"item_id": item.id}}],
                "must_not": [{"ids": {"values": [doc_id for doc_id, _ in documents]}}],
            }
        }
        client.delete_by_query(index=alias, body={"query": stale}, conflicts="proceed")
        if refresh:
            client.indices.refresh(index=alias)
    return len(item.pages)


def delete_item(client: OpenSearch, alias: str, item_id: str, refresh: bool = False) -> int:
    """Withdraw an item: remove its pages and its own document; returns how many documents went.

    The query only sees refreshed documents, so the index is refreshed first: an item published a
    moment ago (indexed, not yet refreshed) would otherwise stay findable after its withdrawal."""
    _check_alias(alias)
    with translated_errors(client, f"removing item {item_id}"):
        client.indices.refresh(index=alias)
        result = client.delete_by_query(
            index=alias, body={"query": {"term": {"item_id": item_id}}}, conflicts="proceed", refresh=refresh
        )
    return int(result.get("deleted", 0))


def reindex(client: OpenSearch, alias: str, documents: Iterable[Document]) -> str:
    """Build a new index from ``documents`` ((id, document) pairs, e.g. ``item_documents``
    chained over the store), then switch ``alias`` to it atomically and drop the old index.

    Refresh is off while writing (the new index is not searched yet) and restored before the
    switch. On any failure the half-built index is deleted and the alias is left untouched.
    """
    _check_alias(alias)
    name = _new_index_name(alias)
    body = index_body()
    settings = {**body["settings"], "index": {**body["settings"]["index"], "refresh_interval": "-1"}}
    with translated_errors(client, f"rebuilding the index behind {alias!r}"):
        client.indices.create(index=name, body={**body, "settings": settings})
        try:
            try:
                for _ in helpers.parallel_bulk(
                    client,
                    _actions(name, documents),
                    thread_count=2,
                    chunk_size=_BULK_CHUNK,
                    max_chunk_bytes=_BULK_BYTES,
                ):
                    pass
            except helpers.BulkIndexError as e:
                refused = _bulk_error(e)
                raise ServiceUnavailableError(f"OpenSearch refused pages while rebuilding {alias!r}: {refused}") from e
            interval = body["settings"]["index"]["refresh_interval"]
            client.indices.put_settings(index=name, body={"index": {"refresh_interval": interval}})
            client.indices.refresh(index=name)
            old = _indices(client, alias)
            actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": alias}} for o in old]
            client.indices.update_aliases(body={"actions": [*actions, {"add": {"index": name, "alias": alias}}]})
        except BaseException:
            with suppress(OpenSearchException):
                client.indices.delete(index=name, ignore_unavailable=True)
            raise
        for o in old:
            client.indices.delete(index=o, ignore_unavailable=True)
    return name


def drop_index(client: OpenSearch, alias: str) -> list[str]:
    """Delete every index behind ``alias`` (benchmarks, tests, a library being removed)."""
    _check_alias(alias)
    with translated_errors(client, f"deleting the indices behind {alias!r}"):
        indices = _indices(client, alias)
        for index in indices:
            client.indices.delete(index=index, ignore_unavailable=True)
    return indices
