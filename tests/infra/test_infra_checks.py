"""Both profiles' templates pass cdk-nag (AwsSolutions) with reasons for every acknowledgement, and cfn-lint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def _plugin(synth, name):
    (report,) = [p for p in synth.report["pluginReports"] if p["pluginName"] == name]
    return report


def _cfn_lint() -> str:
    beside_python = Path(sys.executable).with_name("cfn-lint")
    return str(beside_python) if beside_python.exists() else (shutil.which("cfn-lint") or "cfn-lint")


def test_synthesis_succeeds_with_the_nag_plugin_attached(profile_synth):
    assert profile_synth.error is None


def test_aws_solutions_checks_leave_no_unacknowledged_finding(profile_synth):
    report = _plugin(profile_synth, "AwsSolutions")
    unacknowledged = [
        f"{v['ruleName']} at {c['constructPath']}"
        for v in report.get("violations", [])
        for c in v["violatingConstructs"]
    ]
    assert unacknowledged == []
    assert report["conclusion"] == "success"


def test_every_acknowledged_finding_carries_a_reason(profile_synth):
    suppressed = _plugin(profile_synth, "AwsSolutions").get("suppressedViolations", [])
    assert suppressed, "expected acknowledged findings in the report"
    assert all(len(s.get("reason", "").strip()) >= 20 for s in suppressed)


def test_cfn_lint_reports_no_errors_on_the_template(profile_synth):
    result = subprocess.run(
        [_cfn_lint(), "--format", "parseable", str(profile_synth.template_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in result.stdout.splitlines() if ":E" in line]
    assert errors == [], result.stdout
    assert result.returncode in (0, 4, 8), result.stderr  # 4 = warnings, 8 = informational


def test_acknowledging_without_a_reason_is_refused():
    import pytest
    from aws_cdk import App, Stack

    from infra.nag import acknowledge

    stack = Stack(App(), "Scratch")
    with pytest.raises(ValueError, match="real reason"):
        acknowledge(stack, "S1", "ok")
