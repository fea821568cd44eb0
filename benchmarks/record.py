"""What every benchmark result carries: where it was measured (commit, date, Python, machine) and the spread of
repeated runs, so a figure in README can be traced to a run that a fresh `make bench` reproduces."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


@cache
def commit() -> str:
    """The checked-out commit, with `-dirty` when the tree has uncommitted changes; read once per process, when
    the run writes its first result, so that every file one run writes records the same commit."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("-dirty" if dirty else "")


def environment() -> dict[str, Any]:
    return {
        "commit": commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "omp_thread_limit": os.environ.get("OMP_THREAD_LIMIT"),
    }


def spread(values: list[float]) -> dict[str, float | int]:
    """Median, min and max (and the run count) of repeated measurements."""
    if not values:
        raise ValueError("no measurements")
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def timed(fn: Callable[[], Any], runs: int = 5, warmup: int = 1) -> dict[str, float | int]:
    """Seconds per call of `fn`: `warmup` unrecorded calls, then `runs` recorded ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return spread(samples)


def write(name: str, report: dict[str, Any]) -> dict[str, Any]:
    """Write benchmarks/results/<name>.json with the environment first, and print it."""
    out = {"benchmark": name, **environment(), **report}
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n"
    (RESULTS / f"{name}.json").write_text(text)
    print(text, end="")
    return out
