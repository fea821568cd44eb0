"""What one request of the load mix costs the server, in process and without concurrency: CPU time and
database round trips per request, this tree against a baseline commit, on PostgreSQL (a throwaway cluster)
and SQLite. Each run is a fresh process on a fresh database; the trees alternate run by run, so drift of the
shared machine falls on both. The in-process test client's own CPU is counted in both.

    .venv/bin/python benchmarks/load/request_cost.py --baseline <commit> [--runs 5] [--requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
from record import spread, write  # noqa: E402

# The locustfile's weights without the receipt upload (its OCR runs in another process).
MIX = {"health": 1, "list": 6, "add": 3, "patch": 2, "chat": 3, "search": 3}
MESSAGES = ("co mam w spiżarni?", "dodaj 2 mleka", "ile wydałem w tym miesiącu?", "what can I cook tonight?")

WORKER = r"""
import json, random, sys, tempfile, time
from pathlib import Path
from pydantic import SecretStr
from fastapi.testclient import TestClient
from foodsave.config import Settings
from foodsave.runtime.local import LocalRuntime
from foodsave.api.apps import local_app

url, count, mix, messages = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
trips = [0]
if url.startswith("postgres"):
    import pg8000.core as core
    for name in ("execute_simple", "execute_unnamed"):
        def counted(self, *a, _original=getattr(core.CoreConnection, name), **k):
            trips[0] += 1
            return _original(self, *a, **k)
        setattr(core.CoreConnection, name, counted)
data = Path(tempfile.mkdtemp()) / "data"
if url == "sqlite":
    url = f"sqlite:///{data.parent / 'foodsave.db'}"
runtime = LocalRuntime(
    Settings(data_dir=data, database_url=SecretStr(url), embedder="hashing"), schedule=False
)
runtime.start()
rng = random.Random(7)
headers = {"Authorization": "Bearer dev-cost"}
with TestClient(local_app()) as c:
    item = c.post("/v1/pantry/items", json={"name": "Mleko 2%"}, headers=headers).json()["id"]
    calls = {
        "health": lambda: c.get("/health"),
        "list": lambda: c.get("/v1/pantry/items", headers=headers),
        "add": lambda: c.post("/v1/pantry/items", json={"name": "Jogurt naturalny"}, headers=headers),
        "patch": lambda: c.patch(f"/v1/pantry/items/{item}", json={"quantity": "2"}, headers=headers),
        "chat": lambda: c.post("/v1/chat", json={"message": rng.choice(messages)}, headers=headers),
        "search": lambda: c.get("/v1/search", params={"q": "zupa pomidorowa", "k": 5}, headers=headers),
    }
    plan = rng.choices(list(mix), weights=list(mix.values()), k=count)
    for name in list(mix):  # warm-up: every route once
        assert calls[name]().status_code < 300
    runtime.flush_metrics()
    trips[0] = 0
    cpu = time.process_time()
    for name in plan:
        assert calls[name]().status_code < 300, name
    runtime.flush_metrics()
    cpu = time.process_time() - cpu
runtime.stop()
print(json.dumps({"cpu_ms_per_request": 1000 * cpu / count, "round_trips_per_request": trips[0] / count}))
"""


def export_tree(ref: str, into: Path) -> Path:
    """The commit's `src/` in a folder of its own (git archive: no checkout, no worktree)."""
    archive = subprocess.run(
        ["git", "archive", ref, "src"], cwd=ROOT, capture_output=True, check=True, timeout=120
    ).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True, timeout=120)
    return into / "src"


def one_run(src: Path, url: str, requests: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": f"{src}:{ROOT}", "OMP_THREAD_LIMIT": "1", "FOODSAVE_LOG_LEVEL": "WARNING",
           "POWERTOOLS_LOG_LEVEL": "WARNING"}  # fmt: skip
    env.pop("FOODSAVE_DATABASE_URL", None)
    args = [str(requests), json.dumps(MIX), json.dumps(MESSAGES)]
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", WORKER, url, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", required=True, help="the commit to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)
    from sqlalchemy import create_engine, text

    from tests.pg import start_cluster

    cluster = start_cluster()
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="request-cost-") as tmp:
            trees = {"baseline": export_tree(args.baseline, Path(tmp)), "this tree": ROOT / "src"}
            admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
            for database in ("postgresql", "sqlite"):
                runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
                for n in range(args.runs):
                    for name, src in trees.items():
                        url = "sqlite"
                        if database == "postgresql":
                            db = f"cost_{n}_{len(runs[name])}_{'b' if name == 'baseline' else 't'}"
                            with admin.connect() as conn:
                                conn.execute(text(f"CREATE DATABASE {db}"))
                            url = str(cluster.url(db))
                        runs[name].append(one_run(src, url, args.requests))
                        print(database, name, runs[name][-1], file=sys.stderr, flush=True)
                results[database] = {
                    name: {key: spread([r[key] for r in rs]) for key in rs[0]} for name, rs in runs.items()
                }
            admin.dispose()
    finally:
        cluster.stop()
    write(
        "request_cost",
        {"baseline_commit": args.baseline, "requests_per_run": args.requests, "mix": MIX, "results": results},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
