"""Walk the OpenAPI contract generically: list operations, build minimal valid requests from their schemas,
and find the ids a user's responses hand out, so security checks cover every route as it lands."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.instants import E2E_START, TOMORROW

PUBLIC_PATHS = {"/health", "/v1/status"}
METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"\{([^}]+)\}")

# Field-name hints that make a generated request meaningful (an item with an expiry, a chat message...).
STRING_HINTS: dict[str, str] = {
    "timezone": "Europe/Warsaw",
    "locale": "pl",
    "message": "dodaj jogurt {marker}",
    "q": "{marker}",
    "query": "{marker}",
    "name": "Jogurt {marker}",
    "title": "Notatki {marker}",
    "text": "Notatki {marker}",
    "content": "Notatki {marker}",
    "scope": "documents",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any] = field(hash=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def path_params(self) -> list[str]:
        return PARAM.findall(self.path)

    @property
    def public(self) -> bool:
        return self.path in PUBLIC_PATHS

    def media_type(self) -> str | None:
        content = (self.spec.get("requestBody") or {}).get("content") or {}
        return next(iter(content), None)

    def body_schema(self) -> dict[str, Any] | None:
        content = (self.spec.get("requestBody") or {}).get("content") or {}
        for media in content.values():
            return media.get("schema") or {}
        return None

    def query_params(self) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p.get("in") == "query"]


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation, GETs first and DELETEs last, so destructive attempts come after the reads."""
    order = {m: i for i, m in enumerate(("get", "patch", "put", "post", "delete"))}
    ops = [
        Operation(method, path, op)
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
        if method in METHODS
    ]
    return sorted(ops, key=lambda o: (order[o.method], o.path))


class SchemaExamples:
    """Minimal valid values for JSON schemas of one OpenAPI document (required fields, lower bounds)."""

    def __init__(self, spec: dict[str, Any], marker: str) -> None:
        self.spec = spec
        self.marker = marker

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema and seen < 20:
            node: Any = self.spec
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
            seen += 1
        return schema

    def example(self, schema: dict[str, Any] | None, name: str = "", depth: int = 0) -> Any:
        schema = self.resolve(schema or {})
        if depth > 6:
            return None
        if "example" in schema:
            return schema["example"]
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            hint = STRING_HINTS.get(name)
            return hint if hint in schema["enum"] else schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                options = [self.resolve(s) for s in schema[key]]
                options = [s for s in options if s.get("type") != "null"] or options
                return self.example(options[0], name, depth + 1)
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            return self.example(merged, name, depth + 1)
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            props = schema.get("properties", {})
            out = {}
            for prop in schema.get("required", []):
                out[prop] = self.example(props.get(prop, {}), prop, depth + 1)
            if "expires_at" in props and "expires_at" not in out:
                out["expires_at"] = TOMORROW.isoformat()
            return out
        if kind == "array":
            count = max(int(schema.get("minItems", 0)), 1 if name in ("items", "lines") else 0)
            return [self.example(schema.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "boolean":
            return False
        if kind in ("integer", "number"):
            return self._number(schema, kind)
        if kind == "string" or not kind:
            return self._string(schema, name)
        return None

    def _number(self, schema: dict[str, Any], kind: str) -> int | float:
        low = schema.get("minimum")
        if "exclusiveMinimum" in schema:
            low = schema["exclusiveMinimum"] + 1
        value = low if low is not None and low > 1 else 1
        high = schema.get("maximum")
        if high is not None and value > high:
            value = high
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            value = schema["exclusiveMaximum"] - 1
        return int(value) if kind == "integer" else value

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "date":
            return TOMORROW.isoformat()
        if fmt == "date-time":
            return E2E_START.isoformat()
        if fmt == "uuid":
            return str(uuid.uuid4())
        value = STRING_HINTS.get(name, "{marker}").format(marker=self.marker)
        max_len = schema.get("maxLength")
        if max_len is not None:
            value = value[: int(max_len)]
        min_len = int(schema.get("minLength", 0))
        return value + "x" * max(0, min_len - len(value))

    def query(self, op: Operation) -> dict[str, Any]:
        """Required query parameters (and `scope`/`q`, which make a search meaningful)."""
        out = {}
        for param in op.query_params():
            pname = param["name"]
            if param.get("required") or pname in ("q", "scope"):
                out[pname] = self.example(param.get("schema", {}), pname)
        return out


def iter_ids(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(field name, value) for every id-like field anywhere in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and (k == "id" or k.endswith("_id")) and v:
                yield k, v
            else:
                yield from iter_ids(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from iter_ids(v, key)


def listed_ids(value: Any) -> list[str]:
    """The `id`s of the items of a listing response (the first list of objects that carry an id)."""
    if isinstance(value, list):
        ids = [v["id"] for v in value if isinstance(v, dict) and isinstance(v.get("id"), str)]
        if ids:
            return ids
        for v in value:
            found = listed_ids(v)
            if found:
                return found
    if isinstance(value, dict):
        for v in value.values():
            found = listed_ids(v)
            if found:
                return found
    return []


def collection_of(path: str, param: str) -> str:
    """`/v1/pantry/items/{item_id}/consume`, `item_id` -> `/v1/pantry/items`."""
    return path.split("{" + param + "}", 1)[0].rstrip("/")


def fill(path: str, values: dict[str, str]) -> str:
    return PARAM.sub(lambda m: values[m.group(1)], path)
