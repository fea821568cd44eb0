"""Cold-start cost of X-Ray tracing: importing the ocr handler (functions/ocr/handler.py) in a fresh
interpreter with the variables Lambda sets for a traced invocation, then making the tracer as that first
invocation does, with Powertools Tracer on (it imports and patches botocore and pg8000) and off
(POWERTOOLS_TRACE_DISABLED=true). Every function imports botocore and pg8000 during its cold start in AWS
anyway, so both variants import them too; both are measured the same way, interleaved, in the same run.
Prints JSON."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record import spread, write  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9
HANDLER = ROOT / "functions" / "ocr" / "handler.py"
PROBE = (
    "import time, importlib.util; t = time.perf_counter(); "
    f"spec = importlib.util.spec_from_file_location('handler', {str(HANDLER)!r}); "
    "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
    "import botocore.client, pg8000, foodsave.observability as o; "
    "x = o.xray_tracer(); print(time.perf_counter() - t, x is not None)"
)
LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "foodsave-ocr",
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    "PYTHONPATH": f"{ROOT / 'src'}",
}


def import_seconds(tracing: bool) -> tuple[float, bool]:
    env = {**os.environ, **LAMBDA_ENV, "POWERTOOLS_TRACE_DISABLED": "false" if tracing else "true"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    return float(out[0]), out[1] == "True"


def main() -> None:
    import_seconds(True)  # warm the file-system cache for both variants
    baseline, traced = [], []
    for i in range(RUNS):  # interleaved, first one then the other first, so load and caches hit both alike
        for tracing in (False, True) if i % 2 == 0 else (True, False):
            seconds, enabled = import_seconds(tracing)
            assert enabled is tracing
            (traced if tracing else baseline).append(seconds)
    b, t = spread(baseline), spread(traced)
    write(
        "xray_tracing",
        {
            "what": "seconds to import the ocr handler, botocore.client and pg8000 in a fresh "
            "interpreter with Lambda's environment",
            "baseline_tracer_off": b,
            "tracer_on": t,
            "added_median_seconds": t["median"] - b["median"],
        },
    )


if __name__ == "__main__":
    main()
