"""Deployment options read from CDK context (`cdk.json` or `-c key=value`): a profile, then per-key overrides."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Node

from infra import constants


class SettingsError(ValueError):
    """A context value that cannot be deployed (unknown profile, missing alarm e-mail, ...)."""


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _origins(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(item.strip() for item in items if item.strip())


@dataclass(frozen=True)
class DeploymentSettings:
    """What may differ between deployments of the same stack."""

    profile: constants.Profile = constants.HOUSEHOLD
    architecture: str = constants.LAMBDA_ARCHITECTURE
    placeholder_layers: bool = False
    enable_efs: bool = False
    interface_endpoints: bool = False
    alarm_email: str | None = None
    layer_dirs: dict[str, Path] | None = None
    publish_model_weights: bool = True
    model_weights_dir: Path = constants.MODEL_WEIGHTS_DIR

    @classmethod
    def from_context(cls, node: Node) -> DeploymentSettings:
        ctx = node.try_get_context
        name = str(ctx("profile") or constants.DEFAULT_PROFILE)
        if name not in constants.PROFILES:
            raise SettingsError(f"unknown profile {name!r}; choose one of {sorted(constants.PROFILES)}")
        base = constants.PROFILES[name]
        profile = dataclasses.replace(
            base,
            nat_gateways=int(ctx("nat_gateways")) if ctx("nat_gateways") is not None else base.nat_gateways,
            deletion_protection=_flag(ctx("deletion_protection"), base.deletion_protection),
            cognito_plus=_flag(ctx("cognito_plus"), base.cognito_plus),
            cors_origins=_origins(ctx("cors_origins"), base.cors_origins),
            monthly_budget_usd=int(ctx("budget_usd") or base.monthly_budget_usd),
        )
        architecture = str(ctx("architecture") or constants.LAMBDA_ARCHITECTURE)
        settings = cls(
            profile=profile,
            architecture=architecture,
            placeholder_layers=_flag(ctx("placeholder_layers"), False),
            enable_efs=_flag(ctx("enable_efs"), False),
            interface_endpoints=_flag(ctx("interface_endpoints"), False),
            alarm_email=ctx("alarm_email") or None,
            publish_model_weights=_flag(ctx("publish_model_weights"), True),
            model_weights_dir=Path(ctx("model_weights_dir") or constants.MODEL_WEIGHTS_DIR),
            layer_dirs={
                layer: Path(ctx(f"layer_dir_{layer}") or default)
                for layer, default in constants.layer_build_dirs(architecture).items()
            },
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Refuse combinations that would synthesise but not deploy or not notify anyone."""
        if self.architecture not in constants.LAMBDA_ARCHITECTURES:
            raise SettingsError(
                f"architecture must be one of {constants.LAMBDA_ARCHITECTURES}, got {self.architecture!r}"
            )
        if self.profile.alarm_email_required and not self.alarm_email:
            raise SettingsError(
                f"the {self.profile.name} profile sends alarms to a person: pass -c alarm_email=you@example.com"
            )
        if not self.profile.functions_in_vpc and (self.enable_efs or self.interface_endpoints):
            raise SettingsError(
                "enable_efs and interface_endpoints need functions inside the VPC (profile=production)"
            )
        if self.profile.rds_proxy and not self.profile.functions_in_vpc:
            raise SettingsError("RDS Proxy is only reachable from inside the VPC")
