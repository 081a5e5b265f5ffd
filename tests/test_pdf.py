"""The document PDF, judged by poppler's `pdftotext` and `pdfinfo`: one page per page image, and the
invisible text layer gives back the OCR text of each page."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from heritage.config import Config
from heritage.model import DublinCore, Item, Page
from heritage.ocr.alto import Word
from heritage.pdf import PdfPage, write_pdf
from heritage.store import Store
from tests.conftest import (
    SAMPLES,
    TEST_DB,
    LiveServer,
    _require_redis,
    environment,
    free_port,
    get,
    heritage_cli,
    running_workers,
    wait_until_settled,
)


def pdftotext(pdf: Path, page: int | None = None) -> str:
    """The text in content-stream order (`-raw`): the words were written in the ALTO's reading order,
    while pdftotext's own layout analysis would interleave the Breton and French columns."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = ["pdftotext", "-raw", *pages, str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_words_outside_latin_1_are_extracted_as_written(tmp_path: Path) -> None:
    """Breton and old French spellings: the font's ToUnicode map gives back every character."""
    image = tmp_path / "page.jpg"
    Image.new("L", (800, 400), "white").save(image)
    words = [
        Word("C’hoant", 50, 50, 200, 40, None, None, "l1", "b1"),
        Word("ſeiz", 300, 50, 100, 40, None, None, "l1", "b1"),
        Word("œuvre", 50, 150, 150, 40, None, None, "l2", "b1"),
        Word("Ñ", 250, 150, 30, 40, None, None, "l2", "b1"),
    ]
    page = Page("pageaaaaaaaa", "p.jpg", 0, "0" * 64, "JPEG", 800, 400, "p.jpg")
    item = Item("itemaaaaaaaa", DublinCore.from_json({"title": "Gwerz"}), [page])
    write_pdf(tmp_path / "out.pdf", item, [PdfPage(image, 800, 400, 200.0, words)])
    assert pdftotext(tmp_path / "out.pdf").split() == ["C’hoant", "ſeiz", "œuvre", "Ñ"]


class Published:
    def __init__(self, url: str, item_id: str, store: Store) -> None:
        self.url = url
        self.item_id = item_id
        self.store = store


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Two pages of a real sample ingested through the CLI, OCRed and tiled by a real worker, served."""
    from heritage.web.app import create_app

    redis = _require_redis(TEST_DB)
    redis.flushdb()
    data_dir = tmp_path_factory.mktemp("pdf") / "data"
    port = free_port()
    env = environment(data_dir, TEST_DB, f"http://127.0.0.1:{port}")
    folder = tmp_path_factory.mktemp("sample") / "barzaz"
    folder.mkdir()
    for name in ("0001.jpg", "0002.jpg"):
        shutil.copy(SAMPLES / "barzaz-breiz-01" / name, folder / name)
    (folder / "metadata.json").write_text(json.dumps({"title": "Barzaz Breiz", "language": ["br", "fr"]}))
    with running_workers(env, count=2):
        result = heritage_cli(["ingest", str(folder)], env)
        assert result.returncode == 0, result.stderr
        item_id = result.stdout.split("\t")[0]
        store = Store(data_dir)
        wait_until_settled(store, [item_id], timeout=900)
    with LiveServer(create_app(Config.from_env(env)), port) as server:
        yield Published(server.url, item_id, store)
    redis.flushdb()


@pytest.fixture(scope="module")
def pdf(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Path:
    response = httpx.get(f"{published.url}/iiif/{published.item_id}/document.pdf", timeout=300)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path_factory.mktemp("download") / "document.pdf"
    path.write_bytes(response.content)
    return path


def test_the_pdf_has_one_page_per_page_image(published: Published, pdf: Path) -> None:
    assert page_count(pdf) == len(published.store.load_item(published.item_id).pages) == 2


def test_the_text_layer_gives_back_each_pages_ocr_text(published: Published, pdf: Path) -> None:
    item = published.store.load_item(published.item_id)
    for number, page in enumerate(item.pages, start=1):
        ocr = published.store.read_ocr(item.id, page.id, "txt").decode().split()
        assert len(ocr) > 50
        assert pdftotext(pdf, number).split() == ocr, page.id


def test_the_pdf_stays_a_reasonable_size(pdf: Path) -> None:
    assert pdf.stat().st_size < 2 * 400_000  # about 300 KB a page: a 100-page book stays near 30 MB


def test_a_second_request_is_served_from_the_cache(published: Published, pdf: Path) -> None:
    start = time.monotonic()
    again = get(f"{published.url}/iiif/{published.item_id}/document.pdf")
    assert again.content == pdf.read_bytes()
    assert time.monotonic() - start < 2
    assert len(list((published.store.public / "cache" / "pdf").glob("*.pdf"))) == 1


def test_unknown_items_have_no_pdf(published: Published) -> None:
    assert get(f"{published.url}/iiif/aaaaaaaaaaaa/document.pdf").status_code == 404
    assert get(f"{published.url}/iiif/nope/document.pdf").status_code == 404
