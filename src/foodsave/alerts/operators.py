"""Who may see and change operational alerts: members of the Cognito `operators` group in AWS;
locally, dev users named `ops-*` (or every dev user when FOODSAVE_DEV_OPERATORS is on)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foodsave.config import Settings
from foodsave.errors import FoodSaveError

OPERATORS_GROUP = "operators"
DEV_OPERATOR_PREFIX = "ops-"


class OperatorRequired(FoodSaveError):
    status = 403
    title = "Forbidden"


def groups_of(claims: Mapping[str, Any]) -> set[str]:
    """`cognito:groups` as API Gateway passes it: a list, or a string like "[operators admins]"."""
    raw = claims.get("cognito:groups")
    if raw is None:
        return set()
    if isinstance(raw, (list, tuple)):
        return {str(g) for g in raw}
    text = str(raw).strip().strip("[]")
    return {g.strip().strip('"') for g in text.replace(",", " ").split() if g.strip()}


def is_operator(subject: str, claims: Mapping[str, Any] | None, settings: Settings) -> bool:
    if claims and OPERATORS_GROUP in groups_of(claims):
        return True
    if settings.env == "local" and settings.dev_auth and subject.startswith("dev:"):
        return subject[4:].startswith(DEV_OPERATOR_PREFIX) or settings.dev_operators
    return False
