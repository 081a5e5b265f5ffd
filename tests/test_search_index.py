"""The index behind its alias: idempotent creation, item updates and withdrawal, a rebuild that
never interrupts searching, and a node that is down or an index that is missing."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from heritage.errors import InvalidInputError, ServiceUnavailableError
from heritage.search import (
    SearchRequest,
    connect,
    delete_item,
    drop_index,
    ensure_index,
    index_item,
    item_documents,
    reindex,
    search,
    search_item,
    suggest_terms,
)
from tests.search_samples import client_or_fail, sample_item, unique_alias


@pytest.fixture
def alias() -> Iterator[tuple[OpenSearch, str]]:
    client = client_or_fail()
    name = unique_alias()
    yield client, name
    drop_index(client, name)
    client.indices.delete(index=f"{name}-*", ignore_unavailable=True)


def total(client: OpenSearch, alias: str, q: str = "") -> int:
    return search(client, alias, SearchRequest(q=q)).total


def test_ensure_index_is_idempotent(alias: tuple[OpenSearch, str]) -> None:
    client, name = alias
    first = ensure_index(client, name)
    assert ensure_index(client, name) == first and first.startswith(f"{name}-")
    assert list(client.indices.get_alias(name=name)) == [first]


def test_reindexing_an_item_drops_pages_it_lost_and_withdrawal_removes_it(alias: tuple[OpenSearch, str]) -> None:
    client, name = alias
    ensure_index(client, name)
    item, words = sample_item("barzaz-breiz-01", "barzaz-breiz")
    assert index_item(client, name, item, words, refresh=True) == 4
    assert total(client, name) == 4
    shorter = dataclasses.replace(item, pages=item.pages[:2])
    index_item(client, name, shorter, words, refresh=True)
    assert total(client, name) == 2 and total(client, name, "iaouank") == 1
    assert delete_item(client, name, item.id, refresh=True) == 3  # two pages and the item
    assert total(client, name) == 0


def test_reindex_swaps_the_alias_and_searches_keep_working(alias: tuple[OpenSearch, str]) -> None:
    client, name = alias
    old = ensure_index(client, name)
    first, first_words = sample_item("barzaz-breiz-01", "barzaz-breiz")
    second, second_words = sample_item("keleier-bremaik", "keleier")
    index_item(client, name, first, first_words, refresh=True)
    seen_during_rebuild = []

    def documents() -> Iterator[tuple[str, dict[str, object]]]:
        for item, words in ((first, first_words), (second, second_words)):
            for doc in item_documents(item, words):
                seen_during_rebuild.append(total(client, name, "iaouank"))
                yield doc

    new = reindex(client, name, documents())
    assert new != old and list(client.indices.get_alias(name=name)) == [new]
    assert not client.indices.exists(index=old)
    assert seen_during_rebuild and set(seen_during_rebuild) == {1}  # the old index answered throughout
    assert total(client, name) == 10 and total(client, name, "Roazhon") == 1  # pages only


def test_a_failed_reindex_leaves_the_alias_alone(alias: tuple[OpenSearch, str]) -> None:
    client, name = alias
    old = ensure_index(client, name)

    def broken() -> Iterator[tuple[str, dict[str, object]]]:
        yield "x", {"not_a_field": 1}  # the mapping is strict

    with pytest.raises(ServiceUnavailableError, match="refused"):
        reindex(client, name, broken())
    assert list(client.indices.get_alias(name=name)) == [old]
    assert list(client.indices.get(index=f"{name}-*")) == [old]


def test_an_index_of_another_schema_is_refused(alias: tuple[OpenSearch, str]) -> None:
    client, name = alias
    client.indices.create(index=f"{name}-old", body={"aliases": {name: {}}, "mappings": {"properties": {}}})
    with pytest.raises(ServiceUnavailableError, match="rebuild it"):
        ensure_index(client, name)
    item, words = sample_item("barzaz-breiz-02", "barzaz-breiz")
    reindex(client, name, item_documents(item, words))  # the way out
    assert ensure_index(client, name) != f"{name}-old"


def test_bad_alias_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="alias"):
        ensure_index(client_or_fail(), "Bad Alias")


def test_missing_index_is_a_service_error() -> None:
    client = client_or_fail()
    with pytest.raises(ServiceUnavailableError, match="missing"):
        search(client, unique_alias(), SearchRequest(q="tad"))


def test_unreachable_opensearch_is_a_service_error() -> None:
    client = connect("http://127.0.0.1:9", timeout=2)
    item, words = sample_item("barzaz-breiz-02", "barzaz-breiz")
    calls = [
        lambda: ensure_index(client, "heritage-test-down"),
        lambda: index_item(client, "heritage-test-down", item, words),
        lambda: delete_item(client, "heritage-test-down", item.id),
        lambda: reindex(client, "heritage-test-down", item_documents(item, words)),
        lambda: drop_index(client, "heritage-test-down"),
        lambda: search(client, "heritage-test-down", SearchRequest(q="tad")),
        lambda: search_item(client, "heritage-test-down", item.id, "tad"),
        lambda: suggest_terms(client, "heritage-test-down", "ta"),
    ]
    for call in calls:
        with pytest.raises(ServiceUnavailableError, match=r"127\.0\.0\.1:9 is unreachable \(connection refused\)"):
            call()


def test_a_node_that_never_answers_is_a_service_error() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client = connect(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=0.5)
        with pytest.raises(ServiceUnavailableError, match="did not answer in time"):
            search(client, "heritage-test-silent", SearchRequest(q="tad"))
