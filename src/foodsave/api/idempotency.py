"""`Idempotency-Key` on POST: the first response to a key is stored in the SQL database (the same table
locally and in AWS) and replayed to every retry with the same body for 24 hours; the same key with another
body is refused with 422, and a retry while the first request still runs gets 409.

Records belong to the authenticated subject (stored as a hash), so two users never share a key. Only 2xx
responses are kept: a request that failed can be retried with the same key once fixed. The request's own
unit of work marks its record `applied` as it commits, so a process killed after that commit but before
the answer was stored never applies the request twice: a retry is told so (409) instead.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import anyio.to_thread
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from foodsave.api.problems import problem
from foodsave.db.session import Database, is_outage
from foodsave.errors import FoodSaveError
from foodsave.observability import logger
from foodsave.ports import HoldPoints, NoHolds

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
TTL = timedelta(hours=24)
LOCK = timedelta(seconds=60)  # longer than any request may run; a crashed request frees its key after it
REPLAYED_HEADERS = ("content-type", "location", "etag")
_KEY = re.compile(KEY_PATTERN)


@dataclass(frozen=True)
class Decision:
    """What to do with a keyed request: run it (`run`), replay a stored response, or refuse it."""

    action: str  # run | replay | mismatch | in_progress | applied
    record_id: str | None = None
    status_code: int = 0
    headers: dict[str, str] | None = None
    body: bytes = b""


class IdempotencyStore:
    """Idempotency records of one database; every method is one short transaction of its own. The records'
    model loads with the first keyed request (a function's cold start serves reads without it)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def begin(self, owner: str, key: str, fingerprint: str, now: datetime) -> Decision:
        try:
            return self._begin(owner, key, fingerprint, now)
        except IntegrityError:
            # Another request inserted the key between our read and our insert: it is running now.
            return self._begin(owner, key, fingerprint, now, insert=False)

    def _begin(
        self, owner: str, key: str, fingerprint: str, now: datetime, *, insert: bool = True
    ) -> Decision:
        from foodsave.db.models import IdempotencyRecord

        with self.db.session() as session:
            session.execute(
                delete(IdempotencyRecord).where(
                    IdempotencyRecord.owner == owner, IdempotencyRecord.expires_at < now
                )
            )
            row = session.scalar(
                select(IdempotencyRecord)
                .where(IdempotencyRecord.owner == owner, IdempotencyRecord.key == key)
                .with_for_update()
            )
            if row is not None and row.fingerprint != fingerprint:
                return Decision("mismatch")
            if row is not None and row.state == "completed":
                return Decision(
                    "replay", row.id, row.status_code or 200, dict(row.headers or {}), row.body or b""
                )
            if row is not None and row.locked_until > now:
                return Decision("in_progress")
            if row is not None and row.state == "applied":
                return Decision("applied")
            if row is None and not insert:
                return Decision("in_progress")
            if row is None:
                row = IdempotencyRecord(owner=owner, key=key, fingerprint=fingerprint)
                session.add(row)
            row.state, row.locked_until, row.expires_at = "in_progress", now + LOCK, now + TTL
            session.flush()
            return Decision("run", row.id)

    def complete(self, record_id: str, status_code: int, headers: dict[str, str], body: bytes) -> None:
        from foodsave.db.models import IdempotencyRecord

        with self.db.session() as session:
            row = session.get(IdempotencyRecord, record_id)
            if row is not None:
                row.state, row.status_code, row.headers, row.body = "completed", status_code, headers, body

    def release(self, record_id: str) -> None:
        from foodsave.db.models import IdempotencyRecord

        with self.db.session() as session:
            session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id))

    def unlock_all(self, now: datetime) -> int:
        """For a runtime that is the only process serving its database, at start: no request is running,
        so no key stays locked by one that was killed."""
        from foodsave.db.models import IdempotencyRecord

        with self.db.session() as session:
            freed = session.execute(
                update(IdempotencyRecord)
                .where(IdempotencyRecord.state != "completed", IdempotencyRecord.locked_until > now)
                .values(locked_until=now)
                .execution_options(synchronize_session=False)
            )
            return int(freed.rowcount or 0)  # type: ignore[attr-defined]


def mark_applied(session: Session, record_id: str) -> None:
    """In the request's own unit of work: its effects and this mark commit together."""
    from foodsave.db.models import IdempotencyRecord

    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record_id, IdempotencyRecord.state == "in_progress")
        .values(state="applied")
        .execution_options(synchronize_session=False)
    )


