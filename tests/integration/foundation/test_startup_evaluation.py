"""A fresh local runtime is ready at once: expiry warnings are evaluated at start-up (not one interval later)
and the bundled search indexes are published before the first request, so the index check reads `ok`."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from foodsave.adapters.local import FrozenClock
from foodsave.api.apps import local_app
from foodsave.bootstrap import set_services
from foodsave.config import Settings
from foodsave.runtime.local import LocalRuntime, publish_bundled_indexes

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # daytime in Warsaw: warnings are not held for the night


@pytest.fixture
def runtime(tmp_path):
    rt = LocalRuntime(Settings(data_dir=tmp_path / "data", schedule_seconds=3600), schedule=True)
    rt.services.clock = FrozenClock(NOW)
    try:
        yield rt
    finally:
        rt.stop()
        set_services(None)


def test_expiry_warning_is_created_at_start_up(runtime):
    with TestClient(local_app()) as client:
        tomorrow = (NOW + timedelta(days=1)).date().isoformat()
        headers = {"Authorization": "Bearer dev-anna"}
        assert client.post(
            "/v1/pantry/items", json={"name": "Kefir", "expires_at": tomorrow}, headers=headers
        )
        runtime.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            page = client.get("/v1/notifications", headers=headers).json()
            if page["total"]:
                break
            time.sleep(0.2)
    assert page["items"][0]["payload"]["item"]["name"] == "Kefir"


def test_bundled_indexes_are_published_before_the_first_request(runtime):
    from foodsave.alerts.status import index_status

    published = publish_bundled_indexes(runtime.services)
    assert sorted(published) == ["knowledge v1", "recipes v1"]
    assert set(index_status(runtime.services)) == {"knowledge", "recipes"}  # the status check reads `ok`
