"""Load steps against the local runtime: starts `foodsave serve` on a free 127.0.0.1 port with its own temp
data folder, runs Locust headless at 10, 50 and 100 users (bounded time each), and writes RPS, p50/p95/p99
and errors per route and step to benchmarks/results/load.json (SQLite) or load-postgres.json (`--postgres`:
a throwaway PostgreSQL cluster on 127.0.0.1). `/health` in the same run is the baseline. With `--repeat N`
the steps run N times over on the same server (10, 50, 100, 10, 50, 100, ...), and `summary` gives the
median, min and max over the repeats of each step's figures.

    .venv/bin/python benchmarks/load/run.py [--users 10 50 100] [--seconds 30] [--repeat 3] [--postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from record import spread, write  # noqa: E402

OPERATOR = {"Authorization": "Bearer dev-ops-load"}  # /v1/status details are for operators
BIN = Path(sys.executable).parent
TARGET_USERS, TARGET_P95_MS = 100, 200.0
OCR_ROUTES = ("POST /v1/receipts (upload, OCR queued)", "POST /local-uploads (receipt file)")


# Diagnostic launcher: the same runtime and app, without the local metrics sink (see --without-metrics-sink).
LAUNCHER = """
import sys, uvicorn
from foodsave.config import get_settings
from foodsave.observability import clear_metric_sinks
from foodsave.runtime.local import LocalRuntime
from foodsave.api.apps import local_app
runtime = LocalRuntime(get_settings())
clear_metric_sinks()
runtime.start()
runtime.services.store.upload_url = f"http://127.0.0.1:{sys.argv[1]}/local-uploads"
uvicorn.run(local_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine_load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(base: str, timeout: float = 900.0) -> None:
    """Until `/health` answers; a fresh data folder first indexes the bundled corpora (minutes with e5)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:  # noqa: S310 - 127.0.0.1 only
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the local runtime did not come up")


def _num(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:  # "N/A" when a route saw no request
        return 0.0


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with open(f"{prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            count = int(row["Request Count"])
            rows.append(
                {
                    "name": row["Name"] if row["Name"] != "Aggregated" else "all",
                    "requests": count,
                    "errors": int(row["Failure Count"]),
                    "rps": round(_num(row["Requests/s"]), 2),
                    "p50_ms": _num(row["50%"]),
                    "p95_ms": _num(row["95%"]),
                    "p99_ms": _num(row["99%"]),
                    "max_ms": round(_num(row["Max Response Time"]), 1),
                }
            )
    return rows


def failures(prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as fh:
        return [dict(r) for r in csv.DictReader(fh)][:10]


def receipts_backlog(base: str) -> dict[str, Any]:
    """Receipt processing after the step: the status route's queue view, if the runtime reports one."""
    try:
        request = urllib.request.Request(f"{base}/v1/status", headers=OPERATOR)
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 - 127.0.0.1 only
            return {
                k: v.get("info") for k, v in json.loads(resp.read())["components"].items() if v.get("info")
            }
    except OSError as exc:
        return {"error": str(exc)}


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the process has used so far; its child processes are not included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cluster_cpu_seconds(data_dir: Path) -> float:
    """CPU time used so far by a PostgreSQL cluster: its postmaster and the backends it forked (live ones;
    a backend that exited took its time with it, so short-lived connections are undercounted)."""
    postmaster = int((data_dir / "postmaster.pid").read_text().split()[0])
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = (proc / "stat").read_text().rpartition(")")[2].split()
        except OSError:  # exited meanwhile
            continue
        if int(proc.name) == postmaster or int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def run_step(
    base: str, users: int, seconds: int, workdir: Path, server_pid: int, db_data: Path | None = None
) -> dict[str, Any]:
    prefix = workdir / f"step{users}"
    cmd = [
        str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--host", base,
        "--csv", str(prefix), "--reset-stats", "--stop-timeout", "5", "--loglevel", "WARNING",
    ]  # fmt: skip
    log(f"step: {users} users for {seconds} s")
    load_before = machine_load()
    cpu_before = cpu_seconds(server_pid)
    db_cpu_before = cluster_cpu_seconds(db_data) if db_data else 0.0
    started = time.monotonic()
    # Locust runs in a session of its own: on Linux (autogroup scheduling) the load generator then draws on its
    # own share of the CPU, not on the share of the server it measures, as a client on another host would.
    proc = subprocess.run(  # noqa: S603
        cmd, capture_output=True, text=True, cwd=ROOT, check=False, start_new_session=True
    )
    server_cpu = cpu_seconds(server_pid) - cpu_before
    db_cpu = cluster_cpu_seconds(db_data) - db_cpu_before if db_data else None
    rows = read_stats(prefix)
    by_name = {r["name"]: r for r in rows}
    health = by_name.get("GET /health (baseline)", {})
    non_ocr = [
        r for r in rows if r["name"] not in OCR_ROUTES + ("all", "GET /health (baseline)", "/openapi.json")
    ]
    worst = max((r["p95_ms"] for r in non_ocr), default=0.0)
    step = {
        "users": users,
        "seconds": round(time.monotonic() - started, 1),
        # Other work on the shared machine skews the figures: its load averages (1, 5, 15 min, as `uptime`
        # shows them) before and after the step.
        "machine_load_before": load_before,
        "machine_load_after": machine_load(),
        "locust_exit": proc.returncode,
        "locust_errors": [ln for ln in proc.stderr.splitlines() if "Error" in ln or "Traceback" in ln][:5],
        "total": by_name.get("all"),
        # The HTTP server process's own CPU time over the step (not the receipt process's) per request counted
        # after the ramp-up (so an upper bound): what a request costs, whatever else the machine runs.
        "server_cpu_seconds": round(server_cpu, 2),
        "server_cpu_ms_per_request": round(1000 * server_cpu / total, 2)
        if (total := (by_name.get("all") or {}).get("requests"))
        else None,
        # The PostgreSQL cluster's CPU over the step per request (None on SQLite, which runs in the server).
        "database_cpu_ms_per_request": round(1000 * db_cpu / total, 2)
        if db_cpu is not None and total
        else None,
        "routes": [r for r in rows if r["name"] != "all"],
        "baseline_health_p95_ms": health.get("p95_ms"),
        "worst_non_ocr_p95_ms": worst,
        "worst_non_ocr_p95_vs_health": round(worst / health["p95_ms"], 1) if health.get("p95_ms") else None,
        "errors": sum(r["errors"] for r in rows if r["name"] != "all"),
        "failure_samples": failures(prefix),
        "after_step": receipts_backlog(base),
    }
    log(
        f"  {users} users: {step['total']['rps'] if step['total'] else 0} rps, worst non-OCR p95 {worst} ms, "
        f"errors {step['errors']}"
    )
    return step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=1, help="run the steps this many times over")
    parser.add_argument("--postgres", action="store_true", help="serve on a throwaway PostgreSQL cluster")
    parser.add_argument(
        "--without-metrics-sink",
        action="store_true",
        help="diagnostic: serve without the runtime's SQLite metrics sink (isolates its lock waits)",
    )
    args = parser.parse_args(argv)

    cluster = None
    database_url = None
    if args.postgres:
        from tests.pg import start_cluster

        cluster = start_cluster()
        database_url = create_database(cluster)
    try:
        db_data = cluster.root / "data" if cluster is not None else None
        steps, server_errors = serve_and_load(args, database_url, db_data)
    finally:
        if cluster is not None:
            cluster.stop()
    database = "PostgreSQL (throwaway cluster on 127.0.0.1)" if args.postgres else "SQLite in a temp folder"
    summary = summarise(steps, args.users)
    target = summary.get(str(TARGET_USERS))
    report = {
        "server": f"foodsave serve (uvicorn, one process, {database}, OCR in a lower-priority process of its own)",
        "cpus": os.cpu_count(),
        "database": "postgresql" if args.postgres else "sqlite",
        "seconds_per_step": args.seconds,
        "metrics_sink": not args.without_metrics_sink,
        "repeats": args.repeat,
        "summary": summary,
        "steps": steps,
        "server_tracebacks": server_errors,
        "target": {
            "users": TARGET_USERS,
            "p95_ms_non_ocr": TARGET_P95_MS,
            "rule": "median over the repeats of the worst non-OCR p95 within target, and no error in any repeat",
            "met": bool(
                target and target["worst_non_ocr_p95_ms"]["median"] <= TARGET_P95_MS and target["errors"] == 0
            ),
        },
    }
    name = "load-without-metrics-sink" if args.without_metrics_sink else "load"
    write(f"{name}-postgres" if args.postgres else name, report)
    return 0


