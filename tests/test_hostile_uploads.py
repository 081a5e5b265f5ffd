"""The hostile corpus: every upload here ends with a clear message and leaves the store tree and
the job queue exactly as they were."""

from __future__ import annotations

import contextlib
import dataclasses
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import lxml.html
import pytest
from redis import Redis
from reportlab.pdfgen.canvas import Canvas
from starlette.testclient import TestClient

from heritage.config import Config
from heritage.ingest import uploads
from heritage.store import Store
from tests.conftest import SAMPLES, LiveServer, free_port, tree
from tests.images import png_bomb
from tests.test_uploads import hostile_pdf
from tests.workspace import add_user, log_in

PAGE = SAMPLES / "barzaz-breiz-05" / "0001.jpg"
EN = {"accept-language": "en"}
MB = 1 << 20


@contextlib.contextmanager
def unchanged(store: Store, redis: Redis, config: Config) -> Iterator[None]:
    """The block may do anything but change the data directory or the queue."""
    before, queued = tree(store.root), redis.llen(f"rq:queue:{config.queue}")
    yield
    assert tree(store.root) == before
    assert redis.llen(f"rq:queue:{config.queue}") == queued
    assert store.item_ids() == []


def upload(client: TestClient, files: list[tuple[str, bytes]]) -> tuple[int, str]:
    """Upload as upload.js does; the status and message of the first refusal."""
    batch = uploads.new_batch_id()
    headers = {"x-csrf-token": client.csrf, "content-type": "application/octet-stream", **EN}  # type: ignore[attr-defined]
    for name, body in files:
        response = client.put(f"/workspace/uploads/{batch}/{name}", content=body, headers=headers)
        if response.status_code != 201:
            return response.status_code, response.json()["error"]
    response = client.post(
        f"/workspace/uploads/{batch}/finish",
        data={"csrf": client.csrf, "title": "Hostile", "type": "Text"},  # type: ignore[attr-defined]
        headers=EN,
    )
    html = lxml.html.fromstring(response.text)
    return response.status_code, " ".join(html.get_element_by_id("upload-error").text_content().split())


def post_form(client: TestClient, files: list[tuple[str, bytes]]) -> httpx.Response:
    """Upload as the form does without JavaScript: every file and the description in one body."""
    return client.post(
        "/workspace/upload",
        data={"csrf": client.csrf, "title": "Hostile", "type": "Text"},  # type: ignore[attr-defined]
        files=[("files", (name, body, "image/jpeg")) for name, body in files],
        headers=EN,
    )


def form_error(response: httpx.Response) -> str:
    return " ".join(lxml.html.fromstring(response.text).get_element_by_id("upload-error").text_content().split())


def many_pages_pdf(path: Path, pages: int) -> bytes:
    canvas = Canvas(str(path), pagesize=(200, 200))
    for _ in range(pages):
        canvas.showPage()
    canvas.save()
    return path.read_bytes()


def refused(
    archivist: TestClient, store: Store, redis: Redis, config: Config, files: list[tuple[str, bytes]]
) -> tuple[int, str]:
    with unchanged(store, redis, config):
        return upload(archivist, files)


def test_a_zero_byte_file_is_refused(archivist: TestClient, store: Store, redis: Redis, config: Config) -> None:
    status, message = refused(archivist, store, redis, config, [("0001.jpg", b"")])
    assert (status, message) == (400, "0001.jpg: the file is empty (0 bytes)")


