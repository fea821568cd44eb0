"""Run the built functions under CPython 3.12 as Lambda would (layers/lambda_sim.py), against a local world:
a migrated SQLite database with one user, a receipt photo in the object store and a published recipes index.

Used by the layer check in the test suite and by benchmarks/cold_start.py. Each run gets its own copy of the
world, so a receipt is OCR'd and an index is built afresh every time.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAYERS = Path(__file__).resolve().parent
ROOT = LAYERS.parent
sys.path.insert(0, str(LAYERS))
import build  # noqa: E402
import python312  # noqa: E402

SIM = LAYERS / "lambda_sim.py"
BUCKET = "foodsave-sim"
USER_ID = "5e1f0000-0000-4000-8000-000000000001"
USER_SUB = "sim-user-sub"
HOUSEHOLD_ID = "5e1f0000-0000-4000-8000-0000000000ff"
RECEIPT_IDS = ("5e1f0000-0000-4000-8000-0000000000aa", "5e1f0000-0000-4000-8000-0000000000bb")
# The baseline: the third-party libraries each function cannot avoid loading for its cold start (import and
# first request), imported alone from the same layers. Every function: SQLAlchemy with its PostgreSQL dialect
# (what `postgresql+pg8000` loads in AWS), pg8000, Powertools, pydantic-settings and the OpenTelemetry SDK
# with the X-Ray id generator and propagator (foodsave.observability's tracer provider); the API functions
# add FastAPI (with the anyio backend its worker threads load) and Mangum, the SQS workers Powertools' batch
# utility, and each function the native library its work needs (rapidfuzz: the receipt parser's fuzzy
# matching). The floor no project code goes below.
_STACK = (
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
    "pg8000",
    "aws_lambda_powertools",
    "pydantic_settings",
    "opentelemetry.sdk.trace",
    "opentelemetry.sdk.extension.aws.trace",
    "opentelemetry.propagators.aws",
)
# FastAPI runs a sync route or dependency on anyio's worker threads, which load anyio's asyncio backend (its
# streams and sockets) on the first request: every API function's first request loads it.
_API = ("fastapi", "anyio._backends._asyncio", "mangum", *_STACK)
# First, as in the handlers: imported after pydantic, the batch utility also loads Powertools' parser models.
_WORKER = ("aws_lambda_powertools.utilities.batch", *_STACK)
# The download-free embedder: the layer carries the e5 engine but not its weights (fetched from the bucket).
EMBEDDER = "hashing"
BARE_IMPORTS = {
    "agent-chat": _API,
    "alert-evaluator": _API,
    "vector-search": (*_API, "numpy", "faiss"),
    "index-builder": (*_WORKER, "numpy", "faiss"),
    "ocr": (*_WORKER, "numpy", "PIL.Image", "tesserocr", "rapidfuzz"),
}
# The baseline before the anyio backend was added to it (only sync routes and dependencies load the backend),
# still measured, so that the API functions' ratio is also reported against it as its own line item.
ANYIO_BACKEND = "anyio._backends._asyncio"
BARE_IMPORTS_WITHOUT_ANYIO_BACKEND = {
    function: tuple(m for m in modules if m != ANYIO_BACKEND)
    for function, modules in BARE_IMPORTS.items()
    if ANYIO_BACKEND in modules
}
# The narrower list of earlier results (no dialect, OpenTelemetry SDK, batch utility or rapidfuzz), still
# measured so that figures stay comparable across runs.
_API_V1 = ("fastapi", "mangum", "sqlalchemy.orm", "pg8000", "aws_lambda_powertools", "pydantic_settings")
_WORKER_V1 = ("sqlalchemy.orm", "pg8000", "aws_lambda_powertools", "pydantic_settings")
NARROW_BARE_IMPORTS = {
    "agent-chat": _API_V1,
    "alert-evaluator": _API_V1,
    "vector-search": (*_API_V1, "numpy", "faiss"),
    "index-builder": (*_WORKER_V1, "numpy", "faiss"),
    "ocr": (*_WORKER_V1, "numpy", "PIL.Image", "tesserocr"),
}


@dataclass(frozen=True)
class World:
    """A prepared data folder to copy per run, and the receipt object waiting for OCR."""

    template: Path
    receipts: tuple[tuple[str, str, int], ...]  # (key, etag, size) of each uploaded photo

    def copy(self, into: Path) -> Path:
        target = into / "data"
        shutil.copytree(self.template, target)
        return target


def function_layers() -> dict[str, tuple[str, ...]]:
    from infra import constants

    return {spec.name: spec.layers for spec in constants.FUNCTIONS}


def prepare_world(folder: Path) -> World:
    """Schema, the signed-in user, one synthetic receipt photo and the recipes index (built with this
    machine's FAISS; the index format is the same on every platform)."""
    from devkit.receiptgen import RenderOptions, encode, generate_receipt, installed_fonts, render_receipt
    from foodsave.adapters.local import LocalObjectStore, SystemClock
    from foodsave.bootstrap import build_embedder
    from foodsave.vectors.corpus import build_corpus_index

    folder.mkdir(parents=True, exist_ok=True)
    seed_database(f"sqlite:///{folder / 'foodsave.db'}")
    store = LocalObjectStore(folder / "objects", BUCKET)
    rng = random.Random(15)
    font = installed_fonts()[0]
    receipts = []
    for receipt_id in RECEIPT_IDS:
        image = render_receipt(generate_receipt(rng), RenderOptions(font_path=font, font_size=26))
        key = f"uploads/receipts/{USER_ID}/{receipt_id}.jpg"
        info = store.put(key, encode(image, "jpeg", 90), "image/jpeg")
        receipts.append((key, info.etag, info.size))
    embedder = build_embedder(EMBEDDER)
    for corpus in ("recipes", "knowledge"):  # published at deploy time in AWS
        build_corpus_index(corpus, store=store, embedder=embedder, clock=SystemClock())
    return World(folder, tuple(receipts))


def seed_database(url: str) -> None:
    """The schema and the signed-in user, a returning one (the household every user gets on their first
    request is there), in the world's SQLite file or in a PostgreSQL template database."""
    from foodsave.adapters.local import SystemClock
    from foodsave.db.migrate import upgrade
    from foodsave.db.models import Household, HouseholdMember, User
    from foodsave.db.session import Database

    upgrade(url)
    db = Database(url, connect_timeout=5.0, clock=SystemClock())
    with db.session() as session:
        session.add(User(id=USER_ID, external_sub=USER_SUB))
        session.add(Household(id=HOUSEHOLD_ID))
        session.flush()
        session.add(HouseholdMember(household_id=HOUSEHOLD_ID, user_id=USER_ID, role="owner"))
        session.commit()
    db.dispose()


def first_event(function: str, world: World, nth: int = 0) -> dict[str, Any]:
    """The event that wakes each function most often, shaped as Lambda delivers it; `nth` picks another
    receipt for the OCR function, so that a second invocation does real work too."""
    from foodsave.runtime import events

    if function == "agent-chat":
        return events.http_api_request("GET", "/v1/pantry/items", sub=USER_SUB, query="limit=10")
    if function == "vector-search":
        return events.http_api_request(
            "GET", "/v1/search", sub=USER_SUB, query="q=zupa%20pomidorowa&k=3&scope=recipes"
        )
    if function == "alert-evaluator":
        return events.http_api_request("GET", "/v1/notifications", sub=USER_SUB)
    if function == "ocr":  # deployed: S3 -> EventBridge -> the receipts queue -> an SQS batch
        key, etag, size = world.receipts[nth % len(world.receipts)]
        return events.sqs_event([_object_created(key, etag, size)])
    if function == "index-builder":
        return events.sqs_event([{"type": "corpus_rebuild", "name": "knowledge", "force": True}])
    raise ValueError(f"unknown function {function!r}")


def _object_created(key: str, etag: str, size: int) -> dict[str, Any]:
    """S3's EventBridge `Object Created` event for one upload, as the receipts queue carries it."""
    return {
        "version": "0",
        "id": "5e1f0000-0000-4000-8000-0000000000e1",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2026-11-30T12:00:00Z",
        "region": "eu-central-1",
        "resources": [f"arn:aws:s3:::{BUCKET}"],
        "detail": {
            "version": "0",
            "bucket": {"name": BUCKET},
            "object": {"key": key, "size": size, "etag": etag, "sequencer": "0062E99A88DC407460"},
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "reason": "PostObject",
        },
    }


def environment(function: str, data_dir: Path, arch: str) -> dict[str, str]:
    ocr_layer = build.layer_dirs(arch)["ocr"]
    return {
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_REGION": "eu-central-1",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "POWERTOOLS_SERVICE_NAME": function,
        "POWERTOOLS_METRICS_NAMESPACE": "FoodSave",
        "FOODSAVE_ENV": "local",
        "FOODSAVE_DATA_DIR": str(data_dir),
        "FOODSAVE_BUCKET": BUCKET,
        "FOODSAVE_EMBEDDER": EMBEDDER,
        # The corpora's indexes are in the world's bucket, published ahead as a deploy publishes them.
        "FOODSAVE_INDEX_BUNDLED_CORPORA": "false",
        "FOODSAVE_OCR_ENGINE": "tesserocr",
        "FOODSAVE_TESSDATA_PREFIX": str(ocr_layer / "share" / "tessdata"),
        "TESSDATA_PREFIX": str(ocr_layer / "share" / "tessdata"),
        "OMP_THREAD_LIMIT": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def plan(
    function: str,
    data_dir: Path,
    *,
    arch: str = "x86_64",
    events: list[dict[str, Any]] | None = None,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Import `handler` from the built function code with exactly its layers plus the runtime's boto3; the
    database is the world's SQLite file unless `database_url` names another (PostgreSQL through pg8000)."""
    dirs = build.layer_dirs(arch)
    env = environment(function, data_dir, arch)
    if database_url:
        env["FOODSAVE_DATABASE_URL"] = database_url
    return {
        "function_name": function,
        "code_dir": str(build.function_code_dir(function)),
        "paths": [str(dirs[name] / "python") for name in function_layers()[function]]
        + [str(build.runtime_dir())],
        "env": env,
        "handler": "handler",
        "events": events or [],
    }


def bare_plan(
    function: str,
    data_dir: Path,
    *,
    arch: str = "x86_64",
    narrow: bool = False,
    without_anyio_backend: bool = False,
) -> dict[str, Any]:
    """The libraries alone, from the same layers: the floor no project code can go below (`narrow`: the list
    of earlier results; `without_anyio_backend`: the baseline before the anyio backend joined it)."""
    base = plan(function, data_dir, arch=arch)
    lists = BARE_IMPORTS_WITHOUT_ANYIO_BACKEND if without_anyio_backend else BARE_IMPORTS
    modules = (NARROW_BARE_IMPORTS if narrow else lists)[function]
    return {**base, "code_dir": None, "handler": None, "modules": list(modules)}


def run(plan_: dict[str, Any], *, importtime: bool = False, timeout: float = 600) -> dict[str, Any]:
    """One fresh CPython 3.12 process: no site-packages, no bytecode writes, a clean environment."""
    interpreter = python312.find()
    with tempfile.TemporaryDirectory(prefix="lambda-sim-") as tmp:
        plan_file, report_file = Path(tmp) / "plan.json", Path(tmp) / "report.json"
        plan_file.write_text(json.dumps(plan_))
        flags = ["-X", "importtime"] if importtime else []
        proc = subprocess.run(  # noqa: S603 - the build machine's own 3.12 interpreter
            [interpreter, "-S", "-s", "-B", *flags, str(SIM), str(plan_file), str(report_file)],
            env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0 or not report_file.exists():
            raise RuntimeError(f"lambda_sim failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        report: dict[str, Any] = json.loads(report_file.read_text())
    if importtime:
        report["importtime"] = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    report["stdout"] = proc.stdout
    return report


def prepare_builds(arch: str = "x86_64") -> None:
    """The layers of one architecture, the function code and the runtime's boto3 (cached builds)."""
    build.build_all([arch])
