"""The deploy-time migration custom resource on a real PostgreSQL: upgrade, app role, CloudFormation reply.

The admin password comes from a (moto) Secrets Manager secret read at connect time; CloudFormation's
presigned response URL is a small HTTP server on 127.0.0.1 that records the PUT.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

HANDLER = Path(__file__).resolve().parents[3] / "infra" / "migration" / "handler.py"


def _load_handler():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("migration_custom_resource", HANDLER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Recorder(BaseHTTPRequestHandler):
    bodies: list[dict] = []  # type: ignore[type-arg]

    def do_PUT(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def response_url():  # type: ignore[no-untyped-def]
    _Recorder.bodies = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/response", _Recorder.bodies
    server.shutdown()
    server.server_close()


@pytest.fixture
def empty_database(pg_cluster, monkeypatch):  # type: ignore[no-untyped-def]
    if pg_cluster is None:
        pytest.skip("PostgreSQL unavailable")
    name = f"m_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_cluster.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(
            text("DO $$ BEGIN CREATE ROLE rds_iam; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        )
    url = make_url(pg_cluster.url(name))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    with mock_aws():
        secret = boto3.client("secretsmanager").create_secret(
            Name="db", SecretString=json.dumps({"username": "postgres", "password": "unused-locally"})
        )
        for key, value in {
            "FOODSAVE_DB_HOST": url.host,
            "FOODSAVE_DB_PORT": str(url.port),
            "FOODSAVE_DB_NAME": name,
            "FOODSAVE_DB_ADMIN_USER": "postgres",
            "FOODSAVE_DB_SECRET_ARN": secret["ARN"],
            "FOODSAVE_DB_TLS": "false",  # the throwaway cluster has no certificate
            "FOODSAVE_DB_APP_ROLE": f"app_{uuid.uuid4().hex[:8]}",
        }.items():
            monkeypatch.setenv(key, value)
        yield str(url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _event(request_type: str, url: str) -> dict:  # type: ignore[type-arg]
    return {
        "RequestType": request_type,
        "ResponseURL": url,
        "StackId": "arn:aws:cloudformation:eu-central-1:123456789012:stack/FoodSave/1",
        "RequestId": "r-1",
        "LogicalResourceId": "MigrationUpgrade",
        "ResourceProperties": {"Revision": "head"},
    }


def test_create_upgrades_an_empty_database_grants_the_app_role_and_reports_success(
    empty_database, response_url, monkeypatch
):
    import os

    from foodsave.runtime.context import LocalLambdaContext

    url, bodies = response_url
    _load_handler().handler(_event("Create", url), LocalLambdaContext(function_name="migration"))
    (reply,) = bodies
    assert reply["Status"] == "SUCCESS", reply["Reason"]
    assert reply["Data"]["Revision"]
    role = os.environ["FOODSAVE_DB_APP_ROLE"]
    engine = create_engine(empty_database, poolclass=NullPool)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        granted = conn.execute(
            text("SELECT has_table_privilege(:r, 'receipts', 'INSERT')"), {"r": role}
        ).scalar_one()
    engine.dispose()
    assert version == reply["Data"]["Revision"] and granted is True


def test_a_failed_upgrade_is_reported_to_cloudformation_not_left_hanging(
    empty_database, response_url, monkeypatch
):
    from foodsave.runtime.context import LocalLambdaContext

    monkeypatch.setenv("FOODSAVE_DB_NAME", "no_such_database")
    url, bodies = response_url
    _load_handler().handler(_event("Update", url), LocalLambdaContext(function_name="migration"))
    (reply,) = bodies
    assert reply["Status"] == "FAILED" and "no_such_database" in reply["Reason"]
