"""Every route of the OpenAPI contract, walked with no user and with a second user: anonymous requests get
401, and user B can neither see nor touch anything of user A (404, never 200 or 403)."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest

from foodsave.api.export import openapi_document
from tests.e2e.conftest import bearer, receipt_jpeg
from tests.e2e.spec_walk import (
    Operation,
    SchemaExamples,
    collection_of,
    fill,
    iter_ids,
    listed_ids,
    operations,
)

SPEC = openapi_document()
OPS = operations(SPEC)
MARK_A = "zzalicesecret"
MARK_B = "zzbobmarker"
# Operational alerting is shared by the operators of the system, not owned by a household user.
OPERATOR_PREFIXES = ("/v1/alerts",)
# Shared catalogues every user reads (the bundled recipe corpus); their ids are public.
SHARED_PREFIXES = ("/v1/recipes",)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _operator(op: Operation) -> bool:
    return op.path.startswith(OPERATOR_PREFIXES)


def _shared(op: Operation) -> bool:
    return op.path.startswith(SHARED_PREFIXES)


def _ids(ops: list[Operation]) -> list[str]:
    return [o.key for o in ops]


@dataclass
class World:
    """What user A created and could list, found by walking the spec."""

    by_collection: dict[str, list[str]] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    all_ids: set[str] = field(default_factory=set)
    created: dict[str, Any] = field(default_factory=dict)

    def add(self, collection: str, body: Any) -> None:
        """Record the ids of A's rows (UUIDs); catalogue ids such as recipe ids are shared, not A's."""
        for key, value in iter_ids(body):
            if not UUID.match(value):
                continue
            self.by_name.setdefault(key, []).append(value)
            if key == "id":
                self.by_collection.setdefault(collection, []).append(value)
            self.all_ids.add(value)
        for value in listed_ids(body):
            if UUID.match(value):
                self.by_collection.setdefault(collection, []).append(value)
                self.all_ids.add(value)

    def resolve(self, op: Operation) -> dict[str, str] | None:
        values = {}
        for param in op.path_params:
            found = self.by_collection.get(collection_of(op.path, param)) or self.by_name.get(param)
            if not found:
                return None
            values[param] = found[0]
        return values


def _send(client, op: Operation, path: str, examples: SchemaExamples, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    media = op.media_type()
    kwargs: dict[str, Any] = {"params": examples.query(op), "headers": headers}
    if media == "application/json":
        kwargs["json"] = examples.example(op.body_schema())
    elif media and media.startswith("multipart/"):
        schema = examples.resolve(op.body_schema() or {})
        files, data = {}, {}
        for name, prop in schema.get("properties", {}).items():
            prop = examples.resolve(prop)
            if prop.get("format") == "binary" or "contentMediaType" in prop:
                if "document" in op.path:
                    files[name] = ("notes.txt", f"Notatki {examples.marker}\n".encode(), "text/plain")
                else:
                    files[name] = ("receipt.jpg", receipt_jpeg(), "image/jpeg")
            elif name in schema.get("required", []):
                data[name] = examples.example(prop, name)
        kwargs["files"] = files
        kwargs["data"] = data
    return client.request(op.method.upper(), path, **kwargs)


def _finish_upload(client, body: Any, examples: SchemaExamples) -> None:  # type: ignore[no-untyped-def]
    """A JSON answer with a presigned POST: send the file there, as the app would."""
    if not isinstance(body, dict):
        return
    for slot in [body, *[v for v in body.values() if isinstance(v, dict)]]:
        if isinstance(slot.get("url"), str) and isinstance(slot.get("fields"), dict):
            key = slot["fields"].get("key", "")
            if "documents" in key:
                file = ("notes.txt", f"Notatki {examples.marker}\n".encode(), "text/plain")
            else:
                file = ("receipt.jpg", receipt_jpeg(), "image/jpeg")
            path = "/" + slot["url"].split("://", 1)[-1].split("/", 1)[-1]
            resp = client.post(path, data=slot["fields"], files={"file": file})
            assert resp.status_code == 204, resp.text  # what S3 answers a presigned POST


@pytest.fixture(scope="module")
def world(e2e) -> World:  # type: ignore[no-untyped-def]
    """User A creates one of everything the contract lets a user create, then lists it all."""
    return walk_creating_everything(e2e, "alice")


def walk_creating_everything(e2e, name: str) -> World:  # type: ignore[no-untyped-def]
    """`name` creates one of everything the contract lets a user create, then lists and reads it all."""
    client = e2e.client
    examples = SchemaExamples(SPEC, MARK_A)
    found = World()
    for op in OPS:
        if op.method != "post" or op.path_params or _operator(op) or op.public:
            continue
        resp = _send(client, op, op.path, examples, bearer(name))
        assert resp.status_code < 500, f"{op.key} as A: {resp.status_code} {resp.text[:300]}"
        if resp.status_code < 300 and resp.content:
            body = resp.json()
            found.created[op.key] = body
            found.add(op.path, body)
            _finish_upload(client, body, examples)
    assert e2e.runtime.wait_idle(120), "uploads and index jobs did not drain"
    # A's items expire tomorrow: a scheduled run in daytime (Warsaw) warns about them.
    e2e.runtime.fire_schedule(e2e.services.clock.now())
    for op in OPS:
        if op.method != "get" or op.path_params or _operator(op) or op.public:
            continue
        resp = _send(client, op, op.path, examples, bearer(name))
        if resp.status_code == 200:
            found.add(op.path, resp.json())
    # Read each of A's resources once: nested children (receipt lines) become addressable too.
    for op in OPS:
        if op.method != "get" or len(op.path_params) != 1 or _operator(op) or _shared(op):
            continue
        values = found.resolve(op)
        if values is None:
            continue
        resp = _send(client, op, fill(op.path, values), examples, bearer(name))
        if resp.status_code == 200 and isinstance(resp.json(), dict):
            for key, value in resp.json().items():
                if isinstance(value, list):
                    found.add(f"{op.path}/{key}", {"items": value})
    return found


@pytest.mark.parametrize("op", [o for o in OPS if not o.public], ids=_ids([o for o in OPS if not o.public]))
def test_route_refuses_a_request_without_a_token(e2e, op: Operation):
    path = fill(op.path, {p: str(uuid.uuid4()) for p in op.path_params})
    resp = e2e.client.request(op.method.upper(), path)
    assert resp.status_code == 401, f"{op.key}: {resp.status_code} {resp.text[:200]}"
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["status"] == 401


@pytest.mark.parametrize("op", [o for o in OPS if not o.public], ids=_ids([o for o in OPS if not o.public]))
def test_route_refuses_a_forged_or_malformed_token(e2e, op: Operation):
    path = fill(op.path, {p: str(uuid.uuid4()) for p in op.path_params})
    for header in (
        "Bearer dev-",
        "Bearer dev-../../admin",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer eyJhbGciOiJub25lIn0.e30.",
    ):
        resp = e2e.client.request(op.method.upper(), path, headers={"Authorization": header})
        assert resp.status_code == 401, f"{op.key} with {header!r}: {resp.status_code}"


def test_public_routes_answer_without_a_token(e2e):
    for path in ("/health", "/v1/status"):  # every part of the local runtime is up here
        resp = e2e.client.get(path)
        assert resp.status_code == 200, resp.text


OWNED = [o for o in OPS if o.path_params and not o.public]


@pytest.mark.parametrize("op", OWNED, ids=_ids(OWNED))
def test_other_user_gets_404_for_each_resource_of_user_a(e2e, world: World, op: Operation):
    if _operator(op):
        pytest.skip("operator route: alert rules and alerts are shared by operators, not owned by a user")
    if _shared(op):
        pytest.skip("shared catalogue: every user reads the bundled recipes")
    values = world.resolve(op)
    assert values is not None, (
        f"{op.key}: user A has no resource to aim at; the walk could not create or list one "
        f"(collections seen: {sorted(world.by_collection)})"
    )
    examples = SchemaExamples(SPEC, MARK_B)
    resp = _send(e2e.client, op, fill(op.path, values), examples, bearer("bob"))
    assert resp.status_code == 404, f"{op.key} by B on A's {values}: {resp.status_code} {resp.text[:300]}"
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert MARK_A not in resp.text


LISTINGS = [o for o in OPS if o.method == "get" and not o.path_params and not o.public and not _operator(o)]


@pytest.mark.parametrize("op", LISTINGS, ids=_ids(LISTINGS))
def test_other_users_listings_and_searches_never_show_user_a_data(e2e, world: World, op: Operation):
    # B searches with A's secret word, so a search that ignores ownership would find A's document.
    examples = SchemaExamples(SPEC, MARK_A)
    resp = _send(e2e.client, op, op.path, examples, bearer("bob"))
    assert resp.status_code < 500, f"{op.key}: {resp.status_code} {resp.text[:300]}"
    body = resp.json() if resp.content else None
    if isinstance(body, dict):  # a search may echo B's own query back; that is B's text, not A's data
        sent = {str(v) for v in examples.query(op).values()}
        body = {k: v for k, v in body.items() if not (isinstance(v, str) and v in sent)}
    assert MARK_A not in json.dumps(body, ensure_ascii=False), f"{op.key} shows A's text to B"
    leaked = {i for _, i in iter_ids(resp.json())} & world.all_ids if resp.content else set()
    assert not leaked, f"{op.key} shows A's ids to B: {leaked}"


CREATES = [o for o in OPS if o.method == "post" and not o.path_params and not o.public and not _operator(o)]


@pytest.mark.parametrize("op", CREATES, ids=_ids(CREATES))
def test_other_users_writes_answer_without_user_a_data(e2e, world: World, op: Operation):
    examples = SchemaExamples(SPEC, MARK_B)
    resp = _send(e2e.client, op, op.path, examples, bearer("bob"))
    assert resp.status_code < 500, f"{op.key}: {resp.status_code} {resp.text[:300]}"
    assert MARK_A not in resp.text
    leaked = {i for _, i in iter_ids(resp.json())} & world.all_ids if resp.content else set()
    assert not leaked, f"{op.key} answers B with A's ids: {leaked}"


def test_user_a_created_something_in_every_user_area(world: World):
    """The walk is only as good as what A owns: each user area must have produced an id."""
    collections = set(world.by_collection)
    present = {o.path for o in OPS}
    for area in ("/v1/pantry/items", "/v1/receipts", "/v1/documents", "/v1/conversations",
                 "/v1/notifications", "/v1/shopping-list"):  # fmt: skip
        if area in present:
            assert area in collections, f"user A owns nothing under {area}: {json.dumps(world.created)[:500]}"


def test_user_a_still_owns_everything_after_user_b_attempts(e2e, world: World):
    """Run after B's attempts (file order): every resource of A that answers GET is still A's."""
    examples = SchemaExamples(SPEC, MARK_A)
    checked = 0
    for op in OPS:
        if op.method != "get" or not op.path_params or _operator(op):
            continue
        values = world.resolve(op)
        if values is None:
            continue
        resp = _send(e2e.client, op, fill(op.path, values), examples, bearer("alice"))
        assert resp.status_code == 200, (
            f"{op.key} as A after B's attempts: {resp.status_code} {resp.text[:200]}"
        )
        checked += 1
    assert checked >= 1
