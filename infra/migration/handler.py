"""Custom-resource handler: on Create/Update run Alembic `upgrade head` over TLS, then set up the app role.

CloudFormation calls this function directly (service token) and waits for the response PUT to the
presigned ResponseURL, so no provider framework is needed. Delete never touches the schema.
Production connects through RDS Proxy with an IAM token as the admin user; the household profile
connects to the cluster with the admin password, read from Secrets Manager on every connection (so a
rotation between two connections cannot lock it out), and creates the IAM role the functions use.
"""

from __future__ import annotations

import json
import os
import ssl
import urllib.request
from typing import Any

from aws_lambda_powertools import Logger

logger = Logger()


def _secret_password() -> str:
    import boto3

    secret = boto3.client("secretsmanager").get_secret_value(SecretId=os.environ["FOODSAVE_DB_SECRET_ARN"])
    return str(json.loads(secret["SecretString"])["password"])


def engine():  # type: ignore[no-untyped-def]
    """A one-connection engine for the admin user, with its password supplied at connect time."""
    import boto3
    from sqlalchemy import create_engine, pool

    from foodsave.adapters.aws.db_auth import IamAuthToken, iam_database_url, password_on_connect

    host = os.environ["FOODSAVE_DB_HOST"]
    port = int(os.environ.get("FOODSAVE_DB_PORT", "5432"))
    iam_user = os.environ.get("FOODSAVE_DB_IAM_USER")
    user = iam_user or os.environ.get("FOODSAVE_DB_ADMIN_USER", "foodsave_admin")
    url = iam_database_url(host, port, os.environ.get("FOODSAVE_DB_NAME", "foodsave"), user)
    connect_args: dict[str, Any] = {"timeout": int(os.environ.get("FOODSAVE_DB_CONNECT_TIMEOUT", "30"))}
    if os.environ.get("FOODSAVE_DB_TLS", "true").lower() != "false":  # Aurora and the proxy require TLS
        connect_args["ssl_context"] = ssl.create_default_context()
    created = create_engine(url, poolclass=pool.NullPool, connect_args=connect_args)
    password = IamAuthToken(boto3.client("rds"), host, port, iam_user) if iam_user else _secret_password
    password_on_connect(created, password)
    return created


def upgrade(revision: str) -> str | None:
    """Run the project's Alembic migrations (and the app-role grants) in one transaction."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    from foodsave.db.app_role import ensure_app_role
    from foodsave.db.migrate import alembic_config

    db = engine()
    try:
        with db.begin() as connection:
            config = alembic_config(db.url.render_as_string(hide_password=True))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            app_role = os.environ.get("FOODSAVE_DB_APP_ROLE")
            if app_role:
                ensure_app_role(connection, app_role)
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        db.dispose()


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