def test_a_truncated_jpeg_refuses_the_whole_upload(
    archivist: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    files = [("0001.jpg", PAGE.read_bytes()), ("0002.jpg", PAGE.read_bytes()[: PAGE.stat().st_size // 2])]
    status, message = refused(archivist, store, redis, config, files)
    assert status == 400 and "0002.jpg: the JPEG data is corrupt or truncated" in message
    assert "Nothing was stored" in message


def test_a_text_file_named_tif_is_refused_at_its_first_bytes(
    archivist: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    status, message = refused(archivist, store, redis, config, [("scan.tif", b"Kenavo!\n" * 1000)])
    assert status == 400 and message.startswith("scan.tif: not a JPEG, PNG, TIFF or JPEG 2000 image nor a PDF")


def test_a_zip_archive_named_jpg_is_refused(archivist: TestClient, store: Store, redis: Redis, config: Config) -> None:
    status, message = refused(archivist, store, redis, config, [("page.jpg", b"PK\x03\x04" + b"\0" * 4000)])
    assert status == 400 and "judged by its content, not its name" in message


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (10_000_000, 50)])
def test_decompression_bombs_and_huge_dimensions_are_refused_before_decoding(
    archivist: TestClient, store: Store, redis: Redis, config: Config, tmp_path: Path, width: int, height: int
) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", width, height).read_bytes()
    status, message = refused(archivist, store, redis, config, [("bomb.png", bomb)])
    assert status == 413 and "bomb.png: refused as a decompression bomb" in message and "HERITAGE_MAX_PIXELS" in message


@pytest.mark.parametrize(
    ("kind", "why"),
    [("javascript", "contains JavaScript"), ("launch", "runs an action"), ("attachment", "carries embedded files")],
)
def test_pdfs_with_scripts_actions_or_attachments_are_refused(
    archivist: TestClient, store: Store, redis: Redis, config: Config, tmp_path: Path, kind: str, why: str
) -> None:
    pdf = hostile_pdf(tmp_path / "hostile.pdf", kind).read_bytes()
    status, message = refused(archivist, store, redis, config, [("hostile.pdf", pdf)])
    assert status == 400 and f"hostile.pdf: the PDF {why}" in message


def test_a_pdf_with_thousands_of_pages_is_refused(
    archivist: TestClient, store: Store, redis: Redis, config: Config, tmp_path: Path
) -> None:
    pdf = many_pages_pdf(tmp_path / "long.pdf", 3000)
    status, message = refused(archivist, store, redis, config, [("long.pdf", pdf)])
    assert status == 413 and "long.pdf: 3,000 pages is above the limit of 2,000 (HERITAGE_MAX_PDF_PAGES)" in message


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("%2E%2E%2Fevil.jpg", "may not contain / or \\"),
        ("%2E%2E%5Cevil.jpg", "may not contain / or \\"),
        ("%2E%2E", "may not start with a dot"),
        ("page%E2%80%AEgpj.tif", "invisible or control characters"),
        ("page%00.jpg", "invisible or control characters"),
    ],
)
def test_file_names_that_climb_or_hide_are_refused(
    archivist: TestClient, store: Store, redis: Redis, config: Config, name: str, why: str
) -> None:
    status, message = refused(archivist, store, redis, config, [(name, PAGE.read_bytes())])
    assert status == 400 and why in message


def test_a_multipart_file_name_with_folders_is_refused(
    archivist: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    with unchanged(store, redis, config):
        response = archivist.post(
            "/workspace/upload",
            data={"csrf": archivist.csrf, "title": "T", "type": "Text"},  # type: ignore[attr-defined]
            files=[("files", ("../../etc/passwd.jpg", PAGE.read_bytes(), "image/jpeg"))],
            headers=EN,
        )
    assert response.status_code == 400
    assert (
        "may not contain / or \\"
        in lxml.html.fromstring(response.text).get_element_by_id("upload-error").text_content()
    )


@pytest.fixture
def two_files_at_most(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HERITAGE_MAX_UPLOAD_FILES", "2")


def test_a_multipart_post_with_too_many_files_is_refused_while_parsing(
    two_files_at_most: None, archivist: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    with unchanged(store, redis, config):
        response = post_form(archivist, [(f"{n}.jpg", PAGE.read_bytes()) for n in range(5)])
    assert response.status_code == 400
    assert "Too many files" in form_error(response)


@pytest.fixture
def live(config: Config, store: Store) -> Iterator[tuple[httpx.Client, str]]:
    """A real server (uvicorn) accepting 8 GiB files, and a client logged in to it."""
    from heritage.web.app import create_app

    app = create_app(dataclasses.replace(config, max_file_bytes=8 << 30))
    with LiveServer(app, free_port()) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        token = log_in(client, add_user(store))
        yield client, token


def test_a_multi_gigabyte_stream_cut_off_midway_leaves_nothing_and_stays_small_in_memory(
    live: tuple[httpx.Client, str], store: Store, redis: Redis, config: Config
) -> None:
    client, token = live
    declared, sent_before_cut = 4 << 30, 256 * MB

    def body() -> Iterator[bytes]:
        yield b"II*\x00" + b"\0" * (MB - 4)
        for _ in range(sent_before_cut // MB - 1):
            yield b"\0" * MB
        raise ConnectionAbortedError("the archivist's laptop went to sleep")

    with unchanged(store, redis, config):
        tracemalloc.start()
        with pytest.raises((ConnectionAbortedError, httpx.HTTPError)):
            client.put(
                f"/workspace/uploads/{uploads.new_batch_id()}/scan.tif",
                content=body(),
                headers={"x-csrf-token": token, "content-length": str(declared)},
            )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        deadline = time.monotonic() + 20
        while any(uploads.uploads_root(store).rglob("*")) and time.monotonic() < deadline:
            time.sleep(0.1)
    assert peak < 32 * MB, f"{peak / MB:.0f} MB traced while streaming {sent_before_cut // MB} MB"


def test_a_300_mb_file_is_streamed_to_disk_not_held_in_memory(live: tuple[httpx.Client, str], store: Store) -> None:
    client, token = live
    size = 300 * MB

    def body() -> Iterator[bytes]:
        yield b"II*\x00" + b"\0" * (MB - 4)
        for _ in range(size // MB - 1):
            yield b"\1" * MB

    batch = uploads.new_batch_id()
    tracemalloc.start()
    response = client.put(f"/workspace/uploads/{batch}/big.tif", content=body(), headers={"x-csrf-token": token})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 201, response.text
    [stored] = uploads.batch_files(store, batch, "anna")
    assert stored.stat().st_size == size
    assert peak < 32 * MB, f"{peak / MB:.0f} MB traced while streaming {size // MB} MB"


@pytest.fixture
def small_files(config: Config, store: Store) -> Iterator[TestClient]:
    """The application accepting files of at most 100 kB, and an archivist logged in to it."""
    from heritage.web.app import create_app

    app = create_app(dataclasses.replace(config, max_file_bytes=100_000))
    with TestClient(app, base_url=config.base_url, follow_redirects=False) as client:
        client.csrf = log_in(client, add_user(store))  # type: ignore[attr-defined]
        yield client


def test_a_form_post_larger_than_one_file_may_be_is_refused_before_it_is_read(
    small_files: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    """Without JavaScript every file comes in one body, which Starlette would spool to disk whole."""
    with unchanged(store, redis, config):
        response = post_form(small_files, [(f"000{n}.jpg", PAGE.read_bytes()) for n in (1, 2, 3)])
    assert response.status_code == 413
    assert "at most 4.0 MB in all" in form_error(response)


def test_a_form_post_of_unknown_length_is_refused(
    small_files: TestClient, store: Store, redis: Redis, config: Config
) -> None:
    def body() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nChunked\r\n--b--\r\n'

    with unchanged(store, redis, config):
        response = small_files.post(
            "/workspace/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=b", **EN}
        )
    assert response.status_code == 413
    assert "turn JavaScript on" in form_error(response)
