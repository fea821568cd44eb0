"""Publishes the multilingual-e5-small weights from the build to the bucket's models/ prefix on deploy
(a BucketDeployment), where the search functions fetch them on cold start.

The weights are a build output (`make model-weights`), like the layers: synthesis stays offline and refuses,
with the command to run, when they are missing; `-c publish_model_weights=false` leaves the upload out.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

from infra import constants
from infra.nag import ANY_STATEMENT, acknowledge, acknowledge_wildcards

# Unzipping and copying the ~72 MB weights: more memory and disk than the deployment function's defaults.
DEPLOYMENT_MEMORY_MB = 512


class ModelWeightsMissing(FileNotFoundError):
    """The weights file has not been built into the model-weights directory."""


def weights_file(directory: Path) -> Path:
    """Where the build puts the weights: the object key's path below models/, inside `directory`."""
    return directory / constants.MODEL_WEIGHTS_KEY.removeprefix(constants.MODELS_PREFIX)


class ModelWeights(Construct):
    """One BucketDeployment of `directory` (holding only the weights file) to models/ in `bucket`."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket: s3.IBucket,
        directory: Path,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, id)
        path = weights_file(directory)
        if not path.is_file():
            raise ModelWeightsMissing(
                f"the multilingual-e5-small weights are not built ({path} is missing): run `make model-weights`, "
                "or synthesise with -c publish_model_weights=false and upload them yourself (until they are in "
                "the bucket, search falls back to hashed n-grams and reports itself degraded)"
            )
        self.log_group = logs.LogGroup(self, "DeploymentLogs", retention=log_retention)
        self.deployment = s3deploy.BucketDeployment(
            self,
            "Deployment",
            sources=[s3deploy.Source.asset(str(directory))],
            destination_bucket=bucket,
            destination_key_prefix=constants.MODELS_PREFIX,
            # Only adds or replaces the weights; other objects under models/ stay.
            prune=False,
            memory_limit=DEPLOYMENT_MEMORY_MB,
            log_group=self.log_group,
        )
        self.object_key = constants.MODEL_WEIGHTS_KEY
        self._acknowledge_handler()

    def _acknowledge_handler(self) -> None:
        """Findings on the deployment function that aws-cdk-lib creates and configures itself."""
        for child in Stack.of(self).node.children:
            if not child.node.id.startswith("Custom::CDKBucketDeployment"):
                continue
            acknowledge(
                child,
                "L1",
                "aws-cdk-lib pins the runtime of its BucketDeployment handler; it runs only during deploys.",
            )
            acknowledge(
                child,
                "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                "aws-cdk-lib's BucketDeployment handler only writes its own logs with this managed policy.",
            )
            policy = child.node.try_find_child("ServiceRole")
            default = policy.node.try_find_child("DefaultPolicy") if policy is not None else None
            if default is not None:
                acknowledge_wildcards(
                    default,
                    {
                        ANY_STATEMENT: "aws-cdk-lib grants its BucketDeployment handler read on the staged asset "
                        "and read/write on the destination bucket; the handler only copies the weights to models/."
                    },
                )
