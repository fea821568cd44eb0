"""Every name, size and limit of the infrastructure in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aws_cdk.aws_logs import RetentionDays

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_DIR = ROOT / "functions"
MIGRATION_CODE_DIR = Path(__file__).resolve().parent / "migration"
PLACEHOLDER_LAYER_DIR = Path(__file__).resolve().parent / "assets" / "placeholder_layer"
MIGRATIONS_DIR = ROOT / "src" / "foodsave" / "db" / "migrations"

STACK_NAME = "FoodSave"
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "eu-central-1"
SERVICE_TAG = "foodsave"

# Lambda
PYTHON_VERSION = "3.12"
HANDLER = "handler.handler"
METRICS_NAMESPACE = "FoodSave"
LOG_LEVEL = "INFO"
# Lambda architecture of the functions and layers; `-c architecture=x86_64` selects the other one.
# The layer build reads the same names: arm64 -> manylinux_2_28_aarch64, x86_64 -> manylinux_2_28_x86_64.
LAMBDA_ARCHITECTURE = "arm64"
LAMBDA_ARCHITECTURES = ("arm64", "x86_64")
LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000  # 250 MB: function code plus all its layers, unzipped
LAMBDA_SIZE_MARGIN_BYTES = 20 * 1024 * 1024  # room every function keeps under the limit for growth
OCR_SIZE_TARGET_BYTES = 150 * 1024 * 1024
DATA_DIR = "/tmp/foodsave"  # noqa: S108 - Lambda's only writable path
TESSDATA_DIR = "/opt/share/tessdata"  # layers are extracted under /opt
EFS_MOUNT_PATH = "/mnt/indexes"

# Layers: the directory each one is built into by layers/build.py (or `make layers`), per architecture.
# Both are built: the deployed one, and x86_64 to run the layers on an x86_64 build machine.
FUNCTION_CODE_BUILD_DIR = ROOT / "layers" / "functions" / "build"  # handler.py plus its 3.12 bytecode


def layer_build_dirs(arch: str = LAMBDA_ARCHITECTURE) -> dict[str, Path]:
    return {
        "core": ROOT / "layers" / "core" / "build" / arch,
        "ocr": ROOT / "layers" / "native" / "build" / arch / "ocr",
        "vectors": ROOT / "layers" / "native" / "build" / arch / "vectors",
    }


LAYER_BUILD_DIRS: dict[str, Path] = layer_build_dirs()


@dataclass(frozen=True)
class FunctionSpec:
    """Sizing and packaging of one Lambda function."""

    name: str
    memory_mb: int
    timeout_seconds: int
    layers: tuple[str, ...]
    description: str
    ephemeral_storage_mb: int = 512
    api_prefixes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def code_dir(self) -> Path:
        return FUNCTIONS_DIR / self.name

    @property
    def service_name(self) -> str:
        return self.name


OCR = FunctionSpec(
    name="ocr",
    # Tesseract is CPU bound; Lambda CPU scales with memory (1769 MB = one full vCPU).
    memory_mb=2048,
    timeout_seconds=120,
    layers=("core", "ocr"),
    description="Receipt OCR: S3 upload -> receipts queue -> Tesseract (pol) -> parsed receipt in Postgres",
    ephemeral_storage_mb=1024,
)
AGENT_CHAT = FunctionSpec(
    name="agent-chat",
    memory_mb=1024,
    timeout_seconds=29,  # HTTP API integrations end at 30 s
    layers=("core", "vectors"),
    description="Chat agents, pantry, receipts, recipes, meal plans, shopping list (FastAPI)",
    api_prefixes=(
        "/v1/chat",
        "/v1/conversations",
        "/v1/pantry",
        "/v1/receipts",
        "/v1/recipes",
        "/v1/meal-plans",
        "/v1/shopping-list",
        "/v1/me",
        "/v1/household",
    ),
)
VECTOR_SEARCH = FunctionSpec(
    name="vector-search",
    memory_mb=1536,
    timeout_seconds=29,
    layers=("core", "vectors"),
    description="Semantic search over FAISS indexes and document uploads (FastAPI)",
    ephemeral_storage_mb=2048,  # index copies in /tmp
    api_prefixes=("/v1/search", "/v1/documents"),
)
INDEX_BUILDER = FunctionSpec(
    name="index-builder",
    memory_mb=2048,
    timeout_seconds=300,
    layers=("core", "vectors"),
    description="Builds and publishes FAISS indexes from queued documents",
    ephemeral_storage_mb=2048,
)
ALERT_EVALUATOR = FunctionSpec(
    name="alert-evaluator",
    memory_mb=512,
    timeout_seconds=60,
    layers=("core",),
    description="Scheduled alert and expiry evaluation; alerts, notifications and status API (FastAPI)",
    api_prefixes=("/v1/alerts", "/v1/notifications", "/v1/status"),
)
FUNCTIONS: tuple[FunctionSpec, ...] = (OCR, AGENT_CHAT, VECTOR_SEARCH, INDEX_BUILDER, ALERT_EVALUATOR)
HEALTH_ROUTE_FUNCTION = ALERT_EVALUATOR.name  # the health router is mounted in the alert-evaluator app
MIGRATION_TIMEOUT_SECONDS = 300
MIGRATION_MEMORY_MB = 512

# Storage
RECEIPTS_PREFIX = "uploads/receipts/"
DOCUMENTS_PREFIX = "uploads/documents/"
DIRECT_DOCUMENTS_PREFIX = "documents/"  # multipart uploads stored by the documents route itself
DOCUMENT_PREFIXES = (DOCUMENTS_PREFIX, DIRECT_DOCUMENTS_PREFIX)
INDEXES_PREFIX = "indexes/"
MODELS_PREFIX = "models/"  # embedding weights fetched on cold start (FOODSAVE_EMBEDDER_MODEL_KEY)
# The multilingual-e5-small weights: built into MODEL_WEIGHTS_DIR (`make model-weights`) and published by the
# stack to MODEL_WEIGHTS_KEY, the default FOODSAVE_EMBEDDER_MODEL_KEY.
MODEL_WEIGHTS_DIR = ROOT / "build" / "model-weights"
MODEL_WEIGHTS_KEY = "models/multilingual-e5-small-q4/e5-small-q4.bin"
RAW_RECEIPT_EXPIRY_DAYS = 90  # parsed data lives in Postgres; the photo is only kept for re-processing
NONCURRENT_VERSION_EXPIRY_DAYS = 30
ACCESS_LOG_EXPIRY_DAYS = 90
ABORT_MULTIPART_DAYS = 7

# Queues
INDEX_QUEUE_VISIBILITY_FACTOR = 6  # AWS guidance for SQS event sources: >= 6 x function timeout
INDEX_QUEUE_MAX_RECEIVE_COUNT = 5
INDEX_QUEUE_BATCH_SIZE = 5
INDEX_QUEUE_MAX_CONCURRENCY = 2  # the event source's own limit; protects the DB without reserved concurrency
DLQ_RETENTION_DAYS = 14
# Receipt uploads reach ocr as S3 "Object Created" events through EventBridge and an SQS queue; the event
# source's maximum concurrency (2 is the smallest SQS allows) caps the DB sessions OCR opens in a burst.
RECEIPT_QUEUE_VISIBILITY_FACTOR = 6
RECEIPT_QUEUE_MAX_RECEIVE_COUNT = 5
RECEIPT_QUEUE_BATCH_SIZE = 4
RECEIPT_QUEUE_MAX_CONCURRENCY = 2
QUEUE_AGE_ALARM_SECONDS = 15 * 60

# Events
EVENT_BUS_NAME = "foodsave"
EVALUATOR_SCHEDULE_MINUTES = 15  # production; the household profile runs it less often (see Profile)

# Database
DB_NAME = "foodsave"
DB_CLUSTER_ID = "foodsave-db"  # named, so that its exported log group can be created with a retention
DB_ADMIN_USER = "foodsave_admin"
DB_APP_USER = "foodsave_app"  # IAM-authenticated role the functions use when they reach Aurora directly
DB_PORT = 5432
DB_BACKUP_RETENTION_DAYS = 7
DB_ROTATION_DAYS = 30
DB_CAPACITY_ALARM_FRACTION = 0.9  # alarm when the writer runs at 90 % of its maximum ACU

# LLM
LLM_PROVIDER = "bedrock"
BEDROCK_MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
EMBEDDER = "e5"  # multilingual-e5-small; its weights are fetched from the bucket on cold start

# API
API_THROTTLE_RATE = 50  # requests per second, steady state, for the whole stage
API_THROTTLE_BURST = 100
# /v1/chat calls Bedrock (money per token): its own, lower limit per route on the stage.
CHAT_ROUTE_PREFIX = "/v1/chat"
CHAT_THROTTLE_RATE = 5
CHAT_THROTTLE_BURST = 10
CORS_ALLOWED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Amzn-Trace-Id")
CORS_MAX_AGE_MINUTES = 10

# Monitoring
DURATION_ALARM_FRACTION = 0.8  # p95 duration alarm at 80 % of the function timeout
API_LATENCY_P95_MS = 3000
RECEIPTS_FAILED_METRIC = "ReceiptsFailed"
RECEIPTS_FAILED_THRESHOLD = 3  # per 15 minutes
BUDGET_COST_TAG = f"user:service${SERVICE_TAG}"  # the stack's resources carry the tag service=foodsave


@dataclass(frozen=True)
class Profile:
    """What a deployment shape (`-c profile=household|production`) decides; context keys may override some."""

    name: str
    functions_in_vpc: bool  # production: private subnets + NAT; household: no VPC for the functions
    nat_gateways: int
    rds_proxy: bool
    db_min_acu: float
    db_max_acu: float
    db_auto_pause_minutes: int | None  # Aurora Serverless v2 auto-pause (needs min 0 ACU)
    db_connect_timeout_seconds: int  # a paused cluster takes about 15 s to resume
    db_performance_insights: bool
    deletion_protection: bool
    destroy_on_delete: bool  # RemovalPolicy.DESTROY for buckets, layers, user pool and cluster
    log_retention: RetentionDays
    cognito_plus: bool
    alarm_email_required: bool
    cors_origins: tuple[str, ...]
    monthly_budget_usd: int
    # Every evaluator run wakes a paused database; expiry warnings are per day, so a household runs it
    # four times a day and lets the writer sleep in between.
    evaluator_schedule_minutes: int


HOUSEHOLD = Profile(
    name="household",
    functions_in_vpc=False,
    nat_gateways=0,
    rds_proxy=False,
    db_min_acu=0,
    db_max_acu=2,
    db_auto_pause_minutes=5,  # the shortest Aurora allows
    db_connect_timeout_seconds=20,
    db_performance_insights=False,
    deletion_protection=False,
    destroy_on_delete=True,
    log_retention=RetentionDays.TWO_WEEKS,
    cognito_plus=False,
    alarm_email_required=False,
    cors_origins=("http://localhost:8081",),
    monthly_budget_usd=10,
    evaluator_schedule_minutes=360,
)
PRODUCTION = Profile(
    name="production",
    functions_in_vpc=True,
    nat_gateways=1,
    rds_proxy=True,
    db_min_acu=0.5,
    db_max_acu=4,
    db_auto_pause_minutes=None,
    db_connect_timeout_seconds=5,
    db_performance_insights=True,
    deletion_protection=True,
    destroy_on_delete=False,
    log_retention=RetentionDays.ONE_MONTH,
    cognito_plus=False,
    alarm_email_required=True,
    cors_origins=("https://app.foodsave.ai",),
    monthly_budget_usd=300,
    evaluator_schedule_minutes=EVALUATOR_SCHEDULE_MINUTES,
)
PROFILES = {p.name: p for p in (HOUSEHOLD, PRODUCTION)}
DEFAULT_PROFILE = HOUSEHOLD.name
