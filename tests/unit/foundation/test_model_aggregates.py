"""Models load by aggregate: a model's first use imports its own module, not every model (the modules its
foreign keys name load before its rows are written: tests/integration/foundation/test_flush_references.py);
`load_all()` gives the whole schema."""

from __future__ import annotations

import json
import subprocess
import sys

from foodsave.db.models import AGGREGATES, load_all


def _aggregates_loaded_by(statement: str) -> set[str]:
    probe = (
        f"{statement}\nimport json, sys\n"
        "print(json.dumps(sorted(m.rsplit('.', 1)[1] for m in sys.modules if m.startswith('foodsave.db.models.'))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out)) - {"base"}


def test_using_notifications_loads_their_own_aggregate_and_nothing_else() -> None:
    assert _aggregates_loaded_by("from foodsave.db.models import Notification") == {"notifications"}


def test_using_pantry_items_loads_no_receipt_models() -> None:
    assert _aggregates_loaded_by("from foodsave.db.models import PantryItem") == {"pantry"}


def test_the_people_models_need_no_aggregate() -> None:
    assert _aggregates_loaded_by("from foodsave.db.models import Household, HouseholdMember, User") == set()


def test_load_all_describes_every_aggregates_tables() -> None:
    tables = set(load_all().tables)
    assert {
        "users",
        "households",
        "pantry_items",
        "messages",
        "documents",
        "alerts",
        "outbox_events",
    } <= tables
    assert _aggregates_loaded_by("from foodsave.db.models import load_all; load_all()") == set(AGGREGATES)


def test_the_idempotency_middleware_loads_no_aggregate_before_a_keyed_request() -> None:
    assert _aggregates_loaded_by("import foodsave.api.idempotency") == set()


def test_the_index_jobs_load_no_models_before_a_job_reads_documents() -> None:
    probe = "import sys, foodsave.vectors.jobs; print('foodsave.db.models' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_receipt_processing_path_loads_no_pantry_models() -> None:
    loaded = _aggregates_loaded_by("import foodsave.receipts.service, foodsave.receipts.pipeline")
    assert loaded == {"receipts"}
