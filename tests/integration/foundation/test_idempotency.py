"""`Idempotency-Key` on POST, on SQLite and PostgreSQL: a retry replays the first answer instead of adding the
food twice, another body with the same key is refused, and keys are per user and expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from foodsave.db.models import PantryItem

BODY = {"name": "Masło extra", "quantity": "1", "unit": "szt", "expires_at": "2030-01-05"}


def _key(auth, user="anna", key="k-1"):
    return {**auth(user), "Idempotency-Key": key}


def _count(services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(PantryItem)) or 0


def test_retry_with_the_same_key_and_body_replays_the_first_answer(client, auth, services):
    first = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    again = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert _count(services) == 1


def test_same_key_with_another_body_is_422_idempotency_key_reused(client, auth, services):
    client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    other = client.post("/v1/pantry/items", json={**BODY, "quantity": "2"}, headers=_key(auth))
    assert other.status_code == 422
    assert other.json()["type"] == "urn:foodsave:problem:IdempotencyKeyReused"
    assert _count(services) == 1


def test_posts_without_a_key_each_create(client, auth, services):
    client.post("/v1/pantry/items", json=BODY, headers=auth())
    client.post("/v1/pantry/items", json=BODY, headers=auth())
    assert _count(services) == 2


def test_keys_of_two_users_never_collide(client, auth):
    anna = client.post("/v1/pantry/items", json=BODY, headers=_key(auth, "anna"))
    bob = client.post("/v1/pantry/items", json=BODY, headers=_key(auth, "bob"))
    assert bob.status_code == 201
    assert "idempotent-replayed" not in bob.headers
    assert bob.json()["id"] != anna.json()["id"]


def test_a_failed_request_does_not_hold_its_key(client, auth, services):
    failed = client.post("/v1/pantry/items", json={**BODY, "name": ""}, headers=_key(auth))
    assert failed.status_code == 422
    fixed = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    assert fixed.status_code == 201
    assert _count(services) == 1


def test_key_expires_after_24_hours(client, auth, services):
    client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    services.clock.advance(timedelta(hours=24, seconds=1))
    later = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert _count(services) == 2


def test_key_that_is_not_visible_ascii_is_400(client, auth):
    resp = client.post("/v1/pantry/items", json=BODY, headers=_key(auth, key="x" * 256))
    assert resp.status_code == 400
    assert resp.json()["type"] == "urn:foodsave:problem:InvalidIdempotencyKey"


def test_key_still_running_is_409(services, auth, client):
    from foodsave.api.idempotency import IdempotencyStore

    store = IdempotencyStore(services.db)
    now = services.clock.now()
    assert store.begin("owner", "k", "fp", now).action == "run"
    assert store.begin("owner", "k", "fp", now).action == "in_progress"
    assert store.begin("owner", "k", "fp", now + timedelta(minutes=2)).action == "run"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_keyed_post_while_the_database_is_down_is_a_503_problem(client, auth, pg_cluster):
    pg_cluster.pause()
    try:
        resp = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    finally:
        pg_cluster.resume()
    assert resp.status_code == 503
    assert resp.json()["type"] == "urn:foodsave:problem:DatabaseUnavailable"
    again = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    assert again.status_code == 201


def _lose_the_answer(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The process stops after the request's commit and before its answer is stored."""
    from foodsave.api.idempotency import IdempotencyStore

    def stopped(self, record_id, status_code, headers, body):  # type: ignore[no-untyped-def]
        raise RuntimeError("process stopped")

    monkeypatch.setattr(IdempotencyStore, "complete", stopped)


def test_a_retry_after_the_answer_was_lost_is_409_applied_and_adds_nothing(
    client, auth, services, monkeypatch
):
    from foodsave.api.idempotency import LOCK

    with monkeypatch.context() as patched:
        _lose_the_answer(patched)
        first = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))
    services.clock.advance(LOCK + timedelta(seconds=1))

    again = client.post("/v1/pantry/items", json=BODY, headers=_key(auth))

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["type"] == "urn:foodsave:problem:IdempotencyKeyApplied"
    assert _count(services) == 1


def test_unlocking_at_start_frees_a_key_held_by_a_killed_request_at_once(client, auth, services):
    import json

    from starlette.datastructures import Headers

    from foodsave.api.idempotency import IdempotencyStore, fingerprint
    from foodsave.db.models import IdempotencyRecord

    body = json.dumps(BODY).encode()
    headers = {**_key(auth, key="k-killed"), "content-type": "application/json"}
    client.post("/v1/pantry/items", content=body, headers={**headers, "Idempotency-Key": "k-0"})
    with services.db.session() as session:
        owner = session.scalar(select(IdempotencyRecord.owner))
    store, now = IdempotencyStore(services.db), services.clock.now()
    scope = {"method": "POST", "path": "/v1/pantry/items", "query_string": b""}
    assert store.begin(owner, "k-killed", fingerprint(scope, Headers(headers), body), now).action == "run"
    held = client.post("/v1/pantry/items", content=body, headers=headers)

    store.unlock_all(now)
    retried = client.post("/v1/pantry/items", content=body, headers=headers)

    assert held.status_code == 409 and retried.status_code == 201
    assert _count(services) == 2
