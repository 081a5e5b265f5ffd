"""IIIF Change Discovery 1.0, level 2: every Create, Update and Delete of a manifest, oldest first.

The stream is the activity log itself, cut into pages of ``PAGE_SIZE`` by position: a page once
full never changes again, so only the last page and the collection need short cache lifetimes.
Pure functions from events to JSON; the routes module reads the log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from heritage import activity
from heritage.activity import Event
from heritage.harvest.oai import METADATA_PREFIX, oai_identifier, oai_url
from heritage.iiif import urls

PAGE_SIZE = 100  # activities per page; tests lower it to page through a few events
CONTEXT = "http://iiif.io/api/discovery/1/context.json"
OAI_DC_PROFILE = "http://www.openarchives.org/OAI/2.0/oai_dc/"


def collection_url(base: str) -> str:
    return f"{base}/iiif/activity/all-changes"


def page_url(base: str, number: int) -> str:
    return f"{base}/iiif/activity/page-{number}"


def page_count(total: int) -> int:
    """Pages in the stream; an empty stream still has its one (empty) page for `first` and `last`."""
    return max(1, -(-total // PAGE_SIZE))


def _ref(url: str, kind: str) -> dict[str, str]:
    return {"id": url, "type": kind}


def ordered_collection(base: str, total: int) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": collection_url(base),
        "type": "OrderedCollection",
        "totalItems": total,
        "first": _ref(page_url(base, 0), "OrderedCollectionPage"),
        "last": _ref(page_url(base, page_count(total) - 1), "OrderedCollectionPage"),
    }


def ordered_collection_page(base: str, logged: list[Event], number: int) -> dict[str, Any]:
    """Page ``number`` of the stream; the caller checks it exists (``0 <= number < page_count``)."""
    start = number * PAGE_SIZE
    page: dict[str, Any] = {
        "@context": CONTEXT,
        "id": page_url(base, number),
        "type": "OrderedCollectionPage",
        "startIndex": start,
        "partOf": _ref(collection_url(base), "OrderedCollection"),
    }
    if number > 0:
        page["prev"] = _ref(page_url(base, number - 1), "OrderedCollectionPage")
    if number < page_count(len(logged)) - 1:
        page["next"] = _ref(page_url(base, number + 1), "OrderedCollectionPage")
    page["orderedItems"] = [activity_json(base, e) for e in logged[start : start + PAGE_SIZE]]
    return page


def activity_json(base: str, event: Event) -> dict[str, Any]:
    """One activity; a live manifest points to its Dublin Core record, as section 3.5.3 suggests."""
    target: dict[str, Any] = _ref(urls.manifest(base, event.item_id), "Manifest")
    if event.kind in activity.LIVE:
        identifier = oai_identifier(base, event.item_id)
        query = urlencode({"verb": "GetRecord", "metadataPrefix": METADATA_PREFIX, "identifier": identifier})
        target["seeAlso"] = [
            {"id": f"{oai_url(base)}?{query}", "type": "Dataset", "format": "text/xml", "profile": OAI_DC_PROFILE}
        ]
    return {"type": event.kind.value, "object": target, "endTime": event.time}
