"""Who is asking: the archivist's session cookie, CSRF tokens, and the guards on every write route.

A handler that changes anything is wrapped in ``archivist_only`` (or ``admin_only``): without a
live session it answers 401 (a browser asking for a page is sent to the login form instead),
and an unsafe method must carry the session's CSRF token, in the form field ``csrf`` or the
``X-CSRF-Token`` header (for streamed uploads, whose body is the file). A request whose
``Origin`` is another site is refused outright. ``tests/test_workspace_security.py`` walks every
route the application defines and checks that none that writes is left open.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from heritage import audit
from heritage.accounts import SESSION_SECONDS, Accounts, Session, User, same_token
from heritage.config import Config
from heritage.web import i18n
from heritage.web.site import render, safe_next

SESSION_COOKIE = "heritage_session"
LOGIN_CSRF_COOKIE = "heritage_login_csrf"  # double-submit token of the login form, before any session
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Visitor:
    user: User
    session: Session
    token: str

    @property
    def csrf(self) -> str:
        return self.session.csrf


def accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def visitor(request: Request) -> Visitor | None:
    """The logged-in archivist behind this request, if any (looked up once per request)."""
    if "visitor" not in request.scope:
        found = None
        token = request.cookies.get(SESSION_COOKIE, "")
        session = accounts(request).session(token) if token else None
        if session is not None:
            found = Visitor(accounts(request).user(session.username), session, token)
        request.scope["visitor"] = found
    return request.scope["visitor"]


def is_archivist(request: Request) -> bool:
    return visitor(request) is not None


def _require(request: Request, admin: bool) -> Visitor:
    found = visitor(request)
    if found is None:
        raise HTTPException(401)
    if admin and not found.user.is_admin:
        raise HTTPException(403)
    if request.method not in SAFE_METHODS:
        _check_origin(request)
    return found


def _check_origin(request: Request) -> None:
    """Browsers send ``Origin`` with every cross-site POST: one that is not ours is a forgery."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", request.url.netloc):
        raise HTTPException(403, "cross-site request")


async def _check_csrf(request: Request, found: Visitor) -> None:
    sent = request.headers.get("x-csrf-token", "")
    content_type = request.headers.get("content-type", "")
    if not sent and content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get("csrf", "")
        sent = value if isinstance(value, str) else ""
    if not same_token(sent, found.csrf):
        raise HTTPException(403, "missing or wrong CSRF token")


def _guard(admin: bool) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: Request) -> Response:
            found = _require(request, admin)
            if request.method not in SAFE_METHODS:
                await _check_csrf(request, found)
            return await handler(request)

        guarded.guard = "admin" if admin else "archivist"  # type: ignore[attr-defined]
        return guarded

    return decorate


archivist_only = _guard(admin=False)
admin_only = _guard(admin=True)


def current(request: Request) -> Visitor:
    """The visitor of a request that passed a guard."""
    found = visitor(request)
    assert found is not None, "current() called outside archivist_only"
    return found


def render_private(request: Request, template: str, context: dict[str, object], status_code: int = 200) -> Response:
    """A workspace page: it names the archivist and carries their CSRF token, so no cache keeps it."""
    found = visitor(request)
    response = render(
        request,
        template,
        {"visitor": found, "csrf": found.csrf if found else "", **context},
        status_code=status_code,
    )
    response.headers["cache-control"] = "private, no-store"
    return response


def login_redirect(request: Request) -> Response:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def _client_key(request: Request) -> str:
    return f"address:{request.client.host if request.client else 'unknown'}"


def _set_cookie(config: Config, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=config.base_url.startswith("https://"),
        path="/",
    )


def _login_page(request: Request, message: str = "", status_code: int = 200) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    next_url = safe_next(request.query_params.get("next") or "/workspace")
    response = render_private(
        request,
        "login.html",
        {"login_csrf": token, "next_url": next_url, "message": message},
        status_code=status_code,
    )
    _set_cookie(request.app.state.config, response, LOGIN_CSRF_COOKIE, token, 3600)
    return response


async def login(request: Request) -> Response:
    if request.method == "GET":
        return _login_page(request)
    form = await request.form(max_files=0, max_fields=10)
    username = str(form.get("username", "")).strip().lower()[:40]
    password = str(form.get("password", ""))
    if not same_token(str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        raise HTTPException(403, "missing or wrong CSRF token")
    _check_origin(request)
    store = accounts(request)
    keys = (f"user:{username}", _client_key(request))
    wait = store.retry_after(*keys)
    if wait:
        response = _login_page(
            request,
            i18n.gettext("Too many failed attempts. Try again in %(minutes)s minutes.") % {"minutes": wait // 60 + 1},
            status_code=429,
        )
        response.headers["retry-after"] = str(wait)
        return response
    user = store.authenticate(username, password)
    if user is None:
        store.record_failure(*keys)
        audit.record(store.store, username or "?", "login failed", detail=_client_key(request))
        return _login_page(request, i18n.gettext("Wrong username or password."), status_code=401)
    store.clear_failures(*keys)
    token = store.start_session(user)
    audit.record(store.store, user.username, "login", detail=_client_key(request))
    response = RedirectResponse(safe_next(str(form.get("next", "")) or "/workspace"), status_code=303)
    _set_cookie(request.app.state.config, response, SESSION_COOKIE, token, SESSION_SECONDS)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@archivist_only
async def logout(request: Request) -> Response:
    found = current(request)
    accounts(request).end_session(found.token)
    audit.record(accounts(request).store, found.user.username, "logout")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@archivist_only
async def logout_everywhere(request: Request) -> Response:
    found = current(request)
    ended = accounts(request).end_sessions(found.user.username)
    audit.record(accounts(request).store, found.user.username, "logout everywhere", detail=f"{ended} sessions")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
