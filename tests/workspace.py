"""Logging in as an archivist, for the workspace tests: real accounts, real sessions, real CSRF."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx

from heritage.accounts import Accounts, Role
from heritage.store import Store
from tests.conftest import SAMPLES

PASSWORD = "kenavo-ar-wech-all"  # long enough for the password rule
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_user(store: Store, username: str = "anna", role: Role = Role.ARCHIVIST) -> str:
    Accounts(store).add_user(username, PASSWORD, role, name=username.capitalize())
    return username


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """Log in through the real form; returns the session's CSRF token for the forms that follow."""
    page = client.get("/login", headers={"accept-language": "en"})
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(page.text), "next": "/workspace"},
        headers={"accept-language": "en"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/workspace", headers={"accept-language": "en"}).text)


def one_page_folder(tmp_path: Path) -> Path:
    """A real one-page item folder: a page of a French print of 1886, with its metadata.json."""
    sample = SAMPLES / "real" / "nubis-1886"
    folder = tmp_path / "scan"
    folder.mkdir(parents=True)
    shutil.copy(sample / "17b9_1886_2.jpg", folder / "page.jpg")
    shutil.copy(sample / "metadata.json", folder / "metadata.json")
    return folder
