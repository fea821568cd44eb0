"""A model's aggregate loads the aggregates its foreign keys name only when its rows are written: reads of
pantry items or notifications map no receipt or pantry models, and writes still order by every foreign key.
Each case runs in a fresh interpreter, where no other test has loaded the models already."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

SETUP = """
import sys
from datetime import UTC, datetime
from decimal import Decimal
from foodsave.adapters.local import FrozenClock
from foodsave.db.models import Household, User
from foodsave.db.session import Database

db = Database({url!r}, clock=FrozenClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)))
def models():
    return sorted(m for m in sys.modules if m.startswith("foodsave.db.models."))
"""


def _run(url: str, body: str) -> list[str]:
    script = textwrap.dedent(SETUP.format(url=url)) + textwrap.dedent(body) + "\nprint(models())\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    return list(ast.literal_eval(out.stdout.strip().splitlines()[-1]))


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("pg_url" if request.param == "postgres" else "sqlite_url"))


@pytest.mark.parametrize(
    ("model", "unmapped"),
    [("PantryItem", "receipts"), ("Notification", "pantry")],
    ids=["pantry", "notifications"],
)
def test_listing_rows_maps_no_aggregate_their_foreign_keys_name(url: str, model: str, unmapped: str) -> None:
    loaded = _run(
        url,
        f"""
        from sqlalchemy import select
        from foodsave.db.models import {model}
        with db.session() as s:
            s.scalars(select({model})).all()
        """,
    )
    assert f"foodsave.db.models.{unmapped}" not in loaded


def test_a_pantry_item_is_written_changed_and_deleted_with_only_the_pantry_models_imported(url: str) -> None:
    loaded = _run(
        url,
        """
        from foodsave.db.models import PantryItem
        with db.session() as s:
            user, household = User(external_sub="flush-refs"), Household()
            s.add_all([user, household])
            s.flush()
            item = PantryItem(household_id=household.id, user_id=user.id, name="Mleko", normalized_name="mleko")
            s.add(item)
            s.commit()
            item.quantity = Decimal("2")
            s.commit()
            s.delete(item)
            s.commit()
        """,
    )
    assert "foodsave.db.models.receipts" in loaded


def test_a_notification_is_written_with_only_the_notification_models_imported(url: str) -> None:
    loaded = _run(
        url,
        """
        from foodsave.db.models import Notification
        with db.session() as s:
            user = User(external_sub="flush-refs")
            s.add(user)
            s.flush()
            s.add(Notification(user_id=user.id, kind="expiry", threshold=1, payload={}))
            s.commit()
        """,
    )
    assert "foodsave.db.models.pantry" in loaded
