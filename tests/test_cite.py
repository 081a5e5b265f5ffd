"""Citations in every style, from the real metadata of the shared samples, and their downloads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import lxml.html
import pytest

from heritage.model import DublinCore, Item
from heritage.web import cite, i18n
from tests.conftest import SAMPLES, Library, get

SAMPLE = "barzaz-breiz-01"
URL = "http://127.0.0.1:8765/items/abcdefghijkm/2"
CREDIT = "Barzaz Breiz, 1846 edition, text from Wikisource (CC BY-SA 3.0)"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.activate("en")
    yield


def sample_item() -> Item:
    dc = DublinCore.from_json(json.loads((SAMPLES / SAMPLE / "metadata.json").read_text()))
    return Item(id="abcdefghijkm", metadata=dc, pages=[])


def barzaz(page: int = 2, pages: int = 4) -> cite.Citation:
    return cite.citation(sample_item(), page, pages, URL, CREDIT, "Heritage digital library")


def ris_tags(text: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in text.split("\r\n") if line]


def test_the_plain_style_names_creator_title_publisher_date_page_library_url_credit_and_rights() -> None:
    text = cite.plain(barzaz())
    assert text.startswith("Théodore Hersart de La Villemarqué. Barzaz Breiz — PRÉDICTION DE GWENC’HLAN")
    assert "A. Franck, Paris, 1846. Page 2 of 4. Heritage digital library." in text
    assert f"{URL}. {CREDIT}. Rights: CC BY-SA 3.0." in text


def test_the_apa_style_puts_the_year_after_the_creator_and_ends_with_the_url() -> None:
    text = cite.apa(barzaz())
    assert text.startswith("Théodore Hersart de La Villemarqué (1846). Barzaz Breiz")
    assert "[Page 2 of 4]. A. Franck, Paris. Heritage digital library." in text
    assert text.endswith(f" {URL}")


def test_a_document_of_one_page_is_cited_without_a_page() -> None:
    assert "Page" not in cite.plain(barzaz(1, 1)) and "pages" not in cite.bibtex(barzaz(1, 1))


def test_bibtex_is_a_misc_entry_with_the_fields_a_reference_manager_needs() -> None:
    text = cite.bibtex(barzaz())
    assert text.startswith("@misc{abcdefghijkm-2,\n")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", text, flags=re.M))
    assert fields["author"] == "{Théodore Hersart de La Villemarqué}"
    assert fields["title"].startswith("{Barzaz Breiz")
    assert (fields["year"], fields["pages"], fields["url"]) == ("1846", "2", URL)
    assert fields["language"] == "br, fr"
    assert "Rights: CC BY-SA 3.0" in fields["note"]
    assert text.count("{") == text.count("}")


def test_bibtex_escapes_what_latex_would_read_as_commands() -> None:
    item = sample_item()
    odd = Item(id=item.id, metadata=DublinCore(title="50% & #1 {draft}_x"), pages=[])
    text = cite.bibtex(cite.citation(odd, 1, 1, URL, "", ""))
    assert r"title = {{50\% \& \#1 \{draft\}\_x}}" in text


def test_ris_lists_each_creator_publisher_and_language_and_ends_the_record() -> None:
    text = cite.ris(barzaz())
    tags = ris_tags(text)
    assert tags[0] == ("TY", "BOOK") and tags[-1] == ("ER", "")
    assert ("AU", "Théodore Hersart de La Villemarqué") in tags
    assert ("PY", "1846") in tags and ("SP", "2") in tags and ("UR", URL) in tags
    assert [v for t, v in tags if t == "LA"] == ["br", "fr"]
    assert ("N1", CREDIT) in tags
    assert "\n" not in text.replace("\r\n", "")


def test_the_rights_and_page_are_written_in_the_readers_language() -> None:
    i18n.activate("fr")
    undetermined = Item(id="abcdefghijkm", metadata=DublinCore(title="Rapport"), pages=[])
    record = cite.citation(undetermined, 2, 4, URL, "", "")
    assert record.rights == i18n.gettext("Copyright Undetermined") != "Copyright Undetermined"
    assert record.where == "Page 2 sur 4"
    assert record.rights in cite.plain(record)


def test_the_embed_keeps_the_page_proportions_within_the_limits() -> None:
    assert cite.embed_size(1000, 2000) == (cite.EMBED_WIDTH, cite.EMBED_WIDTH * 2 + cite.EMBED_CHROME)
    width, height = cite.embed_size(1000, 2000, maxwidth=800, maxheight=500)
    assert height == 500 and width == round((500 - cite.EMBED_CHROME) / 2)


# -- over HTTP, on the published library ------------------------------------------------------


def test_the_ris_download_cites_the_exact_page_with_its_permanent_url(library: Library) -> None:
    item_id = library.items[SAMPLE]
    response = get(f"{library.url}/cite/{item_id}/2.ris")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-research-info-systems")
    assert "attachment" in response.headers["content-disposition"]
    tags = ris_tags(response.text)
    assert ("UR", f"{library.url}/items/{item_id}/2") in tags
    assert ("TI", sample_item().metadata.title) in tags


def test_the_bibtex_download_names_the_publisher_of_the_sample(library: Library) -> None:
    response = get(f"{library.url}/cite/{library.items[SAMPLE]}/1.bib")
    assert response.status_code == 200
    assert "publisher = {A. Franck, Paris}" in response.text
    assert f"url = {{{library.url}/items/{library.items[SAMPLE]}}}" in response.text


def test_citation_downloads_of_unknown_pages_or_formats_are_404(library: Library) -> None:
    item_id = library.items[SAMPLE]
    for path in (f"{item_id}/99.ris", f"{item_id}/1.docx", "aaaaaaaaaaaa/1.ris"):
        assert get(f"{library.url}/cite/{path}").status_code == 404, path


def test_the_reader_shows_the_citations_of_its_page(library: Library) -> None:
    item_id = library.items[SAMPLE]
    page = lxml.html.fromstring(get(f"{library.url}/items/{item_id}/3").text)
    styles = page.xpath("//section[@class='share']//dl[@class='citations']/dt/text()")
    assert styles == ["Plain (Chicago-like)", "APA-like", "BibTeX"]
    plain = page.xpath("//p[@id='cite-1']")[0].text_content()
    assert f"{library.url}/items/{item_id}/3" in plain and "Page 3 of 4" in plain and "CC BY-SA 3.0" in plain
    files = page.xpath("//ul[@class='citation-files']//a/@href")
    assert files == [f"/cite/{item_id}/3.ris", f"/cite/{item_id}/3.bib"]
