"""What every HTML page shares: templates with gettext, the request's language, headers.

Pages are rendered on the server and work before any script runs. Each response carries an
``ETag`` so a reader on a slow line revalidates instead of downloading the page again, and a
content security policy that allows nothing from other origins (no CDN, no tracking).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heritage.config import Config
from heritage.web import i18n
from heritage.web.assets import static_url

TEMPLATE_DIR = Path(__file__).parent / "templates"
PAGE_MAX_AGE = 60
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
"""Item embeds for other sites (issue 6) will loosen ``frame-ancestors`` on their own route."""

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
ENV.globals.update(static_url=static_url, languages=i18n.LANGUAGES)


def page_url(request: Request, **changes: Any) -> str:
    """This page's path and query with some parameters changed (``None`` removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None and v != ""]
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200, canonical: str | None = None
) -> Response:
    """Render a page in the request's language; answer 304 when the reader has it already."""
    config: Config = request.app.state.config
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = ENV.get_template(template).render(
        request=request,
        lang=i18n.current(),
        here=here,
        base_url=config.base_url,
        canonical=config.base_url + (canonical if canonical is not None else request.url.path),
        page_url=lambda **changes: page_url(request, **changes),
        **context,
    )
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    headers = {
        "cache-control": f"public, max-age={PAGE_MAX_AGE}" if status_code == 200 else "no-store",
        "etag": etag,
        "vary": "Accept-Language, Cookie",
    }
    if status_code == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return HTMLResponse(body, status_code=status_code, headers=headers)


def safe_next(target: str | None) -> str:
    """A local path to go back to after switching language; anything else goes home."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class LanguageMiddleware:
    """Sets the request's interface language before any handler or error page runs, and adds
    the headers every response shares: security, and ``Server-Timing`` (what ``bench/web.py``
    and a browser's network panel read as the server's own time)."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            i18n.activate(i18n.request_language(request.cookies, request.headers, self.default))

            started = time.perf_counter()

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    names = {name.lower() for name, _ in headers}
                    for name, value in SECURITY_HEADERS:
                        if name not in names:
                            headers.append((name, value))
                    elapsed = (time.perf_counter() - started) * 1000
                    headers.append((b"server-timing", f"app;dur={elapsed:.2f}".encode()))
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send)


SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]
