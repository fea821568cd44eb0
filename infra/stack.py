"""The FoodSave stack: composes the per-concern constructs and exports the outputs the app and CLI need."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack, Tags
from constructs import Construct

from infra import constants
from infra.constructs.api import Api
from infra.constructs.auth import Auth
from infra.constructs.database import Database
from infra.constructs.functions import ARCHITECTURES, Functions
from infra.constructs.indexes_fs import IndexFileSystem
from infra.constructs.layers import Layers
from infra.constructs.messaging import Messaging
from infra.constructs.migration import Migration
from infra.constructs.model_weights import ModelWeights
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import Network
from infra.constructs.queues import Queues
from infra.constructs.storage import Storage
from infra.nag import acknowledge
from infra.settings import DeploymentSettings


class FoodSaveStack(Stack):
    """Everything FoodSave AI runs on, in one deployable unit."""

    def __init__(self, scope: Construct, id: str, *, settings: DeploymentSettings, **kwargs: Any) -> None:
        super().__init__(scope, id, description="FoodSave AI serverless backend", **kwargs)
        # DBProxyTargetGroup is taggable in aws-cdk-lib but not in the CloudFormation schema.
        Tags.of(self).add(
            "service", constants.SERVICE_TAG, exclude_resource_types=["AWS::RDS::DBProxyTargetGroup"]
        )
        self.settings = settings
        profile = settings.profile
        architecture = ARCHITECTURES[settings.architecture]
        self.network = Network(
            self,
            "Network",
            nat_gateways=profile.nat_gateways,
            interface_endpoints=settings.interface_endpoints,
            with_private_subnets=profile.functions_in_vpc,
            log_retention=profile.log_retention,
        )
        self.storage = Storage(
            self, "Storage", cors_origins=profile.cors_origins, destroy_on_delete=profile.destroy_on_delete
        )
        self.queues = Queues(self, "Queues")
        self.queues.route_receipt_uploads(self.storage.bucket)
        self.messaging = Messaging(self, "Messaging", alarm_email=settings.alarm_email)
        self.database = Database(self, "Database", network=self.network, profile=profile)
        self.auth = Auth(self, "Auth", profile=profile)
        self.layers = Layers(
            self,
            "Layers",
            layer_dirs=settings.layer_dirs or dict(constants.LAYER_BUILD_DIRS),
            placeholder=settings.placeholder_layers,
            architecture=architecture,
            destroy_on_delete=profile.destroy_on_delete,
        )
        self.index_fs = (
            IndexFileSystem(self, "IndexFs", network=self.network) if settings.enable_efs else None
        )
        self.functions = Functions(
            self,
            "Functions",
            network=self.network,
            storage=self.storage,
            queues=self.queues,
            messaging=self.messaging,
            database=self.database,
            layers=self.layers,
            profile=profile,
            architecture=architecture,
            index_access_point=self.index_fs.access_point if self.index_fs else None,
        )
        self.model_weights = (
            ModelWeights(
                self,
                "ModelWeights",
                bucket=self.storage.bucket,
                directory=settings.model_weights_dir,
                log_retention=profile.log_retention,
            )
            if settings.publish_model_weights
            else None
        )
        self.migration = Migration(
            self,
            "Migration",
            network=self.network,
            database=self.database,
            core_layer=self.layers.layers["core"],
            profile=profile,
            architecture=architecture,
        )
        for fn in self.functions.functions.values():
            # New code only goes live once the schema it expects exists.
            fn.node.add_dependency(self.migration.resource)
        self.database.rotate_after(self.migration.resource)
        self.api = Api(
            self,
            "Api",
            user_pool=self.auth.user_pool,
            user_pool_client=self.auth.app_client,
            functions=dict(self.functions.invoke_targets),
            cors_origins=profile.cors_origins,
            log_retention=profile.log_retention,
        )
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            functions=self.functions.functions,
            http_api=self.api.http_api,
            queues=self.queues.work_queues,
            dead_letter_queues=self.queues.dead_letter_queues,
            cluster=self.database.cluster,
            proxy=self.database.proxy,
            alarm_topic=self.messaging.alarm_topic,
            profile=profile,
        )
        self._acknowledge_cdk_singletons()
        CfnOutput(self, "ApiUrl", value=self.api.url)
        CfnOutput(self, "UserPoolId", value=self.auth.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.auth.app_client.user_pool_client_id)
        CfnOutput(self, "BucketName", value=self.storage.bucket.bucket_name)
        CfnOutput(self, "AccessLogsBucketName", value=self.storage.access_logs.bucket_name)
        CfnOutput(self, "ReceiptQueueUrl", value=self.queues.receipt_queue.queue_url)
        CfnOutput(self, "ReceiptDlqUrl", value=self.queues.receipt_dlq.queue_url)
        CfnOutput(self, "IndexDlqUrl", value=self.queues.index_dlq.queue_url)
        CfnOutput(self, "Profile", value=profile.name)
        CfnOutput(self, "IndexQueueUrl", value=self.queues.index_queue.queue_url)
        CfnOutput(self, "EventBusName", value=self.messaging.bus.event_bus_name)
        CfnOutput(self, "DashboardName", value=constants.STACK_NAME + "-operations")

    def _acknowledge_cdk_singletons(self) -> None:
        """Findings on helper functions that aws-cdk-lib creates itself (not configurable from here)."""
        for child in self.node.children:
            if child.node.id.startswith("BucketNotificationsHandler"):
                acknowledge(
                    child,
                    "IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                    "aws-cdk-lib's BucketNotificationsHandler singleton only writes its own logs; it configures "
                    "the S3 -> ocr notification at deploy time and its role is not exposed for customisation.",
                )
