"""The models a flush needs beyond those of the rows it writes: the tables their foreign keys name.

SQLAlchemy orders a flush's writes by the tables each row's foreign keys name, so those tables must be mapped
before such a row is written. Reading rows needs none of them: listing pantry items loads no receipt models,
listing notifications no pantry models. So an aggregate's module does not import the aggregates its foreign
keys name; every session runs `load_referenced` before it flushes (foodsave.db.session).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

MODELS = "foodsave.db.models"
# Aggregate -> the aggregates whose tables its foreign keys name (the people models are always loaded).
REFERENCED: dict[str, tuple[str, ...]] = {"pantry": ("receipts",), "notifications": ("pantry",)}


def load_referenced(session: Any, _flush_context: Any = None, _instances: Any = None) -> None:
    """Before a flush: import the aggregates that the foreign keys of the rows it writes name."""
    missing = {
        name for names in REFERENCED.values() for name in names if f"{MODELS}.{name}" not in sys.modules
    }
    if not missing:
        return
    for row in (*session.new, *session.dirty, *session.deleted):
        module = type(row).__module__
        if not module.startswith(f"{MODELS}."):
            continue
        for name in REFERENCED.get(module.rpartition(".")[2], ()):
            if name in missing:
                importlib.import_module(f"{MODELS}.{name}")
