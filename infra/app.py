"""Builds the CDK app: the FoodSave stack at a fixed or given environment, with cdk-nag checks attached."""

from __future__ import annotations

import os
from typing import Any

from aws_cdk import App, Environment

from infra import constants
from infra.nag import add_checks
from infra.settings import DeploymentSettings
from infra.stack import FoodSaveStack

# Feature flags live here rather than only in cdk.json, so that `python app.py` without the CDK CLI
# synthesises exactly what `cdk synth` does.
FEATURE_FLAGS: dict[str, Any] = {
    "@aws-cdk/aws-lambda:recognizeLayerVersion": True,
    "@aws-cdk/core:checkSecretUsage": True,
    "@aws-cdk/core:target-partitions": ["aws"],
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:validateSnapshotRemovalPolicy": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-apigateway:disableCloudWatchRole": True,
    "@aws-cdk/core:enablePartitionLiterals": True,
    "@aws-cdk/aws-ec2:restrictDefaultSecurityGroup": False,
    "@aws-cdk/aws-rds:databaseProxyUniqueResourceName": True,
    "@aws-cdk/aws-lambda:useCdkManagedLogGroup": True,
    "@aws-cdk/aws-kms:aliasNameRef": True,
    "@aws-cdk/aws-sqs:sqsQueueEncryptionDefault": True,
    "@aws-cdk/aws-lambda:createNewPoliciesWithAddToRolePolicy": False,
}


def create_app(
    *, outdir: str | None = None, context: dict[str, Any] | None = None
) -> tuple[App, FoodSaveStack]:
    """The app with one stack; synthesis needs no AWS account or network (account/region come from context)."""
    app = App(outdir=outdir, context={**FEATURE_FLAGS, **(context or {})})
    account = (
        app.node.try_get_context("account")
        or os.environ.get("CDK_DEFAULT_ACCOUNT")
        or constants.DEFAULT_ACCOUNT
    )
    region = (
        app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION") or constants.DEFAULT_REGION
    )
    settings = DeploymentSettings.from_context(app.node)
    stack = FoodSaveStack(
        app,
        constants.STACK_NAME,
        settings=settings,
        env=Environment(account=str(account), region=str(region)),
    )
    add_checks(app)
    return app, stack
