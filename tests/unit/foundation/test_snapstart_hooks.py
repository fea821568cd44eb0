"""SnapStart runtime hooks: registered through snapshot_restore_py when the runtime offers it; priming stays off
the network; a restore forgets services, AWS clients and settings and re-seeds randomness."""

from __future__ import annotations

import random
import types
from typing import Any

import pytest

from foodsave.runtime import snapstart


@pytest.fixture
def hook_api(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """A stand-in for the runtime's snapshot_restore_py that records what is registered."""
    registered: dict[str, list[Any]] = {"before": [], "after": []}
    module = types.ModuleType("snapshot_restore_py")
    module.register_before_snapshot = lambda fn, *args: registered["before"].append((fn, args))  # type: ignore[attr-defined]
    module.register_after_restore = lambda fn, *args: registered["after"].append((fn, args))  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "snapshot_restore_py", module)
    return registered


def test_hooks_are_registered_when_the_runtime_offers_snapshot_restore_py(hook_api):
    assert snapstart.register(("json",)) is True
    assert hook_api["before"] == [(snapstart.prime, (("json",),))]
    assert hook_api["after"] == [(snapstart.after_restore, ())]


def test_nothing_is_registered_outside_a_snapstart_runtime(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "snapshot_restore_py", None)
    assert snapstart.register(("json",)) is False


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_api_handler_primes_the_modules_its_routes_load_on_first_use(hook_api, services):
    from foodsave.api.functions import FIRST_USE_MODULES
    from foodsave.runtime.lambda_api import api_handler

    api_handler("alert-evaluator")
    assert hook_api["before"][0] == (snapstart.prime, (FIRST_USE_MODULES["alert-evaluator"],))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_api_handler_mounts_every_router_before_the_snapshot(hook_api, services):
    from foodsave.api.functions import FUNCTION_ROUTERS
    from foodsave.runtime.lambda_api import api_handler

    api_handler("agent-chat")
    (mount_all, args) = hook_api["before"][1]
    mount_all(*args)
    assert mount_all.__self__.mounted == list(FUNCTION_ROUTERS["agent-chat"])


def test_priming_configures_every_mapper_and_imports_the_first_use_modules(monkeypatch):
    import sys

    from foodsave.db import models

    monkeypatch.delitem(sys.modules, "foodsave.alerts.schedule", raising=False)
    snapstart.prime(("foodsave.alerts.schedule",))
    assert "foodsave.alerts.schedule" in sys.modules
    assert models.User.__mapper__.configured


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_restore_forgets_the_services_so_the_next_request_builds_new_connections(
    services, monkeypatch, tmp_path
):
    from foodsave import bootstrap

    monkeypatch.setenv("FOODSAVE_DATA_DIR", str(tmp_path / "restored"))
    snapstart.after_restore()
    rebuilt = bootstrap.get_services()
    try:
        assert rebuilt is not services
        assert rebuilt.settings.data_dir == tmp_path / "restored"
    finally:
        bootstrap.set_services(None)


def test_restore_creates_new_aws_clients_so_credentials_are_read_again(monkeypatch):
    from foodsave.adapters.aws.clients import client, reset_clients

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "snapshot")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "snapshot")
    before = client("s3", "eu-central-1")
    try:
        snapstart.after_restore()
        assert client("s3", "eu-central-1") is not before
    finally:
        reset_clients()


def test_restore_reseeds_the_random_generator():
    random.seed(20261130)
    snapshotted = [random.random() for _ in range(4)]
    random.seed(20261130)
    snapstart.after_restore()
    assert [random.random() for _ in range(4)] != snapshotted


def test_priming_imports_what_the_first_traced_invocation_would_load(monkeypatch):
    import sys

    monkeypatch.setattr(snapstart, "deferred_modules", lambda: ("foodsave.alerts.schedule",))
    monkeypatch.delitem(sys.modules, "foodsave.alerts.schedule", raising=False)
    snapstart.prime()
    assert "foodsave.alerts.schedule" in sys.modules


def test_in_lambda_the_xray_sdk_is_deferred_unless_tracing_is_disabled(monkeypatch):
    from foodsave import observability

    monkeypatch.setattr(observability, "IN_LAMBDA", True)
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    assert observability.deferred_modules() == ("aws_xray_sdk.core",)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    assert observability.deferred_modules() == ()
