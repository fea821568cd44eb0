"""In Lambda, Powertools Tracer patches boto3 and pg8000 and turns every `span()` into an X-Ray subsegment.

Each case runs in a fresh interpreter with the variables Lambda sets, since the tracer is made once per process
(on the first invocation that carries an X-Ray trace id).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "foodsave-ocr",
    "LAMBDA_TASK_ROOT": "/var/task",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
}

PROBE = """
import json
import sys
import foodsave.observability as o
loaded_at_import = "aws_xray_sdk.core" in sys.modules
from aws_xray_sdk.core import patcher, xray_recorder

sent = []
class Capture:
    def send_entity(self, entity):
        sent.append(json.loads(entity.serialize()))
    def set_daemon_address(self, address):
        pass

xray_recorder.configure(emitter=Capture())
with o.span("ocr.receipt", receipt_id="r-1"):
    pass
print(json.dumps({"enabled": o.xray_tracer() is not None, "patched": sorted(patcher._PATCHED_MODULES), "sent": sent, "loaded_at_import": loaded_at_import}))
"""


def _probe(extra_env: dict[str, str]) -> dict:  # type: ignore[type-arg]
    env = {k: v for k, v in os.environ.items() if k not in LAMBDA_ENV}
    env.update(extra_env, PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_in_lambda_boto3_and_pg8000_are_patched_and_spans_become_subsegments():
    result = _probe(LAMBDA_ENV)
    assert result["enabled"] is True
    assert result["patched"] == ["botocore", "pg8000"]
    (subsegment,) = result["sent"]
    assert subsegment["name"] == "## ocr.receipt"
    assert subsegment["metadata"]["default"] == {"receipt_id": "r-1"}
    assert subsegment["trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"


def test_outside_lambda_nothing_is_patched_or_sent():
    result = _probe({})
    assert result == {"enabled": False, "patched": [], "sent": [], "loaded_at_import": False}


def test_in_lambda_the_xray_sdk_is_not_loaded_at_import():
    assert _probe(LAMBDA_ENV)["loaded_at_import"] is False


def test_in_lambda_an_invocation_without_a_trace_id_patches_and_sends_nothing():
    untraced = {k: v for k, v in LAMBDA_ENV.items() if k != "_X_AMZN_TRACE_ID"}
    result = _probe(untraced)
    assert (result["enabled"], result["patched"], result["sent"]) == (False, [], [])


def test_in_lambda_tracing_disabled_by_powertools_setting_patches_nothing():
    result = _probe({**LAMBDA_ENV, "POWERTOOLS_TRACE_DISABLED": "true"})
    assert (result["enabled"], result["patched"], result["sent"]) == (False, [], [])
