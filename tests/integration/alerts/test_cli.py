"""`foodsave alerts evaluate` and `foodsave alerts rules` against the database under FOODSAVE_DATA_DIR."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from foodsave.adapters.local import FrozenClock
from foodsave.cli import main
from foodsave.config import Settings
from foodsave.db.models import MetricPoint
from foodsave.db.session import Database

AT = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def test_evaluate_migrates_seeds_and_prints_what_changed_as_json_lines(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FOODSAVE_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "alerts", "evaluate", "--json", "--at", AT.isoformat()]) == 0
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first[-1]["type"] == "summary" and first[-1]["alert_rules_seeded"] == 12

    db = Database(Settings(data_dir=data).resolved_database_url(), clock=FrozenClock(AT))
    with db.session() as session:  # the DLQ of the local queue is probed; errors come from the store
        now = AT - timedelta(seconds=30)
        session.add_all(
            [MetricPoint(name="Requests", value=1, dimensions={"function": "ocr"}, at=now) for _ in range(4)]
            + [MetricPoint(name="Errors", value=1, dimensions={"function": "ocr"}, at=now)]
        )
    db.dispose()
    assert main(["--data-dir", str(data), "alerts", "evaluate", "--json", "--at", AT.isoformat()]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    alerts = [(line["rule"], line["to_state"]) for line in lines if line["type"] == "alert"]
    assert alerts == [("error-rate-ocr", "pending"), ("error-rate-ocr", "firing")]


def test_rules_prints_a_readable_table(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("FOODSAVE_DATABASE_URL", raising=False)
    assert main(["--data-dir", str(tmp_path / "data"), "alerts", "rules"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:2] == ["NAME", "CONDITION"]
    assert any(line.startswith("error-rate-ocr") and "Sum(ErrorRate) > 5" in line for line in out)
    assert len(out) == 13
