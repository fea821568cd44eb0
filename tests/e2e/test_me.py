"""`/v1/me`: the profile a user reads and changes, and `DELETE /v1/me`, after which nothing of the user is left:
no row in any table, no object in the store, and an index job that drops their document chunks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select, text

from foodsave.db.models import (
    Conversation,
    Document,
    Message,
    Notification,
    OutboxEvent,
    PantryEvent,
    PantryItem,
    ProcessedMessage,
    Receipt,
    ReceiptLine,
    ShoppingListItem,
    load_all,
)
from foodsave.households.membership import household_of
from foodsave.users import USER_DELETED, object_prefixes, user_tables
from tests.e2e.conftest import bearer


def _me(client, name: str = "anna") -> dict:  # type: ignore[no-untyped-def]
    resp = client.get("/v1/me", headers=bearer(name))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_profile_has_defaults_for_a_new_user(client):
    me = _me(client)
    assert me["locale"] == "pl"
    assert me["timezone"] == "Europe/Warsaw"
    assert me["expiry_warning_days"] == 2
    assert me["id"]


def test_profile_changes_are_kept(client):
    resp = client.patch(
        "/v1/me",
        json={"locale": "en", "timezone": "America/New_York", "expiry_warning_days": 5},
        headers=bearer("anna"),
    )
    assert resp.status_code == 200, resp.text
    assert _me(client) | {"id": ""} == {
        "id": "",
        "locale": "en",
        "timezone": "America/New_York",
        "expiry_warning_days": 5,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "../../etc/passwd"},
        {"timezone": "/etc/localtime"},
        {"timezone": ""},
        {"locale": "de"},
        {"expiry_warning_days": 15},
        {"expiry_warning_days": -1},
        {"nickname": "x"},
    ],
)
def test_invalid_profile_change_is_422_and_changes_nothing(client, body):
    before = _me(client)
    resp = client.patch("/v1/me", json={"locale": "en", **body}, headers=bearer("anna"))
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert _me(client) == before


def test_profile_of_one_user_is_not_changed_by_another(client):
    client.patch("/v1/me", json={"expiry_warning_days": 9}, headers=bearer("bob"))
    assert _me(client, "anna")["expiry_warning_days"] == 2
    assert _me(client, "bob")["expiry_warning_days"] == 9


# -- erasure -----------------------------------------------------------------------------------------------
def _seed_everything(services, user_id: str) -> None:  # type: ignore[no-untyped-def]
    """One row in every table that holds user data, and one object under every user prefix."""
    now = datetime(2025, 1, 15, 9, tzinfo=UTC)
    with services.db.session() as s:
        receipt = Receipt(
            user_id=user_id,
            household_id=household_of(s, user_id),
            object_key=f"uploads/receipts/{user_id}/r1.jpg",
            status="parsed",
        )
        s.add(receipt)
        s.flush()
        line = ReceiptLine(
            receipt_id=receipt.id, position=1, name_raw="Mleko", name="mleko", total=Decimal("3.49")
        )
        s.add(line)
        s.flush()
        item = PantryItem(
            user_id=user_id,
            household_id=household_of(s, user_id),
            name="Mleko",
            normalized_name="mleko",
            receipt_line_id=line.id,
            expires_at=date(2025, 1, 16),
        )
        s.add(item)
        s.flush()
        s.add(
            PantryEvent(
                user_id=user_id,
                household_id=household_of(s, user_id),
                pantry_item_id=item.id,
                kind="consumed",
                quantity=Decimal("1"),
                at=now,
            )
        )
        s.add(Notification(user_id=user_id, kind="expiring", pantry_item_id=item.id, threshold=1, payload={}))
        conv = Conversation(user_id=user_id, title="co ugotować")
        s.add(conv)
        s.flush()
        s.add(Message(conversation_id=conv.id, role="user", content="co ugotować z mleka?"))
        s.add(Document(user_id=user_id, title="notatki", object_key=f"uploads/documents/{user_id}/d1.txt"))
        s.add(ShoppingListItem(user_id=user_id, household_id=household_of(s, user_id), name="chleb"))
        s.add(
            OutboxEvent(
                id=f"ev-{user_id}", type="ReceiptParsed", user_id=user_id, payload={"user_id": user_id}
            )
        )
        s.add(ProcessedMessage(key=f"ocr:bucket/uploads/receipts/{user_id}/r1.jpg:etag", consumer="ocr"))
    for prefix in object_prefixes(user_id):
        services.store.put(prefix + "object.bin", b"data of the user")


def _rows_mentioning(services, value: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Rows of every table where any text column (or JSON rendered as text) contains `value`."""
    found: dict[str, int] = {}
    with services.db.engine.connect() as conn:
        for table in load_all().sorted_tables:
            rows = conn.execute(select(table)).mappings().all()
            hits = sum(1 for r in rows if any(value in (v if isinstance(v, str) else json.dumps(v, default=str))
                                              for v in r.values() if v is not None))  # fmt: skip
            if hits:
                found[table.name] = hits
    return found


