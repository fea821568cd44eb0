"""Builds the CDK app: the FoodSave stack at a fixed or given environment, with cdk-nag checks attached."""

from __future__ import annotations

import os
from typing import Any

from aws_cdk import App, Environment

from infra import constants
from infra.nag import add_checks
from infra.settings import DeploymentSettings
from infra.stack import FoodSaveStack


def create_app(*, outdir: str | None = None, context: dict[str, Any] | None = None) -> tuple[App, FoodSaveStack]:
    """The app with one stack; synthesis needs no AWS account or network (account/region come from context)."""
    app = App(outdir=outdir, context=context or {})
    account = app.node.try_get_context("account") or os.environ.get("CDK_DEFAULT_ACCOUNT") or constants.DEFAULT_ACCOUNT
    region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION") or constants.DEFAULT_REGION
    settings = DeploymentSettings.from_context(app.node)
    stack = FoodSaveStack(
        app,
        constants.STACK_NAME,
        settings=settings,
        env=Environment(account=str(account), region=str(region)),
    )
    add_checks(app)
    return app, stack
