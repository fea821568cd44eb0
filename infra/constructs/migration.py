"""Deploy-time database migration: a small Lambda (core layer) run by a custom resource on every change."""

from __future__ import annotations

import hashlib
from pathlib import Path

from aws_cdk import CustomResource, Duration, RemovalPolicy, Size
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants
from infra.constructs.database import Database
from infra.constructs.network import Network, vpc_network_interfaces_statement
from infra.nag import acknowledge


def migrations_fingerprint(directory: Path = constants.MIGRATIONS_DIR) -> str:
    """Hash of the migration scripts, so a new revision re-runs the custom resource."""
    digest = hashlib.sha256()
    if directory.is_dir():
        for path in sorted(directory.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(directory)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Migration(Construct):
    """Runs `alembic upgrade head` (through RDS Proxy in production) before the functions are updated."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: Network,
        database: Database,
        core_layer: lambda_.ILayerVersion,
        profile: constants.Profile,
        architecture: lambda_.Architecture,
    ) -> None:
        super().__init__(scope, id)
        log_group = logs.LogGroup(
            self,
            "Logs",
            retention=profile.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="FoodSave migrations",
        )
        log_group.grant_write(role)
        in_vpc = profile.functions_in_vpc
        if in_vpc:
            role.add_to_principal_policy(vpc_network_interfaces_statement())
        environment = _environment(database)
        self.function = lambda_.Function(
            self,
            "Function",
            description="Runs Alembic migrations (foodsave.db.migrate) on deploy",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=architecture,
            handler=constants.HANDLER,
            code=lambda_.Code.from_asset(str(constants.MIGRATION_CODE_DIR), exclude=["__pycache__", "*.pyc"]),
            layers=[core_layer],
            memory_size=constants.MIGRATION_MEMORY_MB,
            timeout=Duration.seconds(constants.MIGRATION_TIMEOUT_SECONDS),
            ephemeral_storage_size=Size.mebibytes(512),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            log_group=log_group,
            role=role,
            vpc=network.vpc if in_vpc else None,
            vpc_subnets=network.private_subnets if in_vpc else None,
            security_groups=[network.function_security_group] if in_vpc else None,
            environment=environment,
        )
        if database.proxy is not None:
            database.proxy.grant_connect(self.function, constants.DB_ADMIN_USER)
        else:
            database.secret.grant_read(self.function)
        self.resource = CustomResource(
            self,
            "Upgrade",
            service_token=self.function.function_arn,
            resource_type="Custom::FoodSaveMigration",
            properties={"MigrationsFingerprint": migrations_fingerprint(), "Revision": "head"},
        )
        # The proxy and its target (or the writer) must exist and be registered before the first connection.
        if database.proxy is not None:
            self.resource.node.add_dependency(database.proxy)
        self.resource.node.add_dependency(database.cluster)
        acknowledge(
            role,
            "IAM5[Resource::*]",
            "EC2 network-interface actions for a VPC function and X-Ray trace segments have no resource-level permissions.",
        )
        acknowledge(
            self.function,
            "L1",
            "The migration function shares the core layer built for Python 3.12 with the five service functions.",
        )


def _environment(database: Database) -> dict[str, str]:
    """Production logs in to the proxy with an IAM token; household uses the secret and creates the app role."""
    environment = {
        "FOODSAVE_ENV": "aws",
        "FOODSAVE_DB_HOST": database.endpoint,
        "FOODSAVE_DB_NAME": constants.DB_NAME,
        "FOODSAVE_DB_ADMIN_USER": constants.DB_ADMIN_USER,
        "FOODSAVE_DB_CONNECT_TIMEOUT": "30",
        "FOODSAVE_DATA_DIR": constants.DATA_DIR,
        "POWERTOOLS_SERVICE_NAME": "migration",
        "LOG_LEVEL": constants.LOG_LEVEL,
    }
    if database.proxy is not None:
        environment["FOODSAVE_DB_IAM_USER"] = constants.DB_ADMIN_USER
    else:
        environment["FOODSAVE_DB_SECRET_ARN"] = database.secret.secret_arn
    if database.app_role_to_create:
        environment["FOODSAVE_DB_APP_ROLE"] = database.app_role_to_create
    return environment
