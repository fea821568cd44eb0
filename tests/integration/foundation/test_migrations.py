"""Alembic migrations are the only way the schema is made, and they match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from foodsave.db.migrate import current, downgrade, upgrade
from foodsave.db.models import load_all


def test_migrated_schema_matches_the_models(db_url):
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": False}), load_all()
            )
    finally:
        engine.dispose()
    assert diff == [], f"models and migrations differ; add an Alembic revision: {diff}"


def test_migrations_run_down_to_nothing_and_up_again(db_url):
    head = current(db_url)
    downgrade(db_url, "base")
    engine = create_engine(db_url)
    try:
        assert "pantry_items" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(db_url)
    assert current(db_url) == head
