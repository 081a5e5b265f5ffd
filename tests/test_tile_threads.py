"""How many threads a worker tiles a page with: a second one only for a core that is idle now."""

from __future__ import annotations

from heritage.pipeline import tile_threads


def test_an_idle_second_core_gets_the_second_thread() -> None:
    assert tile_threads(2, loadavg="0.31 0.52 0.80 1/183 4242", cores=2) == 2


def test_a_core_busy_with_another_worker_leaves_one_thread() -> None:
    assert tile_threads(2, loadavg="1.95 1.90 1.70 2/190 4243", cores=2) == 1


def test_more_runnable_tasks_than_cores_still_leave_one_thread() -> None:
    assert tile_threads(4, loadavg="5.10 4.80 4.00 6/220 4244", cores=2) == 1


def test_the_setting_caps_the_threads_on_a_large_idle_machine() -> None:
    assert tile_threads(2, loadavg="0.10 0.10 0.10 1/400 4245", cores=16) == 2


def test_one_thread_is_the_setting_s_last_word() -> None:
    assert tile_threads(1, loadavg="0.00 0.00 0.00 1/100 4246", cores=2) == 1


def test_an_unreadable_load_average_means_one_thread() -> None:
    assert tile_threads(2, loadavg="not a load average", cores=2) == 1
