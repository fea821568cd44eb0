"""Users: resolved from the authenticated subject (Cognito `sub`, or `dev-<name>` locally), created on first use
with a household of their own; their profile settings; and erasure of everything personal a user stored (rows,
files, index entries) and of their household's shared data when nobody else is left in it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import Table, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foodsave.db.models import HouseholdMember, User, load_all
from foodsave.errors import InvalidInput
from foodsave.households.membership import (
    OWNER,
    erase_household,
    found_household,
    membership_of,
    shared_tables,
)
from foodsave.observability import logger

if TYPE_CHECKING:
    from foodsave.services import Services

LOCALES = ("pl", "en")
MAX_WARNING_DAYS = 14
USER_DELETED = "user_deleted"


def get_or_create_user(session: Session, external_sub: str) -> User:
    user = session.scalar(select(User).where(User.external_sub == external_sub))
    if user is not None:
        return user
    try:
        with session.begin_nested():
            user = User(external_sub=external_sub)
            session.add(user)
            session.flush()
    except IntegrityError:  # created by a concurrent request
        user = session.scalar(select(User).where(User.external_sub == external_sub))
        assert user is not None
        return user
    found_household(session, user.id)
    return user


def check_timezone(name: str) -> str:
    """An IANA zone name the zoneinfo database knows (`Europe/Warsaw`); paths and odd names are refused."""
    if (
        not name
        or len(name) > 64
        or name.startswith("/")
        or ".." in name
        or name not in available_timezones()
    ):
        raise InvalidInput(f"unknown time zone {name!r}: use an IANA name such as Europe/Warsaw")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r}") from exc
    return name


def update_profile(
    user: User,
    *,
    locale: str | None = None,
    timezone: str | None = None,
    expiry_warning_days: int | None = None,
) -> User:
    """Change the given settings after validating all of them (nothing changes when one is invalid)."""
    if locale is not None and locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}")
    if timezone is not None:
        check_timezone(timezone)
    if expiry_warning_days is not None and not 0 <= expiry_warning_days <= MAX_WARNING_DAYS:
        raise InvalidInput(f"expiry_warning_days must be between 0 and {MAX_WARNING_DAYS}")
    if locale is not None:
        user.locale = locale
    if timezone is not None:
        user.timezone = timezone
    if expiry_warning_days is not None:
        user.expiry_warning_days = expiry_warning_days
    return user


def object_prefixes(user_id: str) -> tuple[str, ...]:
    """Where a user's personal files live in the object store: their documents, uploaded through a slot or
    directly (receipt photos belong to the household, and go with it; their private index is deleted by the
    index-builder's `user_deleted` job)."""
    return (f"uploads/documents/{user_id}/", f"documents/{user_id}/")


def user_tables() -> list[Table]:
    """Tables of personal rows (a `user_id` and no household), children before parents; new tables are
    covered automatically."""
    shared = {t.name for t in shared_tables()}
    return [
        t
        for t in reversed(load_all().sorted_tables)
        if "user_id" in t.c and t.name != "users" and t.name not in shared
    ]


@dataclass
class Erasure:
    user_id: str
    rows: dict[str, int] = field(default_factory=dict)
    objects: int = 0
    index_job: str | None = None


def erase_user(services: Services, session: Session, user: User) -> Erasure:
    """Delete every row, file and index entry of `user`, in an order that a retry can always finish.

    1. queue the index job (`user_deleted`) so the index-builder drops the user's chunks;
    2. delete the user's objects (uploads, private index versions; idempotent);
    3. delete the rows in the caller's transaction: a failed commit leaves the user able to retry.
    """
    from foodsave.db.models import Document, IdempotencyRecord, ProcessedMessage  # erasure only

    uid = user.id
    result = Erasure(user_id=uid)
    services.store.ping()  # a store that is down fails the request before anything changed
    result.index_job = services.queue.send({"type": USER_DELETED, "user_id": uid})

    _leave_household(services, session, uid, result)
    keys = {k for k in session.scalars(select(Document.object_key).where(Document.user_id == uid)) if k}
    for prefix in object_prefixes(uid):
        result.objects += services.store.delete_prefix(prefix)
    for key in sorted(keys):
        if services.store.head(key) is not None:
            services.store.delete(key)
            result.objects += 1
    _forget_local_index_copies(services, uid)

    for table in user_tables():
        deleted = session.execute(delete(table).where(table.c.user_id == uid)).rowcount  # type: ignore[attr-defined]
        if deleted:
            result.rows[table.name] = int(deleted)
    personal = delete(Document).where(Document.user_id == uid, Document.household_id.is_(None))
    deleted = session.execute(personal).rowcount  # type: ignore[attr-defined]
    if deleted:
        result.rows[Document.__tablename__] = int(deleted)
    # Idempotency keys name the uploaded objects, whose keys carry the user id.
    deleted = session.execute(
        delete(ProcessedMessage).where(ProcessedMessage.key.contains(uid, autoescape=True))
    ).rowcount  # type: ignore[attr-defined]
    if deleted:
        result.rows[ProcessedMessage.__tablename__] = int(deleted)
    # Stored replies to keyed POSTs hold item names: they go with the user, not 24 hours later.
    deleted = session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.owner == IdempotencyRecord.owner_of(user.external_sub)
        )
    ).rowcount  # type: ignore[attr-defined]
    if deleted:
        result.rows[IdempotencyRecord.__tablename__] = int(deleted)
    session.execute(delete(User).where(User.id == uid))
    result.rows["users"] = 1
    session.flush()
    logger.info("user erased", extra={"user_id": uid, "rows": result.rows, "objects": result.objects})
    return result


def _leave_household(services: Services, session: Session, user_id: str, result: Erasure) -> None:
    """The last member takes the household's shared data with them; otherwise it stays with the others
    (ownership passes to the member who joined first) and no longer names this user as its author."""
    me = membership_of(session, user_id)
    others = session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.household_id == me.household_id, HouseholdMember.user_id != user_id)
        .order_by(HouseholdMember.joined_at, HouseholdMember.user_id)
    ).all()
    if not others:
        result.rows.update(erase_household(session, services.store, services.queue, me.household_id))
        return
    if me.role == OWNER:
        others[0].role = OWNER
    for table in shared_tables():
        # Personal documents (no household) are not shared: they go with the user below.
        mine = (table.c.user_id == user_id) & table.c.household_id.is_not(None)
        session.execute(update(table).where(mine).values(user_id=None))
    session.delete(me)
    session.flush()


def _forget_local_index_copies(services: Services, user_id: str) -> None:
    """Drop this container's downloaded copies of the user's private index (cache and EFS)."""
    from foodsave.vectors.manifest import user_index_name

    settings = services.settings
    name = user_index_name(user_id)
    for root in (settings.resolved_index_cache_dir, settings.efs_index_dir):
        if root is not None:
            shutil.rmtree(root / "indexes" / name, ignore_errors=True)