def summarise(steps: list[dict[str, Any]], users: list[int]) -> dict[str, Any]:
    """Per user count: the spread over the repeats of the worst non-OCR p95, the /health p95, the request
    rate, the server's CPU per request and the machine's 1-minute load; errors summed over the repeats."""
    out: dict[str, Any] = {}
    for count in users:
        runs = [s for s in steps if s["users"] == count]
        out[str(count)] = {
            "worst_non_ocr_p95_ms": spread([s["worst_non_ocr_p95_ms"] for s in runs]),
            "health_p95_ms": spread([s["baseline_health_p95_ms"] or 0.0 for s in runs]),
            "rps": spread([(s["total"] or {}).get("rps", 0.0) for s in runs]),
            "server_cpu_ms_per_request": spread([s["server_cpu_ms_per_request"] or 0.0 for s in runs]),
            "database_cpu_ms_per_request": spread([s["database_cpu_ms_per_request"] or 0.0 for s in runs]),
            "machine_load_1min": spread([s["machine_load_before"][0] for s in runs]),
            "errors": sum(s["errors"] for s in runs),
        }
    return out


def create_database(cluster: Any) -> str:
    from sqlalchemy import create_engine, text

    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE foodsave_load"))
    admin.dispose()
    return str(cluster.url("foodsave_load"))


def serve_and_load(
    args: argparse.Namespace, database_url: str | None, db_data: Path | None
) -> tuple[list[dict[str, Any]], list[str]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="foodsave-load-") as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "FOODSAVE_DATA_DIR": str(workdir / "data"), "OMP_THREAD_LIMIT": "1",
               "POWERTOOLS_LOG_LEVEL": "WARNING", "FOODSAVE_LOG_LEVEL": "WARNING"}  # fmt: skip
        env.pop("FOODSAVE_DATABASE_URL", None)
        if database_url:
            env["FOODSAVE_DATABASE_URL"] = database_url
        log(f"starting the local runtime on {base} (data in {workdir / 'data'})")
        command = (
            [sys.executable, "-c", LAUNCHER, str(port)]
            if args.without_metrics_sink
            else [str(BIN / "foodsave"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        )
        server = subprocess.Popen(  # noqa: S603
            command,
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(workdir / "server.log").open("w"),
        )  # fmt: skip
        try:
            wait_up(base)
            steps = [
                run_step(base, users, args.seconds, workdir, server.pid, db_data)
                for _ in range(args.repeat)
                for users in args.users
            ]
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        server_log = (workdir / "server.log").read_text().splitlines()
    return steps, [ln for ln in server_log if "Error" in ln or "error" in ln][:8]


if __name__ == "__main__":
    sys.exit(main())
