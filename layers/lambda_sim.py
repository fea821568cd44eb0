"""Run one function the way the Lambda python3.12 runtime does: its code directory, its layers and the
runtime's boto3 on ``sys.path`` and nothing else, no bytecode writes (``/opt`` is read-only in Lambda).

Executed by a CPython 3.12 interpreter started with ``-S -s -B`` (no site-packages, no user site, no
``.pyc`` writes) and a clean environment; it reads a JSON plan and writes a JSON report::

    python3.12 -S -s -B layers/lambda_sim.py plan.json report.json

Plan keys: ``code_dir`` (the function's code, or null), ``paths`` (layer ``python`` folders, then the
runtime folder holding boto3, in Lambda's order), ``env`` (variables set before anything is imported),
``modules`` (bare imports, timed together) or ``handler`` (module name whose ``handler`` is imported),
``events`` (invoked in order after the import), ``function_name``, ``connect`` (pg8000 connection parameters:
the time to open one connection after the imports is reported too).
Only the standard library is used here: this file runs before anything else is importable.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from typing import Any


class Context:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, memory_mb: int = 1024, timeout_ms: int = 30_000) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = f"arn:aws:lambda:eu-central-1:123456789012:function:{function_name}"
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "sim"
        self._deadline = time.monotonic() + timeout_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _isolate(plan: dict[str, Any]) -> None:
    """sys.path as Lambda builds it: task root, layers, runtime; the standard library stays."""
    stdlib = [p for p in sys.path if p.startswith(sys.base_prefix) and "site-packages" not in p]
    front = [plan["code_dir"]] if plan.get("code_dir") else []
    sys.path[:] = [*front, *plan.get("paths", []), *stdlib]
    os.environ.update(plan.get("env", {}))
    if plan.get("code_dir"):
        os.chdir(plan["code_dir"])


def _invoke(handler: Any, event: dict[str, Any], name: str) -> dict[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    try:
        response = handler(event, Context(name))
        error = None
    except Exception as exc:  # noqa: BLE001 - reported to the caller, which decides
        response, error = None, f"{type(exc).__name__}: {exc}"
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "response": response,
        "error": error,
    }


def _connect(params: dict[str, Any]) -> float:
    """Seconds to open one PostgreSQL connection with pg8000 (from the layers) and run `SELECT 1`."""
    started = time.perf_counter()
    import pg8000.dbapi

    connection = pg8000.dbapi.connect(**params)
    cursor = connection.cursor()
    cursor.execute("SELECT 1")
    cursor.fetchall()
    connection.close()
    return time.perf_counter() - started


def main(plan_path: str, report_path: str) -> int:
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    _isolate(plan)
    report: dict[str, Any] = {"python": sys.version.split()[0], "sys_path": list(sys.path)}
    started, cpu = time.perf_counter(), time.process_time()
    # `__import__` (the import statement's path), not importlib.import_module: `-X importtime` reports it.
    if plan.get("handler"):
        __import__(plan["handler"])
        handler = sys.modules[plan["handler"]].handler
    else:
        handler = None
        for module in plan.get("modules", []):
            __import__(module)
    report["import_s"] = time.perf_counter() - started
    report["import_cpu_s"] = time.process_time() - cpu
    if plan.get("connect"):
        report["connect_s"] = _connect(plan["connect"])
    report["requests"] = [
        _invoke(handler, event, plan.get("function_name", "sim")) for event in plan.get("events", [])
    ]
    report["modules_loaded"] = sorted(sys.modules)
    allowed = tuple(p for p in sys.path if p) + (sys.base_prefix,)
    report["foreign_modules"] = sorted(
        name
        for name, module in list(sys.modules.items())
        if name != "__main__"
        and (getattr(module, "__file__", None) or "").startswith("/")
        and not str(module.__file__).startswith(allowed)
    )
    report["bytecode_written"] = sys.dont_write_bytecode is False
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, default=str)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], sys.argv[2]))
