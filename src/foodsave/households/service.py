"""HouseholdService: a signed-in user's household as they may see and manage it: members and roles,
single-use invites with an expiry, joining, removing members, handing over ownership, leaving, deleting."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, aliased

from foodsave.db.locking import claim
from foodsave.db.models import Household, HouseholdInvite, HouseholdMember, ShoppingListItem
from foodsave.errors import Conflict, Forbidden, Gone, NotFound
from foodsave.households.membership import (
    MEMBER,
    OWNER,
    erase_household,
    found_household,
    membership_of,
    shared_tables,
)
from foodsave.households.moving import MovedDocuments, move_document_files

if TYPE_CHECKING:
    from foodsave.ports import Clock, ObjectStore, Queue

INVITE_TTL = timedelta(hours=48)
INVITE_LINK = "foodsave://household/join?code={code}"
MAX_QUANTITY = Decimal("100000")


def invite_digest(code: str) -> str:
    """What is stored of an invite code: its SHA-256, so a copy of the table admits nobody."""
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class Invite:
    code: str
    link: str
    expires_at: datetime


class HouseholdService:
    def __init__(self, session: Session, user_id: str, clock: Clock) -> None:
        self.session = session
        self.user_id = user_id
        self.clock = clock

    @property
    def membership(self) -> HouseholdMember:
        return membership_of(self.session, self.user_id)

    def household(self) -> tuple[Household, list[HouseholdMember]]:
        """The user's household and its members, owner first, then in the order they joined."""
        household_id = self.membership.household_id
        household = self.session.get(Household, household_id)
        assert household is not None
        members = self.session.scalars(
            select(HouseholdMember)
            .where(HouseholdMember.household_id == household_id)
            .order_by(HouseholdMember.role != OWNER, HouseholdMember.joined_at, HouseholdMember.user_id)
        ).all()
        return household, list(members)

    def _owner(self) -> HouseholdMember:
        me = self.membership
        if me.role != OWNER:
            raise _not_owner()
        return me

    def _member(self, household_id: str, user_id: str) -> HouseholdMember:
        found = self.session.scalar(
            select(HouseholdMember).where(
                HouseholdMember.household_id == household_id, HouseholdMember.user_id == user_id
            )
        )
        if found is None:
            raise NotFound(f"household member {user_id} not found")
        return found

    def invite(self) -> Invite:
        """A new single-use invite into the owner's household, valid for INVITE_TTL."""
        me = self._owner()
        code = secrets.token_urlsafe(24)
        expires = self.clock.now() + INVITE_TTL
        self.session.add(
            HouseholdInvite(
                household_id=me.household_id,
                code_digest=invite_digest(code),
                created_by=self.user_id,
                expires_at=expires,
            )
        )
        self.session.flush()
        return Invite(code=code, link=INVITE_LINK.format(code=code), expires_at=expires)

    def accept(self, code: str, store: ObjectStore) -> MovedDocuments | None:
        """Join the household the invite is for. Unknown codes answer 404, expired or used ones 410, and the
        invite is spent atomically (two users with one code: one joins). A household the user had alone comes
        along: returns what is left to do for its shared documents once this is committed (see `moving`)."""
        invite = self.session.scalar(
            select(HouseholdInvite).where(HouseholdInvite.code_digest == invite_digest(code))
        )
        if invite is None:
            raise NotFound("invite not found: check the code or ask for a new one", code="InviteNotFound")
        if invite.used_at is not None:
            raise Gone("this invite was already used; ask for a new one", code="InviteUsed")
        now = self.clock.now()
        if invite.expires_at <= now:
            raise Gone(f"this invite expired at {invite.expires_at.isoformat()}", code="InviteExpired")
        me = self.membership
        if me.household_id == invite.household_id:
            raise Conflict("you are already a member of this household", code="AlreadyMember")
        # Both households are held before the one left is counted: a join into it commits first or waits.
        self._hold(me.household_id, invite.household_id)
        others = self._count_others(me.household_id)
        if me.role == OWNER and others:
            raise Conflict(
                "hand over ownership of your household before joining another", code="OwnerMustHandOver"
            )
        spent = claim(
            self.session,
            HouseholdInvite,
            HouseholdInvite.id == invite.id,
            HouseholdInvite.used_at.is_(None),
            used_at=now,
            used_by=self.user_id,
        )
        if spent != 1:
            raise Gone("this invite was already used; ask for a new one", code="InviteUsed")
        old = me.household_id
        # Conditional on the membership as read: of two joins at once, the second finds it moved.
        moved = claim(
            self.session,
            HouseholdMember,
            HouseholdMember.user_id == self.user_id,
            HouseholdMember.household_id == old,
            HouseholdMember.role == me.role,
            household_id=invite.household_id,
            role=MEMBER,
            joined_at=now,
        )
        if moved != 1:
            raise Conflict("your household changed meanwhile; read it again", code="HouseholdChanged")
        self.session.expire(me)
        if others:
            return None
        # The household the user leaves had nobody else: its data comes along.
        documents = move_document_files(self.session, store, old, invite.household_id)
        _move_shared_rows(self.session, old, invite.household_id)
        self.session.execute(delete(HouseholdInvite).where(HouseholdInvite.household_id == old))
        self.session.execute(delete(Household).where(Household.id == old))
        return documents

    def _hold(self, *household_ids: str) -> None:
        """Hold the households' rows until the transaction ends (row locks on PostgreSQL, the write lock on
        SQLite), in one order so that two joins across each other wait instead of deadlocking; a household
        removed meanwhile answers 409."""
        for household_id in sorted(set(household_ids)):
            if claim(self.session, Household, Household.id == household_id) != 1:
                raise Conflict("your household changed meanwhile; read it again", code="HouseholdChanged")

    def _count_others(self, household_id: str) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(
                    HouseholdMember.household_id == household_id, HouseholdMember.user_id != self.user_id
                )
            )
            or 0
        )

    def remove(self, user_id: str) -> None:
        """The owner removes a member, who keeps nothing of the household and starts a new one."""
        me = self._owner()
        target = self._member(me.household_id, user_id)
        if target.user_id == self.user_id:
            raise Conflict(
                "the owner cannot remove themselves: hand over ownership, then leave",
                code="OwnerMustHandOver",
            )
        # Decided by the owner role as committed now: an owner who handed over meanwhile removes nobody.
        owner = aliased(HouseholdMember)
        still_owner = (
            select(owner.user_id)
            .where(owner.user_id == self.user_id, owner.household_id == me.household_id, owner.role == OWNER)
            .exists()
        )
        removed = self.session.execute(
            delete(HouseholdMember).where(
                HouseholdMember.user_id == target.user_id,
                HouseholdMember.household_id == me.household_id,
                still_owner,
            )
        ).rowcount  # type: ignore[attr-defined]
        if removed != 1:
            if not self.session.scalar(select(still_owner)):
                raise _not_owner()
            raise NotFound(f"household member {user_id} not found")
        self.session.expunge(target)

    def transfer(self, user_id: str) -> None:
        """The owner hands ownership to another member and becomes a member."""
        me = self._owner()
        target = self._member(me.household_id, user_id)
        if target.user_id == self.user_id:
            raise Conflict("you already own this household", code="AlreadyOwner")
        # The owner as read gives the role up once: of two hand-overs at once, the second finds no owner.
        if not _set_role(self.session, me, OWNER, MEMBER):
            raise Forbidden(
                "ownership was handed over meanwhile; only the owner can hand it over", code="NotOwner"
            )
        if not _set_role(self.session, target, MEMBER, OWNER):
            raise NotFound(f"household member {user_id} not found")

    def leave(self, confirm: str | None, store: ObjectStore, queue: Queue) -> None:
        """A member leaves taking nothing and starts a household of their own. An owner with other members
        must hand over ownership first; the last member leaving erases the household's shared data, once
        `confirm` repeats the household id."""
        me = self.membership
        if self._count_others(me.household_id):
            if me.role == OWNER:
                raise Conflict(
                    "hand over ownership to another member before leaving", code="OwnerMustHandOver"
                )
            self.session.delete(me)
            self.session.flush()
        else:
            _confirmed(confirm, me.household_id, "you are its last member: leaving")
            erase_household(self.session, store, queue, me.household_id)
        found_household(self.session, self.user_id)

    def delete(self, confirm: str | None, store: ObjectStore, queue: Queue) -> None:
        """The owner deletes the household and all its shared data, once `confirm` repeats its id."""
        me = self._owner()
        _confirmed(confirm, me.household_id, "deleting the household")
        erase_household(self.session, store, queue, me.household_id)
        found_household(self.session, self.user_id)


