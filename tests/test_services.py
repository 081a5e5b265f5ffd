"""The services the library runs on are real and complete: a missing one fails here, first."""

from __future__ import annotations

import shutil
import subprocess

import httpx
import pytest

from tests.conftest import OPENSEARCH_URL


def test_opensearch_answers_with_the_language_analysers() -> None:
    try:
        response = httpx.post(
            f"{OPENSEARCH_URL}/_analyze", json={"analyzer": "french", "text": "L’église chantée"}, timeout=30
        )
    except httpx.HTTPError as e:
        pytest.fail(f"OpenSearch is not reachable at {OPENSEARCH_URL} ({e}): run `make services`", pytrace=False)
    assert response.status_code == 200, response.text
    assert [t["token"] for t in response.json()["tokens"]] == ["eglis", "chant"]


def test_opensearch_has_the_analysis_common_filters() -> None:
    body = {
        "tokenizer": "standard",
        "filter": [{"type": "elision", "articles": ["d"]}, "lowercase", "asciifolding"],
        "text": "d'Ñoz",
    }
    response = httpx.post(f"{OPENSEARCH_URL}/_analyze", json=body, timeout=30)
    assert response.status_code == 200, response.text
    assert [t["token"] for t in response.json()["tokens"]] == ["noz"]


def test_tesseract_has_the_breton_and_french_models() -> None:
    binary = shutil.which("tesseract")
    assert binary, "tesseract is missing: run `make system`"
    languages = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=True).stdout.split()
    assert {"bre", "fra", "eng"} <= set(languages)
