"""Users who log in for a JWT: bcrypt password hashes in the service database.

The same store works over PostgreSQL and the embedded SQLite default (see ``server.db``).
Usernames are case-insensitive (stored lower-case). A disabled user cannot log in; a token issued
before stays valid until it expires, as tokens are not checked against the database. bcrypt only
reads the first 72 bytes of a password, and bcrypt 5 raises on longer input, so longer passwords
are refused at creation rather than silently truncated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal, cast

import bcrypt

from server.db import Database, IntegrityError, Row, as_datetime

Role = Literal["user", "admin"]
ROLES: tuple[Role, ...] = ("user", "admin")

MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_BYTES = 72
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,63}$")


class UserError(ValueError):
    """A user cannot be created as asked; the message is meant for the person asking."""


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    created_at: datetime
    disabled: bool = False  # a disabled user cannot log in; tokens already issued run out


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(f"password must be at most {MAX_PASSWORD_BYTES} bytes (bcrypt's limit)")


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.fullmatch(name):
        raise UserError(
            "username must be 1-64 characters: letters, digits or . _ @ + -, "
            "starting with a letter or digit"
        )
    return name


_COLUMNS = "username, role, created_at, disabled"


def _user(row: Row) -> User:
    name, role, created_at, disabled = row
    return User(name, cast(Role, role), as_datetime(created_at), bool(disabled))


class UserStore:
    def __init__(self, db: Database, *, bcrypt_rounds: int = 12) -> None:
        # 12 rounds is ~0.25 s per hash on a small CPU: slow for guessing, fine for a login.
        self._db = db
        self._rounds = bcrypt_rounds

    def create(self, username: str, password: str, role: Role = "user") -> User:
        name = normalize_username(username)
        check_password(password)
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}")
        hashed = bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(self._rounds))
        try:
            with self._db.transaction() as tx:
                rows = tx.execute(
                    "INSERT INTO users (username, password_hash, role) VALUES (%s, %s, %s) "
                    "RETURNING created_at",
                    (name, hashed.decode("ascii"), role),
                )
        except IntegrityError as exc:
            raise UserError(f"user {name!r} already exists") from exc
        return User(name, role, as_datetime(rows[0][0]))

    def get(self, username: str) -> User | None:
        found = self._find(username)
        return found[0] if found else None

    def all(self) -> list[User]:
        with self._db.transaction() as tx:
            rows = tx.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username")
        return [_user(row) for row in rows]

    def set_disabled(self, username: str, disabled: bool) -> User:
        """Disable (or enable again) a user's login; ``UserError`` for an unknown user."""
        with self._db.transaction() as tx:
            rows = tx.execute(
                "UPDATE users SET disabled = %s WHERE username = %s RETURNING " + _COLUMNS,
                (disabled, username.strip().lower()),
            )
        if not rows:
            raise UserError(f"no user {username!r}")
        return _user(rows[0])

    def authenticate(self, username: str, password: str) -> User | None:
        """The user when the password matches and the user is not disabled; None otherwise."""
        found = self._find(username)
        candidate = password.encode("utf-8")
        if found is None or found[0].disabled or len(candidate) > MAX_PASSWORD_BYTES:
            # Hash anyway so an unknown username takes as long as a wrong password:
            # response time must not tell which usernames exist.
            bcrypt.checkpw(b"not the password", self._dummy_hash)
            return None
        user, stored = found
        return user if bcrypt.checkpw(candidate, stored) else None

    def _find(self, username: str) -> tuple[User, bytes] | None:
        with self._db.transaction() as tx:
            rows = tx.execute(
                f"SELECT {_COLUMNS}, password_hash FROM users WHERE username = %s",
                (username.strip().lower(),),
            )
        if not rows:
            return None
        return _user(rows[0][:-1]), rows[0][-1].encode("ascii")

    @cached_property
    def _dummy_hash(self) -> bytes:
        return bcrypt.hashpw(b"dummy password", bcrypt.gensalt(self._rounds))
