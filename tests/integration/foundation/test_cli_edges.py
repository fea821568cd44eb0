"""The command line at its edges: every error is one line on stderr with exit code 2 (the traceback only
with --verbose), `foodsave chat` signs in as the user of the HTTP examples, and `serve` says what it runs on."""

from __future__ import annotations

from pathlib import Path

import pytest

from foodsave.cli import build_parser, main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("FOODSAVE_DATABASE_URL", raising=False)
    return tmp_path / "data"


def _notes(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "chleb.md").write_text("Chleb trzymaj w lnianym worku.", encoding="utf-8")
    return notes


def test_bad_index_name_is_one_line_and_exit_code_2(tmp_path, data_dir, capsys):
    code = main(
        ["--data-dir", str(data_dir), "index", "build", str(_notes(tmp_path)), "--name", "Moje Notatki"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("foodsave: error: ")
    assert "Traceback" not in err


def test_verbose_adds_the_traceback(tmp_path, data_dir, capsys):
    args = [
        "--verbose",
        "--data-dir",
        str(data_dir),
        "index",
        "build",
        str(_notes(tmp_path)),
        "--name",
        "Moje Notatki",
    ]
    assert main(args) == 2
    assert "Traceback" in capsys.readouterr().err


def test_unreachable_database_is_one_line_without_the_password(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("FOODSAVE_DATABASE_URL", "postgresql://anna:tajne-haslo@127.0.0.1:1/foodsave")
    monkeypatch.setenv("FOODSAVE_DB_CONNECT_TIMEOUT", "2")
    code = main(["--data-dir", str(data_dir), "db", "upgrade"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert "tajne-haslo" not in err
    assert "database" in err


def test_unsupported_database_url_names_the_forms_that_work(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("FOODSAVE_DATABASE_URL", "mysql://anna:tajne@db/foodsave")
    assert main(["--data-dir", str(data_dir), "db", "current"]) == 2
    err = capsys.readouterr().err
    assert "postgresql://USER:PASSWORD@HOST:PORT/NAME" in err
    assert "tajne" not in err


def test_chat_signs_in_as_the_user_of_the_http_examples():
    args = build_parser().parse_args(["chat", "co mam?"])
    assert f"dev-{args.user}" == "dev-anna"


def test_serve_banner_names_database_data_urls_indexes_and_schedule(tmp_path):
    from pydantic import SecretStr

    from foodsave.config import Settings
    from foodsave.runtime.local import banner

    settings = Settings(
        data_dir=tmp_path,
        database_url=SecretStr("postgresql://anna:tajne@db:5432/foodsave"),
        schedule_seconds=60,
    )
    text = banner(settings, "http://127.0.0.1:8000", ["recipes v1", "knowledge v1"])
    assert "postgresql+pg8000://anna:***@db:5432/foodsave" in text
    assert "tajne" not in text
    assert str(tmp_path.resolve()) in text
    assert "http://127.0.0.1:8000/docs" in text
    assert "recipes v1, knowledge v1" in text
    assert "every 60 s" in text