def fingerprint(scope: Scope, headers: Headers, body: bytes) -> str:
    """Method, path, query and body; a multipart body without its (per-attempt) boundary."""
    content_type = headers.get("content-type", "")
    match = re.search(r"boundary=\"?([^\";]+)", content_type)
    if content_type.startswith("multipart/") and match:
        body = body.replace(match.group(1).encode("latin-1"), b"")
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b"")):
        digest.update(part + b"\n")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyMiddleware:
    """ASGI middleware: POSTs with an `Idempotency-Key` go through the store, everything else passes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.match(key):
            bad = problem(
                400, f"{HEADER} must be 1-255 visible ASCII characters.", code="InvalidIdempotencyKey"
            )
            await bad(scope, receive, send)
            return
        body = await _read_body(receive)
        replay = _replaying(body, receive)
        owner = _owner(scope)
        if owner is None:  # not signed in: the route answers 401
            await self.app(scope, replay, send)
            return
        from foodsave.bootstrap import get_services

        services = get_services()
        store = IdempotencyStore(services.db)
        now = services.clock.now()
        try:
            decision = await anyio.to_thread.run_sync(
                store.begin, owner, key, fingerprint(scope, headers, body), now
            )
        except FoodSaveError as exc:
            await problem(exc.status, exc.detail, title=exc.title, code=exc.code)(scope, replay, send)
            return
        except DBAPIError as exc:
            if not is_outage(exc):
                raise
            down = problem(503, "The database is unavailable; try again shortly.", code="DatabaseUnavailable")
            await down(scope, replay, send)
            return
        if decision.action != "run":
            await _refusal_or_replay(decision)(scope, replay, send)
            return
        assert decision.record_id is not None
        await self._run(scope, replay, send, store, decision.record_id, services.holds)

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        store: IdempotencyStore,
        record: str,
        holds: HoldPoints,
    ) -> None:
        """Run the request with its answer held back until the record is saved, so a retry that follows the
        answer at once finds it completed (not still running)."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        from foodsave.api.deps import BEFORE_COMMIT

        scope.setdefault("state", {})[BEFORE_COMMIT] = partial(mark_applied, record_id=record)
        try:
            await self.app(scope, receive, hold)
        except BaseException:
            await _forget(store, record)
            raise
        # The request ran (a 2xx committed its effects); its answer is neither saved nor sent yet.
        if not isinstance(holds, NoHolds):  # production holds nothing: no thread hop for it
            await anyio.to_thread.run_sync(holds.hold, "keyed.answer")
        start = next((m for m in held if m["type"] == "http.response.start"), None)
        status = int(start["status"]) if start else 0
        try:
            if 200 <= status < 300 and start is not None:
                kept = {
                    name.decode("latin-1").lower(): value.decode("latin-1")
                    for name, value in start.get("headers", [])
                    if name.decode("latin-1").lower() in REPLAYED_HEADERS
                }
                body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
                await anyio.to_thread.run_sync(store.complete, record, status, kept, body)
            else:
                await anyio.to_thread.run_sync(store.release, record)
        except Exception:  # noqa: BLE001 - the answer still goes out; an unsaved record only frees the key
            logger.exception("idempotency record not saved")
        for message in held:
            await send(message)


async def _forget(store: IdempotencyStore, record: str) -> None:
    try:
        await anyio.to_thread.run_sync(store.release, record)
    except Exception:  # noqa: BLE001 - the lock expires by itself
        logger.exception("idempotency record not released")


def _owner(scope: Scope) -> str | None:
    from foodsave.api.deps import subject_of
    from foodsave.bootstrap import get_services
    from foodsave.db.models import IdempotencyRecord

    try:
        subject = subject_of(Request(scope), get_services())
    except FoodSaveError:
        return None
    return IdempotencyRecord.owner_of(subject)


def _refusal_or_replay(decision: Decision) -> Any:
    from starlette.responses import Response

    if decision.action == "mismatch":
        return problem(
            422,
            f"This {HEADER} was already used with another request; use a new key for a new request.",
            code="IdempotencyKeyReused",
        )
    if decision.action == "in_progress":
        return problem(
            409, f"A request with this {HEADER} is still running; retry shortly.", code="IdempotencyKeyInUse"
        )
    if decision.action == "applied":
        return problem(
            409,
            f"The request with this {HEADER} was applied, but its answer was lost when the service stopped; "
            "it is not applied again. Read the result instead.",
            code="IdempotencyKeyApplied",
        )
    headers = {**(decision.headers or {}), "Idempotent-Replayed": "true"}
    media_type = headers.pop("content-type", None)
    return Response(decision.body, status_code=decision.status_code, headers=headers, media_type=media_type)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, original: Receive) -> Receive:
    """The body already read, then whatever the client does next (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive
