"""The five Lambda functions: packaging, sizing, environment, networking and least-privilege permissions."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Size, Stack
from aws_cdk import aws_efs as efs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants
from infra.constructs.database import Database
from infra.constructs.layers import Layers
from infra.constructs.messaging import Messaging
from infra.constructs.network import Network, vpc_network_interfaces_statement
from infra.constructs.queues import Queues
from infra.constructs.snapstart import apply_snapstart
from infra.constructs.storage import Storage
from infra.nag import acknowledge, acknowledge_wildcards

CODE_EXCLUDES = ["__pycache__", "*.pyc", "tests", ".pytest_cache"]

# Why each scoped wildcard in a function policy is acceptable; keyed by statement Sid.
WILDCARD_REASONS = {
    "ReadReceiptUploads": "Objects are created per user and receipt under uploads/receipts/; access is limited to that prefix.",
    "HeadReceiptUploads": "The receipt lease check asks whether a stranded receipt's photo arrived; limited to uploads/receipts/.",
    "ReceiptUploads": "Presigned POSTs, reads and deletes of per-household receipt photos under uploads/receipts/ only.",
    "DocumentUploads": "Uploads, moves and deletes act on per-owner keys under uploads/documents/ and documents/ only.",
    "ReadDocumentUploads": "The builder reads queued documents, whose keys are per owner under uploads/documents/ and documents/.",
    "ReadIndexes": "Index versions are published as indexes/{name}/v{n}/ objects; reading is limited to that prefix.",
    "PublishIndexes": "The builder writes new index versions and the latest pointer, and prunes old ones, under indexes/ only.",
    "ReadModel": "The multilingual embedding weights are fetched on cold start from models/ only (read-only).",
}
RESOURCE_STAR_REASON = (
    "Resource '*' only where AWS offers no resource-level permission: X-Ray PutTraceSegments/"
    "PutTelemetryRecords (active tracing), EC2 network-interface actions of VPC functions, and "
    "cloudwatch:GetMetricData for the alert evaluator's metric rules."
)
ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}


class Functions(Construct):
    """Creates every function with its own role; each grant below lists exactly what that function calls."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network: Network,
        storage: Storage,
        queues: Queues,
        messaging: Messaging,
        database: Database,
        layers: Layers,
        profile: constants.Profile,
        architecture: lambda_.Architecture,
        index_access_point: efs.IAccessPoint | None = None,
    ) -> None:
        super().__init__(scope, id)
        self._network = network
        self._storage = storage
        self._layers = layers
        self._profile = profile
        self._architecture = architecture
        self.functions: dict[str, lambda_.Function] = {}
        self.roles: dict[str, iam.Role] = {}
        self.log_groups: dict[str, logs.LogGroup] = {}
        environment = self._environment(storage, queues, messaging, database)
        for spec in constants.FUNCTIONS:
            mount = index_access_point if spec in (constants.VECTOR_SEARCH, constants.INDEX_BUILDER) else None
            self._create(spec, environment, mount)
        efs_functions = (
            (constants.VECTOR_SEARCH.name, constants.INDEX_BUILDER.name) if index_access_point else ()
        )
        # What API Gateway and the schedule invoke: the SnapStart alias where it fits (infra/constructs/snapstart.py).
        self.invoke_targets = apply_snapstart(self.functions, efs_functions=efs_functions)
        for fn in self.functions.values():
            database.grant_connect(fn)
            messaging.bus.grant_put_events_to(fn)
        self._grant_ocr(queues)
        self._grant_agent_chat(storage, queues)
        self._grant_vector_search(storage, queues)
        self._grant_index_builder(storage, queues)
        self._grant_alert_evaluator(storage, queues, messaging)
        if profile.functions_in_vpc:
            database.allow_from(network.function_security_group)
        for name, role in self.roles.items():
            acknowledge(role, "IAM5[Resource::*]", RESOURCE_STAR_REASON)
            acknowledge_wildcards(role.node.find_child("DefaultPolicy"), WILDCARD_REASONS)
            acknowledge(
                self.functions[name],
                "L1",
                "Python 3.12 is the runtime the native layers are built for (cp312 manylinux_2_28 wheels); "
                "moving to a newer runtime means rebuilding and re-testing tesserocr and FAISS.",
            )

    @staticmethod
    def _environment(
        storage: Storage, queues: Queues, messaging: Messaging, database: Database
    ) -> dict[str, str]:
        return {
            "FOODSAVE_ENV": "aws",
            "FOODSAVE_BUCKET": storage.bucket.bucket_name,
            "FOODSAVE_INDEX_QUEUE_URL": queues.index_queue.queue_url,
            "FOODSAVE_EVENT_BUS_NAME": messaging.bus.event_bus_name,
            **database.connection_environment(),
            "FOODSAVE_NOTIFICATIONS_TOPIC_ARN": messaging.notifications_topic.topic_arn,
            "FOODSAVE_LLM_PROVIDER": constants.LLM_PROVIDER,
            "FOODSAVE_BEDROCK_MODEL_ID": constants.BEDROCK_MODEL_ID,
            "FOODSAVE_EMBEDDER": constants.EMBEDDER,
            "FOODSAVE_DATA_DIR": constants.DATA_DIR,
            "FOODSAVE_TESSDATA_PREFIX": constants.TESSDATA_DIR,
            "TESSDATA_PREFIX": constants.TESSDATA_DIR,
            "OMP_THREAD_LIMIT": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "POWERTOOLS_METRICS_NAMESPACE": constants.METRICS_NAMESPACE,
            "LOG_LEVEL": constants.LOG_LEVEL,
            # The X-Ray SDK (Powertools Tracer) records nothing outside an invocation; say so quietly.
            "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        }

    def _create(
        self,
        spec: constants.FunctionSpec,
        environment: dict[str, str],
        access_point: efs.IAccessPoint | None,
    ) -> None:
        in_vpc = self._profile.functions_in_vpc
        log_group = logs.LogGroup(
            self,
            f"{_camel(spec.name)}Logs",
            retention=self._profile.log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        role = iam.Role(
            self,
            f"{_camel(spec.name)}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"FoodSave {spec.name} function",
        )
        log_group.grant_write(role)
        if in_vpc:
            role.add_to_principal_policy(vpc_network_interfaces_statement())
        env = dict(environment)
        env["POWERTOOLS_SERVICE_NAME"] = spec.service_name
        if access_point is not None:
            env["FOODSAVE_EFS_INDEX_DIR"] = constants.EFS_MOUNT_PATH
        fn = lambda_.Function(
            self,
            _camel(spec.name),
            description=spec.description,
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=self._architecture,
            handler=constants.HANDLER,
            code=self._layers.function_code(spec, CODE_EXCLUDES),
            layers=self._layers.for_function(spec),
            memory_size=spec.memory_mb,
            timeout=Duration.seconds(spec.timeout_seconds),
            ephemeral_storage_size=Size.mebibytes(spec.ephemeral_storage_mb),
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
            application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
            system_log_level_v2=lambda_.SystemLogLevel.WARN,
            log_group=log_group,
            role=role,
            vpc=self._network.vpc if in_vpc else None,
            vpc_subnets=self._network.private_subnets if in_vpc else None,
            security_groups=[self._network.function_security_group] if in_vpc else None,
            filesystem=(
                lambda_.FileSystem.from_efs_access_point(access_point, constants.EFS_MOUNT_PATH)
                if access_point is not None
                else None
            ),
            environment=env,
        )
        self.functions[spec.name] = fn
        self.roles[spec.name] = role
        self.log_groups[spec.name] = log_group

    def _objects(self, sid: str, actions: list[str], *prefixes: str) -> iam.PolicyStatement:
        return iam.PolicyStatement(
            sid=sid,
            actions=actions,
            resources=[self._storage.bucket.arn_for_objects(f"{p}*") for p in prefixes],
        )

    def _list_bucket(self) -> iam.PolicyStatement:
        """ListBucket on the bucket, without a prefix condition: S3 answers a missing key with 404 only to a
        role that may list the bucket (otherwise 403, which would read as an outage), and that check carries no
        prefix. Keys are opaque ids; reading any object still needs its prefix's GetObject."""
        return iam.PolicyStatement(
            sid="ListBucket", actions=["s3:ListBucket"], resources=[self._storage.bucket.bucket_arn]
        )

    def _grant_ocr(self, queues: Queues) -> None:
        """ocr consumes the receipts queue; the event source's maximum concurrency is its only throttle."""
        fn = self.functions[constants.OCR.name]
        fn.add_to_role_policy(
            self._objects("ReadReceiptUploads", ["s3:GetObject"], constants.RECEIPTS_PREFIX)
        )
        fn.add_to_role_policy(self._list_bucket())
        fn.add_event_source(
            sources.SqsEventSource(
                queues.receipt_queue,
                batch_size=constants.RECEIPT_QUEUE_BATCH_SIZE,
                report_batch_item_failures=True,
                max_concurrency=constants.RECEIPT_QUEUE_MAX_CONCURRENCY,
            )
        )

    def _grant_agent_chat(self, storage: Storage, queues: Queues) -> None:
        fn = self.functions[constants.AGENT_CHAT.name]
        fn.add_to_role_policy(
            self._objects(
                "ReceiptUploads",
                ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                constants.RECEIPTS_PREFIX,
            )
        )
        # Erasure, leaving or deleting a household, and joining another move or delete documents (indexes are
        # deleted by the index-builder, asked through its queue).
        fn.add_to_role_policy(
            self._objects(
                "DocumentUploads",
                ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                *constants.DOCUMENT_PREFIXES,
            )
        )
        fn.add_to_role_policy(self._objects("ReadIndexes", ["s3:GetObject"], constants.INDEXES_PREFIX))
        fn.add_to_role_policy(self._list_bucket())
        fn.add_to_role_policy(self._bedrock_statement())
        fn.add_to_role_policy(self._objects("ReadModel", ["s3:GetObject"], constants.MODELS_PREFIX))
        # Erasure and household moves ask the index-builder to drop or re-index documents.
        queues.index_queue.grant_send_messages(fn)

    def _grant_vector_search(self, storage: Storage, queues: Queues) -> None:
        fn = self.functions[constants.VECTOR_SEARCH.name]
        fn.add_to_role_policy(
            self._objects(
                "DocumentUploads",
                ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
                *constants.DOCUMENT_PREFIXES,
            )
        )
        fn.add_to_role_policy(self._objects("ReadModel", ["s3:GetObject"], constants.MODELS_PREFIX))
        fn.add_to_role_policy(self._objects("ReadIndexes", ["s3:GetObject"], constants.INDEXES_PREFIX))
        fn.add_to_role_policy(self._list_bucket())
        queues.index_queue.grant_send_messages(fn)

    def _grant_index_builder(self, storage: Storage, queues: Queues) -> None:
        fn = self.functions[constants.INDEX_BUILDER.name]
        fn.add_to_role_policy(
            self._objects("ReadDocumentUploads", ["s3:GetObject"], *constants.DOCUMENT_PREFIXES)
        )
        # New versions and the latest pointer; old versions pruned, erased users' and legacy indexes deleted.
        fn.add_to_role_policy(
            self._objects(
                "PublishIndexes",
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                constants.INDEXES_PREFIX,
            )
        )
        fn.add_to_role_policy(self._objects("ReadModel", ["s3:GetObject"], constants.MODELS_PREFIX))
        fn.add_to_role_policy(self._list_bucket())
        fn.add_event_source(
            sources.SqsEventSource(
                queues.index_queue,
                batch_size=constants.INDEX_QUEUE_BATCH_SIZE,
                max_batching_window=Duration.seconds(5),
                report_batch_item_failures=True,
                max_concurrency=constants.INDEX_QUEUE_MAX_CONCURRENCY,
            )
        )

    def _grant_alert_evaluator(self, storage: Storage, queues: Queues, messaging: Messaging) -> None:
        fn = self.functions[constants.ALERT_EVALUATOR.name]
        # Status page and the stale-index rule read each index's latest pointer and manifest.
        fn.add_to_role_policy(self._objects("ReadIndexes", ["s3:GetObject"], constants.INDEXES_PREFIX))
        fn.add_to_role_policy(self._list_bucket())
        messaging.notifications_topic.grant_publish(fn)
        # The receipt lease check asks whether a stranded receipt's photo arrived and queues it again.
        fn.add_to_role_policy(
            self._objects("HeadReceiptUploads", ["s3:GetObject"], constants.RECEIPTS_PREFIX)
        )
        queues.receipt_queue.grant_send_messages(fn)
        fn.add_environment("FOODSAVE_RECEIPT_QUEUE_URL", queues.receipt_queue.queue_url)
        fn.add_to_role_policy(
            iam.PolicyStatement(
                sid="QueueDepthForStatus",
                actions=["sqs:GetQueueAttributes"],
                resources=[queues.index_queue.queue_arn, queues.index_dlq.queue_arn],
            )
        )
        fn.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadOperationalMetrics", actions=["cloudwatch:GetMetricData"], resources=["*"]
            )
        )
        messaging.schedule(
            self.invoke_targets[constants.ALERT_EVALUATOR.name], self._profile.evaluator_schedule_minutes
        )

    def _bedrock_statement(self) -> iam.PolicyStatement:
        model_arn = Stack.of(self).format_arn(
            service="bedrock",
            account="",
            resource="foundation-model",
            resource_name=constants.BEDROCK_MODEL_ID,
        )
        return iam.PolicyStatement(
            sid="InvokeChatModel",
            actions=["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            resources=[model_arn],
        )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))
