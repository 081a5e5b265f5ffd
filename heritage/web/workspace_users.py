"""Accounts in the workspace: administrators add archivists and reset passwords; everyone keeps their own.

A session acts only for its own account: changing a password or ending the sessions of someone
else takes an administrator, and changing one's own password asks for the current one first
(a browser left open must not let a passer-by lock its owner out). A new password ends every
session of the account, this one included, so its owner logs in again with it.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from heritage import audit
from heritage.accounts import Accounts, Role
from heritage.config import Config
from heritage.errors import InvalidInputError
from heritage.store import Store
from heritage.web import i18n
from heritage.web.auth import SESSION_COOKIE, Visitor, admin_only, archivist_only, current, render_private
from heritage.web.workspace_forms import done, read_form, secret, text


def _may_act_for(visitor: Visitor, username: str) -> bool:
    return visitor.user.is_admin or visitor.user.username == username


def _logged_out(target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def routes(config: Config, store: Store) -> list[BaseRoute]:
    accounts = Accounts(store)

    def users_page(
        request: Request, error: str = "", typed: dict[str, str] | None = None, status: int = 200
    ) -> Response:
        context: dict[str, object] = {
            "section": "users",
            "users": accounts.users(),
            "error": error,
            "typed": typed or {},
        }
        return render_private(request, "workspace_users.html", context, status_code=status)

    def account_for(request: Request) -> tuple[Visitor, str]:
        """Who asks, and the account of the URL they may act for: 403 for another's, 404 for none."""
        visitor = current(request)
        username = request.path_params["username"]
        if not _may_act_for(visitor, username):
            raise HTTPException(403)
        accounts.user(username)  # 404 for an unknown account, before anything else
        return visitor, username

    def account_page(request: Request, error: str = "", status: int = 200) -> Response:
        context: dict[str, object] = {"section": "account", "error": error}
        return render_private(request, "workspace_account.html", context, status)

    @admin_only
    async def users(request: Request) -> Response:
        if request.method == "GET":
            return users_page(request)
        form = await read_form(request)
        typed = {"username": str(form.get("username", ""))[:40], "name": str(form.get("name", ""))[:100]}
        try:
            role = Role(str(form.get("role", "")))
        except ValueError:
            return users_page(request, i18n.gettext("Choose a role: archivist or administrator."), typed, 400)
        try:
            name = text(form, "name", "name", 100)
            user = accounts.add_user(typed["username"].strip().lower(), secret(form, "password"), role, name)
        except InvalidInputError as e:
            return users_page(request, str(e), typed, 400)
        audit.record(store, current(request).user.username, "add user", user.username, user.role.value)
        return done("/workspace/users", "added")

    @archivist_only
    async def password(request: Request) -> Response:
        visitor, username = account_for(request)
        form = await read_form(request)
        own = username == visitor.user.username
        if own:
            if accounts.authenticate(username, secret(form, "current")) is None:
                return account_page(request, i18n.gettext("The current password is wrong; nothing changed."), 400)
            if secret(form, "password") != secret(form, "repeat"):
                return account_page(request, i18n.gettext("The two new passwords differ; nothing changed."), 400)
        try:
            accounts.set_password(username, secret(form, "password"))
        except InvalidInputError as e:
            return account_page(request, str(e), 400) if own else users_page(request, str(e), status=400)
        audit.record(store, visitor.user.username, "set password", username)
        return _logged_out("/login?next=/workspace") if own else done("/workspace/users", "password")

    @archivist_only
    async def end_sessions(request: Request) -> Response:
        visitor, username = account_for(request)
        ended = accounts.end_sessions(username)
        audit.record(store, visitor.user.username, "end sessions", username, f"{ended} sessions")
        return _logged_out("/") if username == visitor.user.username else done("/workspace/users", "sessions")

    @archivist_only
    async def account(request: Request) -> Response:
        return account_page(request)

    return [
        Route("/workspace/users", users, methods=["GET", "POST"]),
        Route("/workspace/users/{username}/password", password, methods=["POST"]),
        Route("/workspace/users/{username}/sessions/end", end_sessions, methods=["POST"]),
        Route("/workspace/account", account),
    ]
