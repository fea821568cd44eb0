"""Cost of the API contract's request features, in process on SQLite: an `Idempotency-Key` (a first request and
a replayed retry) against the same POST without a key, and `?q=` accent-insensitive search and `?sort=name`
over 500 pantry items against the default listing. Baselines are measured in the same run."""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record import timed, write  # noqa: E402

from foodsave.api.apps import local_app  # noqa: E402
from foodsave.config import Settings  # noqa: E402
from foodsave.runtime.local import LocalRuntime  # noqa: E402

BATCH = 50
RUNS = 5
ITEMS = 500
AUTH = {"Authorization": "Bearer dev-bench"}
BODY = {"name": "Masło extra 200g", "quantity": "1", "unit": "szt", "expires_at": "2030-01-05"}
NAMES = (
    "Masło",
    "Mleko",
    "Chleb żytni",
    "Jogurt",
    "Ser żółty",
    "Kefir",
    "Pomidory",
    "Jabłka",
    "Śmietana",
    "Łosoś",
)


def per_request_ms(result: dict[str, float | int], batch: int) -> dict[str, float | int]:
    return {k: (round(v * 1000 / batch, 3) if k != "runs" else v) for k, v in result.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = LocalRuntime(
            Settings(env="local", data_dir=Path(tmp) / "data", dev_auth=True), schedule=False
        )
        try:
            with TestClient(local_app()) as client:
                report = measure(client)
        finally:
            runtime.stop()
    write("api_contract", report)


def measure(client: TestClient) -> dict[str, object]:
    def posts(headers_for) -> None:  # type: ignore[no-untyped-def]
        for _ in range(BATCH):
            assert client.post("/v1/pantry/items", json=BODY, headers=headers_for()).status_code == 201

    replay_key = str(uuid.uuid4())
    no_key = timed(lambda: posts(lambda: AUTH), runs=RUNS)
    first_key = timed(lambda: posts(lambda: {**AUTH, "Idempotency-Key": str(uuid.uuid4())}), runs=RUNS)
    replayed = timed(lambda: posts(lambda: {**AUTH, "Idempotency-Key": replay_key}), runs=RUNS)

    for n in range(ITEMS):
        body = {"name": f"{NAMES[n % len(NAMES)]} {n}", "expires_at": f"2030-01-{1 + n % 28:02d}"}
        client.post("/v1/pantry/items", json=body, headers=AUTH)

    def listing(params: dict[str, str]) -> None:
        for _ in range(BATCH):
            assert (
                client.get("/v1/pantry/items", params={"limit": "50", **params}, headers=AUTH).status_code
                == 200
            )

    in_pantry = client.get("/v1/pantry/items", params={"limit": "1"}, headers=AUTH).json()["total"]
    default_list = timed(lambda: listing({}), runs=RUNS)
    q_list = timed(lambda: listing({"q": "maslo"}), runs=RUNS)
    sort_list = timed(lambda: listing({"sort": "name"}), runs=RUNS)
    return {
        "unit": f"ms per request (median/min/max of runs of {BATCH} requests)",
        "post_pantry_item": {
            "baseline_without_key": per_request_ms(no_key, BATCH),
            "with_new_idempotency_key": per_request_ms(first_key, BATCH),
            "replayed_idempotency_key": per_request_ms(replayed, BATCH),
        },
        "list_pantry_items": {
            "items_in_pantry": in_pantry,
            "baseline_default_order": per_request_ms(default_list, BATCH),
            "q_accent_insensitive": per_request_ms(q_list, BATCH),
            "sort_by_folded_name": per_request_ms(sort_list, BATCH),
        },
    }


if __name__ == "__main__":
    main()
