"""The signed-in user's own account: profile settings (`GET`/`PATCH /v1/me`) and erasure (`DELETE /v1/me`)."""

from __future__ import annotations

from typing import Literal

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.route_table import RouteTable
from foodsave.users import MAX_WARNING_DAYS, erase_user, update_profile

router = RouteTable(prefix="/v1/me", tags=["me"])


class Profile(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    locale: str
    timezone: str
    expiry_warning_days: int


class ProfilePatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"locale": "pl", "timezone": "Europe/Warsaw", "expiry_warning_days": 3}]
        },
    )
    locale: Literal["pl", "en"] | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64, examples=["Europe/Warsaw"])
    expiry_warning_days: int | None = Field(default=None, ge=0, le=MAX_WARNING_DAYS)


@router.get("", response_model=Profile, summary="The signed-in user's profile")
def get_me(user: CurrentUser) -> Profile:
    return Profile.model_validate(user)


@router.patch(
    "",
    response_model=Profile,
    summary="Change locale, time zone (IANA name) or the expiry warning window (0-14 days)",
    responses={422: {"description": "Unknown time zone or a value out of range"}},
)
def patch_me(body: ProfilePatch, user: CurrentUser, session: SessionDep) -> Profile:
    user = session.merge(user)  # the signed-in user was loaded in its own unit of work
    update_profile(user, **body.model_dump(exclude_unset=True, exclude_none=True))
    session.flush()
    return Profile.model_validate(user)


@router.delete(
    "",
    status_code=204,
    summary="Erase the account: every row, uploaded file and document index entry of this user",
    responses={503: {"description": "A store is down; nothing was committed, retry"}},
)
def delete_me(user: CurrentUser, session: SessionDep, services: ServicesDep) -> Response:
    erase_user(services, session, user)
    return Response(status_code=204)
