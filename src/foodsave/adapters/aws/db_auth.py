"""Database credentials in AWS: RDS IAM auth tokens cached until shortly before they expire, and a hook
that hands a fresh password to every new connection, so no container ever holds a stale or rotated one."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine

# RDS IAM tokens are valid for 15 minutes; a new one is made 3 minutes before that, so a connection
# that takes a while to open (a paused cluster resuming) still presents a valid token.
TOKEN_LIFETIME_SECONDS = 15 * 60
TOKEN_REFRESH_MARGIN_SECONDS = 3 * 60

PasswordSource = Callable[[], str]


class IamAuthToken:
    """`generate_db_auth_token` for one endpoint and user, reused until shortly before it expires.

    Generating a token is a local signature (no network call), but it still costs a few milliseconds and
    a credentials lookup; a warm container opening several connections reuses one token.
    """

    def __init__(
        self,
        rds_client: Any,
        host: str,
        port: int,
        user: str,
        *,
        now: Callable[[], float] = time.monotonic,
        lifetime_seconds: float = TOKEN_LIFETIME_SECONDS,
        refresh_margin_seconds: float = TOKEN_REFRESH_MARGIN_SECONDS,
    ) -> None:
        if refresh_margin_seconds >= lifetime_seconds:
            raise ValueError("the refresh margin must be shorter than the token lifetime")
        self._client = rds_client
        self._host, self._port, self._user = host, port, user
        self._now = now
        self._reuse_for = lifetime_seconds - refresh_margin_seconds
        self._lock = threading.Lock()
        self._token: str | None = None
        self._made_at = 0.0

    def __call__(self) -> str:
        with self._lock:
            now = self._now()
            if self._token is None or now - self._made_at >= self._reuse_for:
                self._token = self._client.generate_db_auth_token(
                    DBHostname=self._host, Port=self._port, DBUsername=self._user
                )
                self._made_at = now
            return self._token


def password_on_connect(engine: Engine, password: PasswordSource) -> None:
    """Ask `password` for the credential each time the pool opens a new connection."""

    @event.listens_for(engine, "do_connect")
    def _fresh_password(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        cparams["password"] = password()


def iam_database_url(host: str, port: int, database: str, user: str) -> str:
    """A pg8000 URL without a password: `password_on_connect` supplies the token."""
    return URL.create(
        "postgresql+pg8000", username=user, host=host, port=port, database=database
    ).render_as_string(hide_password=False)
