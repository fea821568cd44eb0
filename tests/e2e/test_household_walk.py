"""Every route of the OpenAPI contract walked inside a household, on SQLite and PostgreSQL: alice (owner) and
ben (member) share the household's data, each reading and editing it; their personal data (conversations,
notifications, documents) stays their own (404); carl, of another household, gets 404 on every object of
theirs and sees none of it in his listings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import fresh_pg_database
from tests.e2e.conftest import E2E, bearer, start_runtime, stop_runtime
from tests.e2e.spec_walk import Operation, SchemaExamples, fill, iter_ids
from tests.e2e.test_security_routes import (
    MARK_A,
    MARK_B,
    OPS,
    SPEC,
    World,
    _ids,
    _operator,
    _send,
    _shared,
    walk_creating_everything,
)

SHARED_AREAS = ("/v1/pantry", "/v1/receipts", "/v1/shopping-list", "/v1/household")
PERSONAL_AREAS = ("/v1/conversations", "/v1/notifications", "/v1/documents")
MANAGEMENT = ("/v1/household/members/",)  # owner only: a member is refused (403), not hidden


def _area(op: Operation, areas: tuple[str, ...]) -> bool:
    return op.path.startswith(areas)


@dataclass
class House:
    e2e: E2E
    world: World


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def house(request, tmp_path_factory, pg_cluster, pg_template) -> Iterator[House]:  # type: ignore[no-untyped-def]
    """alice invites ben, ben joins, then alice creates one of everything (the walk of the security suite)."""
    from fastapi.testclient import TestClient

    from foodsave.api.apps import local_app

    data_dir = tmp_path_factory.mktemp("house") / "data"
    with _database(request.param, pg_cluster, pg_template) as url:
        runtime = start_runtime(data_dir, database_url=url)
        try:
            with TestClient(local_app(), raise_server_exceptions=False) as client:
                e2e = E2E(runtime=runtime, client=client, data_dir=data_dir)
                invite = client.post("/v1/household/invites", headers=bearer("alice"))
                assert invite.status_code == 201, invite.text
                code = invite.json()["code"]
                joined = client.post("/v1/household/accept", json={"code": code}, headers=bearer("ben"))
                assert joined.status_code == 200, joined.text
                yield House(e2e=e2e, world=walk_creating_everything(e2e, "alice"))
        finally:
            stop_runtime(runtime)


def _database(backend: str, pg_cluster, pg_template):  # type: ignore[no-untyped-def]
    if backend == "postgres":
        return fresh_pg_database(pg_cluster, pg_template)
    from contextlib import nullcontext

    return nullcontext(None)


def _aim(house: House, op: Operation) -> str:
    values = house.world.resolve(op)
    assert values is not None, f"{op.key}: alice has nothing to aim at ({sorted(house.world.by_collection)})"
    return fill(op.path, values)


OWNED = [o for o in OPS if o.path_params and not o.public and not _operator(o) and not _shared(o)]
SHARED_READS = [o for o in OWNED if o.method == "get" and _area(o, SHARED_AREAS)]
# Confirming ends a receipt's review, so it comes after the other receipt edits.
SHARED_EDITS = sorted(
    (
        o
        for o in OWNED
        if o.method in ("patch", "post") and _area(o, SHARED_AREAS) and not _area(o, MANAGEMENT)
    ),
    key=lambda o: (o.path.endswith("/confirm"), o.key),
)
PERSONAL = [o for o in OWNED if _area(o, PERSONAL_AREAS)]


@pytest.mark.parametrize("op", SHARED_READS, ids=_ids(SHARED_READS))
def test_member_reads_each_shared_resource_of_the_household(house: House, op: Operation):
    resp = _send(house.e2e.client, op, _aim(house, op), SchemaExamples(SPEC, MARK_B), bearer("ben"))
    assert resp.status_code == 200, f"{op.key} by ben: {resp.status_code} {resp.text[:300]}"


@pytest.mark.parametrize("op", OWNED, ids=_ids(OWNED))
def test_other_household_gets_404_for_each_resource(house: House, op: Operation):
    resp = _send(house.e2e.client, op, _aim(house, op), SchemaExamples(SPEC, MARK_B), bearer("carl"))
    assert resp.status_code == 404, f"{op.key} by carl: {resp.status_code} {resp.text[:300]}"
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert MARK_A not in resp.text


LISTINGS = [o for o in OPS if o.method == "get" and not o.path_params and not o.public and not _operator(o)]


@pytest.mark.parametrize("op", LISTINGS, ids=_ids(LISTINGS))
def test_other_households_listings_never_show_the_households_data(house: House, op: Operation):
    examples = SchemaExamples(SPEC, MARK_A)
    resp = _send(house.e2e.client, op, op.path, examples, bearer("carl"))
    assert resp.status_code < 500, f"{op.key}: {resp.status_code} {resp.text[:300]}"
    body = resp.json() if resp.content else None
    if isinstance(body, dict):  # a search may echo carl's own query back
        sent = {str(v) for v in examples.query(op).values()}
        body = {k: v for k, v in body.items() if not (isinstance(v, str) and v in sent)}
    assert MARK_A not in json.dumps(body, ensure_ascii=False), f"{op.key} shows the household's text to carl"
    leaked = {i for _, i in iter_ids(resp.json())} & house.world.all_ids if resp.content else set()
    assert not leaked, f"{op.key} shows the household's ids to carl: {leaked}"


@pytest.mark.parametrize("area", ["/v1/pantry/items", "/v1/receipts", "/v1/shopping-list"])
def test_member_lists_the_items_the_owner_added(house: House, area: str):
    resp = house.e2e.client.get(area, headers=bearer("ben"))
    assert resp.status_code == 200, resp.text
    listed = {i for _, i in iter_ids(resp.json())}
    assert set(house.world.by_collection[area]) <= listed


@pytest.mark.parametrize("area", ["/v1/conversations", "/v1/documents"])
def test_member_lists_none_of_the_owners_personal_items(house: House, area: str):
    resp = house.e2e.client.get(area, headers=bearer("ben"))
    assert resp.status_code == 200, resp.text
    assert not {i for _, i in iter_ids(resp.json())} & set(house.world.by_collection[area])


def test_both_members_were_notified_of_the_expiring_item(house: House):
    for name in ("alice", "ben"):
        items = house.e2e.client.get("/v1/notifications", headers=bearer(name)).json()["items"]
        assert {n["pantry_item_id"] for n in items} & set(house.world.by_collection["/v1/pantry/items"]), name


@pytest.mark.parametrize("op", PERSONAL, ids=_ids(PERSONAL))
def test_member_gets_404_for_each_personal_resource_of_the_owner(house: House, op: Operation):
    resp = _send(house.e2e.client, op, _aim(house, op), SchemaExamples(SPEC, MARK_B), bearer("ben"))
    assert resp.status_code == 404, f"{op.key} by ben: {resp.status_code} {resp.text[:300]}"
    assert MARK_A not in resp.text


def _fresh_pantry_item(house: House) -> str:
    """An item alice adds now, so that eating and throwing away each find one still in the pantry."""
    resp = house.e2e.client.post(
        "/v1/pantry/items", json={"name": f"Kefir {MARK_A}"}, headers=bearer("alice")
    )
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])


@pytest.mark.parametrize("op", SHARED_EDITS, ids=_ids(SHARED_EDITS))
def test_member_edits_each_shared_resource_of_the_household(house: House, op: Operation):
    path = _aim(house, op)
    if op.path.startswith("/v1/pantry/items/{item_id}"):
        path = fill(op.path, {"item_id": _fresh_pantry_item(house)})
    if op.path.endswith("/confirm"):  # ben's added line left a review flag: he accepts it, as the app would
        resp = house.e2e.client.post(path, json={"accept_warnings": True}, headers=bearer("ben"))
    else:
        resp = _send(house.e2e.client, op, path, SchemaExamples(SPEC, MARK_B), bearer("ben"))
    assert resp.status_code < 300, f"{op.key} by ben: {resp.status_code} {resp.text[:300]}"


def test_member_is_refused_managing_members(house: House):
    alice = house.e2e.client.get("/v1/me", headers=bearer("alice")).json()["id"]
    resp = house.e2e.client.delete(f"/v1/household/members/{alice}", headers=bearer("ben"))
    assert resp.status_code == 403, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_owner_still_reads_every_shared_resource_after_the_others_attempts(house: House):
    for op in SHARED_READS:
        resp = _send(house.e2e.client, op, _aim(house, op), SchemaExamples(SPEC, MARK_A), bearer("alice"))
        assert resp.status_code == 200, f"{op.key} as alice: {resp.status_code} {resp.text[:200]}"
