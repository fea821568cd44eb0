"""`foodsave receipt parse` and `foodsave categorize` print one JSON line per input, without a database."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from foodsave.cli import receipts as cli

FIXTURES = Path(__file__).parents[2] / "fixtures" / "receipts"


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_receipt_parse_prints_one_json_line_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FIXTURES / "biedronka_01.txt"), str(FIXTURES / "lidl_01.txt")]
    assert run(["receipt", "parse", *files, "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["file"] for x in lines] == files
    assert (
        lines[0]["merchant"] == "biedronka"
        and lines[0]["date"] == "2025-01-31"
        and lines[0]["total"] == "49.57"
    )
    assert set(lines[0]["items"][0]) >= {
        "name_raw",
        "name",
        "quantity",
        "unit_price",
        "discount",
        "total",
        "category",
    }


def test_receipt_parse_json_carries_status_and_line_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (FIXTURES / "lidl_01.txt").read_text()
    clean, broken = tmp_path / "clean.txt", tmp_path / "broken.txt"
    clean.write_text(text)
    broken.write_text("LIDL\n2025-01-31\nPARAGON FISKALNY\nMleko 2,69 C\nChleb 4,99 C\nSUMA PLN 19,99\n")
    run(["receipt", "parse", str(clean), str(broken), "--json"])
    ok, bad = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert (ok["status"], ok["flags"]) == ("parsed", [])
    assert bad["status"] == "needs_review"
    assert [f["code"] for f in bad["flags"]] == ["items_sum"]


def test_failing_file_gives_an_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    good = str(FIXTURES / "zabka_01.txt")
    run(["receipt", "parse", str(bad), good, "--json"])
    first, second = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert first["file"] == str(bad) and "error" in first
    assert second["total"] == "32.32"


def test_categorize_reads_names_from_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    run(["categorize", "SerekWiejski200g", "Reklamówka", "--json"])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["name"], x["category"]) for x in out] == [
        ("SerekWiejski200g", "dairy"),
        ("Reklamówka", "household"),
    ]
    assert all(0 <= x["confidence"] <= 1 for x in out)


def test_categorize_reads_names_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Mleko 2%\n\nChleb żytni\n"))
    run(["categorize", "--json"])
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["category"] for x in out] == ["dairy", "bakery"]
