"""The JWT claims API Gateway's authorizer verified, as they ride a Lambda event (payload 2.0); a small module of
its own, so that the Lambda entry reads them before anything of the app is loaded."""

from __future__ import annotations

from typing import Any


def event_claims(event: dict[str, Any]) -> dict[str, Any]:
    """The verified claims of an API Gateway HTTP API event; empty when it carries none (outside Lambda)."""
    claims = (((event.get("requestContext") or {}).get("authorizer") or {}).get("jwt") or {}).get("claims")
    return claims or {}
