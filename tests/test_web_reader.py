"""The item reader over HTTP on the published sample library: structure, text, search, downloads."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import lxml.html
from lxml.html import HtmlElement

from heritage.config import Config
from heritage.model import Item
from heritage.ocr.alto import Word, parse_words
from heritage.search.layout import Box
from heritage.web import i18n
from heritage.web.app import create_app
from heritage.web.reader_metadata import rights_label
from heritage.web.reader_text import text_blocks
from tests.conftest import OPENSEARCH_URL, SAMPLES, Library, LiveServer, free_port, get, heritage_cli
from tests.tcp_proxy import TcpProxy

SVG = "{http://www.w3.org/2000/svg}"
BARZAZ = "barzaz-breiz-01"


def fetch(library: Library, path: str, **params: str) -> HtmlElement:
    response = get(f"{library.url}{path}", params=params)
    assert response.status_code == 200, (path, response.status_code)
    return lxml.html.fromstring(response.text)


def item(library: Library, sample: str = BARZAZ) -> Item:
    return library.store.load_item(library.items[sample])


def words(library: Library, sample: str, number: int) -> list[Word]:
    record = item(library, sample)
    alto = library.store.item_public_dir(record.id) / "alto" / f"{record.pages[number - 1].id}.xml"
    return parse_words(alto.read_bytes())


def searchable_word(library: Library, sample: str, number: int) -> Word:
    """A long, purely alphabetic word OCR read on that page, to search for."""
    return next(w for w in words(library, sample, number) if re.fullmatch(r"[^\W\d_]{6,}", w.text))


def layer_words(page: HtmlElement) -> list[HtmlElement]:
    return page.xpath("//svg[contains(@class,'text-layer')]//tspan")


def hit_boxes(page: HtmlElement) -> set[tuple[int, int, int, int]]:
    rects = page.xpath("//svg[contains(@class,'text-layer')]/rect[contains(@class,'hit')]")
    return {tuple(int(r.get(k)) for k in ("x", "y", "width", "height")) for r in rects}  # type: ignore[misc]


def test_the_item_url_shows_page_one_with_a_title_and_description_about_the_document(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}")
    assert record.metadata.title in page.findtext(".//title")
    description = page.xpath("//meta[@name='description']/@content")[0]
    assert record.metadata.title in description and "1" in description
    assert page.xpath("//h1")[0].text_content() == record.metadata.title
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/items/{record.id}"]


def test_a_page_canonical_url_is_its_own_without_the_query(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/2", q="kan")
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/items/{record.id}/2"]


def test_unknown_items_and_pages_outside_the_document_are_404(library: Library) -> None:
    record = item(library)
    count = len(record.pages)
    for path in (
        "aaaaaaaaaaaa",
        "not-an-id",
        f"{record.id}/0",
        f"{record.id}/{count + 1}",
        f"{record.id}/two",
        f"{record.id}/02",
        "aaaaaaaaaaaa/text.txt",
    ):
        assert get(f"{library.url}/items/{path}").status_code == 404, path


def test_an_item_not_yet_published_is_a_404(library: Library) -> None:
    result = heritage_cli(["ingest", str(SAMPLES / "barzaz-breiz-02")], library.env)
    assert result.returncode == 0, result.stderr
    item_id = result.stdout.split("\t")[0]
    assert library.store.load_item(item_id).pages
    assert get(f"{library.url}/items/{item_id}").status_code == 404


def test_the_text_layer_holds_every_ocr_word_at_its_alto_box(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/2")
    layer = page.xpath("//svg[contains(@class,'text-layer')]")[0]
    assert layer.get("viewbox", layer.get("viewBox")) == f"0 0 {record.pages[1].width} {record.pages[1].height}"
    expected = words(library, BARZAZ, 2)
    shown = layer_words(page)
    assert [w.text_content() for w in shown] == [w.text for w in expected]
    for element, word in zip(shown, expected, strict=True):
        assert (int(element.get("x")), int(element.get("textlength", element.get("textLength")))) == (word.x, word.w)
        assert word.y <= int(element.get("y")) <= word.y + word.h
        assert 0 < int(element.get("font-size")) <= word.h


def test_the_page_text_is_in_reading_order_with_the_languages_of_the_alto(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/2")
    text = page.get_element_by_id("page-text")
    paragraphs = text.xpath(".//div[@class='ocr']/p")
    assert paragraphs
    flat = " ".join(p.text_content() for p in paragraphs).split()
    assert flat == [w.text for w in words(library, BARZAZ, 2)]
    languages = {w.lang for w in words(library, BARZAZ, 2)}
    shown = set(text.xpath(".//*[@lang]/@lang"))
    assert {"br", "fr"} <= languages and {"br", "fr"} <= shown


def test_the_page_text_is_the_text_alternative_of_the_image(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}")
    image = page.xpath("//div[@class='page-image']/img")[0]
    assert image.get("aria-describedby") == "page-text"
    assert page.get_element_by_id("page-text").xpath(".//p")
    assert image.get("alt")
    assert image.get("width") and image.get("height")
    record_image = library.store.tiles_info_path(record.id, record.pages[0].id).read_text()
    sizes = [f"{w},{h}" for w, h in json.loads(record_image)["sizes"]]
    candidates = re.findall(r"(\S+) (\d+)w", image.get("srcset"))
    assert [url for url, _ in candidates] == [f"/iiif/image/{record.pages[0].id}/full/{s}/0/default.jpg" for s in sizes]
    assert image.get("src") == candidates[0][0] and image.get("sizes")


def test_thumbnails_of_every_page_are_lazy_and_the_current_one_is_marked(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/3")
    links = page.xpath("//nav[contains(@class,'thumbs')]//a")
    assert len(links) == len(record.pages)
    assert all(a.xpath("img/@loading") == ["lazy"] for a in links)
    assert [a.get("href") for a in links if a.get("aria-current") == "page"] == [f"/items/{record.id}/3"]


def test_previous_and_next_links_and_the_page_jump_form(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/2")
    assert page.xpath("//a[@rel='prev']/@href") == [f"/items/{record.id}"]
    assert page.xpath("//a[@rel='next']/@href") == [f"/items/{record.id}/3"]
    jump = get(f"{library.url}/items/{record.id}", params={"page": "3", "q": "kan"}, follow_redirects=False)
    assert jump.status_code == 303
    assert jump.headers["location"] == f"/items/{record.id}/3?q=kan"
    assert page.xpath("//form[@class='jump']//label[@for='page-n']")


def test_keyboard_shortcuts_are_documented_and_zoom_buttons_are_labelled(library: Library) -> None:
    page = fetch(library, f"/items/{item(library).id}")
    shortcuts = page.xpath("//details[contains(@class,'shortcuts')]//kbd/text()")
    assert {"←", "→", "p", "n", "+", "-", "0"} <= set(shortcuts)
    buttons = page.xpath("//button[@data-zoom]")
    assert [b.get("data-zoom") for b in buttons] == ["in", "out", "home"]
    assert all(b.xpath("string(.//span[@class='label'])").strip() for b in buttons)


def test_the_viewer_is_given_the_page_info_json_and_scripts_load_deferred(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}")
    viewer = page.get_element_by_id("viewer")
    assert viewer.get("data-info") == f"/iiif/image/{record.pages[0].id}/info.json"
    assert get(f"{library.url}{viewer.get('data-info')}").json()["profile"] == "level0"
    scripts = page.xpath("//script")
    assert all(s.get("defer") is not None and s.get("src") for s in scripts)
    assert any("openseadragon.min.js" in s.get("src") for s in scripts)


def test_searching_the_document_highlights_a_real_word_on_its_page(library: Library) -> None:
    record = item(library)
    word = searchable_word(library, BARZAZ, 2)
    page = fetch(library, f"/items/{record.id}/2", q=word.text)
    assert (word.x, word.y, word.w, word.h) in hit_boxes(page)
    assert word.text in page.get_element_by_id("page-text").xpath(".//mark/text()")
    listed = page.xpath("//ol[@class='doc-hits']//a/@href")
    assert f"/items/{record.id}/2?{urlencode({'q': word.text})}" in listed


def test_every_listed_hit_opens_its_page_with_the_hit_highlighted(library: Library) -> None:
    record = item(library)
    word = searchable_word(library, BARZAZ, 3)
    page = fetch(library, f"/items/{record.id}", q=word.text)
    for href in page.xpath("//ol[@class='doc-hits']//a/@href"):
        url = urlparse(href)
        assert parse_qs(url.query) == {"q": [word.text]}
        assert hit_boxes(fetch(library, url.path, q=word.text)), href


def test_a_search_with_no_match_says_so(library: Library) -> None:
    page = fetch(library, f"/items/{item(library).id}", q="zzzyxq")
    status = page.xpath("//section[@class='doc-search']//*[@role='status']")[0].text_content()
    assert "zzzyxq" in status
    assert not hit_boxes(page)


def test_with_opensearch_down_the_reader_works_and_its_search_shows_a_notice(library: Library) -> None:
    proxy = TcpProxy(urlparse(OPENSEARCH_URL).port or 9200)
    config = Config.from_env({**library.env, "HERITAGE_OPENSEARCH_URL": f"http://127.0.0.1:{proxy.port}"})
    record = item(library)
    with LiveServer(create_app(config), free_port()) as server:
        response = httpx.get(f"{server.url}/items/{record.id}/2", params={"q": "kan"}, timeout=30)
    assert response.status_code == 200
    page = lxml.html.fromstring(response.text)
    assert page.xpath("//section[@class='doc-search']//p[@class='notice']")
    assert layer_words(page) and page.get_element_by_id("page-text").xpath(".//p")


def test_the_metadata_shows_the_dublin_core_rights_and_attribution(library: Library) -> None:
    record = item(library, "real/nubis-1886")
    page = fetch(library, f"/items/{record.id}")
    terms = page.xpath("//dl[@class='metadata']/dt/text()")
    assert {"Title", "Rights", "Source"} <= set(terms)
    title = page.xpath("//dl[@class='metadata']/dt[.='Title']/following-sibling::dd[1]")[0]
    assert title.text_content() == record.metadata.title and title.get("lang") == "fr"
    rights = page.xpath("//a[@rel='license']")[0]
    assert rights.get("href") == record.metadata.rights and rights.text_content() == "CC BY 4.0"
    assert record.metadata.source in page.xpath("string(//dl[@class='metadata'])")


def test_every_download_link_resolves(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}/2")
    links = page.xpath("//section[@class='downloads']//li/a/@href")
    assert len(links) >= 6
    for href in links:
        url = href if href.startswith("http") else f"{library.url}{href}"
        assert get(url).status_code == 200, href
    assert any("/full/max/" in h for h in links)
    assert any(h.endswith(f"/alto/{record.pages[1].id}.xml") for h in links)


def test_the_iiif_drag_and_drop_link_carries_the_manifest(library: Library) -> None:
    record = item(library)
    page = fetch(library, f"/items/{record.id}")
    link = page.xpath("//a[@class='iiif-dnd']")[0]
    manifest = f"{library.url}/iiif/{record.id}/manifest.json"
    assert link.get("href") == f"{manifest}?{urlencode({'manifest': manifest})}"
    assert link.xpath("img/@alt") == ["IIIF"]
    assert get(link.get("href")).status_code == 200


def test_the_whole_document_text_numbers_its_pages(library: Library) -> None:
    record = item(library)
    response = get(f"{library.url}/items/{record.id}/text.txt")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    body = response.text
    count = len(record.pages)
    assert [f"--- {n} / {count} ---" for n in range(1, count + 1)] == re.findall(r"--- \d+ / \d+ ---", body)
    page_two = (library.store.item_public_dir(record.id) / "text" / f"{record.pages[1].id}.txt").read_text()
    assert page_two.strip() in body


def test_rights_uris_read_as_their_usual_names() -> None:
    i18n.activate("en")
    assert rights_label("http://creativecommons.org/licenses/by-sa/4.0/") == "CC BY-SA 4.0"
    assert rights_label("http://creativecommons.org/publicdomain/zero/1.0/") == "CC0 1.0"
    assert rights_label("http://creativecommons.org/publicdomain/mark/1.0/") == "Public Domain Mark 1.0"
    assert rights_label("http://rightsstatements.org/vocab/NoC-US/1.0/") == "No Copyright – United States"
    assert rights_label("http://rightsstatements.org/vocab/UND/1.0/") == "Copyright Undetermined"


def test_words_group_into_blocks_and_lines_and_hits_mark_the_words_they_cover() -> None:
    words = [
        Word("Kan", 10, 10, 40, 20, 0.9, "br", "l1", "b1"),
        Word("ha", 60, 10, 20, 20, 0.9, "br", "l1", "b1"),
        Word("chant", 10, 40, 50, 20, 0.9, "fr", "l2", "b1"),
        Word("Diskan", 10, 90, 60, 20, 0.9, "br", "l3", "b2"),
        Word("?", 80, 90, 10, 20, None, "und", "l3", "b2"),
    ]
    blocks = text_blocks(words, [Box(5, 85, 70, 30)])
    assert [[[w.text for w in line.words] for line in block.lines] for block in blocks] == [
        [["Kan", "ha"], ["chant"]],
        [["Diskan", "?"]],
    ]
    assert [block.lang for block in blocks] == ["br", "br"]
    assert [line.lang for line in blocks[0].lines] == ["br", "fr"]
    assert [w.lang for w in blocks[1].lines[0].words] == ["br", ""]
    assert [w.text for b in blocks for line in b.lines for w in line.words if w.hit] == ["Diskan"]
