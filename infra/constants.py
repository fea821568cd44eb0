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
LOG_RETENTION = RetentionDays.ONE_MONTH
LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000  # 250 MB: function code plus all its layers, unzipped
OCR_SIZE_TARGET_BYTES = 150 * 1024 * 1024
DATA_DIR = "/tmp/foodsave"  # noqa: S108 - Lambda's only writable path
TESSDATA_DIR = "/opt/share/tessdata"  # layers are extracted under /opt
EFS_MOUNT_PATH = "/mnt/indexes"

# Layers: the directory each one is built into by layers/build.py (or `make layers`), per architecture.
# The stack deploys arm64 layers; x86_64 builds exist to run the layers on an x86_64 build machine.
LAYER_ARCHITECTURE = "arm64"
LAYER_ARCHITECTURES = ("arm64", "x86_64")
FUNCTION_CODE_BUILD_DIR = ROOT / "layers" / "functions" / "build"  # handler.py plus its 3.12 bytecode


def layer_build_dirs(arch: str = LAYER_ARCHITECTURE) -> dict[str, Path]:
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
    reserved_concurrency: int | None = None
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
    description="Receipt OCR: S3 upload -> Tesseract (pol) -> parsed receipt in Postgres",
    ephemeral_storage_mb=1024,
    # Bursts of uploads become at most this many concurrent DB sessions; S3 async invokes retry on throttle.
    reserved_concurrency=5,
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
INDEXES_PREFIX = "indexes/"
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

# Events
EVENT_BUS_NAME = "foodsave"
EVALUATOR_SCHEDULE_MINUTES = 15

# Database
DB_NAME = "foodsave"
DB_ADMIN_USER = "foodsave_admin"
DB_PORT = 5432
DB_MIN_ACU = 0.5
DB_MAX_ACU = 4
DB_BACKUP_RETENTION_DAYS = 7

# LLM
LLM_PROVIDER = "bedrock"
BEDROCK_MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
EMBEDDER = "hashing"

# API
API_THROTTLE_RATE = 50  # requests per second, steady state, for the whole stage
API_THROTTLE_BURST = 100
CORS_ALLOWED_ORIGINS = ("https://app.foodsave.ai", "http://localhost:8081")
CORS_ALLOWED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "X-Amzn-Trace-Id")
CORS_MAX_AGE_MINUTES = 10

# Monitoring
DURATION_ALARM_FRACTION = 0.8  # p95 duration alarm at 80 % of the function timeout
API_LATENCY_P95_MS = 3000
RECEIPTS_FAILED_METRIC = "ReceiptsFailed"
RECEIPTS_FAILED_THRESHOLD = 3  # per 15 minutes
