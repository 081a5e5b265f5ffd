"""The OpenAPI document, checked by schemathesis against the live server of the full sample library.

Schemathesis generates requests from the document (its examples, boundary values and random
ones), sends them over HTTP and fails on a server error or on any response whose status, media
type or body the document does not describe. Generated ids are almost never those of the library,
so a second test puts real item, page and collection ids into generated requests: without them
the 200 schemas would hardly be exercised.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from heritage.web.api_docs import OPENAPI_PATH, openapi_document
from tests.conftest import Library, get

EXAMPLES = 25
"""Generated cases per operation (plus its examples and coverage cases): a bounded run."""
PLACEHOLDER_BASE = "http://127.0.0.1"
"""The document is built at import time, before the library exists; requests go to ``library.url``."""


def _not_a_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """5xx only as documented: 503 with its JSON error; anything else is a bug."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"server error {response.status_code} for {case.path} {case.query}")
    return None


CHECKS = [_not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def real_ids(library: Library) -> dict[str, list[str]]:
    """Path parameters that exist in the live library: items, their first pages, collections."""
    item_ids = [library.items[name] for name in ("barzaz-breiz-01", "keleier-bremaik", "real/nubis-1886")]
    return {
        "item_id": item_ids,
        "page_id": [library.store.load_item(i).pages[0].id for i in item_ids],
        "slug": ["barzaz-breiz", "keleier", "imprimes-francais"],
    }


schema = schemathesis.openapi.from_dict(openapi_document(PLACEHOLDER_BASE))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=True,
)


@schema.parametrize()
@HYPOTHESIS
def test_api_answers_as_documented(case: Any, library: Library) -> None:
    """Every phase of schemathesis (examples, coverage, fuzzing); generated ids are mostly 404s."""
    case.call_and_validate(base_url=library.url, checks=CHECKS)


@pytest.mark.parametrize("path", [p for p, o in openapi_document(PLACEHOLDER_BASE)["paths"].items() if "{" in p])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_answers_as_documented_for_real_ids(path: str, mode: GenerationMode, library: Library) -> None:
    """Generated query parameters on real items, pages and collections, so the 200 schemas are exercised."""
    ids = real_ids(library)
    operation = schema[path]["GET"]

    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode), n=st.integers(0, 2))
    def run(case: Any, n: int) -> None:
        if mode is GenerationMode.POSITIVE:
            case.path_parameters = {name: ids[name][n] for name in case.path_parameters}
        case.call_and_validate(base_url=library.url, checks=CHECKS)

    run()


def test_document_is_served_with_this_server_as_base(library: Library) -> None:
    response = get(f"{library.url}{OPENAPI_PATH}")
    assert response.status_code == 200
    assert response.json() == openapi_document(library.url)
    assert response.json()["servers"] == [{"url": library.url}]


def test_every_documented_path_answers_for_real_ids(library: Library) -> None:
    """Each operation, with real ids, gives a 200 whose body has the documented required fields."""
    document = get(f"{library.url}{OPENAPI_PATH}").json()
    ids = {name: values[0] for name, values in real_ids(library).items()}
    for path, operations in document["paths"].items():
        url = path.format(**ids)
        params = {"q": "ka"} if "q" in {p["name"] for p in operations["get"]["parameters"]} else {}
        response = get(f"{library.url}{url}", params=params)
        assert response.status_code == 200, (path, response.text[:200])
