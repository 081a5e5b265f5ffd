"""The embed page, oEmbed, the "Share and cite" section and shared regions, over HTTP."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qs, urlparse

import lxml.html
from lxml.html import HtmlElement
from PIL import Image

from heritage.iiif import content_state as cs
from heritage.iiif import urls
from heritage.model import Item
from tests.conftest import Library, get

SAMPLE = "barzaz-breiz-01"


def record(library: Library, sample: str = SAMPLE) -> Item:
    return library.store.load_item(library.items[sample])


def html(library: Library, path: str) -> HtmlElement:
    response = get(f"{library.url}{path}")
    assert response.status_code == 200, (path, response.status_code)
    return lxml.html.fromstring(response.text)


def frame_ancestors(csp: str) -> str:
    return next(d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors"))


# -- the embed page ---------------------------------------------------------------------------


def test_the_embed_page_may_be_framed_by_any_site_but_the_reader_may_not(library: Library) -> None:
    item_id = library.items[SAMPLE]
    embed = get(f"{library.url}/embed/{item_id}")
    assert embed.status_code == 200
    assert frame_ancestors(embed.headers["content-security-policy"]) == "frame-ancestors *"
    assert "script-src 'self'" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    reader = get(f"{library.url}/items/{item_id}")
    assert frame_ancestors(reader.headers["content-security-policy"]) == "frame-ancestors 'self'"


def test_the_embed_page_shows_the_page_image_without_script(library: Library) -> None:
    item = record(library)
    page = html(library, f"/embed/{item.id}/2")
    img = page.xpath("//figure[@id='viewer']//img")[0]
    assert img.get("width") and img.get("height") and img.get("alt")
    assert get(f"{library.url}{img.get('src')}").headers["content-type"] == "image/jpeg"
    assert page.xpath("//figure/@data-info") == [f"/iiif/image/{item.pages[1].id}/info.json"]
    assert page.xpath("//script[not(@src)]") == [] and page.xpath("//*[@style]") == []


def test_the_embed_page_turns_pages_inside_the_embed(library: Library) -> None:
    item = record(library)
    page = html(library, f"/embed/{item.id}/2")
    assert page.xpath("//nav[@class='page-nav']//a[@rel='prev']/@href") == [f"/embed/{item.id}"]
    assert page.xpath("//nav[@class='page-nav']//a[@rel='next']/@href") == [f"/embed/{item.id}/3"]
    last = html(library, f"/embed/{item.id}/{len(item.pages)}")
    assert last.xpath("//nav[@class='page-nav']//a[@rel='next']") == []


def test_the_embed_credit_line_links_back_to_the_reader_with_the_rights(library: Library) -> None:
    item = record(library)
    page = html(library, f"/embed/{item.id}/2")
    credit = page.xpath("//figcaption[@class='credit']")[0]
    links = {a.get("href"): a for a in credit.xpath(".//a")}
    assert f"{library.url}/items/{item.id}/2" in links
    assert links[item.metadata.rights].text_content() == "CC BY-SA 3.0"
    assert "1846" in credit.text_content() and "La Villemarqué" in credit.text_content()
    assert all(a.get("target") == "_blank" and "noopener" in a.get("rel", "") for a in links.values())
    assert page.xpath("//h1/a/@lang") == []  # Breton and French: no single language to declare


def test_the_embed_opens_on_a_region_clipped_to_the_page(library: Library) -> None:
    item = record(library)
    width = item.pages[0].width
    page = html(library, f"/embed/{item.id}?xywh=10,20,{width},30")
    assert page.xpath("//figure/@data-region") == [f"10,20,{width - 10},30"]
    assert html(library, f"/embed/{item.id}?xywh=nonsense").xpath("//figure/@data-region") == []


def test_embeds_of_unknown_items_or_pages_are_404(library: Library) -> None:
    item = record(library)
    for path in ("/embed/aaaaaaaaaaaa", f"/embed/{item.id}/0", f"/embed/{item.id}/{len(item.pages) + 1}"):
        assert get(f"{library.url}{path}").status_code == 404, path


# -- oEmbed -----------------------------------------------------------------------------------


def oembed(library: Library, **params: str) -> dict[str, object]:
    response = get(f"{library.url}/oembed", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    data: dict[str, object] = response.json()
    return data


def test_oembed_answers_a_rich_embed_of_the_exact_page(library: Library) -> None:
    item = record(library)
    data = oembed(library, url=f"{library.url}/items/{item.id}/3", format="json")
    assert (data["version"], data["type"]) == ("1.0", "rich")
    assert data["title"] == f"{item.metadata.title} (Page 3 of 4)"
    assert data["author_name"] == "Théodore Hersart de La Villemarqué"
    assert data["provider_url"] == f"{library.url}/"
    iframe = lxml.html.fragment_fromstring(str(data["html"]))
    assert iframe.tag == "iframe" and iframe.get("src") == f"{library.url}/embed/{item.id}/3"
    assert (int(iframe.get("width")), int(iframe.get("height"))) == (data["width"], data["height"])
    assert get(iframe.get("src")).status_code == 200


def test_oembed_keeps_the_embed_and_thumbnail_within_the_consumers_limits(library: Library) -> None:
    item = record(library)
    data = oembed(library, url=f"{library.url}/items/{item.id}", maxwidth="300", maxheight="400")
    assert isinstance(data["width"], int) and isinstance(data["height"], int)
    assert data["width"] <= 300 and data["height"] <= 400
    assert isinstance(data["thumbnail_width"], int) and isinstance(data["thumbnail_height"], int)
    assert data["thumbnail_width"] <= 300 and data["thumbnail_height"] <= 400
    thumb = get(str(data["thumbnail_url"]))
    assert Image.open(BytesIO(thumb.content)).size == (data["thumbnail_width"], data["thumbnail_height"])


def test_oembed_understands_embed_urls_too(library: Library) -> None:
    item = record(library)
    data = oembed(library, url=f"{library.url}/embed/{item.id}/2")
    assert f"/embed/{item.id}/2" in str(data["html"])


def test_oembed_refuses_urls_that_are_not_ours_with_404(library: Library) -> None:
    item = record(library)
    for url in (
        f"https://example.org/items/{item.id}",
        f"{library.url}/collections",
        f"{library.url}/items/aaaaaaaaaaaa",
        f"{library.url}/items/{item.id}/99",
        "",
    ):
        assert get(f"{library.url}/oembed", params={"url": url}).status_code == 404, url


def test_oembed_in_xml_is_not_implemented(library: Library) -> None:
    item = record(library)
    response = get(f"{library.url}/oembed", params={"url": f"{library.url}/items/{item.id}", "format": "xml"})
    assert response.status_code == 501


def test_reader_pages_announce_their_oembed(library: Library) -> None:
    item = record(library)
    page = html(library, f"/items/{item.id}/2")
    href = page.xpath("//link[@rel='alternate'][@type='application/json+oembed']/@href")[0]
    assert parse_qs(urlparse(href).query)["url"] == [f"{library.url}/items/{item.id}/2"]
    assert get(href).json()["type"] == "rich"


# -- the reader's "Share and cite" section and shared regions ---------------------------------


def test_the_share_section_gives_the_permanent_link_and_a_working_embed_code(library: Library) -> None:
    item = record(library)
    page = html(library, f"/items/{item.id}/2?q=kan")
    section = page.xpath("//section[@class='share']")[0]
    assert section.xpath(".//h2")[0].text_content() == "Share and cite"
    assert section.xpath(".//input[@id='share-link']/@value") == [f"{library.url}/items/{item.id}/2"]
    code = section.xpath(".//textarea[@id='embed-code']")[0]
    assert code.get("readonly") is not None and code.get("aria-labelledby")
    iframe = lxml.html.fragment_fromstring(code.text_content())
    assert iframe.get("src") == f"{library.url}/embed/{item.id}/2" and iframe.get("title") == item.metadata.title
    assert all(button.get("hidden") is not None for button in section.xpath(".//button[@data-copy]"))


def test_the_reader_opens_on_an_xywh_region(library: Library) -> None:
    item = record(library)
    page = html(library, f"/items/{item.id}/2?xywh=100,200,300,150")
    assert page.xpath("//figure[@id='viewer']/@data-region") == ["100,200,300,150"]
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/items/{item.id}/2"]
    assert get(f"{library.url}/items/{item.id}/2?xywh=1,2,3").status_code == 400


def test_a_content_state_opens_the_reader_on_its_page_and_region(library: Library) -> None:
    item = record(library)
    view = cs.View(
        urls.manifest(library.url, item.id), urls.canvas(library.url, item.id, item.pages[2].id), (40, 50, 600, 300)
    )
    response = get(f"{library.url}/items/{item.id}", params={"iiif-content": cs.encode(cs.annotation(view))})
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{item.id}/3?xywh=40,50,600,300"
    page = html(library, response.headers["location"])
    assert page.xpath("//figure[@id='viewer']/@data-region") == ["40,50,600,300"]


def test_a_content_state_of_another_document_or_garbage_is_refused(library: Library) -> None:
    item, other = record(library), record(library, "keleier-bremaik")
    foreign = cs.View(urls.manifest(library.url, other.id), urls.canvas(library.url, other.id, other.pages[0].id))
    params = {"iiif-content": cs.encode(cs.annotation(foreign))}
    assert get(f"{library.url}/items/{item.id}", params=params).status_code == 404
    assert get(f"{library.url}/items/{item.id}", params={"iiif-content": "%%%"}).status_code == 400


def test_the_cropped_region_link_form_is_served_by_the_dynamic_service(library: Library) -> None:
    item = record(library)
    response = get(f"{library.url}{urls.dynamic_image_service('', item.pages[0].id)}/100,200,300,150/max/0/default.jpg")
    assert response.status_code == 200
    assert Image.open(BytesIO(response.content)).size == (300, 150)


def test_the_region_panel_carries_what_the_script_needs_and_stays_hidden_without_it(library: Library) -> None:
    item = record(library)
    page = html(library, f"/items/{item.id}/2")
    panel = page.xpath("//div[@id='region-result']")[0]
    assert panel.get("hidden") is not None
    assert panel.get("data-canvas") == urls.canvas(library.url, item.id, item.pages[1].id)
    assert panel.get("data-manifest") == urls.manifest(library.url, item.id)
    assert panel.get("data-dynamic") == urls.dynamic_image_service(library.url, item.pages[1].id)
    assert page.xpath("//div[@class='region-tools']/@hidden") == [""]
