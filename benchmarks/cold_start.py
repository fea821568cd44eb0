"""Cold starts as Lambda runs them: CPython 3.12, exactly the layers `make layers` built (x86_64, this machine's),
the runtime's boto3, no bytecode writes. Every figure is a fresh process.

Per function, interleaved in each round so that machine load hits all of them alike:
- bare: importing the libraries the function cannot avoid (web stack, SQLAlchemy, pg8000, Powertools, and the
  native library its work needs) from the same layers: the baseline;
- handler: importing the handler, then two real-shaped events (API Gateway v2 request, S3 notification, SQS
  batch) against a migrated SQLite database; the first is the cold request, the second the warm one;
- no-bytecode: the handler import again from copies of its layers without `__pycache__` (what the layers cost
  before they carried 3.12 bytecode).

Cold init = import + the first request's extra time over the warm one (lazy imports, clients, connections,
index loading), so that the work a request does anyway (an OCR, a FAISS build) is not counted as init.
Goal: cold init <= 1.2 x bare. A `-X importtime` profile of each handler goes to cold_start_importtime.json.

    python benchmarks/cold_start.py [--runs 5] [--functions ocr,agent-chat]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "layers"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import simulate  # noqa: E402
from record import spread, write  # noqa: E402

from infra import constants  # noqa: E402

GOAL = 1.2
ARCH = "x86_64"


def _without_bytecode(plan: dict[str, Any], into: Path) -> dict[str, Any]:
    """The same plan over copies of its layers (and code) with every `__pycache__` left out."""
    paths = []
    for i, path in enumerate(plan["paths"]):
        target = into / f"layer{i}"
        shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
        paths.append(str(target))
    code = into / "code"
    shutil.copytree(plan["code_dir"], code, ignore=shutil.ignore_patterns("__pycache__"))
    return {**plan, "paths": paths, "code_dir": str(code), "events": []}


def _one_round(function: str, world: simulate.World, plain: dict[str, Any], tmp: Path) -> dict[str, float]:
    data = world.copy(Path(tempfile.mkdtemp(dir=tmp)))
    bare = simulate.run(simulate.bare_plan(function, data, arch=ARCH))
    events = [simulate.first_event(function, world, 0), simulate.first_event(function, world, 1)]
    full = simulate.run(simulate.plan(function, data, arch=ARCH, events=events))
    errors = [r["error"] for r in full["requests"] if r["error"]]
    if errors:
        raise RuntimeError(f"{function}: {errors}")
    cold, warm = (r["seconds"] for r in full["requests"])
    unbytecoded = simulate.run({**plain, "env": {**plain["env"], "FOODSAVE_DATA_DIR": str(data)}})
    return {
        "bare_import_s": bare["import_s"],
        "import_s": full["import_s"],
        "first_request_s": cold,
        "warm_request_s": warm,
        "cold_init_s": full["import_s"] + max(0.0, cold - warm),
        "import_without_bytecode_s": unbytecoded["import_s"],
    }


def _importtime(function: str, world: simulate.World, tmp: Path, top: int = 25) -> dict[str, Any]:
    """The slowest imports (cumulative microseconds) of one handler import, and the project's own share."""
    data = world.copy(Path(tempfile.mkdtemp(dir=tmp)))
    report = simulate.run(simulate.plan(function, data, arch=ARCH), importtime=True)
    rows = []
    for line in report["importtime"]:
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        if not self_us.strip().isdigit():  # the header line
            continue
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        rows.append(
            {
                "module": name.strip(),
                "depth": depth,
                "self_us": int(self_us),
                "cumulative_us": int(cumulative_us),
            }
        )
    top_level = [r for r in rows if r["depth"] == 0]
    return {
        "total_us": sum(r["cumulative_us"] for r in top_level),
        "foodsave_self_us": sum(r["self_us"] for r in rows if r["module"].startswith("foodsave")),
        "slowest": sorted(rows, key=lambda r: -r["cumulative_us"])[:top],
        "modules": len(rows),
    }


def _summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    keys = samples[0].keys()
    figures: dict[str, Any] = {k: spread([s[k] for s in samples]) for k in keys}
    bare = statistics.median(s["bare_import_s"] for s in samples)
    figures["ratio_import_vs_bare"] = round(figures["import_s"]["median"] / bare, 3)
    figures["ratio_cold_init_vs_bare"] = round(figures["cold_init_s"]["median"] / bare, 3)
    figures["ratio_import_with_vs_without_bytecode"] = round(
        figures["import_s"]["median"] / figures["import_without_bytecode_s"]["median"], 3
    )
    figures["meets_goal"] = figures["ratio_cold_init_vs_bare"] <= GOAL
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--functions", default=",".join(spec.name for spec in constants.FUNCTIONS))
    args = parser.parse_args()
    functions = args.functions.split(",")
    simulate.prepare_builds(ARCH)
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp_name:
        tmp = Path(tmp_name)
        world = simulate.prepare_world(tmp / "world")
        plain = {
            f: _without_bytecode(simulate.plan(f, world.template, arch=ARCH), tmp / f"plain-{f}")
            for f in functions
        }
        samples: dict[str, list[dict[str, float]]] = {f: [] for f in functions}
        for round_ in range(args.runs):
            for function in functions:
                print(f"[cold_start] round {round_ + 1}/{args.runs} {function}", file=sys.stderr, flush=True)
                samples[function].append(_one_round(function, world, plain[function], tmp))
        profiles = {f: _importtime(f, world, tmp) for f in functions}
    results = {f: _summary(s) for f, s in samples.items()}
    write(
        "cold_start",
        {
            "python": "CPython 3.12 (layers as built, x86_64), -S -s -B, only layers + runtime boto3 on sys.path",
            "goal": f"cold init (import + first request's extra over a warm one) <= {GOAL} x bare imports",
            "bare_imports": {f: list(simulate.BARE_IMPORTS[f]) for f in functions},
            "functions": results,
            "all_meet_goal": all(r["meets_goal"] for r in results.values()),
        },
    )
    write("cold_start_importtime", {"arch": ARCH, "functions": profiles})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
