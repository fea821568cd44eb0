"""The built layers under the runtime's own Python: each handler is imported by CPython 3.12 from its function
code and its layers with nothing else on the path but boto3 (as the Lambda runtime provides it), without writing
bytecode; one receipt is OCR'd by tesserocr from the ocr layer and one search is answered by FAISS from the
vectors layer. Runs the x86_64 build (this machine's); the arm64 build is checked file by file elsewhere."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import constants

ROOT = Path(__file__).resolve().parents[2]
ARCH = "x86_64"
# A cold build of every layer (pip downloads included) takes a few minutes on a slow machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _simulate():
    spec = importlib.util.spec_from_file_location("foodsave_layer_simulate", ROOT / "layers" / "simulate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sim():
    module = _simulate()
    module.prepare_builds(ARCH)
    return module


@pytest.fixture(scope="module")
def world(sim, tmp_path_factory):
    return sim.prepare_world(tmp_path_factory.mktemp("world"))


def _invoke(sim, world, tmp_path: Path, function: str) -> tuple[dict[str, Any], Path]:
    data = world.copy(tmp_path)
    report = sim.run(sim.plan(function, data, arch=ARCH, events=[sim.first_event(function, world)]))
    return report, data


@pytest.mark.parametrize("function", [spec.name for spec in constants.FUNCTIONS])
def test_handler_imports_under_python_312_from_its_layers_and_the_runtimes_boto3_only(
    sim, world, tmp_path, function
):
    report = sim.run(sim.plan(function, world.copy(tmp_path), arch=ARCH))
    assert report["python"].startswith("3.12.")
    assert report["foreign_modules"] == []
    assert "handler" in report["modules_loaded"]


def test_layers_are_loaded_without_writing_bytecode(sim, world, tmp_path):
    report = sim.run(sim.plan("agent-chat", world.copy(tmp_path), arch=ARCH))
    assert report["bytecode_written"] is False


def test_receipt_photo_is_read_by_tesserocr_from_the_ocr_layer(sim, world, tmp_path):
    report, data = _invoke(sim, world, tmp_path, "ocr")
    (request,) = report["requests"]
    assert request["error"] is None
    assert request["response"] == {"batchItemFailures": []}
    assert "tesserocr" in report["modules_loaded"]
    with sqlite3.connect(data / "foodsave.db") as db:
        engine, text = db.execute("SELECT ocr_engine, raw_text FROM receipts").fetchone()
        lines = db.execute("SELECT count(*) FROM receipt_lines").fetchone()[0]
    assert engine.startswith("tesserocr")
    assert len(text) > 100
    assert lines >= 1


def test_recipe_search_is_answered_by_faiss_from_the_vectors_layer(sim, world, tmp_path):
    report, _ = _invoke(sim, world, tmp_path, "vector-search")
    (request,) = report["requests"]
    assert request["error"] is None
    assert request["response"]["statusCode"] == 200
    body = request["response"]["body"]
    assert '"hits":[{' in body
    assert "pomidor" in body.lower()
    assert "faiss" in report["modules_loaded"]
