"""Archivist and administrator accounts, their sessions and the login throttle, kept in the store.

Everything lives in files under ``accounts/`` of the data directory, not in Redis: logging in
and uploading must keep working while the job queue is down. Passwords are hashed with
Argon2id (memory-hard, RFC 9106 parameters: 64 MiB, about a quarter of a second here). A
session is a random token in the visitor's cookie; the store keeps only its SHA-256, so a copy
of the data directory does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from heritage.errors import InvalidInputError, NotFoundError
from heritage.store import Store, now

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024  # hashing a megabyte "password" is a cheap denial of service
SESSION_SECONDS = 12 * 3600
THROTTLE_FAILURES = 5
THROTTLE_WINDOW_SECONDS = 15 * 60
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))  # unknown users cost as much time as known ones


class Role(StrEnum):
    ARCHIVIST = "archivist"
    ADMIN = "admin"


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: Role
    password_hash: str
    created: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def to_json(self) -> dict[str, str]:
        return {**asdict(self), "role": self.role.value}


@dataclass(frozen=True)
class Session:
    username: str
    csrf: str  # the token every form of this session must send back
    expires: float


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.root = store.root / "accounts"
        self.users_dir = self.root / "users"
        self.sessions_dir = self.root / "sessions"
        self.throttle_dir = self.root / "throttle"

    # -- users -------------------------------------------------------------------------

    def _user_path(self, username: str) -> Path:
        if not _USERNAME.match(username):
            raise NotFoundError(f"no user {username!r}")
        return self.users_dir / f"{username}.json"

    def add_user(self, username: str, password: str, role: Role = Role.ARCHIVIST, name: str = "") -> User:
        """Create an account; an existing username is refused rather than overwritten."""
        if not _USERNAME.match(username):
            raise InvalidInputError(
                "a username is 2 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        check_password(password)
        user = User(username, (name.strip() or username)[:100], role, _HASHER.hash(password), now())
        with self.store.lock("accounts"):
            if self._user_path(username).exists():
                raise InvalidInputError(f"the user {username!r} already exists")
            self.store.write_json(self._user_path(username), user.to_json())
        return user

    def user(self, username: str) -> User:
        try:
            data = json.loads(self._user_path(username).read_text())
        except FileNotFoundError:
            raise NotFoundError(f"no user {username!r}") from None
        return User(data["username"], data["name"], Role(data["role"]), data["password_hash"], data["created"])

    def users(self) -> list[User]:
        if not self.users_dir.exists():
            return []
        return [self.user(p.stem) for p in sorted(self.users_dir.glob("*.json"))]

    def set_password(self, username: str, password: str) -> None:
        """A new password also ends every session of the account (stolen cookies included)."""
        check_password(password)
        user = self.user(username)
        replaced = User(user.username, user.name, user.role, _HASHER.hash(password), user.created)
        self.store.write_json(self._user_path(username), replaced.to_json())
        self.end_sessions(username)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right; the same work is done when the user does not exist."""
        try:
            user = self.user(username)
        except NotFoundError:
            _verify(_DUMMY_HASH, password)
            return None
        return user if _verify(user.password_hash, password) else None

    # -- sessions ----------------------------------------------------------------------

    def _session_path(self, token: str) -> Path:
        return self.sessions_dir / f"{hashlib.sha256(token.encode()).hexdigest()}.json"

    def start_session(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        session = Session(user.username, secrets.token_urlsafe(32), time.time() + SESSION_SECONDS)
        self.store.write_json(self._session_path(token), asdict(session))
        return token

    def session(self, token: str) -> Session | None:
        """The live session for a cookie value, or None (unknown, expired, or its user removed)."""
        if not token or len(token) > 100:
            return None
        path = self._session_path(token)
        try:
            session = Session(**json.loads(path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, TypeError):
            return None
        if session.expires < time.time() or not self._user_path_exists(session.username):
            path.unlink(missing_ok=True)
            return None
        return session

    def _user_path_exists(self, username: str) -> bool:
        try:
            return self._user_path(username).exists()
        except NotFoundError:
            return False

    def end_session(self, token: str) -> None:
        self._session_path(token).unlink(missing_ok=True)

    def end_sessions(self, username: str) -> int:
        """Log a user out everywhere: every browser holding one of their cookies."""
        ended = 0
        for path in self.sessions_dir.glob("*.json") if self.sessions_dir.exists() else []:
            try:
                owner = json.loads(path.read_text()).get("username")
            except (FileNotFoundError, json.JSONDecodeError):
                continue
            if owner == username:
                path.unlink(missing_ok=True)
                ended += 1
        return ended

    # -- login throttle ----------------------------------------------------------------

    def _throttle_path(self, key: str) -> Path:
        return self.throttle_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def _failures(self, key: str) -> list[float]:
        try:
            times = json.loads(self._throttle_path(key).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return []
        horizon = time.time() - THROTTLE_WINDOW_SECONDS
        return [t for t in times if isinstance(t, (int, float)) and t > horizon]

    def retry_after(self, *keys: str) -> int:
        """Seconds until one more attempt is allowed for these keys (user and address); 0 = now."""
        waits = []
        for key in keys:
            failures = self._failures(key)
            if len(failures) >= THROTTLE_FAILURES:
                waits.append(int(failures[-THROTTLE_FAILURES] + THROTTLE_WINDOW_SECONDS - time.time()) + 1)
        return max(waits, default=0)

    def record_failure(self, *keys: str) -> None:
        with self.store.lock("throttle"):
            for key in keys:
                failures = [*self._failures(key), time.time()][-THROTTLE_FAILURES * 4 :]
                self.store.write_json(self._throttle_path(key), failures)

    def clear_failures(self, *keys: str) -> None:
        for key in keys:
            self._throttle_path(key).unlink(missing_ok=True)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInputError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InvalidInputError(f"a password has at most {MAX_PASSWORD_CHARS} characters")


def _verify(password_hash: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def same_token(a: str, b: str) -> bool:
    """Compare secrets in constant time, so timing does not reveal how much of a guess was right."""
    return bool(a) and bool(b) and hmac.compare_digest(a.encode(), b.encode())
