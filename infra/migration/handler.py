"""Custom-resource handler: on Create/Update run Alembic `upgrade head` through RDS Proxy over TLS.

CloudFormation calls this function directly (service token) and waits for the response PUT to the
presigned ResponseURL, so no provider framework is needed. Delete never touches the schema.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.request
from typing import Any

from aws_lambda_powertools import Logger

logger = Logger()


def database_url() -> str:
    """pg8000 URL for the proxy with the credentials from Secrets Manager."""
    import boto3
    from sqlalchemy.engine import URL

    secret = json.loads(
        boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["FOODSAVE_DB_SECRET_ARN"])[
            "SecretString"
        ]
    )
    return URL.create(
        "postgresql+pg8000",
        username=secret["username"],
        password=secret["password"],
        host=os.environ["FOODSAVE_DB_PROXY_ENDPOINT"],
        port=int(os.environ.get("FOODSAVE_DB_PORT", "5432")),
        database=os.environ.get("FOODSAVE_DB_NAME", "foodsave"),
    ).render_as_string(hide_password=False)


def upgrade(revision: str) -> str | None:
    """Run the project's Alembic migrations on one TLS connection; returns the new revision."""
    from alembic import command
    from sqlalchemy import create_engine, pool

    from foodsave.db.migrate import alembic_config, current

    url = database_url()
    engine = create_engine(
        url,
        poolclass=pool.NullPool,
        connect_args={"ssl_context": ssl.create_default_context(), "timeout": 10},
    )
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()
    try:
        return current(url)
    except Exception:  # noqa: BLE001 - the revision is informational; the upgrade already succeeded
        return None


def _respond(event: dict[str, Any], context: Any, status: str, reason: str, data: dict[str, Any]) -> None:
    body = json.dumps(
        {
            "Status": status,
            "Reason": reason[:3000],
            "PhysicalResourceId": event.get("PhysicalResourceId") or "foodsave-schema",
            "StackId": event["StackId"],
            "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"],
            "Data": data,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - CloudFormation's presigned https URL
        event["ResponseURL"], data=body, method="PUT", headers={"Content-Type": ""}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        logger.info("responded to CloudFormation", extra={"status": status, "http": response.status})


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> None:
    request_type = event.get("RequestType")
    try:
        if request_type in ("Create", "Update"):
            revision = upgrade(event.get("ResourceProperties", {}).get("Revision", "head"))
            _respond(event, context, "SUCCESS", "migrated", {"Revision": revision or ""})
        else:
            _respond(event, context, "SUCCESS", "schema left in place", {})
    except Exception as exc:  # noqa: BLE001 - CloudFormation must always get an answer or it hangs for an hour
        logger.exception("migration failed")
        _respond(event, context, "FAILED", f"{type(exc).__name__}: {exc}", {})
