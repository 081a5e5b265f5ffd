"""The publication log on a real data directory: kinds, times, crash safety, concurrent writers."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from heritage import activity
from heritage.activity import Kind
from heritage.store import Store

ITEM = "abcdefghijkm"
OTHER = "abcdefghijkn"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data").ensure()


def kinds(store: Store) -> list[tuple[str, Kind]]:
    return [(e.item_id, e.kind) for e in activity.events(store)]


def test_first_publication_creates_later_ones_update_and_a_withdrawal_deletes(store: Store) -> None:
    activity.record_published(store, ITEM, "2024-05-01T10:00:00+00:00", "barzaz-breiz")
    activity.record_published(store, ITEM, "2024-05-02T10:00:00+00:00", "barzaz-breiz")
    activity.record_withdrawn(store, ITEM, "2024-05-03T10:00:00+00:00", "barzaz-breiz")
    activity.record_published(store, ITEM, "2024-05-04T10:00:00+00:00", "barzaz-breiz")
    assert kinds(store) == [(ITEM, Kind.CREATE), (ITEM, Kind.UPDATE), (ITEM, Kind.DELETE), (ITEM, Kind.UPDATE)]
    assert [e.seq for e in activity.events(store)] == [0, 1, 2, 3]
    assert activity.latest(activity.events(store))[ITEM].time == "2024-05-04T10:00:00Z"


def test_withdrawing_what_is_not_public_records_nothing(store: Store) -> None:
    assert activity.record_withdrawn(store, ITEM, "2024-05-01T10:00:00+00:00") is None
    activity.record_published(store, ITEM, "2024-05-01T10:00:00+00:00")
    assert activity.record_withdrawn(store, ITEM, "2024-05-02T10:00:00+00:00") is not None
    assert activity.record_withdrawn(store, ITEM, "2024-05-03T10:00:00+00:00") is None
    assert kinds(store) == [(ITEM, Kind.CREATE), (ITEM, Kind.DELETE)]


def test_times_are_utc_to_the_second_and_never_go_backwards(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    first = activity.record(store, ITEM, Kind.CREATE, datetime(2024, 5, 1, 12, 0, 0, 999, tzinfo=paris))
    assert first.time == "2024-05-01T10:00:00Z"
    earlier = activity.record(store, OTHER, Kind.CREATE, "2024-04-01T00:00:00Z")  # the clock stepped back
    assert earlier.time == first.time
    with pytest.raises(ValueError, match="time zone"):
        activity.record(store, ITEM, Kind.UPDATE, datetime(2024, 5, 1))


def test_the_collection_at_the_time_of_the_event_is_kept(store: Store) -> None:
    activity.record_published(store, ITEM, "2024-05-01T10:00:00Z", "barzaz-breiz")
    activity.record_published(store, ITEM, "2024-05-02T10:00:00Z", "keleier")
    assert [e.collection for e in activity.events(store)] == ["barzaz-breiz", "keleier"]


def test_a_line_cut_by_a_crash_is_never_read_and_is_cut_off_before_the_next_append(store: Store) -> None:
    activity.record_published(store, ITEM, "2024-05-01T10:00:00Z")
    path = activity.log_path(store)
    with path.open("ab") as f:
        f.write(b'{"item": "abcdefghijkn", "ki')
    reader = activity.Log(store)
    assert kinds(store) == [(ITEM, Kind.CREATE)] == [(e.item_id, e.kind) for e in reader.events()]
    activity.record_published(store, OTHER, "2024-05-02T10:00:00Z")
    assert kinds(store) == [(ITEM, Kind.CREATE), (OTHER, Kind.CREATE)]
    assert [json.loads(line)["item"] for line in path.read_text().splitlines()] == [ITEM, OTHER]
    assert reader.events() == activity.events(store)


def test_the_cached_reader_sees_appends_without_changing_lists_it_gave_out(store: Store) -> None:
    reader = activity.Log(store)
    assert reader.events() == []
    activity.record_published(store, ITEM, "2024-05-01T10:00:00Z")
    seen = reader.events()
    activity.record_published(store, OTHER, "2024-05-02T10:00:00Z")
    assert [e.item_id for e in seen] == [ITEM]
    assert reader.events() == activity.events(store)
    assert [e.seq for e in reader.events()] == [0, 1]
    activity.log_path(store).write_text("")  # replaced by an older copy: the reader starts again
    assert reader.events() == []


def _publish_many(root: str, item_id: str, count: int) -> None:
    store = Store(Path(root))
    for _ in range(count):
        activity.record_published(store, item_id, datetime.now(UTC))


def test_writers_in_several_processes_never_mix_their_lines(store: Store) -> None:
    ids = [f"abcdefghij{a}{b}" for a, b in ("mm", "mn", "mp", "mq")]
    with ProcessPoolExecutor(4) as pool:
        for future in [pool.submit(_publish_many, str(store.root), i, 25) for i in ids]:
            future.result()
    logged = activity.events(store)
    assert [e.seq for e in logged] == list(range(100))
    assert [e.time for e in logged] == sorted(e.time for e in logged)
    for item_id in ids:
        mine = [e.kind for e in logged if e.item_id == item_id]
        assert mine == [Kind.CREATE] + [Kind.UPDATE] * 24
