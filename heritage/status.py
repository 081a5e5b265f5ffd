"""Where an item and each of its pages stand, read from the store alone (works with Redis down)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from heritage.model import Item, ItemState, Stage, StageState, StageStatus, page_state
from heritage.store import Store

STALLED = "the worker stopped during this job (killed or crashed); run `heritage rerun` to finish the item"


@dataclass(frozen=True)
class PageStatus:
    page_id: str
    number: int
    state: str
    stages: dict[Stage, StageStatus]

    @property
    def errors(self) -> list[str]:
        return [f"{stage.value}: {s.error}" for stage, s in self.stages.items() if s.state is StageState.FAILED]


@dataclass(frozen=True)
class ItemStatus:
    item: Item
    state: ItemState
    pages: list[PageStatus]
    publish: StageStatus

    @property
    def done_units(self) -> int:
        """Finished steps out of ``total_units``: two per page, one to publish."""
        stages = sum(1 for p in self.pages for s in p.stages.values() if s.state is StageState.DONE)
        return stages + (1 if self.publish.state is StageState.DONE else 0)

    @property
    def total_units(self) -> int:
        return len(self.pages) * len(Stage) + 1

    @property
    def errors(self) -> list[str]:
        errors = [f"page {p.number}: {e}" for p in self.pages for e in p.errors]
        if self.publish.state is StageState.FAILED:
            errors.append(f"publish: {self.publish.error}")
        return errors


def _age_seconds(timestamp: str) -> float:
    if not timestamp:
        return 0.0
    return (datetime.now(UTC) - datetime.fromisoformat(timestamp)).total_seconds()


def _effective(status: StageStatus, stall_after: float) -> StageStatus:
    """A job still marked running long after its timeout lost its worker: report it as failed."""
    if status.state is StageState.RUNNING and _age_seconds(status.updated) > stall_after:
        return StageStatus(StageState.FAILED, status.attempts, STALLED, status.updated)
    return status


def item_status(store: Store, item: Item, stall_after: float) -> ItemStatus:
    pages = []
    for number, page in enumerate(item.pages, start=1):
        stages = {s: _effective(store.stage_status(item.id, page.id, s), stall_after) for s in Stage}
        pages.append(PageStatus(page.id, number, page_state(stages), stages))
    publish = _effective(store.publish_status(item.id), stall_after)
    return ItemStatus(item, _item_state(pages, publish), pages, publish)


def _item_state(pages: list[PageStatus], publish: StageStatus) -> ItemState:
    if publish.state is StageState.FAILED or any(p.state == "failed" for p in pages):
        return ItemState.FAILED
    if publish.state is StageState.DONE:
        return ItemState.PUBLISHED
    if all(p.state == "queued" for p in pages) and publish.state is StageState.QUEUED:
        return ItemState.QUEUED
    return ItemState.PROCESSING
