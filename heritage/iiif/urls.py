"""Every public IIIF URL in one place, so manifests, the web routes and tests agree on them."""

from __future__ import annotations


def image_service(base: str, page_id: str) -> str:
    return f"{base}/iiif/image/{page_id}"


def manifest(base: str, item_id: str) -> str:
    return f"{base}/iiif/{item_id}/manifest.json"


def canvas(base: str, item_id: str, page_id: str) -> str:
    return f"{base}/iiif/{item_id}/canvas/{page_id}"


def alto(base: str, item_id: str, page_id: str) -> str:
    return f"{base}/iiif/{item_id}/alto/{page_id}.xml"


def text(base: str, item_id: str, page_id: str) -> str:
    return f"{base}/iiif/{item_id}/text/{page_id}.txt"


def collection(base: str, slug: str = "") -> str:
    return f"{base}/iiif/collection/{slug}" if slug else f"{base}/iiif/collection"


def provider(base: str) -> str:
    return f"{base}/"


def search2(base: str, item_id: str) -> str:
    return f"{base}/iiif/{item_id}/search"


def autocomplete2(base: str, item_id: str) -> str:
    return f"{base}/iiif/{item_id}/autocomplete"


def search1(base: str, item_id: str) -> str:
    return f"{base}/iiif/{item_id}/search1"


def autocomplete1(base: str, item_id: str) -> str:
    return f"{base}/iiif/{item_id}/autocomplete1"


def search_annotation(base: str, item_id: str, page_id: str) -> str:
    return f"{base}/iiif/{item_id}/search/annotation/{page_id}"


def dynamic_image_service(base: str, page_id: str) -> str:
    """The page's level-2 service, made on request, beside the static level-0 one."""
    return f"{base}/iiif/dynamic/{page_id}"
