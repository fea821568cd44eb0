"""Secrets Manager through Powertools parameters: the database credentials, cached per warm container."""

from __future__ import annotations

import threading
from typing import Any

from foodsave.adapters.aws.clients import client

SECRET_MAX_AGE_SECONDS = 300
_lock = threading.Lock()
_providers: dict[str, Any] = {}


def _provider(region: str) -> Any:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    with _lock:
        if region not in _providers:
            _providers[region] = SecretsProvider(boto3_client=client("secretsmanager", region))
        return _providers[region]


def database_credentials(secret_arn: str, region: str) -> tuple[str, str]:
    """(username, password) of the RDS secret; read again only after SECRET_MAX_AGE_SECONDS."""
    secret = _provider(region).get(secret_arn, transform="json", max_age=SECRET_MAX_AGE_SECONDS)
    if not isinstance(secret, dict) or "username" not in secret or "password" not in secret:
        raise RuntimeError("the database secret must be JSON with username and password")
    return str(secret["username"]), str(secret["password"])


def forget_secrets() -> None:
    """Drop cached providers and values (tests, or after a rotation)."""
    with _lock:
        _providers.clear()
