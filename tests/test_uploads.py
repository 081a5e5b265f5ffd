"""Upload staging (heritage.ingest.uploads) and PDF pages (heritage.ingest.pdf_pages) on real files."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from heritage.config import Config
from heritage.errors import InvalidInputError, NotFoundError, TooLargeError
from heritage.ingest import pdf_pages, uploads
from heritage.model import Collection, DublinCore
from heritage.store import Store, sha256_file
from tests.conftest import SAMPLES, tree

PAGE = SAMPLES / "barzaz-breiz-05" / "0001.jpg"


async def _chunks(data: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def receive(store: Store, config: Config, batch: str, name: str, data: bytes, owner: str = "anna") -> uploads.Received:
    return asyncio.run(uploads.receive(store, config, batch, owner, name, _chunks(data)))


def make_pdf(path: Path, pages: int = 2, text: str = "Barzaz Breiz") -> Path:
    canvas = Canvas(str(path), pagesize=(300, 400))
    for number in range(pages):
        canvas.drawString(40, 300, f"{text} {number + 1}")
        canvas.showPage()
    canvas.save()
    return path


def hostile_pdf(path: Path, kind: str) -> Path:
    """A one-page PDF that would act when opened, or carry a file, depending on ``kind``."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if kind == "javascript":  # a document-level script in the name tree, run when the PDF opens
        script = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
        )
        scripts = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])})
        writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): scripts})
    elif kind == "attachment":
        writer.add_attachment("payload.exe", b"MZ not really")
    elif kind == "launch":
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
    with path.open("wb") as f:
        writer.write(f)
    return path


def test_a_streamed_file_lands_in_the_batch_under_its_name(store: Store, config: Config) -> None:
    batch = uploads.new_batch_id()
    received = receive(store, config, batch, "0001.jpg", PAGE.read_bytes())
    assert received == uploads.Received("0001.jpg", PAGE.stat().st_size)
    [stored] = uploads.batch_files(store, batch, "anna")
    assert stored.read_bytes() == PAGE.read_bytes()


def test_a_file_over_the_byte_limit_is_refused_while_streaming_and_leaves_nothing(store: Store, config: Config) -> None:
    small = dataclasses.replace(config, max_file_bytes=100_000)
    before = tree(store.root)
    with pytest.raises(TooLargeError, match="above the limit of 100,000"):
        receive(store, small, uploads.new_batch_id(), "0001.jpg", PAGE.read_bytes())
    assert tree(store.root) == before
    assert not any(uploads.uploads_root(store).iterdir())


def test_a_stream_cut_off_midway_leaves_no_file(store: Store, config: Config) -> None:
    async def cut() -> AsyncIterator[bytes]:
        yield PAGE.read_bytes()[:100_000]
        raise ConnectionResetError("the browser went away")

    before = tree(store.root)
    with pytest.raises(ConnectionResetError):
        asyncio.run(uploads.receive(store, config, uploads.new_batch_id(), "anna", "0001.jpg", cut()))
    assert tree(store.root) == before


def test_a_cut_off_second_file_keeps_the_first(store: Store, config: Config) -> None:
    async def cut() -> AsyncIterator[bytes]:
        yield PAGE.read_bytes()[:1000]
        raise ConnectionResetError

    batch = uploads.new_batch_id()
    receive(store, config, batch, "0001.jpg", PAGE.read_bytes())
    with pytest.raises(ConnectionResetError):
        asyncio.run(uploads.receive(store, config, batch, "anna", "0002.jpg", cut()))
    assert [p.name for p in uploads.batch_files(store, batch, "anna")] == ["0001.jpg"]


def test_text_named_tif_is_refused_at_its_first_bytes(store: Store, config: Config) -> None:
    with pytest.raises(InvalidInputError, match="judged by its content"):
        receive(store, config, uploads.new_batch_id(), "scan.tif", b"This is not an image at all, just words.\n" * 100)


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../evil.jpg", "may not contain /"),
        ("..\\evil.jpg", "may not contain /"),
        ("..", "start with a dot"),
        (".hidden.jpg", "start with a dot"),
        ("page\u202egpj.tif", "invisible or control"),
        ("page\x00.jpg", "invisible or control"),
        ("é" * 200 + ".jpg", "too long"),
        ("   ", "has no name"),
    ],
)
def test_unsafe_file_names_are_refused(name: str, why: str) -> None:
    with pytest.raises(InvalidInputError, match=why):
        uploads.upload_name(name)


def test_a_decomposed_unicode_name_is_kept_in_its_composed_form() -> None:
    assert uploads.upload_name("Kane\u0301vedenn.jpg") == "Kanévedenn.jpg"


def test_another_archivists_batch_is_not_theirs(store: Store, config: Config) -> None:
    batch = uploads.new_batch_id()
    receive(store, config, batch, "0001.jpg", PAGE.read_bytes())
    with pytest.raises(NotFoundError):
        receive(store, config, batch, "0002.jpg", PAGE.read_bytes(), owner="yann")
    assert uploads.batch_files(store, batch, "yann") == []


def test_too_many_files_in_one_batch_are_refused(store: Store, config: Config) -> None:
    two = dataclasses.replace(config, max_upload_files=2)
    batch = uploads.new_batch_id()
    for name in ("1.jpg", "2.jpg"):
        receive(store, two, batch, name, PAGE.read_bytes())
    with pytest.raises(TooLargeError, match="HERITAGE_MAX_UPLOAD_FILES"):
        receive(store, two, batch, "3.jpg", PAGE.read_bytes())


def _upload(store: Store, config: Config, files: Iterable[tuple[str, bytes]]) -> str:
    batch = uploads.new_batch_id()
    for name, data in files:
        receive(store, config, batch, name, data)
    return batch


