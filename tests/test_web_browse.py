"""Home, collections and collection pages over HTTP on the published sample library."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
import pytest

from heritage.web import browse
from tests.conftest import LIBRARY_SAMPLES, Library, get

HOME_BUDGET = 100 * 1024


def page(url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = get(url)
    assert response.status_code == status, (url, response.status_code)
    return lxml.html.fromstring(response.text)


def card_counts(section: lxml.html.HtmlElement) -> dict[str, str]:
    return {
        c.findtext(".//span[@class='title']"): c.xpath(".//span[@class='meta']")[-1].text_content()
        for c in section.xpath(".//a[@class='card']")
    }


def card_hrefs(doc: lxml.html.HtmlElement) -> list[str]:
    return [a.get("href") for a in doc.xpath("//main//ul[@class='cards']//a[@class='card']")]


def test_home_lists_every_sample_collection_with_its_item_count(library: Library) -> None:
    doc = page(f"{library.url}/")
    section = doc.xpath("//section[h2[@id='collections-heading']]")[0]
    expected = {
        name: f"{len(names)} document{'s' if len(names) > 1 else ''}" for name, names in LIBRARY_SAMPLES.items()
    }
    assert card_counts(section) == expected


def test_home_shows_the_newest_items_linking_to_their_reader(library: Library) -> None:
    doc = page(f"{library.url}/")
    section = doc.xpath("//section[h2[@id='recent-heading']]")[0]
    hrefs = [a.get("href") for a in section.xpath(".//a[@class='card']")]
    assert len(hrefs) == browse.RECENT
    assert {h.removeprefix("/items/") for h in hrefs} <= set(library.items.values())


def test_home_has_one_search_form_with_a_label(library: Library) -> None:
    doc = page(f"{library.url}/")
    forms = doc.xpath("//form[@role='search']")
    assert len(forms) == 1 and forms[0].get("action") == "/search"
    field = forms[0].xpath(".//input[@name='q']")[0]
    assert doc.xpath(f"//label[@for='{field.get('id')}']")


def test_every_thumbnail_is_a_static_size_with_dimensions_and_lazy(library: Library) -> None:
    for path in ("/", "/collections", "/collections/barzaz-breiz"):
        images = page(f"{library.url}{path}").xpath("//main//img")
        assert images, path
        for img in images:
            assert img.get("loading") == "lazy" and int(img.get("width")) > 0 and int(img.get("height")) > 0
            assert img.get("alt") == ""
            assert f"/full/{img.get('width')},{img.get('height')}/0/default.jpg" in img.get("src")
            response = get(urljoin(library.url, img.get("src")))
            assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"


def test_home_first_visit_with_thumbnails_is_under_100_kb_compressed(library: Library) -> None:
    gzip = {"accept-encoding": "gzip"}
    html = get(f"{library.url}/", headers=gzip)
    doc = lxml.html.fromstring(html.text)
    sizes = {"html": html.num_bytes_downloaded, "css": 0, "images": 0}
    for href in doc.xpath("//link[@rel='stylesheet']/@href"):
        sizes["css"] += get(urljoin(library.url, href), headers=gzip).num_bytes_downloaded
    for src in set(doc.xpath("//img/@src")):
        sizes["images"] += get(urljoin(library.url, src), headers=gzip).num_bytes_downloaded
    print(f"home first visit, compressed bytes: {sizes}, total {sum(sizes.values())}")
    assert sum(sizes.values()) <= HOME_BUDGET, sizes


def test_collections_page_lists_collections_with_counts(library: Library) -> None:
    doc = page(f"{library.url}/collections")
    assert doc.findtext(".//h1") == "Collections"
    assert card_counts(doc.xpath("//main")[0])["Imprimés français"] == "6 documents"
    assert card_hrefs(doc) == ["/collections/barzaz-breiz", "/collections/imprimes-francais", "/collections/keleier"]


def test_collection_page_shows_its_items_with_title_and_description(library: Library) -> None:
    doc = page(f"{library.url}/collections/barzaz-breiz")
    assert doc.findtext(".//h1") == "Barzaz Breiz"
    assert doc.findtext(".//title").startswith("Barzaz Breiz · 5 documents")
    assert "5 digitised documents" in doc.xpath("//meta[@name='description']/@content")[0]
    expected = {f"/items/{library.items[name]}" for name in LIBRARY_SAMPLES["Barzaz Breiz"]}
    assert set(card_hrefs(doc)) == expected


def test_collection_items_are_in_date_order(library: Library) -> None:
    doc = page(f"{library.url}/collections/imprimes-francais")
    dates = [m.text_content() for m in doc.xpath("//main//a[@class='card']/span[@class='text']/span[@class='meta'][1]")]
    years = [int(d[-4:]) for d in dates]
    assert years == sorted(years) == [1728, 1783, 1840, 1886, 1941, 1984]


def facet(doc: lxml.html.HtmlElement, name: str) -> dict[str, tuple[int, str]]:
    """label -> (count, href) of one facet group."""
    return {
        a.xpath("./span[1]")[0].text_content(): (int(a.findtext("span[@class='count']").strip("()")), a.get("href"))
        for a in doc.xpath(f"//nav[@class='facets']//ul[@aria-labelledby='facet-{name}']/li/a")
    }


def test_collection_facets_count_the_published_items(library: Library) -> None:
    doc = page(f"{library.url}/collections/imprimes-francais")
    assert {k: v[0] for k, v in facet(doc, "century").items()} == {"1700–1799": 2, "1800–1899": 2, "1900–1999": 2}
    assert {k: v[0] for k, v in facet(doc, "language").items()} == {"French": 6}
    assert {k: v[0] for k, v in facet(doc, "creator").items()} == {"Montesquieu": 1, "Voltaire": 1}


def test_facet_filters_combine_and_each_can_be_removed(library: Library) -> None:
    doc = page(f"{library.url}/collections/imprimes-francais")
    doc = page(urljoin(library.url, facet(doc, "century")["1700–1799"][1]))
    assert len(card_hrefs(doc)) == 2
    doc = page(urljoin(library.url, facet(doc, "creator")["Voltaire"][1]))
    assert card_hrefs(doc) == [f"/items/{library.items['real/voltaire-henriade-1728']}"]
    chips = {a.text_content().split(" — ")[0]: a.get("href") for a in doc.xpath("//div[@class='active-filters']//a")}
    assert set(chips) == {"Century: 1700–1799", "Creator: Voltaire", "Remove all filters"}
    assert len(card_hrefs(page(urljoin(library.url, chips["Creator: Voltaire"])))) == 2
    assert len(card_hrefs(page(urljoin(library.url, chips["Remove all filters"])))) == 6


def test_a_filtered_collection_is_canonical_without_filters_and_not_indexed(library: Library) -> None:
    doc = page(f"{library.url}/collections/imprimes-francais?century=1700")
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/collections/imprimes-francais"]
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex, follow"]
    assert not page(f"{library.url}/collections/imprimes-francais").xpath("//meta[@name='robots']")


def test_a_filter_nothing_matches_says_so_with_a_way_back(library: Library) -> None:
    doc = page(f"{library.url}/collections/keleier?century=1700")
    assert card_hrefs(doc) == []
    assert doc.xpath("//p[@class='notice']/a/@href") == ["/collections/keleier"]


def test_collection_pages_with_rel_links_and_current_page(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "PER_PAGE", 2)
    first = page(f"{library.url}/collections/imprimes-francais")
    assert len(card_hrefs(first)) == 2
    assert first.xpath("//nav[@class='pager-nav']//a[@aria-current='page']")[0].text_content() == "Page 1"
    assert first.xpath("//a[@rel='next']/@href") == ["/collections/imprimes-francais?page=2"]
    assert not first.xpath("//a[@rel='prev']")
    last = page(f"{library.url}/collections/imprimes-francais?page=3")
    assert last.xpath("//a[@rel='prev']/@href") == ["/collections/imprimes-francais?page=2"]
    assert not last.xpath("//a[@rel='next']")
    assert last.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/collections/imprimes-francais?page=3"]
    seen = (
        card_hrefs(first) + card_hrefs(page(f"{library.url}/collections/imprimes-francais?page=2")) + card_hrefs(last)
    )
    assert len(set(seen)) == 6


def test_unknown_collection_is_a_friendly_404(library: Library) -> None:
    doc = page(f"{library.url}/collections/no-such-collection", status=404)
    assert doc.xpath("//a[@href='/']")


def test_a_page_beyond_the_last_is_404_and_a_bad_page_400(library: Library) -> None:
    page(f"{library.url}/collections/keleier?page=2", status=404)
    assert "page must be a whole number" in page(f"{library.url}/collections/keleier?page=x", status=400).text_content()


def test_a_century_that_is_no_century_is_a_400_with_the_reason(library: Library) -> None:
    doc = page(f"{library.url}/collections/keleier?century=1846", status=400)
    assert "century must be a year ending in 00" in doc.text_content()
