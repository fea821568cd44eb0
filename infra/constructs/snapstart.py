"""Lambda SnapStart where it fits: published versions restored from a snapshot, reached through a `live` alias.

A function fits when it answers people (an API function: the first tap after a quiet hour waits for its cold
start), keeps to 512 MB of ephemeral storage and mounts no EFS (SnapStart supports neither larger /tmp nor EFS).
That makes agent-chat and alert-evaluator SnapStart functions. vector-search keeps 2 GB of /tmp for index copies
(and may mount EFS); index-builder (2 GB /tmp, SQS batches) and ocr (1 GB /tmp, queued uploads) are not waited
on by a person, so a plain cold start costs nobody anything.
The runtime hooks that prime the snapshot and refresh connections after a restore are in
src/foodsave/runtime/snapstart.py.
"""

from __future__ import annotations

from aws_cdk import aws_lambda as lambda_

from infra import constants

SNAPSTART_MAX_EPHEMERAL_MB = 512
ALIAS_NAME = "live"


def fits_snapstart(spec: constants.FunctionSpec, *, mounts_efs: bool) -> bool:
    return (
        bool(spec.api_prefixes) and spec.ephemeral_storage_mb <= SNAPSTART_MAX_EPHEMERAL_MB and not mounts_efs
    )


def enable_snapstart(fn: lambda_.Function) -> lambda_.Alias:
    """Snapshot each published version and route callers to the newest through the `live` alias."""
    cfn = fn.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.snap_start = lambda_.CfnFunction.SnapStartProperty(apply_on="PublishedVersions")
    return lambda_.Alias(fn, "LiveAlias", alias_name=ALIAS_NAME, version=fn.current_version)


def apply_snapstart(
    functions: dict[str, lambda_.Function], *, efs_functions: tuple[str, ...] = ()
) -> dict[str, lambda_.IFunction]:
    """What callers should invoke, per function: the `live` alias where SnapStart fits, else the function."""
    targets: dict[str, lambda_.IFunction] = {}
    for spec in constants.FUNCTIONS:
        fn = functions[spec.name]
        fits = fits_snapstart(spec, mounts_efs=spec.name in efs_functions)
        targets[spec.name] = enable_snapstart(fn) if fits else fn
    return targets
