"""The site search results page over HTTP on the published sample library."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlparse

import httpx
import lxml.html

from heritage.config import Config
from heritage.web.app import create_app
from tests.conftest import OPENSEARCH_URL, Library, LiveServer, free_port, get
from tests.tcp_proxy import TcpProxy


def search_page(library: Library, status: int = 200, **params: object) -> lxml.html.HtmlElement:
    response = get(f"{library.url}/search", params=params)
    assert response.status_code == status, (params, response.status_code)
    return lxml.html.fromstring(response.text)


def hits(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return doc.xpath("//ol[@class='hits']/li[@class='hit']")


def found(doc: lxml.html.HtmlElement) -> int:
    summary = doc.xpath("//p[@class='summary']")[0].text_content()
    match = re.match(r"(\d+) pages? found", summary)
    assert match, summary
    return int(match.group(1))


def facet(doc: lxml.html.HtmlElement, name: str) -> dict[str, tuple[int, str]]:
    return {
        a.xpath("./span[1]")[0].text_content(): (int(a.findtext("span[@class='count']").strip("()")), a.get("href"))
        for a in doc.xpath(f"//nav[@class='facets']//ul[@aria-labelledby='facet-{name}']/li/a")
    }


def test_a_breton_word_gives_hits_with_marked_words_and_boxes_on_the_thumbnail(library: Library) -> None:
    doc = search_page(library, q="Gwenc'hlan")
    first = hits(doc)[0]
    assert "gwenc" in first.xpath(".//p[@class='snippet']/mark")[0].text_content().lower()
    link = first.xpath(".//h3/a")[0].get("href")
    path, query = link.split("?")
    assert path.startswith(f"/items/{library.items['barzaz-breiz-01']}/")
    assert parse_qs(query) == {"q": ["Gwenc'hlan"]}
    img = first.xpath(".//div[@class='hit-thumb']/img")[0]
    assert img.get("loading") == "lazy" and img.get("width") and img.get("height")
    svg = first.xpath(".//div[@class='hit-thumb']/*[local-name()='svg']")[0]
    _, _, width, height = map(int, svg.get("viewbox").split())
    rects = svg.xpath("./*[local-name()='rect']")
    assert rects
    for rect in rects:
        x, y, w, h = (int(rect.get(a)) for a in ("x", "y", "width", "height"))
        assert 0 <= x < x + w <= width and 0 <= y < y + h <= height


def test_a_french_word_gives_hits_with_marks(library: Library) -> None:
    doc = search_page(library, q="prêtre")
    assert found(doc) >= 1
    marks = [m.text_content().lower() for m in doc.xpath("//p[@class='snippet']/mark")]
    assert any(m.startswith("prêtre") for m in marks), marks
    assert "page" in hits(doc)[0].xpath(".//p[@class='meta']")[0].text_content()


def test_the_page_title_says_the_query_and_search_pages_are_not_indexed(library: Library) -> None:
    doc = search_page(library, q="Lannion")
    assert doc.findtext(".//title").startswith("Search: Lannion")
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex, follow"]
    assert "pages found for “Lannion”" in doc.xpath("//meta[@name='description']/@content")[0]
    assert doc.xpath("//input[@id='site-q']/@value") == ["Lannion"]


def test_a_collection_filter_narrows_the_count_to_the_facet_count(library: Library) -> None:
    doc = search_page(library, q="an")
    total = found(doc)
    count, href = facet(doc, "collection")["Keleier"]
    assert count < total
    narrowed = lxml.html.fromstring(get(urljoin(library.url, href)).text)
    assert found(narrowed) == count
    titles = {h.xpath(".//h3/a")[0].text_content() for h in hits(narrowed)}
    assert all(t.startswith("Keleier") for t in titles)
    assert [a.text_content().split(" — ")[0] for a in narrowed.xpath("//div[@class='active-filters']//a")] == [
        "Collection: Keleier"
    ]


def test_filters_combine_and_a_decade_sets_the_year_range(library: Library) -> None:
    doc = search_page(library, q="la")
    count, href = facet(doc, "decade")["1720–1729"]
    assert parse_qs(urlparse(href).query)["year_from"] == ["1720"]
    decade = lxml.html.fromstring(get(urljoin(library.url, href)).text)
    assert found(decade) == count
    assert {h.xpath(".//p[@class='meta']")[0].text_content().split(" · ")[1] for h in hits(decade)} == {"1728"}
    fr_count, fr_href = facet(decade, "language")["French"]
    both = lxml.html.fromstring(get(urljoin(library.url, fr_href)).text)
    assert found(both) == fr_count <= count
    assert len(both.xpath("//div[@class='active-filters']//a")) == 3  # decade, language, remove all


def years(doc: lxml.html.HtmlElement) -> list[int]:
    return [int(h.xpath(".//p[@class='meta']")[0].text_content().split(" · ")[1]) for h in hits(doc)]


def test_sort_by_date_orders_the_years_both_ways(library: Library) -> None:
    oldest = years(search_page(library, q="la", sort="date"))
    newest = years(search_page(library, q="la", sort="-date"))
    assert oldest == sorted(oldest) and oldest[0] == 1728
    assert newest == sorted(newest, reverse=True) and newest[0] == 1984
    doc = search_page(library, q="la", sort="-date")
    assert doc.xpath("//nav[@class='sort']//a[@aria-current]")[0].text_content() == "Newest first"


def test_results_are_paged_with_the_total_count(library: Library) -> None:
    first = search_page(library, q="la")
    total = found(first)
    assert total > 20 and len(hits(first)) == 20
    second = search_page(library, q="la", page=2)
    assert found(second) == total
    assert second.xpath("//ol[@class='hits']/@start") == ["21"]
    assert second.xpath("//a[@rel='prev']/@href") == ["/search?q=la"]
    assert second.xpath("//nav[@class='pager-nav']//a[@aria-current='page']")[0].text_content() == "Page 2"


def test_an_empty_query_shows_help_and_the_browse_links(library: Library) -> None:
    doc = search_page(library, q="")
    assert doc.findtext(".//h1") == "Search the library"
    assert doc.xpath("//ul[@class='tips']/li")
    assert "/collections/barzaz-breiz" in doc.xpath("//ul[@class='browse-links']//a/@href")


def test_no_results_suggests_a_spelling_that_exists(library: Library) -> None:
    doc = search_page(library, q="Gwenclan")
    assert found(doc) == 0
    suggestions = {a.text_content(): a.get("href") for a in doc.xpath("//p[@class='spellings']/a")}
    assert "Gwenc'hlan" in suggestions, suggestions
    assert found(lxml.html.fromstring(get(urljoin(library.url, suggestions["Gwenc'hlan"])).text)) >= 1
    assert doc.xpath("//ul[@class='browse-links']//a")


def test_a_misspelt_french_word_suggests_the_word_of_the_library(library: Library) -> None:
    doc = search_page(library, q="royaune")
    suggestions = [a.text_content() for a in doc.xpath("//p[@class='spellings']/a")]
    assert suggestions[0] == "royaume", suggestions


def test_invalid_parameters_are_a_400_page_with_the_reason(library: Library) -> None:
    cases = {
        "year_from must be a year": {"q": "an", "year_from": "soon"},
        "cannot be paged to": {"q": "an", "page": "600"},
        "beyond the last page": {"q": "an", "page": "5"},
        "sort must be one of": {"q": "an", "sort": "random"},
        "is after year_to": {"q": "an", "year_from": "1900", "year_to": "1800"},
    }
    for message, params in cases.items():
        doc = search_page(library, status=400, **params)
        assert message in doc.xpath("//main")[0].text_content(), params


def test_opensearch_down_says_search_is_unavailable_and_browsing_works(library: Library) -> None:
    proxy = TcpProxy(urlparse(OPENSEARCH_URL).port or 9200)
    proxy.start()
    config = Config.from_env({**library.env, "HERITAGE_OPENSEARCH_URL": f"http://127.0.0.1:{proxy.port}"})
    with LiveServer(create_app(config), free_port()) as server:
        assert httpx.get(f"{server.url}/search", params={"q": "an"}, timeout=30).status_code == 200
        proxy.stop()
        down = get(f"{server.url}/search", params={"q": "an"})
        assert down.status_code == 503 and down.headers["retry-after"] == "30"
        doc = lxml.html.fromstring(down.text)
        assert doc.findtext(".//h1") == "Search is unavailable"
        assert doc.xpath("//p[@role='alert']") and doc.xpath("//input[@id='site-q']/@value") == ["an"]
        assert httpx.get(f"{server.url}/", timeout=30).status_code == 200
        assert httpx.get(f"{server.url}/collections/keleier", timeout=30).status_code == 200
        proxy.start()
        assert httpx.get(f"{server.url}/search", params={"q": "an"}, timeout=30).status_code == 200
