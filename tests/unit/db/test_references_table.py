"""The flush hook's table of foreign keys across aggregates (foodsave.db.references.REFERENCED) names exactly
the aggregates the schema's foreign keys point into; the people models (users, households) are always loaded."""

from __future__ import annotations

from foodsave.db.models import Base, load_all
from foodsave.db.references import REFERENCED

ALWAYS_LOADED = "models"


def _aggregate_of_table() -> dict[str, str]:
    load_all()
    return {
        table.name: mapper.class_.__module__.rpartition(".")[2]
        for mapper in Base.registry.mappers
        for table in mapper.tables
    }


def test_every_foreign_key_into_another_aggregate_is_listed_and_nothing_else() -> None:
    home = _aggregate_of_table()
    needed: dict[str, set[str]] = {}
    for table in load_all().sorted_tables:
        for fk in table.foreign_keys:
            source, target = home[table.name], home[fk.column.table.name]
            if target not in (source, ALWAYS_LOADED):
                needed.setdefault(source, set()).add(target)
    assert {name: set(targets) for name, targets in REFERENCED.items()} == needed