def _not_owner() -> Forbidden:
    return Forbidden("only the household's owner can manage its members", code="NotOwner")


def _set_role(session: Session, member: HouseholdMember, was: str, role: str) -> bool:
    """`member` takes `role` if it is still in the same household with role `was`."""
    changed = claim(
        session,
        HouseholdMember,
        HouseholdMember.user_id == member.user_id,
        HouseholdMember.household_id == member.household_id,
        HouseholdMember.role == was,
        role=role,
    )
    session.expire(member)
    return changed == 1


def _confirmed(confirm: str | None, household_id: str, what: str) -> None:
    if confirm != household_id:
        raise Conflict(
            f"{what} erases its pantry, shopping list, receipts and spending: repeat the request with "
            "`confirm` set to the household id",
            code="ConfirmationRequired",
            extensions={"household_id": household_id},
        )


def _move_shared_rows(session: Session, source: str, target: str) -> None:
    """Move every shared row of `source` into `target`; an open shopping line for a product `target`
    already lists (same unit) grows that line instead of making a second one."""
    open_lines = session.scalars(
        select(ShoppingListItem).where(
            ShoppingListItem.household_id == source, ShoppingListItem.done.is_(False)
        )
    ).all()
    for line in open_lines:
        same = session.scalar(
            select(ShoppingListItem).where(
                ShoppingListItem.household_id == target,
                ShoppingListItem.name_key == line.name_key,
                ShoppingListItem.unit == line.unit,
                ShoppingListItem.done.is_(False),
            )
        )
        if same is not None:
            same.quantity = min(same.quantity + line.quantity, MAX_QUANTITY)
            session.delete(line)
    session.flush()
    for table in shared_tables():
        session.execute(update(table).where(table.c.household_id == source).values(household_id=target))
