"""Load `functions/<name>/handler.py` by path: the local runtime and tests call exactly what Lambda calls."""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

FUNCTIONS = ("ocr", "agent-chat", "vector-search", "index-builder", "alert-evaluator")


def functions_dir() -> Path:
    configured = os.environ.get("FOODSAVE_FUNCTIONS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "functions"


@cache
def load_module(name: str) -> ModuleType:
    if name not in FUNCTIONS:
        raise KeyError(f"unknown function {name!r}")
    path = functions_dir() / name / "handler.py"
    spec = importlib.util.spec_from_file_location(f"foodsave_fn_{name.replace('-', '_')}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_handler(name: str) -> Any:
    """The `handler(event, context)` of one function."""
    return load_module(name).handler