def test_finishing_stores_a_draft_in_natural_file_name_order(store: Store, config: Config) -> None:
    pages = [SAMPLES / "barzaz-breiz-05" / f"000{n}.jpg" for n in (1, 2)]
    batch = _upload(store, config, [("page-10.jpg", pages[1].read_bytes()), ("page-2.jpg", pages[0].read_bytes())])
    item = uploads.finish(store, config, batch, "anna", DublinCore(title="Gwerz"), None)
    assert [p.original_name for p in item.pages] == ["page-2.jpg", "page-10.jpg"]
    assert store.is_draft(item.id)
    assert store.load_item(item.id) == item
    assert not uploads.batch_files(store, batch, "anna")


def test_finishing_creates_a_new_collection(store: Store, config: Config) -> None:
    batch = _upload(store, config, [("0001.jpg", PAGE.read_bytes())])
    item = uploads.finish(store, config, batch, "anna", DublinCore(title="T"), Collection("gwerziou", "Gwerzioù"))
    assert item.collection == "gwerziou"
    assert store.load_collection("gwerziou").name == "Gwerzioù"


def test_a_bad_file_refuses_the_whole_batch_and_stores_nothing(store: Store, config: Config) -> None:
    batch = _upload(store, config, [("0001.jpg", PAGE.read_bytes()), ("0002.jpg", PAGE.read_bytes()[:50_000])])
    before = {k: v for k, v in tree(store.root).items() if not k.startswith(uploads.UPLOADS_DIR)}
    with pytest.raises(InvalidInputError, match="0002.jpg: the JPEG data is corrupt or truncated"):
        uploads.finish(store, config, batch, "anna", DublinCore(title="T"), None)
    after = {k: v for k, v in tree(store.root).items() if not k.startswith(uploads.UPLOADS_DIR)}
    assert after == before
    assert store.item_ids() == []


def test_a_pdf_becomes_page_images_and_is_kept_untouched_as_an_original(
    store: Store, config: Config, tmp_path: Path
) -> None:
    pdf = make_pdf(tmp_path / "kanaouenn.pdf", pages=3)
    batch = _upload(store, config, [("0001.jpg", PAGE.read_bytes()), ("kanaouenn.pdf", pdf.read_bytes())])
    item = uploads.finish(store, config, batch, "anna", DublinCore(title="T"), None)
    assert [p.format for p in item.pages] == ["JPEG", "TIFF", "TIFF", "TIFF"]
    assert item.pages[1].width == round(300 / 72 * config.pdf_dpi)
    [original] = item.originals
    assert original.original_name == "kanaouenn.pdf" and original.format == "PDF"
    assert original.pages == [p.id for p in item.pages[1:]]
    master = store.item_dir(item.id) / "masters" / original.master
    assert master.read_bytes() == pdf.read_bytes()
    assert sha256_file(master) == original.sha256
    assert master.stat().st_mode & 0o222 == 0
    assert store.load_item(item.id).originals == [original]


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("javascript", "contains JavaScript"),
        ("attachment", "carries embedded files"),
        ("launch", "runs an action when it is opened"),
    ],
)
def test_pdfs_that_could_act_or_carry_files_are_refused(tmp_path: Path, kind: str, why: str) -> None:
    pdf = hostile_pdf(tmp_path / f"{kind}.pdf", kind)
    with pytest.raises(InvalidInputError, match=why):
        pdf_pages.check_pdf(pdf, max_pages=10, max_pixels=10**8, dpi=300)


def test_an_open_action_that_only_shows_the_first_page_is_harmless(tmp_path: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page.indirect_reference, NameObject("/Fit")])
    path = tmp_path / "fit.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert pdf_pages.check_pdf(path, max_pages=10, max_pixels=10**8, dpi=300).dpi == [300]


def test_a_pdf_above_the_page_limit_is_refused_before_rendering(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "long.pdf", pages=12)
    with pytest.raises(TooLargeError, match="12 pages is above the limit of 10"):
        pdf_pages.check_pdf(pdf, max_pages=10, max_pixels=10**8, dpi=300)


def test_a_damaged_pdf_is_refused_in_plain_words(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "cut.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf.read_bytes()[:200])
    with pytest.raises(InvalidInputError, match="broken.pdf: "):
        pdf_pages.render_pages(broken, tmp_path / "out", max_pages=10, max_pixels=10**8, dpi=300)


def test_a_page_that_would_pass_the_pixel_limit_is_rendered_at_a_lower_dpi(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "big.pdf", pages=1)  # 300 x 400 pt: 1250 x 1667 px at 300 dpi
    plan = pdf_pages.check_pdf(pdf, max_pages=10, max_pixels=1_000_000, dpi=300)
    [dpi] = plan.dpi
    assert dpi < 300 and (300 / 72 * dpi) * (400 / 72 * dpi) <= 1_000_000
    [page] = pdf_pages.render_pages(pdf, tmp_path / "out", max_pages=10, max_pixels=1_000_000, dpi=300)
    assert page.suffix == ".tif"


def test_abandoned_batches_are_cleaned_but_fresh_ones_kept(store: Store, config: Config) -> None:
    old = _upload(store, config, [("1.jpg", PAGE.read_bytes())])
    fresh = _upload(store, config, [("1.jpg", PAGE.read_bytes())])
    for path in (uploads.uploads_root(store) / old).rglob("*"):
        os.utime(path, (0, 0))
    assert uploads.clean_stale(store, older_than=3600) == 1
    assert uploads.batch_files(store, fresh, "anna") and not (uploads.uploads_root(store) / old).exists()
