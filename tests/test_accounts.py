"""Accounts on the real store: hashing, sessions, logout everywhere, the login throttle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heritage import audit
from heritage.accounts import THROTTLE_FAILURES, Accounts, Role
from heritage.errors import InvalidInputError
from heritage.store import Store

PASSWORD = "Gwenc'hlan a lavaras"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    return Accounts(Store(tmp_path / "data").ensure())


def test_passwords_are_stored_as_argon2id_hashes_only(accounts: Accounts) -> None:
    accounts.add_user("anna", PASSWORD)
    record = (accounts.users_dir / "anna.json").read_text()
    assert PASSWORD not in record
    assert json.loads(record)["password_hash"].startswith("$argon2id$")


def test_the_right_password_authenticates_and_a_wrong_one_does_not(accounts: Accounts) -> None:
    accounts.add_user("anna", PASSWORD, Role.ADMIN)
    user = accounts.authenticate("anna", PASSWORD)
    assert user is not None and user.is_admin
    assert accounts.authenticate("anna", PASSWORD.upper()) is None
    assert accounts.authenticate("nobody", PASSWORD) is None


def test_short_passwords_and_odd_usernames_are_refused(accounts: Accounts) -> None:
    with pytest.raises(InvalidInputError, match="at least 10 characters"):
        accounts.add_user("anna", "kenavo")
    with pytest.raises(InvalidInputError, match="username"):
        accounts.add_user("../etc/passwd", PASSWORD)
    with pytest.raises(InvalidInputError, match="username"):
        accounts.add_user("Anna Le Gall", PASSWORD)


def test_an_existing_username_is_not_overwritten(accounts: Accounts) -> None:
    accounts.add_user("anna", PASSWORD)
    with pytest.raises(InvalidInputError, match="already exists"):
        accounts.add_user("anna", "another password entirely")
    assert accounts.authenticate("anna", PASSWORD) is not None


def test_the_store_keeps_only_a_hash_of_each_session_token(accounts: Accounts) -> None:
    token = accounts.start_session(accounts.add_user("anna", PASSWORD))
    assert accounts.session(token) is not None
    assert all(token not in p.name and token not in p.read_text() for p in accounts.sessions_dir.iterdir())


def test_logging_out_everywhere_ends_every_session_of_that_user_only(accounts: Accounts) -> None:
    anna = accounts.add_user("anna", PASSWORD)
    yann = accounts.add_user("yann", PASSWORD)
    phone, desktop, other = accounts.start_session(anna), accounts.start_session(anna), accounts.start_session(yann)
    assert accounts.end_sessions("anna") == 2
    assert accounts.session(phone) is None and accounts.session(desktop) is None
    assert accounts.session(other) is not None


def test_a_new_password_ends_the_old_sessions(accounts: Accounts) -> None:
    token = accounts.start_session(accounts.add_user("anna", PASSWORD))
    accounts.set_password("anna", "a brand new passphrase")
    assert accounts.session(token) is None
    assert accounts.authenticate("anna", "a brand new passphrase") is not None


def test_forged_or_oversized_session_tokens_are_no_session(accounts: Accounts) -> None:
    assert accounts.session("") is None
    assert accounts.session("x" * 10_000) is None
    assert accounts.session("../../accounts/users/anna") is None


def test_the_throttle_holds_after_five_failures_per_key(accounts: Accounts) -> None:
    for _ in range(THROTTLE_FAILURES - 1):
        accounts.record_failure("user:anna", "address:127.0.0.1")
    assert accounts.retry_after("user:anna") == 0
    accounts.record_failure("user:anna", "address:127.0.0.1")
    assert 0 < accounts.retry_after("user:anna") <= 15 * 60
    assert accounts.retry_after("user:yann", "address:127.0.0.1") > 0
    assert accounts.retry_after("user:yann", "address:10.0.0.9") == 0


def test_audit_entries_come_back_newest_first_and_by_target(accounts: Accounts) -> None:
    store = accounts.store
    audit.record(store, "anna", "upload", "abcdefghijkm")
    audit.record(store, "anna", "rotate", "abcdefghijkm/pqrstuvwxyz2")
    audit.record(store, "yann", "publish", "zzzzzzzzzzzz")
    assert [e.action for e in audit.entries(store)] == ["publish", "rotate", "upload"]
    assert [e.action for e in audit.entries(store, "abcdefghijkm")] == ["rotate", "upload"]
