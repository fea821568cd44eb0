"""Unzipped size of each function plus its layers, checked against Lambda's 250 MB limit."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from infra import constants

# Tool caches never ship; `__pycache__` does (the layers carry CPython 3.12 bytecode) and so counts.
_EXCLUDED_DIRS = {".pytest_cache", ".mypy_cache"}


def dir_size(path: Path) -> int:
    """Bytes of regular files under path, as Lambda counts them once extracted."""
    total = 0
    for dirpath, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d not in _EXCLUDED_DIRS]
        for name in files:
            file = Path(dirpath) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


@dataclass(frozen=True)
class FunctionSize:
    """Code plus layers for one function."""

    function: str
    code_bytes: int
    layer_bytes: dict[str, int]

    @property
    def total_bytes(self) -> int:
        return self.code_bytes + sum(self.layer_bytes.values())

    @property
    def within_limit(self) -> bool:
        return self.total_bytes <= constants.LAMBDA_UNZIPPED_LIMIT_BYTES

    def as_dict(self) -> dict[str, object]:
        return {
            "function": self.function,
            "code_bytes": self.code_bytes,
            "layer_bytes": self.layer_bytes,
            "total_bytes": self.total_bytes,
            "total_mb": round(self.total_bytes / 1024 / 1024, 1),
            "limit_mb": round(constants.LAMBDA_UNZIPPED_LIMIT_BYTES / 1024 / 1024, 1),
            "within_limit": self.within_limit,
        }


class FunctionTooLargeError(RuntimeError):
    """A function plus its layers exceeds Lambda's unzipped deployment size limit."""


def measure(specs: Iterable[constants.FunctionSpec], layer_dirs: Mapping[str, Path]) -> list[FunctionSize]:
    layer_sizes = {name: dir_size(path) for name, path in layer_dirs.items()}
    return [
        FunctionSize(
            function=spec.name,
            code_bytes=dir_size(spec.code_dir),
            layer_bytes={name: layer_sizes[name] for name in spec.layers},
        )
        for spec in specs
    ]


def check_function_sizes(
    specs: Iterable[constants.FunctionSpec], layer_dirs: Mapping[str, Path], *, raise_on_error: bool
) -> list[FunctionSize]:
    sizes = measure(specs, layer_dirs)
    too_large = [s for s in sizes if not s.within_limit]
    if too_large and raise_on_error:
        detail = ", ".join(f"{s.function}={s.total_bytes / 1024 / 1024:.1f} MB" for s in too_large)
        raise FunctionTooLargeError(f"over the 250 MB unzipped limit: {detail}")
    return sizes
