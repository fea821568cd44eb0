"""Soak: many invocations of each Lambda handler in one process with real-shaped events and rotating users.

After a warm-up (the first 1 000 calls, or a tenth), anonymous resident memory (file-backed pages are reported
apart: see soak_probes) is sampled at fixed call counts and fitted to a growth in MB per 1 000 calls (median of
five consecutive windows, and over the whole run);
open descriptors and files, temp entries, threads and DB connections (pooled, and server-side on
PostgreSQL) are compared with their warm values, and any that grew is reported as a leak. The time per call
is reported per window too. Checks that nothing a user stored disappeared. Baseline in the same run, measured
the same way: the cheapest handler path (`GET /health` through the alert-evaluator's API).

    .venv/bin/python benchmarks/soak.py [--iterations 10000] [--index-iterations 1000]
        [--ocr-iterations 100] [--postgres] [--only ocr agent-chat]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The receipt generator lives in the development checkout (devkit/), not in the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "FoodSaveSoak")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from record import spread, write  # noqa: E402
from soak_probes import leaks, memory_growth, resident_mb, snapshot  # noqa: E402

WARMUP = 1000
WINDOWS = 5
RSS_TARGET_MB = 10.0
USERS = [f"soak-user-{i}" for i in range(25)]
MESSAGES = ("co mam w spiżarni?", "co ugotować z tego, co się kończy?", "dodaj 2 mleka", "ile wydałem?",
            "zjadłem jogurt", "what can I cook tonight?")  # fmt: skip
QUERIES = ("jak przechowywać chleb", "zupa z pomidorów", "mrożenie mięsa", "ryż", "pleśń na serze")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class Soak:
    def __init__(self, data_dir: Path, tmp_root: Path, database_url: str | None = None) -> None:
        from pydantic import SecretStr

        from foodsave.bootstrap import build_services, set_services
        from foodsave.config import Settings
        from foodsave.db.migrate import upgrade

        url = SecretStr(database_url) if database_url else None
        self.settings = Settings(env="local", data_dir=data_dir, dev_auth=True, database_url=url)
        upgrade(self.settings.resolved_database_url())
        self.services = build_services(self.settings)
        set_services(self.services)
        self.tmp_root = tmp_root
        self.rng = random.Random(11)
        self.created_items: dict[str, int] = {}
        self.sink = io.StringIO()
        self.statuses: dict[str, int] = {}

    def call(self, function: str, event: dict[str, Any]) -> Any:
        from foodsave.runtime.context import LocalLambdaContext
        from foodsave.runtime.handlers import load_handler

        # EMF metrics are printed to stdout per invocation; keep stdout for the JSON report.
        with contextlib.redirect_stdout(self.sink):
            result = load_handler(function)(event, LocalLambdaContext(function_name=f"foodsave-{function}"))
        self.sink.seek(0)
        self.sink.truncate()
        if isinstance(result, dict) and "statusCode" in result:
            code = str(result["statusCode"])
            self.statuses[code] = self.statuses.get(code, 0) + 1
        return result

    # -- one real-shaped invocation per function -------------------------------------------------------------
    def health(self, i: int) -> bool:
        from foodsave.runtime import events

        return self.call("alert-evaluator", events.http_api_request("GET", "/health"))["statusCode"] == 200

    def agent_chat(self, i: int) -> bool:
        from foodsave.runtime import events

        user = USERS[i % len(USERS)]
        kind = i % 4
        if kind == 0:
            body = {"name": f"Jogurt {i}", "expires_at": "2030-01-01"}
            resp = self.call(
                "agent-chat", events.http_api_request("POST", "/v1/pantry/items", sub=user, body=body)
            )
            if resp["statusCode"] == 201:
                self.created_items[user] = self.created_items.get(user, 0) + 1
        elif kind == 1:
            resp = self.call(
                "agent-chat", events.http_api_request("GET", "/v1/pantry/items", sub=user, query="limit=20")
            )
        else:
            body = {"message": self.rng.choice(MESSAGES)}
            resp = self.call("agent-chat", events.http_api_request("POST", "/v1/chat", sub=user, body=body))
        return int(resp["statusCode"]) < 500

    def vector_search(self, i: int) -> bool:
        from urllib.parse import urlencode

        from foodsave.runtime import events

        query = urlencode({"q": self.rng.choice(QUERIES), "scope": ("recipes", "knowledge")[i % 2], "k": 5})
        resp = self.call(
            "vector-search", events.http_api_request("GET", "/v1/search", sub=USERS[i % 25], query=query)
        )
        return int(resp["statusCode"]) == 200

    def alert_evaluator(self, i: int) -> bool:
        from foodsave.runtime import events

        if i % 2:
            return "outbox_published" in self.call(
                "alert-evaluator", events.scheduled_event(datetime.now(UTC))
            )
        resp = self.call(
            "alert-evaluator", events.http_api_request("GET", "/v1/notifications", sub=USERS[i % 25])
        )
        return int(resp["statusCode"]) < 500

    def _slot(self, function: str, path: str, user: str, body: dict[str, Any]) -> str:
        """Ask the API for an upload slot, as the app does; returns the object key to upload to."""
        from foodsave.runtime import events

        resp = self.call(function, events.http_api_request("POST", path, sub=user, body=body))
        assert int(resp["statusCode"]) < 300, resp
        upload = json.loads(resp["body"])["upload"]
        return str(upload.get("key") or upload["fields"]["key"])

    def index_builder(self, i: int) -> bool:
        """A real document upload: slot from the API, object put, then the S3 event as the SQS body."""
        from foodsave.runtime import events

        user = USERS[i % len(USERS)]
        key = self._slot(
            "vector-search", "/v1/documents", user, {"title": f"Notatki {i}", "content_type": "text/plain"}
        )
        text = f"Notatki {i}: chleb trzymaj w lnianym worku, jogurt zjedz w trzy dni.\n".encode()
        info = self.services.store.put(key, text, "text/plain")
        body = events.s3_object_created(self.settings.bucket, key, info.etag, info.size)
        result = self.call("index-builder", events.sqs_event([body]))
        return isinstance(result, dict) and not result.get("batchItemFailures")

    def ocr(self, i: int) -> bool:
        """A real receipt upload: slot from the API, photo put, then the S3 event to the OCR handler."""
        from foodsave.runtime import events

        user = USERS[i % len(USERS)]
        key = self._slot("agent-chat", "/v1/receipts", user, {"content_type": "image/jpeg"})
        info = self.services.store.put(key, self.receipt, "image/jpeg")
        result = self.call("ocr", events.s3_object_created(self.settings.bucket, key, info.etag, info.size))
        outcomes = [r.get("status") or r.get("outcome") for r in (result or {}).get("results", [])]
        for outcome in outcomes:
            self.statuses[f"receipt:{outcome}"] = self.statuses.get(f"receipt:{outcome}", 0) + 1
        return bool(outcomes) and all(o in ("parsed", "needs_review") for o in outcomes)

    @property
    def receipt(self) -> bytes:
        if not hasattr(self, "_receipt"):
            from devkit import receiptgen as synth

            r = synth.generate_receipt(random.Random(5))
            img = synth.render_receipt(
                r, synth.RenderOptions(font_path=synth.installed_fonts()[0], font_size=22)
            )
            self._receipt = synth.encode(img, "jpeg", 85)
        return self._receipt


def run_function(
    soak: Soak, name: str, work: Callable[[int], bool], iterations: int, proc: Any, samples: int
) -> dict[str, Any]:
    before = snapshot(proc, soak.services, soak.tmp_root)
    soak.statuses = {}
    warm = min(WARMUP, max(1, iterations // 10))
    every = max(1, (iterations - warm) // samples)
    # The calls after the warm-up in five windows, each timed on its own.
    ends = sorted({warm + round(k * (iterations - warm) / WINDOWS) for k in range(1, WINDOWS + 1)} - {warm})
    at_warm: dict[str, Any] = before
    rss: list[tuple[int, float]] = []
    window_ms: list[float] = []
    failures = 0
    errors: list[str] = []
    window_started = started = time.perf_counter()
    for i in range(iterations):
        try:
            if not work(i):
                failures += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported; the soak goes on
            failures += 1
            if len(errors) < 3:
                errors.append(f"{type(exc).__name__}: {exc}"[:300])
        done = i + 1
        if done == warm:
            at_warm = snapshot(proc, soak.services, soak.tmp_root)
            rss.append((done, at_warm["rss_anon_mb"]))
        elif done > warm and (done - warm) % every == 0:
            rss.append((done, resident_mb(proc)[0]))
        if done in ends:
            now = time.perf_counter()
            calls = done - (warm if len(window_ms) == 0 else ends[len(window_ms) - 1])
            window_ms.append(round((now - window_started) * 1000 / calls, 3))
            window_started = now
            log(f"  {name}: {done}/{iterations}, anonymous rss {rss[-1][1]:.1f} MB, failures {failures}")
        elif done == warm:
            window_started = time.perf_counter()
    seconds = time.perf_counter() - started
    after = snapshot(proc, soak.services, soak.tmp_root)
    growth = memory_growth(rss)
    return {
        "function": name,
        "iterations": iterations,
        "warmup_iterations": warm,
        "seconds": round(seconds, 1),
        "ms_per_invocation": spread(window_ms or [seconds * 1000 / max(iterations, 1)]),
        "failures": failures,
        "error_samples": errors,
        "http_statuses": dict(soak.statuses),
        "before": before,
        "after_warmup": at_warm,
        "after": after,
        "rss_growth_after_warmup_mb": round(after["rss_mb"] - at_warm["rss_mb"], 2),
        "rss_anon_growth_after_warmup_mb": round(after["rss_anon_mb"] - at_warm["rss_anon_mb"], 2),
        "rss_file_growth_after_warmup_mb": round(after["rss_file_mb"] - at_warm["rss_file_mb"], 2),
        "memory_growth": growth,
        "rss_ok": growth["mb_per_1000_calls_windows"]["median"] * 10 < RSS_TARGET_MB,
        "leaks": leaks(at_warm, after),
    }


def _postgres() -> tuple[Any, str]:
    """A throwaway PostgreSQL cluster (the test suite's) and the URL of an empty database on it."""
    from sqlalchemy import create_engine, text

    from tests.pg import start_cluster

    cluster = start_cluster()
    engine = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE DATABASE foodsave_soak"))
    engine.dispose()
    return cluster, cluster.url("foodsave_soak")


def _plan(soak: Soak, args: argparse.Namespace) -> list[tuple[str, Callable[[int], bool], int, str | None]]:
    n = args.iterations
    return [
        ("baseline:/health", soak.health, n, None),
        ("agent-chat", soak.agent_chat, n, None),
        ("vector-search", soak.vector_search, n, None),
        ("alert-evaluator", soak.alert_evaluator, n, None),
        ("index-builder", soak.index_builder, min(n, args.index_iterations),
         "each call embeds a document and publishes a new version of its owner's index, rewriting it whole: "
         "a call costs more as the 25 users' indexes grow, so fewer calls than the others"),
        ("ocr", soak.ocr, min(n, args.ocr_iterations),
         "Tesseract reads a whole receipt photo per call (about 1 s of one core)"),
    ]  # fmt: skip


def _lost_items(soak: Soak) -> dict[str, int]:
    """Nothing a user stored may disappear: every pantry item created is still listed."""
    from sqlalchemy import func, select

    from foodsave.db.models import PantryItem, User

    with soak.services.db.session() as s:
        stored = {
            sub.removeprefix("dev:"): n
            for sub, n in s.execute(
                select(User.external_sub, func.count(PantryItem.id))
                .join(PantryItem)
                .group_by(User.external_sub)
            )
        }
    return {u: n - stored.get(u, 0) for u, n in soak.created_items.items() if stored.get(u, 0) < n}


def main(argv: list[str] | None = None) -> int:
    import psutil

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument("--index-iterations", type=int, default=1_000)
    parser.add_argument("--ocr-iterations", type=int, default=100)
    parser.add_argument("--samples", type=int, default=50, help="memory samples after the warm-up")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite")
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="these handlers (and the baseline), written to soak-<names>.json",
    )
    args = parser.parse_args(argv)
    load_before = round(os.getloadavg()[0], 1)
    cluster, database_url = _postgres() if args.postgres else (None, None)

    from foodsave.runtime.handlers import functions_dir

    try:
        with tempfile.TemporaryDirectory(prefix="foodsave-soak-") as tmp:
            tmp_root = Path(tmp) / "tmp"
            tmp_root.mkdir()
            tempfile.tempdir = str(tmp_root)  # temp files the handlers create land here, where we count them
            soak = Soak(Path(tmp) / "data", tmp_root, database_url)
            proc = psutil.Process()
            results = []
            for name, work, n, note in _plan(soak, args):
                if args.only and name not in args.only and not name.startswith("baseline"):
                    continue
                fn = name.split(":")[0]
                if fn != "baseline" and not (functions_dir() / fn / "handler.py").exists():
                    results.append({"function": name, "skipped": f"functions/{fn}/handler.py does not exist"})
                    continue
                log(f"{name}: {n} invocations")
                row = run_function(soak, name, work, n, proc, args.samples)
                if note:
                    row["note"] = note
                results.append(row)
            base = next((r for r in results if r["function"].startswith("baseline")), None)
            for row in results:
                if base and "ms_per_invocation" in row:
                    ratio = row["ms_per_invocation"]["median"] / max(
                        base["ms_per_invocation"]["median"], 1e-6
                    )
                    row["time_vs_baseline"] = round(ratio, 1)
            lost = _lost_items(soak)
            soak.services.db.dispose()
    finally:
        if cluster is not None:
            cluster.stop()
    report = {
        "database": "postgresql" if args.postgres else "sqlite",
        "iterations": args.iterations,
        # Other work on the shared machine skews the timings: its 1-minute load before and after.
        "machine_load_1m": {"before": load_before, "after": round(os.getloadavg()[0], 1)},
        "rss_target_mb_per_10000_calls": RSS_TARGET_MB,
        "functions": results,
        "pantry_items_created": sum(soak.created_items.values()),
        "pantry_items_lost": lost,
        "all_rss_ok": all(r.get("rss_ok", True) for r in results),
        "leaks": {r["function"]: r["leaks"] for r in results if r.get("leaks")},
    }
    name = "soak-postgres" if args.postgres else "soak"
    write(f"{name}-{'-'.join(args.only)}" if args.only else name, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
