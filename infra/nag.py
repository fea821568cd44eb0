"""cdk-nag 3 wiring: the AwsSolutions pack as a policy-validation plugin, and acknowledgements with reasons.

Every acknowledgement goes through `acknowledge`, so each one carries a reason. IAM5 findings name the
resource as cdk-nag renders it (`<LogicalId.Arn>/prefix/*`); `acknowledge_wildcards` renders the
statements of a policy the same way so that scoped wildcards are acknowledged one by one, with the reason
stored next to the statement's Sid, and a new wildcard without a reason stays a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_iam as iam
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"
ANY_STATEMENT = "*"  # key of `acknowledge_wildcards` reasons for statements without a Sid
CFN_VALIDATE = "CloudFormation-Validate"  # aws-cdk-lib's own template validation (cfn-lint rules)


def add_checks(app: App) -> None:
    """Run the AwsSolutions rules on every synthesis; unacknowledged findings fail it."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))


def finding_id(rule: str) -> str:
    """Fully qualified validation id: `COG2` -> `AwsSolutions::AwsSolutions-COG2`."""
    return f"{PACK}::{PACK}-{rule}"


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one finding (`COG2`, `IAM5[Resource::<Bucket.Arn>/x/*]`) on a scope, with its reason."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=finding_id(rule), reason=reason))


def acknowledge_template_warning(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge a CloudFormation template-validation warning (`W2508`) on a scope, with its reason."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    Validations.of(scope).acknowledge(Acknowledgment(id=f"{CFN_VALIDATE}::{rule}", reason=reason))


def _render(value: Any) -> str:
    """Render a resolved CloudFormation value the way cdk-nag names it in findings."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return f"<{arg}>"
        if key == "Fn::GetAtt":
            return f"<{arg[0]}.{arg[1]}>" if isinstance(arg, list) else f"<{arg}>"
        if key == "Fn::Join":
            sep, parts = arg
            return sep.join(_render(p) for p in parts)
    return str(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def acknowledge_wildcards(
    policy: iam.Policy | iam.CfnPolicy | IConstruct, reasons: Mapping[str, str]
) -> None:
    """Acknowledge each wildcard action/resource of the policy's statements whose Sid has a reason (statements
    without a Sid, as in policies aws-cdk-lib writes itself, take the reason under ANY_STATEMENT)."""
    stack = Stack.of(policy)
    document = (
        policy.document if isinstance(policy, iam.Policy) else policy.node.default_child.policy_document
    )  # type: ignore[union-attr]
    resolved = stack.resolve(document.to_json() if hasattr(document, "to_json") else document)
    for statement in resolved.get("Statement", []):
        sid = statement.get("Sid")
        reason = reasons.get(sid) if sid is not None else reasons.get(ANY_STATEMENT)
        if reason is None:
            continue
        for action in _as_list(statement.get("Action", [])):
            if "*" in action:
                acknowledge(policy, f"IAM5[Action::{action}]", reason)
        for resource in _as_list(statement.get("Resource", [])):
            rendered = _render(resource)
            if "*" in rendered and rendered != "*":
                acknowledge(policy, f"IAM5[Resource::{rendered}]", reason)
