"""Where an item stands, as the workspace shows it: rows of the list, pages with their state,
thumbnails and errors in plain words, and the JSON the progress script polls.

Read from the store alone (``heritage.status``), so it works with Redis down; labels are
interface strings in the request's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from heritage.model import Item, ItemState, Stage, StageState
from heritage.status import ItemStatus, PageStatus, item_status
from heritage.store import Store
from heritage.web.i18n import gettext as _
from heritage.web.plain_errors import explain

THUMBNAIL_WIDTH = 150
FILTERS = ("work", "failed", "done", "drafts", "public")


def state_label(state: str) -> str:
    """A page's or an item's state word (model.page_state, ItemState) for archivists."""
    return {
        "queued": _("Queued"),
        "ocr": _("Reading text (OCR)"),
        "tiles": _("Making image tiles"),
        "processing": _("In work"),
        "done": _("Done"),
        "failed": _("Failed"),
        "published": _("Done"),
    }.get(state, state)


def filter_labels() -> dict[str, str]:
    return {
        "": _("All items"),
        "work": _("In work"),
        "failed": _("Failed"),
        "done": _("Done"),
        "drafts": _("Drafts"),
        "public": _("Public"),
    }


def in_work(status: ItemStatus) -> bool:
    return status.state in (ItemState.QUEUED, ItemState.PROCESSING)


def item_state_word(status: ItemStatus) -> str:
    """One word per item, for CSS classes and the JSON: queued, processing, failed or done."""
    return "done" if status.state is ItemState.PUBLISHED else status.state.value


@dataclass(frozen=True)
class Problem:
    stage: str  # a label: "Text recognition (OCR)", "Image tiles", "Publishing"
    plain: str
    technical: str


@dataclass(frozen=True)
class PageView:
    id: str
    number: int
    name: str
    state: str
    label: str
    rotation: int
    thumbnail: str  # "" until its tiles exist
    problems: list[Problem]


@dataclass(frozen=True)
class ItemView:
    item: Item
    status: ItemStatus
    draft: bool
    pages: list[PageView]
    publish_problem: Problem | None

    @property
    def state(self) -> str:
        return item_state_word(self.status)

    @property
    def label(self) -> str:
        return state_label(self.state)

    @property
    def in_work(self) -> bool:
        return in_work(self.status)

    @property
    def failed(self) -> bool:
        return self.status.state is ItemState.FAILED

    @property
    def percent(self) -> int:
        return round(100 * self.status.done_units / self.status.total_units)


def _stage_label(stage: Stage) -> str:
    return {Stage.OCR: _("Text recognition (OCR)"), Stage.TILES: _("Image tiles")}[stage]


def thumbnail_url(store: Store, item_id: str, page_id: str) -> str:
    """The page's smallest static image at least THUMBNAIL_WIDTH wide, versioned by its tiling
    (so a rotated page's new thumbnail is not taken from the browser's cache)."""
    path = store.tiles_info_path(item_id, page_id)
    try:
        record = json.loads(path.read_text())
        version = path.stat().st_mtime_ns
    except FileNotFoundError:
        return ""
    sizes = [tuple(s) for s in record["sizes"]]
    wide = [s for s in sizes if s[0] >= THUMBNAIL_WIDTH]
    width, height = min(wide) if wide else max(sizes)
    return f"/iiif/image/{page_id}/full/{width},{height}/0/default.jpg?v={version}"


def _page_view(store: Store, item: Item, page: PageStatus) -> PageView:
    stored = item.pages[page.number - 1]
    problems = [
        Problem(_stage_label(stage), explain(s.error), s.error)
        for stage, s in page.stages.items()
        if s.state is StageState.FAILED
    ]
    tiled = page.stages[Stage.TILES].state is StageState.DONE
    return PageView(
        id=page.page_id,
        number=page.number,
        name=stored.original_name,
        state=page.state,
        label=state_label(page.state),
        rotation=stored.rotation,
        thumbnail=thumbnail_url(store, item.id, page.page_id) if tiled else "",
        problems=problems,
    )


def item_view(store: Store, item: Item, stall_after: float, with_pages: bool = True) -> ItemView:
    """``with_pages=False`` leaves out the pages' thumbnails and problems (the list needs neither)."""
    status = item_status(store, item, stall_after)
    publish = status.publish
    problem = (
        Problem(_("Publishing"), explain(publish.error), publish.error) if publish.state is StageState.FAILED else None
    )
    return ItemView(
        item=item,
        status=status,
        draft=store.is_draft(item.id),
        pages=[_page_view(store, item, page) for page in status.pages] if with_pages else [],
        publish_problem=problem,
    )


def matches(view: ItemView, wanted: str) -> bool:
    return {
        "": True,
        "work": view.in_work,
        "failed": view.failed,
        "done": view.status.state is ItemState.PUBLISHED,
        "drafts": view.draft,
        "public": not view.draft,
    }[wanted]


def status_document(view: ItemView) -> dict[str, Any]:
    """What progress.js polls: the overall progress and each page's state, already worded."""
    return {
        "item": view.item.id,
        "state": view.state,
        "label": view.label,
        "in_work": view.in_work,
        "done": view.status.done_units,
        "total": view.status.total_units,
        "percent": view.percent,
        "draft": view.draft,
        "pages": [
            {
                "id": p.id,
                "number": p.number,
                "state": p.state,
                "label": p.label,
                "thumbnail": p.thumbnail,
                "errors": [{"stage": e.stage, "plain": e.plain, "technical": e.technical} for e in p.problems],
            }
            for p in view.pages
        ],
        "publish_error": view.publish_problem.plain if view.publish_problem else "",
    }
