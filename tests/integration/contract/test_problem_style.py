"""One problem+json style: a `type` URN on every error, 400 for a body that is not JSON, 422 with field
errors (never the submitted value or a library link) for one that does not match, and 401s that say why."""

from __future__ import annotations

import base64
import json

PROBLEM = "application/problem+json"
URN = "urn:foodsave:problem:"


def _jwt(exp: int) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'RS256'})}.{part({'sub': 'x', 'exp': exp})}.c2ln"


def test_malformed_json_body_is_400_malformed_json(client, auth):
    resp = client.post(
        "/v1/pantry/items", content=b'{"name": ', headers={**auth(), "Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert resp.headers["content-type"] == PROBLEM
    assert resp.json()["type"] == URN + "MalformedJson"


def test_schema_error_is_422_validation_failed_with_field_errors(client, auth):
    resp = client.post("/v1/pantry/items", json={"name": "", "quantity": "-1"}, headers=auth())
    assert resp.status_code == 422
    body = resp.json()
    assert body["type"] == URN + "ValidationFailed"
    assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "name"), ("body", "quantity")}


def test_validation_errors_never_echo_the_input_or_a_library_link(client, auth):
    secret = "sekretna-wartosc-123"
    resp = client.post("/v1/pantry/items", json={"name": "x", "unit": secret}, headers=auth())
    assert resp.status_code == 422
    assert secret not in resp.text
    assert "pydantic" not in resp.text
    assert "http" not in resp.text


def test_hand_parsed_json_body_uses_the_same_style(client, auth):
    bad_json = client.post(
        "/v1/documents", content=b"{", headers={**auth(), "Content-Type": "application/json"}
    )
    assert (bad_json.status_code, bad_json.json()["type"]) == (400, URN + "MalformedJson")
    wrong = client.post("/v1/documents", json={"title": "x", "content_type": "image/gif"}, headers=auth())
    assert (wrong.status_code, wrong.json()["type"]) == (422, URN + "ValidationFailed")
    assert wrong.json()["errors"][0]["loc"] == ["body", "content_type"]
    assert "image/gif" not in wrong.text


def test_unknown_route_has_a_type_urn(client, auth):
    resp = client.get("/v1/nothing-here", headers=auth())
    assert (resp.status_code, resp.json()["type"]) == (404, URN + "NotFound")


def test_missing_token_is_401_token_missing(client):
    resp = client.get("/v1/pantry/items")
    assert resp.status_code == 401
    assert resp.json()["type"] == URN + "TokenMissing"
    assert resp.headers["www-authenticate"] == "Bearer"


def test_header_of_another_scheme_is_401_token_malformed(client):
    resp = client.get("/v1/pantry/items", headers={"Authorization": "Basic YW5uYTpw"})
    assert resp.json()["type"] == URN + "TokenMalformed"


def test_expired_jwt_is_401_token_expired(client):
    resp = client.get("/v1/pantry/items", headers={"Authorization": f"Bearer {_jwt(1_000_000_000)}"})
    assert resp.status_code == 401
    assert resp.json()["type"] == URN + "TokenExpired"
    assert "2001-09-09" in resp.json()["detail"]


def test_unexpired_jwt_is_refused_locally_as_invalid(client):
    resp = client.get("/v1/pantry/items", headers={"Authorization": f"Bearer {_jwt(4_000_000_000)}"})
    assert resp.json()["type"] == URN + "TokenInvalid"


def test_unknown_query_parameter_is_400_naming_it(client, auth):
    resp = client.get("/v1/pantry/items?sotr=name", headers=auth())
    assert resp.status_code == 400
    body = resp.json()
    assert body["type"] == URN + "UnknownQueryParameter"
    assert "sotr" in body["detail"]


def test_declared_query_parameters_are_accepted(client, auth):
    assert client.get("/v1/pantry/items?status=active&limit=5", headers=auth()).status_code == 200
