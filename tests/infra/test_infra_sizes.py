"""The size check: a function plus its layers must fit Lambda's 250 MB unzipped limit."""

from __future__ import annotations

import pytest
from aws_cdk import App

from infra import constants
from infra.sizes import FunctionTooLargeError, check_function_sizes, dir_size


def _sparse_file(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)  # apparent size only; no disk is used


def _spec(tmp_path):
    code = tmp_path / "functions" / "fake"
    code.mkdir(parents=True)
    (code / "handler.py").write_text("def handler(event, context):\n    return event\n")
    spec = constants.FunctionSpec(
        name="fake", memory_mb=128, timeout_seconds=3, layers=("big", "small"), description="test"
    )
    return spec, code


def test_dir_size_counts_shipped_bytecode_and_skips_tool_caches(tmp_path):
    _sparse_file(tmp_path / "a.bin", 1000)
    _sparse_file(tmp_path / "__pycache__" / "x.cpython-312.pyc", 5000)
    _sparse_file(tmp_path / ".mypy_cache" / "x.json", 7000)
    assert dir_size(tmp_path) == 6000


def test_function_over_250_mb_with_its_layers_fails_the_check(tmp_path, monkeypatch):
    spec, code = _spec(tmp_path)
    monkeypatch.setattr(constants.FunctionSpec, "code_dir", property(lambda self: code))
    _sparse_file(tmp_path / "big" / "python" / "lib.so", 200 * 1024 * 1024)
    _sparse_file(tmp_path / "small" / "python" / "lib.so", 51 * 1024 * 1024)
    with pytest.raises(FunctionTooLargeError, match="fake"):
        check_function_sizes(
            [spec], {"big": tmp_path / "big", "small": tmp_path / "small"}, raise_on_error=True
        )


def test_function_under_the_limit_passes_the_check(tmp_path, monkeypatch):
    spec, code = _spec(tmp_path)
    monkeypatch.setattr(constants.FunctionSpec, "code_dir", property(lambda self: code))
    _sparse_file(tmp_path / "big" / "python" / "lib.so", 200 * 1024 * 1024)
    _sparse_file(tmp_path / "small" / "python" / "lib.so", 10 * 1024 * 1024)
    (size,) = check_function_sizes(
        [spec], {"big": tmp_path / "big", "small": tmp_path / "small"}, raise_on_error=True
    )
    assert size.within_limit
    assert size.total_bytes == 210 * 1024 * 1024 + dir_size(code)


def test_synthesis_with_real_layers_refuses_missing_builds(tmp_path):
    from infra.app import FEATURE_FLAGS
    from infra.constructs.layers import LayerNotBuiltError
    from infra.settings import DeploymentSettings
    from infra.stack import FoodSaveStack

    missing = {name: tmp_path / name for name in constants.LAYER_BUILD_DIRS}
    settings = DeploymentSettings(placeholder_layers=False, layer_dirs=missing)
    with pytest.raises(LayerNotBuiltError, match="make layers"):
        FoodSaveStack(App(context=FEATURE_FLAGS), "Scratch", settings=settings)
