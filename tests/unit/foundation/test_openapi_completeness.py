"""The published contract is enough to build an app on: every operation is described with its errors,
creating POSTs take an Idempotency-Key, chat parts are typed unions, query parameters are bounded."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pytest

from foodsave.api.export import render

PUBLIC = {"/health", "/v1/status"}


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return json.loads(render())  # type: ignore[no-any-return]


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in spec()["paths"].items() for m, op in item.items()]


def _default_summary(op: dict[str, Any]) -> str:
    return op["operationId"].split("_v1")[0].split("__")[0].replace("_", " ").title()


@pytest.mark.parametrize("path,method,op", operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_operation_has_its_own_summary(path, method, op):
    assert op.get("summary") and op["summary"] != _default_summary(op), f"{method} {path}"


@pytest.mark.parametrize("path,method,op", operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_operation_documents_its_errors_as_problems(path, method, op):
    wanted = {"400", "503"} | (set() if path in PUBLIC else {"401"})
    assert wanted <= op["responses"].keys()
    for code in wanted:
        assert "application/problem+json" in op["responses"][code]["content"]


def test_every_signed_in_post_takes_an_idempotency_key():
    missing = [
        path
        for path, method, op in operations()
        if method == "post"
        and path not in PUBLIC
        and "Idempotency-Key" not in {p["name"] for p in op.get("parameters", [])}
    ]
    assert missing == []


def test_created_resources_document_their_location():
    for path in ("/v1/pantry/items", "/v1/shopping-list", "/v1/documents", "/v1/receipts"):
        assert "Location" in spec()["paths"][path]["post"]["responses"]["201"]["headers"], path


def test_item_writes_document_if_match_and_412():
    for path in ("/v1/pantry/items/{item_id}", "/v1/shopping-list/{item_id}"):
        for method in ("patch", "delete"):
            op = spec()["paths"][path][method]
            assert "If-Match" in {p["name"] for p in op["parameters"]}
            assert "412" in op["responses"]


@pytest.mark.parametrize("part,types", [
    ("actions", {"pantry.add", "pantry.consume", "pantry.discard", "shopping_list.add", "shopping_list.done",
                 "shopping_list.remove", "shopping_list.add_many", "shopping_list.clear", "suggest"}),
    ("sources", {"pantry_item", "shopping_list_item", "recipe", "document", "knowledge", "receipt", "spending", "web"}),
])  # fmt: skip
def test_chat_parts_are_unions_discriminated_by_type(part, types):
    items = spec()["components"]["schemas"]["ChatOut"]["properties"][part]["items"]
    assert items["discriminator"]["propertyName"] == "type"
    assert set(items["discriminator"]["mapping"]) == types


def test_search_scope_is_an_enum_and_k_is_bounded():
    params = {p["name"]: p["schema"] for p in spec()["paths"]["/v1/search"]["get"]["parameters"]}
    assert set(params["scope"]["enum"]) == {"recipes", "knowledge", "documents"}
    assert (params["k"]["minimum"], params["k"]["maximum"]) == (1, 50)
    assert params["q"]["maxLength"] == 2000


def test_every_query_parameter_is_typed_and_bounded():
    loose = []
    for path, method, op in operations():
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            schema = param["schema"]
            options = schema.get("anyOf", [schema])
            for option in options:
                kind = option.get("type")
                bounded = (
                    "enum" in option
                    or "$ref" in option
                    or kind in ("boolean", "null")
                    or option.get("format") in ("date", "date-time")
                    or (kind in ("integer", "number") and "maximum" in option)
                    or (kind == "string" and "maxLength" in option)
                    or (kind == "array" and "maxItems" in option)
                )
                if not bounded:
                    loose.append(f"{method} {path} {param['name']}")
    assert loose == []


@pytest.mark.parametrize("path", ["/v1/receipts", "/v1/documents"])
def test_upload_flow_is_described_end_to_end(path):
    text = spec()["paths"][path]["post"]["description"]
    for step in ("upload.url", "upload.fields", "`file`", "Poll", "Idempotency-Key"):
        assert step.lower() in text.lower(), step


def test_json_request_bodies_have_examples():
    missing = []
    schemas = spec()["components"]["schemas"]
    for path, method, op in operations():
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if not body:
            continue
        schema = body["schema"]
        schema = next((s for s in schema.get("anyOf", []) if "$ref" in s), schema)
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        if not (schema.get("examples") or body.get("examples") or body.get("example")):
            missing.append(f"{method} {path}")
    assert missing == []
