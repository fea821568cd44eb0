"""Request dependencies: the container's services, one DB transaction per request, the signed-in user."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from foodsave.db.models import User
from foodsave.errors import Unauthorized
from foodsave.users import get_or_create_user
from foodsave.wiring import Services, get_services

DEV_TOKEN = re.compile(r"^Bearer dev-([A-Za-z0-9_.-]{1,64})$")


def services_dep() -> Services:
    return get_services()


# Commits and rollbacks run on their own worker-thread allowance: if they queued behind requests that
# wait for a database connection (or SQLite's write lock) held by the very sessions waiting to commit,
# the server would stall until the pool timeout.
_UNIT_ENDS = anyio.CapacityLimiter(64)


async def db_session_dep(services: Annotated[Services, Depends(services_dep)]) -> AsyncIterator[Session]:
    """One unit of work; it commits before the response leaves, so a failed commit is never a 2xx."""
    unit = services.db.begin()
    try:
        yield unit.session
    except BaseException:
        await anyio.to_thread.run_sync(unit.rollback, limiter=_UNIT_ENDS)
        raise
    await anyio.to_thread.run_sync(unit.commit, limiter=_UNIT_ENDS)


def subject_of(request: Request, services: Services) -> str:
    """The authenticated subject: the JWT `sub` that API Gateway verified, or a dev token in the local runtime."""
    event: dict[str, Any] | None = request.scope.get("aws.event")
    if event:
        claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get(
            "claims"
        ) or {}
        sub = claims.get("sub")
        if isinstance(sub, str) and sub:
            return sub
    if services.settings.dev_auth and services.settings.env == "local":
        match = DEV_TOKEN.match(request.headers.get("authorization", ""))
        if match:
            return f"dev:{match.group(1)}"
    raise Unauthorized("Sign in first: this route needs an authenticated user.")


def current_user_dep(
    request: Request,
    services: Annotated[Services, Depends(services_dep)],
    session: Annotated[Session, Depends(db_session_dep, scope="function")],
) -> User:
    return get_or_create_user(session, subject_of(request, services))


ServicesDep = Annotated[Services, Depends(services_dep)]
SessionDep = Annotated[Session, Depends(db_session_dep, scope="function")]
CurrentUser = Annotated[User, Depends(current_user_dep)]
