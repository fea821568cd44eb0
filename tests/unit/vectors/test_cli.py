"""`foodsave index build` and `foodsave search --json` on a folder of txt/md files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from foodsave.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOODSAVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOODSAVE_DATABASE_URL", raising=False)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "mleko.md").write_text(
        "# Mleko\n\nOtwarte mleko trzymaj w lodówce do trzech dni.", encoding="utf-8"
    )
    (docs / "chleb.txt").write_text("Chleb zamrożony wytrzyma trzy miesiące.", encoding="utf-8")
    (docs / "obraz.png").write_bytes(b"\x89PNG")
    return docs


def test_index_build_then_search_prints_one_json_line_per_hit(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["index", "build", str(data_dir), "--name", "notes"]) == 0
    assert "published notes v1" in capsys.readouterr().err
    assert main(["search", "jak długo trzymać mleko", "--index", "notes", "--k", "2", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["rank"] for line in lines] == [1, 2]
    assert lines[0]["document_id"] == "mleko" and lines[0]["query"] == "jak długo trzymać mleko"
    assert set(lines[0]) == {"query", "rank", "document_id", "chunk", "score", "text"}


def test_search_reads_one_query_per_line_from_stdin(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["index", "build", str(data_dir), "--name", "notes"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("mleko\nchleb\n"))
    assert main(["search", "--index", "notes", "--k", "1", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["query"], line["document_id"]) for line in lines] == [
        ("mleko", "mleko"),
        ("chleb", "chleb"),
    ]


def test_searching_a_missing_index_fails_with_a_message(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "mleko", "--index", "nope", "--json"]) == 1
    assert "has not been published" in capsys.readouterr().err
