"""What search engines read: ``robots.txt`` and a ``sitemap.xml`` of every public page.

Only HTML pages meant for readers are listed; the IIIF tree and the APIs are for machines and
are kept out of crawlers' way so tiles are not crawled by the million.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from heritage.config import Config
from heritage.web.catalogue import Catalogue

SITEMAP_MAX_AGE = 3600


def robots_txt(base_url: str) -> str:
    return (
        "User-agent: *\n"
        "Disallow: /iiif/\n"
        "Disallow: /api/\n"
        "Disallow: /language\n"
        "Disallow: /login\n"
        "Disallow: /workspace\n"
        "Disallow: /search\n"
        f"Sitemap: {base_url}/sitemap.xml\n"
    )


def sitemap_xml(base_url: str, catalogue: Catalogue) -> str:
    snapshot = catalogue.snapshot()
    urls = [(f"{base_url}/", "")]
    urls += [(f"{base_url}/collections/{slug}", "") for slug in sorted(snapshot.collections)]
    for entry in snapshot.entries:
        urls.append((f"{base_url}/items/{entry.item.id}", entry.published[:10]))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in urls:
        modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def routes(config: Config, catalogue: Catalogue) -> list[Route]:
    async def robots(request: Request) -> Response:
        return PlainTextResponse(robots_txt(config.base_url), headers={"cache-control": "public, max-age=86400"})

    async def sitemap(request: Request) -> Response:
        return Response(
            sitemap_xml(config.base_url, catalogue),
            media_type="application/xml",
            headers={"cache-control": f"public, max-age={SITEMAP_MAX_AGE}"},
        )

    return [Route("/robots.txt", robots), Route("/sitemap.xml", sitemap)]
