"""Users: resolved from the authenticated subject (Cognito `sub`, or `dev-<name>` locally), created on first use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foodsave.db.models import User


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
