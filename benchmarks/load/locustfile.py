"""Locust user of the FoodSave API: the mobile app's mix of pantry reads and writes, chat, search and
receipt uploads, each virtual user signed in as its own dev user. `/health` is the in-run baseline."""

from __future__ import annotations

import io
import itertools
import random
import sys
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

# The receipt generator lives in the development checkout (devkit/), not in the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

_counter = itertools.count()
_lock = threading.Lock()
_receipt: bytes | None = None
_spec: dict[str, Any] | None = None

MESSAGES = (
    "co mam w spiżarni?",
    "co ugotować z tego, co się kończy?",
    "dodaj 2 mleka",
    "ile wydałem w tym miesiącu?",
    "what can I cook tonight?",
)
QUERIES = ("jak przechowywać chleb", "zupa pomidorowa", "mrożenie mięsa", "ryż z warzywami")


def receipt_photo() -> bytes:
    """One generated receipt JPEG shared by every user (rendered once)."""
    global _receipt
    with _lock:
        if _receipt is None:
            from devkit import receiptgen as synth

            receipt = synth.generate_receipt(random.Random(3))
            font = synth.installed_fonts()[0]
            _receipt = synth.encode(
                synth.render_receipt(receipt, synth.RenderOptions(font_path=font)), "jpeg"
            )
        return _receipt


class AppUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        global _spec
        self.name = f"load-{next(_counter)}"
        self.headers = {"Authorization": f"Bearer dev-{self.name}"}
        self.items: list[str] = []
        with _lock:
            if _spec is None:
                _spec = self.client.get("/openapi.json", name="/openapi.json").json()
        self.paths = set(_spec.get("paths", {}))
        receipts = _spec.get("paths", {}).get("/v1/receipts", {}).get("post", {})
        self.multipart_receipts = any(
            m.startswith("multipart/") for m in (receipts.get("requestBody") or {}).get("content", {})
        )

    @task(1)
    def health(self) -> None:
        self.client.get("/health", name="GET /health (baseline)")

    @task(6)
    def list_pantry(self) -> None:
        self.client.get("/v1/pantry/items", headers=self.headers, name="GET /v1/pantry/items")

    @task(3)
    def add_item(self) -> None:
        body = {
            "name": random.choice(("Mleko 2%", "Jogurt naturalny", "Chleb żytni")),
            "expires_at": "2030-01-01",
        }
        resp = self.client.post(
            "/v1/pantry/items", json=body, headers=self.headers, name="POST /v1/pantry/items"
        )
        if resp.status_code == 201:
            self.items.append(resp.json()["id"])

    @task(2)
    def update_item(self) -> None:
        if not self.items:
            return
        item = random.choice(self.items)
        self.client.patch(
            f"/v1/pantry/items/{item}",
            json={"quantity": "2"},
            headers=self.headers,
            name="PATCH /v1/pantry/items/{id}",
        )

    @task(3)
    def chat(self) -> None:
        if "/v1/chat" not in self.paths:
            return
        self.client.post(
            "/v1/chat", json={"message": random.choice(MESSAGES)}, headers=self.headers, name="POST /v1/chat"
        )

    @task(3)
    def search(self) -> None:
        if "/v1/search" not in self.paths:
            return
        params = {"q": random.choice(QUERIES), "scope": random.choice(("recipes", "knowledge")), "k": 5}
        self.client.get("/v1/search", params=params, headers=self.headers, name="GET /v1/search")

    @task(1)
    def upload_receipt(self) -> None:
        """The upload request only; OCR runs in the background and must not slow the other routes."""
        if "/v1/receipts" not in self.paths:
            return
        name = "POST /v1/receipts (upload, OCR queued)"
        if self.multipart_receipts:
            files = {"file": ("r.jpg", io.BytesIO(receipt_photo()), "image/jpeg")}
            self.client.post("/v1/receipts", files=files, headers=self.headers, name=name)
            return
        resp = self.client.post(
            "/v1/receipts", json={"content_type": "image/jpeg"}, headers=self.headers, name=name
        )
        if resp.status_code >= 300:
            return
        body = resp.json()
        slot = body.get("upload") or body
        if "url" in slot and "fields" in slot:
            self.client.post(
                slot["url"],
                data=slot["fields"],
                files={"file": ("r.jpg", io.BytesIO(receipt_photo()), "image/jpeg")},
                name="POST /local-uploads (receipt file)",
            )
