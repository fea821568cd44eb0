"""Synthesises the FoodSave app once per profile per session (placeholder layers, cdk-nag on) and shares it.

`synth` is the production profile (proxy, NAT, protection on), `household` the self-hoster's default.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # the CDK app's `infra` package lives at the repository root

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# A stand-in weights file: the stack publishes whatever the model-weights directory holds.
MODEL_WEIGHTS_FIXTURE = Path(__file__).parent / "fixtures" / "model-weights"
BASE_CONTEXT = {
    "placeholder_layers": True,
    "model_weights_dir": str(MODEL_WEIGHTS_FIXTURE),
    "account": "123456789012",
    "region": "eu-central-1",
}
PRODUCTION_CONTEXT = dict(BASE_CONTEXT, profile="production", alarm_email="ops@example.com")


@dataclass
class Synthesis:
    """The synthesized template, the validation report and any synthesis error."""

    outdir: Path
    template: dict[str, Any]
    report: dict[str, Any]
    error: Exception | None
    stack: Any = field(repr=False)

    @property
    def template_path(self) -> Path:
        return self.outdir / "FoodSave.template.json"

    def resources(self, type_: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == type_}

    def function(self, service: str) -> tuple[str, dict[str, Any]]:
        """The Lambda function whose POWERTOOLS_SERVICE_NAME is `service`."""
        for logical_id, res in self.resources("AWS::Lambda::Function").items():
            env = res["Properties"].get("Environment", {}).get("Variables", {})
            if env.get("POWERTOOLS_SERVICE_NAME") == service:
                return logical_id, res
        raise KeyError(service)

    def role_policy_statements(self, service: str) -> list[dict[str, Any]]:
        """All statements of the inline policies attached to the function's role."""
        _, fn = self.function(service)
        role_id = fn["Properties"]["Role"]["Fn::GetAtt"][0]
        statements: list[dict[str, Any]] = []
        for res in self.resources("AWS::IAM::Policy").values():
            if {"Ref": role_id} in res["Properties"]["Roles"]:
                statements.extend(res["Properties"]["PolicyDocument"]["Statement"])
        return statements


def synthesize(outdir: Path, context: dict[str, Any]) -> Synthesis:
    from infra.app import create_app

    app, stack = create_app(outdir=str(outdir), context=context)
    error: Exception | None = None
    try:
        app.synth()
    except RuntimeError as exc:  # cdk-nag findings fail the synthesis; the report says which
        error = exc
    template = json.loads((outdir / "FoodSave.template.json").read_text())
    report_path = outdir / "validation-report.json"
    report = json.loads(report_path.read_text()) if report_path.exists() else {"pluginReports": []}
    return Synthesis(outdir=outdir, template=template, report=report, error=error, stack=stack)


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The production profile."""
    return synthesize(tmp_path_factory.mktemp("cdk-out"), dict(PRODUCTION_CONTEXT))


@pytest.fixture(scope="session")
def household(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The household profile, as `cdk deploy` without context builds it."""
    return synthesize(tmp_path_factory.mktemp("cdk-out-household"), dict(BASE_CONTEXT))


@pytest.fixture(scope="session", params=["production", "household"])
def profile_synth(request: pytest.FixtureRequest) -> Synthesis:
    """Each profile in turn, for properties both must have."""
    return request.getfixturevalue("synth" if request.param == "production" else "household")


@pytest.fixture(scope="session")
def synth_with_options(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """Production with the optional features on (EFS for indexes, interface endpoints) on x86_64."""
    context = dict(PRODUCTION_CONTEXT, enable_efs=True, interface_endpoints=True, architecture="x86_64")
    return synthesize(tmp_path_factory.mktemp("cdk-out-options"), context)
