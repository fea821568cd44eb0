"""The signed-in user's household (`/v1/household`): members and roles, single-use invites, joining,
removing a member, handing over ownership, leaving and deleting (both erase the shared data when nobody
else is left, so they ask for a confirmation)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.route_table import RouteTable
from foodsave.households.moving import finish_move
from foodsave.households.service import HouseholdService

router = RouteTable(prefix="/v1/household", tags=["household"])

OWNER_ONLY: dict[int | str, dict[str, Any]] = {403: {"description": "Only the household's owner may do this"}}
MEMBER_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such member in this household"}}
CONFIRM = Query(
    max_length=36,
    description="The household id, repeated to confirm that its shared data is erased",
)


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    user_id: str
    role: str = Field(description="`owner` or `member`")
    joined_at: datetime


class HouseholdOut(BaseModel):
    id: str
    role: str = Field(description="The signed-in user's role: `owner` or `member`")
    members: list[MemberOut]


class InviteOut(BaseModel):
    code: str = Field(description="Single use; shown only here")
    link: str = Field(description="The code as a link to share")
    expires_at: datetime


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "k3J9w0d2Xq"}]})
    code: str = Field(min_length=1, max_length=128)


class MemberRef(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"user_id": "0b7c6a1e-7f0e-4d55-9d0e-6a3c2f1b9e11"}]}
    )
    user_id: str = Field(min_length=1, max_length=36)


def _service(user: CurrentUser, session: SessionDep, services: ServicesDep) -> HouseholdService:
    return HouseholdService(session, user.id, services.clock)


# Every route acts on the signed-in user's household through one service.
HouseholdDep = Annotated[HouseholdService, Depends(_service)]


def _out(service: HouseholdService) -> HouseholdOut:
    household, members = service.household()
    me = next(m for m in members if m.user_id == service.user_id)
    return HouseholdOut(id=household.id, role=me.role, members=[MemberOut.model_validate(m) for m in members])


@router.get("", response_model=HouseholdOut, summary="The user's household: its members and their roles")
def get_household(service: HouseholdDep) -> HouseholdOut:
    return _out(service)


@router.post(
    "/invites",
    status_code=201,
    response_model=InviteOut,
    responses=OWNER_ONLY,
    summary="A single-use invite code with an expiry, and a link to share it (owner only)",
)
def create_invite(service: HouseholdDep) -> InviteOut:
    invite = service.invite()
    return InviteOut(code=invite.code, link=invite.link, expires_at=invite.expires_at)


@router.post(
    "/accept",
    response_model=HouseholdOut,
    responses={
        404: {"description": "No invite has this code"},
        409: {"description": "Already a member, or an owner who has not handed over their household"},
        410: {"description": "The invite expired or was already used"},
    },
    summary="Join the household of an invite; a household the user had alone comes along with its data",
)
def accept_invite(
    body: AcceptIn, service: HouseholdDep, session: SessionDep, services: ServicesDep
) -> HouseholdOut:
    moved = service.accept(body.code, services.store)
    joined = _out(service)
    if moved is not None:
        session.commit()  # the index-builder must find the documents in their new household
        finish_move(services, service.user_id, moved)
    return joined


@router.delete(
    "/members/{user_id}",
    status_code=204,
    responses={**OWNER_ONLY, **MEMBER_NOT_FOUND, 409: {"description": "The owner cannot remove themselves"}},
    summary="Remove a member (owner only); the member keeps nothing of the household",
)
def remove_member(user_id: str, service: HouseholdDep) -> Response:
    service.remove(user_id)
    return Response(status_code=204)


@router.post(
    "/transfer",
    response_model=HouseholdOut,
    responses={**OWNER_ONLY, **MEMBER_NOT_FOUND},
    summary="Hand ownership to another member (owner only); the owner becomes a member",
)
def transfer_ownership(body: MemberRef, service: HouseholdDep) -> HouseholdOut:
    service.transfer(body.user_id)
    return _out(service)


@router.post(
    "/leave",
    response_model=HouseholdOut,
    responses={
        409: {
            "description": "An owner with members must hand over first; the last member must confirm that the "
            "household's data is erased (`ConfirmationRequired`)"
        }
    },
    summary="Leave the household, taking nothing; the user starts a new household of their own",
)
def leave_household(
    service: HouseholdDep, services: ServicesDep, confirm: Annotated[str | None, CONFIRM] = None
) -> HouseholdOut:
    service.leave(confirm, services.store, services.queue)
    return _out(service)


@router.delete(
    "",
    status_code=204,
    responses={
        **OWNER_ONLY,
        409: {"description": "Not confirmed: repeat with `confirm` set to the household id"},
    },
    summary="Delete the household and all its shared data (owner only, confirmed with the household id)",
)
def delete_household(
    service: HouseholdDep, services: ServicesDep, confirm: Annotated[str | None, CONFIRM] = None
) -> Response:
    service.delete(confirm, services.store, services.queue)
    return Response(status_code=204)
