"""What every page of the reader site shares: language, caching, headers, errors, crawlers."""

from __future__ import annotations

import gzip

import httpx
from lxml import etree, html

from heritage.web.site import safe_next
from tests.conftest import Library, get


def test_the_interface_follows_accept_language(library: Library) -> None:
    page = html.fromstring(get(f"{library.url}/", headers={"accept-language": "fr-FR,fr;q=0.9"}).text)
    assert page.get("lang") == "fr"
    assert page.xpath("//form[@role='search']//button")[0].text_content().strip() == "Rechercher"


def test_breton_is_the_default_interface(library: Library) -> None:
    page = html.fromstring(get(f"{library.url}/", headers={"accept-language": "de"}).text)
    assert page.get("lang") == "br"


def test_the_language_switch_is_remembered_and_goes_back(library: Library) -> None:
    with httpx.Client(base_url=library.url, timeout=30) as client:
        switched = client.get("/language", params={"lang": "en", "next": "/collections"})
        assert switched.status_code == 303 and switched.headers["location"] == "/collections"
        assert "httponly" in switched.headers["set-cookie"].lower()
        page = html.fromstring(client.get("/", headers={"accept-language": "fr"}).text)
    assert page.get("lang") == "en"


def test_the_switcher_links_every_other_language_back_to_this_page(library: Library) -> None:
    page = html.fromstring(get(f"{library.url}/collections", headers={"accept-language": "br"}).text)
    links = page.xpath("//nav[contains(@class,'languages')]//a")
    assert {a.get("lang") for a in links} == {"fr", "en"}
    assert all(a.get("href").endswith("next=/collections") for a in links)


def test_the_switch_never_redirects_off_site() -> None:
    assert [safe_next(t) for t in ("https://evil.example/", "//evil.example", "/\\evil", None, "/items/x?q=a")] == [
        "/",
        "/",
        "/",
        "/",
        "/items/x?q=a",
    ]


def test_pages_revalidate_with_an_etag(library: Library) -> None:
    first = get(f"{library.url}/")
    again = get(f"{library.url}/", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "max-age" in first.headers["cache-control"]
    assert "Accept-Language" in first.headers["vary"]


def test_html_is_compressed(library: Library) -> None:
    response = httpx.get(f"{library.url}/", headers={"accept-encoding": "gzip"}, timeout=30)
    assert response.headers["content-encoding"] == "gzip"
    raw = httpx.get(f"{library.url}/", headers={"accept-encoding": "identity"}, timeout=30)
    assert len(gzip.compress(raw.content)) < len(raw.content)


def test_pages_allow_nothing_from_other_origins(library: Library) -> None:
    policy = get(f"{library.url}/").headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_versioned_assets_are_cached_for_a_year(library: Library) -> None:
    page = html.fromstring(get(f"{library.url}/").text)
    href = page.xpath("//link[@rel='stylesheet']/@href")[0]
    response = get(f"{library.url}{href}")
    assert response.status_code == 200 and "immutable" in response.headers["cache-control"]


def test_every_response_says_how_long_the_server_took(library: Library) -> None:
    timing = get(f"{library.url}/").headers["server-timing"]
    assert timing.startswith("app;dur=") and float(timing.split("=")[1]) >= 0


def test_an_unknown_page_is_a_friendly_404_in_the_readers_language(library: Library) -> None:
    response = get(f"{library.url}/no/such/page", headers={"accept-language": "fr"})
    page = html.fromstring(response.text)
    assert response.status_code == 404
    assert page.xpath("//h1")[0].text_content() == "Page introuvable"
    assert page.xpath("//main//a[@href='/']")


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_tiles(library: Library) -> None:
    robots = get(f"{library.url}/robots.txt").text
    assert f"Sitemap: {library.url}/sitemap.xml" in robots
    assert "Disallow: /iiif/" in robots


def test_the_sitemap_lists_every_published_item(library: Library) -> None:
    tree = etree.fromstring(get(f"{library.url}/sitemap.xml").content)
    locations = tree.xpath("//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    for item_id in library.items.values():
        assert f"{library.url}/items/{item_id}" in locations
    assert f"{library.url}/collections/barzaz-breiz" in locations


def test_pages_link_their_canonical_url(library: Library) -> None:
    page = html.fromstring(get(f"{library.url}/?utm_source=x").text)
    assert page.xpath("//link[@rel='canonical']/@href") == [f"{library.url}/"]
