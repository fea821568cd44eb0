"""`foodsave demo` outside a development checkout says in one line why it cannot run."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

from foodsave.cli import main


def test_demo_without_the_development_checkout_fails_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def no_devkit(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("devkit"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_devkit)
    assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "devkit" in err
