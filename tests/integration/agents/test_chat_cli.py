"""`foodsave chat`: one message or one per stdin line, JSON out, against the database under FOODSAVE_DATA_DIR."""

from __future__ import annotations

import io
import json

from foodsave.cli import main


def run_cli(monkeypatch, capsys, tmp_path, argv, stdin=""):
    monkeypatch.setenv("FOODSAVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOODSAVE_DATABASE_URL", raising=False)
    monkeypatch.setenv("FOODSAVE_WEATHER_URL", "http://127.0.0.1:9/forecast")
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    return code, lines


def test_one_message_prints_one_json_answer(monkeypatch, capsys, tmp_path):
    code, lines = run_cli(monkeypatch, capsys, tmp_path, ["chat", "dodaj 2 mleka", "--json"])
    assert code == 0
    assert len(lines) == 1
    assert {"intent", "agent", "reply", "sources", "degraded", "conversation_id"} <= lines[0].keys()
    assert lines[0]["intent"] == "pantry"


def test_stdin_lines_answer_in_order_each_in_its_own_conversation(monkeypatch, capsys, tmp_path):
    stdin = "dodaj 2 mleka\nco mam w lodówce?\njaka pogoda jutro?\n"
    code, lines = run_cli(monkeypatch, capsys, tmp_path, ["chat", "--json"], stdin)
    assert code == 0
    assert [line["intent"] for line in lines] == ["pantry", "pantry", "weather"]
    assert len({line["conversation_id"] for line in lines}) == 3
    assert "Mleko" in lines[1]["reply"]
    assert lines[2]["degraded"] == ["weather"]


def test_users_are_separate_and_a_conversation_can_be_continued(monkeypatch, capsys, tmp_path):
    _, first = run_cli(monkeypatch, capsys, tmp_path, ["chat", "dodaj 3 jajka", "--json", "--user", "ola"])
    _, other = run_cli(monkeypatch, capsys, tmp_path, ["chat", "co mam w lodówce?", "--json"])
    assert "jajko" not in other[0]["reply"].lower()
    conversation = first[0]["conversation_id"]
    _, cont = run_cli(
        monkeypatch, capsys, tmp_path,
        ["chat", "--json", "--user", "ola", "--conversation", conversation], "co mam w lodówce?\n",
    )  # fmt: skip
    assert cont[0]["conversation_id"] == conversation
    assert "Jajko" in cont[0]["reply"]
