"""The IIIF Content Search services a manifest declares: 2.0 (current) and 1.0 (what viewers use).

Mirador 4 and Universal Viewer 4 find a search service by its 1.0 ``profile``; Clover reads 2.0.
Both forms validate against the Presentation 3 schema.
"""

from __future__ import annotations

from typing import Any

from heritage.iiif import urls

SEARCH2_CONTEXT = "http://iiif.io/api/search/2/context.json"
SEARCH1_CONTEXT = "http://iiif.io/api/search/1/context.json"
PRESENTATION2_CONTEXT = "http://iiif.io/api/presentation/2/context.json"
SEARCH1_PROFILE = "http://iiif.io/api/search/1/search"
AUTOCOMPLETE1_PROFILE = "http://iiif.io/api/search/1/autocomplete"


def search_services(base: str, item_id: str) -> list[dict[str, Any]]:
    """The manifest's ``service`` entries: Search 2.0 with its autocomplete, and Search 1.0."""
    return [
        {
            "id": urls.search2(base, item_id),
            "type": "SearchService2",
            "service": [{"id": urls.autocomplete2(base, item_id), "type": "AutoCompleteService2"}],
        },
        {
            "@context": SEARCH1_CONTEXT,
            "@id": urls.search1(base, item_id),
            "@type": "SearchService1",
            "profile": SEARCH1_PROFILE,
            "service": [
                {
                    "@id": urls.autocomplete1(base, item_id),
                    "@type": "AutoCompleteService1",
                    "profile": AUTOCOMPLETE1_PROFILE,
                }
            ],
        },
    ]
