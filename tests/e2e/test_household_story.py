"""The household story end to end (local runtime, upload trigger, OCR, schedule): anna scans a receipt, ben
reviews and confirms it, both are warned about the yoghurt before it expires, anna eats it, and ben's chat
knows it is gone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from devkit.demo import receipt_files
from tests.e2e.conftest import bearer
from tests.e2e.instants import E2E_START

YOGHURT = "Jogurt naturalny"


@pytest.fixture(scope="module")
def story(e2e):  # type: ignore[no-untyped-def]
    """Each step of the story, run once; the tests check what each step left behind."""
    client = e2e.client
    steps: dict[str, object] = {}
    code = client.post("/v1/household/invites", headers=bearer("anna")).json()["code"]
    steps["join"] = client.post("/v1/household/accept", json={"code": code}, headers=bearer("ben"))
    name, photo, media = receipt_files(day=E2E_START.date())[0]  # bought today
    upload = client.post("/v1/receipts", files={"file": (name, photo, media)}, headers=bearer("anna"))
    assert upload.status_code == 202, upload.text
    receipt_id = upload.json()["receipt"]["id"]
    assert e2e.runtime.wait_idle(120), "the receipt was not processed"
    steps["ben_sees_receipt"] = client.get(f"/v1/receipts/{receipt_id}", headers=bearer("ben"))
    line = {"name": YOGHURT, "total": "3.49", "quantity": "1", "unit": "szt"}
    steps["ben_adds_line"] = client.post(f"/v1/receipts/{receipt_id}/lines", json=line, headers=bearer("ben"))
    steps["ben_confirms"] = client.post(
        f"/v1/receipts/{receipt_id}/confirm", json={"accept_warnings": True}, headers=bearer("ben")
    )
    yoghurt = next(
        i for i in steps["ben_confirms"].json()["pantry_items"] if i["name"].lower() == YOGHURT.lower()
    )  # type: ignore[attr-defined]
    steps["yoghurt"] = yoghurt
    # 10:00 in Warsaw on the day before the yoghurt's date: both members are awake and inside their window.
    day_before = date.fromisoformat(yoghurt["expires_at"]) - timedelta(days=1)
    e2e.services.clock.set(datetime.combine(day_before, time(9, 0), UTC))
    e2e.runtime.fire_schedule(e2e.services.clock.now())
    steps["notified"] = {
        name: client.get("/v1/notifications", headers=bearer(name)).json()["items"]
        for name in ("anna", "ben")
    }
    steps["ben_asks_before"] = client.post(
        "/v1/chat", json={"message": "Czy mamy jogurt?"}, headers=bearer("ben")
    )
    steps["anna_eats"] = client.post(
        f"/v1/pantry/items/{yoghurt['id']}/consume", json={}, headers=bearer("anna")
    )
    steps["ben_asks_after"] = client.post(
        "/v1/chat", json={"message": "Czy mamy jogurt?"}, headers=bearer("ben")
    )
    return steps


def test_ben_joins_annas_household(story):
    assert story["join"].status_code == 200, story["join"].text


def test_ben_sees_the_receipt_anna_scanned(story):
    resp = story["ben_sees_receipt"]
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] in ("parsed", "needs_review")


def test_ben_confirms_it_into_the_shared_pantry(story):
    assert story["ben_adds_line"].status_code == 201, story["ben_adds_line"].text
    assert story["ben_confirms"].status_code == 200, story["ben_confirms"].text
    assert story["yoghurt"]["expires_at"]


def test_both_members_are_warned_about_the_yoghurt(story):
    for name, items in story["notified"].items():
        assert story["yoghurt"]["id"] in {n["pantry_item_id"] for n in items}, name


def test_anna_eats_the_yoghurt(story):
    assert story["anna_eats"].status_code == 200, story["anna_eats"].text
    assert story["anna_eats"].json()["status"] == "consumed"


def test_bens_chat_knows_the_yoghurt_is_gone(story):
    before, after = story["ben_asks_before"], story["ben_asks_after"]
    assert before.status_code == after.status_code == 200
    assert before.json()["reply"].startswith("Tak, masz: jogurt naturalny")
    assert after.json()["reply"] == "Nie masz w spiżarni: jogurt."
