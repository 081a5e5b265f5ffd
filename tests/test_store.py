from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from heritage.errors import NotFoundError
from heritage.store import Store


@pytest.fixture
def bare_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data").ensure()


def test_writes_appear_whole_and_leave_nothing_in_tmp(bare_store: Store) -> None:
    target = bare_store.public / "a" / "b.json"
    bare_store.write_json(target, {"label": "Gwerz"})
    assert target.read_text().startswith("{")
    assert list(bare_store.tmp.iterdir()) == []


def test_a_failed_staging_leaves_no_trace(bare_store: Store) -> None:
    with pytest.raises(RuntimeError), bare_store.staging_dir("tiles") as staged:
        (staged / "half.jpg").write_bytes(b"\xff\xd8")
        raise RuntimeError("worker died")
    assert list(bare_store.tmp.iterdir()) == []


def test_replace_dir_swaps_a_whole_folder(bare_store: Store) -> None:
    dest = bare_store.iiif / "image" / "x"
    for version in ("old", "new"):
        with bare_store.staging_dir("tiles") as staged:
            (staged / "info.json").write_text(version)
            (staged / version).write_text("")
            bare_store.replace_dir(staged, dest)
    assert sorted(p.name for p in dest.iterdir()) == ["info.json", "new"]
    assert list(bare_store.tmp.iterdir()) == []


def test_clean_tmp_removes_only_old_leftovers(bare_store: Store) -> None:
    old, fresh = bare_store.tmp / "old.part", bare_store.tmp / "fresh.part"
    old.write_text("x")
    fresh.write_text("x")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert bare_store.clean_tmp(older_than=3600) == 1
    assert [p.name for p in bare_store.tmp.iterdir()] == ["fresh.part"]


def test_ids_that_are_not_ours_are_not_found(bare_store: Store) -> None:
    for bad in ("../../etc", "", "UPPERCASEID1"):
        with pytest.raises(NotFoundError):
            bare_store.load_item(bad)
