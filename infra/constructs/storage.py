"""Uploads/index bucket (private, encrypted, SSL only, lifecycle on raw uploads) and its access-log bucket.

Receipt uploads are announced to EventBridge (the bucket's own notification setting, no helper function);
a rule forwards them to the receipts queue.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra import constants
from infra.nag import acknowledge


class Storage(Construct):
    """S3 holds receipt photos, uploaded documents and published FAISS indexes.

    `destroy_on_delete` (household) lets `make destroy` remove the buckets once it has emptied them;
    production keeps them when the stack is deleted.
    """

    def __init__(
        self, scope: Construct, id: str, *, cors_origins: tuple[str, ...], destroy_on_delete: bool
    ) -> None:
        super().__init__(scope, id)
        removal = RemovalPolicy.DESTROY if destroy_on_delete else RemovalPolicy.RETAIN
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=removal,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs", expiration=Duration.days(constants.ACCESS_LOG_EXPIRY_DAYS)
                )
            ],
        )
        acknowledge(
            self.access_logs,
            "S1",
            "This bucket is the destination of the uploads bucket's server access logs; logging it would recurse.",
        )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Versioning protects the published indexes and latest-pointer objects against bad overwrites;
            # old versions expire so receipts and documents are not kept forever.
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="uploads-bucket/",
            removal_policy=removal,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-raw-receipts",
                    prefix=constants.RECEIPTS_PREFIX,
                    expiration=Duration.days(constants.RAW_RECEIPT_EXPIRY_DAYS),
                ),
                s3.LifecycleRule(
                    id="expire-noncurrent-versions",
                    noncurrent_version_expiration=Duration.days(constants.NONCURRENT_VERSION_EXPIRY_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(constants.ABORT_MULTIPART_DAYS),
                ),
            ],
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_origins=list(cors_origins),
                    allowed_headers=["*"],
                    max_age=3000,
                )
            ],
        )
        # S3 -> EventBridge as a plain bucket property: CDK's `event_bridge_enabled` goes through a helper
        # Lambda (BucketNotificationsHandler) whose log group would keep logs forever.
        cfn_bucket = self.bucket.node.default_child
        cfn_bucket.add_property_override(  # type: ignore[union-attr]
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
