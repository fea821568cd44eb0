"""The OpenAPI file in docs/ is the contract with the mobile app: it must match the code."""

from __future__ import annotations

from pathlib import Path

from foodsave.api.export import render

SPEC = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"


def test_exported_openapi_matches_the_code():
    assert SPEC.exists(), "run `make openapi` to export docs/openapi.json"
    assert SPEC.read_text(encoding="utf-8") == render(), "docs/openapi.json is stale: run `make openapi`"


def test_every_data_route_documents_its_errors_as_problems():
    import json

    spec = json.loads(render())
    assert spec["paths"], "the API has routes"
    assert "/v1/pantry/items" in spec["paths"]
    assert "/local-uploads" not in spec["paths"]