def _objects_mentioning(services, value: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [k for k in services.store.list("") if value in k]


def test_seed_covers_every_table_with_user_data():
    seeded = {"pantry_items", "pantry_events", "receipts", "conversations", "documents", "shopping_list_items",
              "notifications", "outbox_events", "household_members"}  # fmt: skip
    missing = {t.name for t in user_tables()} - seeded
    assert not missing, f"new tables with user data; seed them in _seed_everything: {missing}"


def test_delete_me_leaves_no_row_and_no_object_of_the_user(client, services):
    user_id = _me(client, "erin")["id"]
    other_id = _me(client, "frank")["id"]
    _seed_everything(services, user_id)
    _seed_everything(services, other_id)
    assert set(_rows_mentioning(services, user_id)) >= {t.name for t in user_tables()} | {"users"}

    resp = client.delete("/v1/me", headers=bearer("erin"))

    assert resp.status_code == 204, resp.text
    assert _rows_mentioning(services, user_id) == {}
    assert _objects_mentioning(services, user_id) == []
    with services.db.engine.connect() as conn:  # child rows without a user_id column went too
        assert conn.execute(text("SELECT count(*) FROM receipt_lines")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM messages")).scalar() == 1


def test_delete_me_keeps_every_other_users_data(client, services):
    user_id = _me(client, "erin")["id"]
    other_id = _me(client, "frank")["id"]
    _seed_everything(services, user_id)
    _seed_everything(services, other_id)
    before = _rows_mentioning(services, other_id)
    objects = _objects_mentioning(services, other_id)

    client.delete("/v1/me", headers=bearer("erin"))

    assert _rows_mentioning(services, other_id) == before
    assert _objects_mentioning(services, other_id) == objects


def test_delete_me_queues_an_index_job_that_drops_the_users_chunks(client, services):
    user_id = _me(client, "erin")["id"]
    client.delete("/v1/me", headers=bearer("erin"))
    bodies = [json.loads(m.body) for m in services.queue.receive(10)]
    assert {"type": USER_DELETED, "user_id": user_id} in bodies


def test_signing_in_after_delete_starts_a_fresh_empty_account(client, services):
    old_id = _me(client, "erin")["id"]
    _seed_everything(services, old_id)
    client.delete("/v1/me", headers=bearer("erin"))
    fresh = _me(client, "erin")
    assert fresh["id"] != old_id
    assert client.get("/v1/pantry/items", headers=bearer("erin")).json()["items"] == []


def test_delete_me_with_the_object_store_down_is_503_and_keeps_the_account(client, services):
    user_id = _me(client, "erin")["id"]
    _seed_everything(services, user_id)
    services.store.available = False
    try:
        resp = client.delete("/v1/me", headers=bearer("erin"))
    finally:
        services.store.available = True
    assert resp.status_code == 503
    assert _me(client, "erin")["id"] == user_id  # nothing committed; the user can retry
    assert services.queue.depth() == 0  # no index job for an account that still exists
    assert client.delete("/v1/me", headers=bearer("erin")).status_code == 204
    assert _rows_mentioning(services, user_id) == {}
    assert _objects_mentioning(services, user_id) == []


def test_sql_reaches_the_database_only_through_bound_parameters(client, services):
    """A hostile subject and hostile field values are stored as data, never executed."""
    hostile = "x'); DROP TABLE users; --"
    resp = client.post("/v1/pantry/items", json={"name": hostile}, headers=bearer("mallory"))
    assert resp.status_code == 201
    client.patch("/v1/me", json={"timezone": hostile}, headers=bearer("mallory"))
    assert inspect(services.db.engine).has_table("users")
    names = [i["name"] for i in client.get("/v1/pantry/items", headers=bearer("mallory")).json()["items"]]
    assert names == [hostile]


def test_delete_me_drops_the_stored_replies_of_the_users_keyed_posts(client, services):
    from foodsave.db.models import IdempotencyRecord, User

    _me(client, "erin")
    frank_id = _me(client, "frank")["id"]
    for name in ("erin", "frank"):
        resp = client.post(
            "/v1/pantry/items",
            json={"name": "Jogurt naturalny", "quantity": 1, "unit": "szt"},
            headers={**bearer(name), "Idempotency-Key": f"add-yoghurt-{name}"},
        )
        assert resp.status_code == 201, resp.text

    assert client.delete("/v1/me", headers=bearer("erin")).status_code == 204

    with services.db.session() as session:
        frank_sub = session.get(User, frank_id).external_sub
        owners = list(session.scalars(select(IdempotencyRecord.owner)))
    assert owners == [IdempotencyRecord.owner_of(frank_sub)]
