"""Deployment options read from CDK context (`cdk.json` or `-c key=value`), with typed defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Node

from infra import constants


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class DeploymentSettings:
    """What may differ between deployments of the same stack."""

    placeholder_layers: bool = False
    enable_efs: bool = False
    interface_endpoints: bool = False
    nat_gateways: int = 1
    ocr_reserved_concurrency: int | None = constants.OCR.reserved_concurrency
    deletion_protection: bool = True
    alarm_email: str | None = None
    layer_dirs: dict[str, Path] | None = None

    @classmethod
    def from_context(cls, node: Node) -> DeploymentSettings:
        ctx = node.try_get_context
        reserved = ctx("ocr_reserved_concurrency")
        layer_dirs = {
            name: Path(ctx(f"layer_dir_{name}") or default)
            for name, default in constants.LAYER_BUILD_DIRS.items()
        }
        return cls(
            placeholder_layers=_flag(ctx("placeholder_layers"), False),
            enable_efs=_flag(ctx("enable_efs"), False),
            interface_endpoints=_flag(ctx("interface_endpoints"), False),
            nat_gateways=int(ctx("nat_gateways") if ctx("nat_gateways") is not None else 1),
            ocr_reserved_concurrency=(
                constants.OCR.reserved_concurrency if reserved is None else (int(reserved) or None)
            ),
            deletion_protection=_flag(ctx("deletion_protection"), True),
            alarm_email=ctx("alarm_email") or None,
            layer_dirs=layer_dirs,
        )
