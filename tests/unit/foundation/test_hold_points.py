"""Hold points: the local runtime holds the first N arrivals at a named point (crash tests kill it there);
the spec is parsed strictly, extra arrivals pass, and outside the local runtime nothing is ever held."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.adapters.local.holds import RELEASE, FileHolds, parse_spec
from foodsave.bootstrap import build_services
from foodsave.config import Settings
from foodsave.errors import InvalidInput
from foodsave.ports import NoHolds

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=20)


@given(st.dictionaries(NAMES, st.integers(min_value=0, max_value=1000), max_size=6))
def test_a_written_spec_parses_back_to_its_counts(counts: dict[str, int]) -> None:
    spec = ", ".join(f"{name}={count}" for name, count in counts.items())
    assert parse_spec(spec) == counts


def test_a_point_without_a_count_holds_once() -> None:
    assert parse_spec("receipt.ocr,chat.reply=2") == {"receipt.ocr": 1, "chat.reply": 2}


@pytest.mark.parametrize("spec", ["=2", "chat reply=1", "chat.reply=two", "chat.reply=-1", "a/b"])
def test_a_malformed_spec_is_refused(spec: str) -> None:
    with pytest.raises(InvalidInput):
        parse_spec(spec)


def test_the_first_arrivals_are_held_with_a_marker_and_later_ones_pass(tmp_path: Path) -> None:
    holds = FileHolds({"receipt.ocr": 1}, tmp_path, poll_seconds=0.01)
    held = threading.Thread(target=holds.hold, args=("receipt.ocr",))
    held.start()
    marker = tmp_path / "receipt.ocr.1"
    for _ in range(500):
        if marker.exists():
            break
        held.join(0.01)
    assert marker.exists() and held.is_alive()

    holds.hold("receipt.ocr")  # the count is used up: passes at once
    holds.hold("chat.reply")  # never named: passes at once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["receipt.ocr.1"]

    (tmp_path / RELEASE).touch()
    held.join(5)
    assert not held.is_alive()


def test_the_local_runtime_settings_build_file_holds(tmp_path: Path) -> None:
    settings = Settings(env="local", data_dir=tmp_path / "data", hold_points="chat.reply=1")
    services = build_services(settings)
    assert isinstance(services.holds, FileHolds)
    assert services.holds.folder == tmp_path / "data" / "holds"


def test_without_hold_points_nothing_is_held(tmp_path: Path) -> None:
    assert isinstance(build_services(Settings(env="local", data_dir=tmp_path / "data")).holds, NoHolds)


def test_in_aws_hold_points_are_ignored(tmp_path: Path) -> None:
    local = build_services(Settings(env="local", data_dir=tmp_path / "data"))
    ports = (local.db, local.store, local.queue, local.bus)
    settings = Settings(
        env="aws", data_dir=tmp_path / "data", index_queue_url="q", hold_points="chat.reply=1"
    )
    assert isinstance(build_services(settings, ports=ports).holds, NoHolds)
