"""Request dependencies: the container's services, one DB transaction per request, the signed-in user."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import weakref
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from foodsave.api.claims import event_claims
from foodsave.bootstrap import built_services, get_services
from foodsave.db.models import User
from foodsave.errors import Unauthorized
from foodsave.services import Services
from foodsave.users import get_or_create_user

DEV_TOKEN = re.compile(r"^Bearer dev-([A-Za-z0-9_.-]{1,64})$")


async def services_dep() -> Services:
    """The container's services: on the event loop once they are built (no worker thread per request), on a
    worker thread the first time, when building them may touch the disk."""
    built = built_services()
    return built if built is not None else await anyio.to_thread.run_sync(get_services)


# At most DB_SLOTS requests hold database work at once; the others wait on the event loop, holding no
# worker thread. Their units of work begin and end on a worker allowance of their own. Without this,
# requests waiting for SQLite's write lock (or a pooled connection) could take every worker thread while
# the request holding the lock still needs one to serialise its response, and the server would stall.
DB_SLOTS = 10
_UNIT_WORK = anyio.CapacityLimiter(64)
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _loop_slots() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(DB_SLOTS)
    return slots


async def db_slot_dep() -> AsyncIterator[None]:
    """A place among the requests allowed to hold database work; held until the response is sent."""
    slots = _loop_slots()
    await slots.acquire()
    try:
        yield
    finally:
        slots.release()


# Work a middleware hands to the request's unit of work, run in its transaction just before it commits.
BEFORE_COMMIT = "before_commit"


async def db_session_dep(
    request: Request,
    services: Annotated[Services, Depends(services_dep)],
    _slot: Annotated[None, Depends(db_slot_dep)],
) -> AsyncIterator[Session]:
    """One unit of work; it commits before the response leaves, so a failed commit is never a 2xx. A keyed
    POST's idempotency record is marked applied in the same commit (the `BEFORE_COMMIT` work in the scope)."""
    unit = services.db.begin()
    try:
        yield unit.session
    except BaseException:
        await anyio.to_thread.run_sync(unit.rollback, limiter=_UNIT_WORK)
        raise
    before_commit = request.scope.get("state", {}).get(BEFORE_COMMIT)
    if before_commit is not None:
        await anyio.to_thread.run_sync(before_commit, unit.session, limiter=_UNIT_WORK)
    await anyio.to_thread.run_sync(unit.commit, limiter=_UNIT_WORK)


def claims_of(request: Request) -> dict[str, Any]:
    """The JWT claims API Gateway verified for this request (empty outside Lambda)."""
    return event_claims(request.scope.get("aws.event") or {})


def subject_of(request: Request, services: Services) -> str:
    """The authenticated subject: the JWT `sub` that API Gateway verified, or a dev token in the local runtime.

    A 401 says why: no token (`TokenMissing`), a header or token of the wrong shape (`TokenMalformed`),
    a token past its `exp` (`TokenExpired`) or one this deployment does not accept (`TokenInvalid`)."""
    sub = claims_of(request).get("sub")
    if isinstance(sub, str) and sub:
        return sub
    header = request.headers.get("authorization", "")
    local = services.settings.dev_auth and services.settings.env == "local"
    if local:
        match = DEV_TOKEN.match(header)
        if match:
            return f"dev:{match.group(1)}"
    raise token_problem(header, services.clock.now(), local=local)


def token_problem(header: str, now: datetime, *, local: bool) -> Unauthorized:
    """The 401 for a request whose Authorization header did not yield a user."""
    if not header.strip():
        return Unauthorized("Sign in first: send `Authorization: Bearer <token>`.", code="TokenMissing")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return Unauthorized(
            "The Authorization header must be `Bearer <token>` (one token, no other scheme).",
            code="TokenMalformed",
        )
    expires = jwt_expiry(token)
    if expires is not None and expires <= now:
        return Unauthorized(
            f"The token expired at {expires.isoformat()}; sign in again.", code="TokenExpired"
        )
    if local:
        return Unauthorized(
            "The local runtime accepts dev tokens only: `Bearer dev-<name>`, a name of 1-64 letters, digits, "
            "`.`, `_` or `-`.",
            code="TokenMalformed" if expires is None else "TokenInvalid",
        )
    return Unauthorized("The token was not accepted; sign in again.", code="TokenInvalid")


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` of a JWT-shaped token (read, not verified: only to explain a refusal), else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        return datetime.fromtimestamp(float(payload["exp"]), UTC)
    except (ValueError, TypeError, KeyError, OverflowError, OSError):
        return None


async def subject_dep(request: Request, services: Annotated[Services, Depends(services_dep)]) -> str:
    return subject_of(request, services)


async def current_user_dep(
    subject: Annotated[str, Depends(subject_dep)],
    session: Annotated[Session, Depends(db_session_dep, scope="function")],
) -> User:
    """The signed-in user, read (or created) in the request's own unit of work: one transaction a request,
    not one more before it (a round trip each to begin and commit it on PostgreSQL). The subject comes
    first, so a request without one is refused before any database work."""
    return await anyio.to_thread.run_sync(get_or_create_user, session, subject, limiter=_UNIT_WORK)


ServicesDep = Annotated[Services, Depends(services_dep)]
SessionDep = Annotated[Session, Depends(db_session_dep, scope="function")]
CurrentUser = Annotated[User, Depends(current_user_dep)]
