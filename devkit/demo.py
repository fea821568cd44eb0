"""`foodsave demo`: the whole story over HTTP against a local runtime started in this process: receipts to
pantry, expiry warnings after the clock moves, chat recipes from what is running out, a meal plan with a
shopping list, a question about an uploaded document, and an alert evaluation."""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from foodsave.runtime.local import LocalRuntime

QUESTION = "co ugotować z tego, co się kończy?"
DOCUMENT = (
    "Domowe zasady przechowywania\n\n"
    "Chleb trzymamy w lnianym worku w chlebaku, nigdy w lodówce. Po dwóch dniach kroimy go i mrozimy.\n\n"
    "Otwarty jogurt zjadamy w ciągu trzech dni. Resztki zupy mrozimy w porcjach na jeden obiad.\n"
)


@dataclass
class StoryResult:
    """What each step produced; the automated test reads it."""

    steps: list[tuple[str, bool, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.steps)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def receipt_files(seed: int = 21, day: date | None = None) -> list[tuple[str, bytes, str]]:
    """Two receipt photos and one PDF from the synthetic receipt generator, dated `day` when given."""
    import random

    from devkit import receiptgen as synth

    rng = random.Random(seed)
    font = synth.installed_fonts()[0]
    files = []
    for name, kind, mime in (("paragon-1.jpg", "jpeg", "image/jpeg"), ("paragon-2.jpg", "jpeg", "image/jpeg"),
                             ("paragon-3.pdf", "pdf", "application/pdf")):  # fmt: skip
        receipt = synth.generate_receipt(rng, day=day)
        image = synth.render_receipt(receipt, synth.RenderOptions(font_path=font, font_size=26))
        files.append((name, synth.encode(image, kind, 90), mime))
    return files


class Story:
    """The demo story as HTTP calls; `say` prints (or collects) each step."""

    def __init__(self, client: httpx.Client, runtime: LocalRuntime, say: Callable[[str], None]) -> None:
        self.http = client
        self.runtime = runtime
        self.say = say
        self.result = StoryResult()
        self.headers = {"Authorization": "Bearer dev-demo"}
        self.operator = {"Authorization": "Bearer dev-ops-demo"}

    def step(self, title: str, ok: bool, detail: str = "") -> None:
        self.result.steps.append((title, ok, detail))
        self.say(f"[{'ok' if ok else 'FAILED'}] {title}" + (f"\n      {detail}" if detail else ""))

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", self.headers)
        return self.http.request(method, path, timeout=120, **kwargs)

    def run(self) -> StoryResult:
        for part in (self.sign_in, self.upload_receipts, self.review_and_confirm, self.show_pantry,
                     self.expiry_notifications, self.chat_recipes, self.meal_plan, self.document_question,
                     self.evaluate_alerts):  # fmt: skip
            try:
                part()
            except Exception as exc:  # noqa: BLE001 - a broken step is shown and the story goes on
                self.step(part.__name__.replace("_", " "), False, f"{type(exc).__name__}: {exc}")
        return self.result

    def sign_in(self) -> None:
        me = self.call("GET", "/v1/me").json()
        self.result.data["user_id"] = me["id"]
        self.step("sign in as the demo user", bool(me.get("id")), f"user {me['id']}, {me['timezone']}")

    def upload_receipts(self) -> None:
        ids = []
        today = self.runtime.services.clock.now().date()
        for name, data, mime in receipt_files(day=today):
            resp = self.call("POST", "/v1/receipts", files={"file": (name, data, mime)})
            ok = resp.status_code in (201, 202)
            rid = resp.json()["receipt"]["id"] if ok else None
            ids.append(rid)
            self.step(f"upload {name}", ok, f"HTTP {resp.status_code}, receipt {rid}")
        self.result.data["receipt_ids"] = [i for i in ids if i]
        started = time.monotonic()
        idle = self.runtime.wait_idle(300)
        self.step("wait for OCR and parsing", idle, f"{time.monotonic() - started:.1f} s")

    def review_and_confirm(self) -> None:
        confirmed = 0
        for rid in self.result.data.get("receipt_ids", []):
            receipt = self.call("GET", f"/v1/receipts/{rid}").json()
            lines = receipt.get("lines", [])
            summary = ", ".join(f"{ln['name']} {ln['total']}" for ln in lines[:4])
            self.step(
                f"review receipt {rid[:8]}",
                receipt["status"] in ("parsed", "needs_review"),
                f"{receipt['status']}: {receipt.get('merchant')} {receipt.get('total')} PLN; {summary}",
            )
            if receipt["status"] in ("parsed", "needs_review"):
                # The user has looked at the open flags (if any) and accepts the receipt as it is.
                accept = {"accept_warnings": receipt["status"] == "needs_review"}
                resp = self.call("POST", f"/v1/receipts/{rid}/confirm", json=accept)
                if resp.status_code == 200:
                    confirmed += len(resp.json()["pantry_items"])
        self.step("confirm receipts into the pantry", confirmed > 0, f"{confirmed} pantry items added")

    def show_pantry(self) -> None:
        items = self.call("GET", "/v1/pantry/items", params={"limit": 100}).json()["items"]
        self.result.data["pantry"] = items
        shown = "; ".join(f"{i['name']} (do {i['expires_at']})" for i in items[:8])
        self.step("pantry with expiry dates", bool(items) and all(i["expires_at"] for i in items), shown)

    def expiry_notifications(self) -> None:
        from foodsave.adapters.local import FrozenClock

        now = self.runtime.services.clock.now()
        dated = sorted(i["expires_at"] for i in self.result.data.get("pantry", []) if i.get("expires_at"))
        first = datetime.fromisoformat(dated[0]).replace(tzinfo=UTC) if dated else now
        # 10:00 in Warsaw, the day before the first expiry; the clock only ever moves forward.
        when = max((first - timedelta(days=1)).replace(hour=9), now)
        self.runtime.services.clock = FrozenClock(when)
        self.runtime.fire_schedule(when)
        notes = self.call("GET", "/v1/notifications").json()["items"]
        self.result.data["notifications"] = notes
        shown = "; ".join(
            str(n.get("title") or n.get("payload", {}).get("item_name") or n["kind"]) for n in notes[:5]
        )
        self.step(f"advance the clock to {when:%Y-%m-%d %H:%M} UTC and run the schedule", True)
        self.step("expiry notifications", bool(notes), f"{len(notes)}: {shown}")

    def chat_recipes(self) -> None:
        resp = self.call("POST", "/v1/chat", json={"message": QUESTION})
        body = resp.json()
        self.result.data["chat"] = body
        self.step(f'chat: "{QUESTION}"', resp.status_code == 200 and bool(body.get("reply")),
                  f"[{body.get('agent')}] {str(body.get('reply'))[:400]}")  # fmt: skip

    def meal_plan(self) -> None:
        resp = self.call("POST", "/v1/meal-plans", json={"days": 3})
        body = resp.json()
        self.result.data["meal_plan"] = body
        days = body.get("days", [])
        shopping = body.get("shopping_list", [])
        menu = " | ".join(", ".join(m["title"] for m in d.get("meals", [])) for d in days)
        self.step("plan three days of meals", resp.status_code in (200, 201) and len(days) == 3, menu[:400])
        names = ", ".join(str(s.get("name")) for s in shopping[:10])
        self.step(
            "shopping list of what is missing", resp.status_code in (200, 201), names or "nothing missing"
        )

    def document_question(self) -> None:
        paths = set(self.call("GET", "/openapi.json").json()["paths"])
        if "/v1/documents" not in paths:
            self.step("upload a document and ask about it", False, "the documents API is not available")
            return
        resp = self.call(
            "POST", "/v1/documents", files={"file": ("zasady.txt", DOCUMENT.encode(), "text/plain")}
        )
        self.step("upload a document", resp.status_code in (201, 202), f"HTTP {resp.status_code}")
        self.runtime.wait_idle(120)
        answer = self.call(
            "POST", "/v1/chat", json={"message": "Co mówią moje notatki o przechowywaniu chleba?"}
        )
        body = answer.json()
        self.result.data["document_answer"] = body
        self.step("ask about the document, with a citation", bool(body.get("sources")),
                  f"{str(body.get('reply'))[:300]} sources={body.get('sources')}")  # fmt: skip

    def evaluate_alerts(self) -> None:
        outcome = self.runtime.fire_schedule(self.runtime.services.clock.now()) or {}
        alerts = self.call("GET", "/v1/alerts", headers=self.operator)
        self.result.data["alerts"] = alerts.json() if alerts.status_code == 200 else None
        self.step("evaluate operational alerts", alerts.status_code == 200,
                  f"changes {outcome.get('alert_changes')}, active {alerts.text[:200]}")  # fmt: skip


def run_demo(data_dir: Path, say: Callable[[str], None] = print) -> StoryResult:
    """Start the runtime and uvicorn on a free 127.0.0.1 port, run the story, stop everything."""
    import httpx
    import uvicorn

    from foodsave.api.apps import local_app
    from foodsave.config import Settings
    from foodsave.runtime.local import LocalRuntime

    runtime = LocalRuntime(
        Settings(env="local", data_dir=data_dir, dev_auth=True), schedule=False, poll_seconds=0.1
    )
    runtime.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    store = runtime.services.store
    if hasattr(store, "upload_url"):
        store.upload_url = f"{base}/local-uploads"
    server = uvicorn.Server(uvicorn.Config(local_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="foodsave-demo-http", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        say(f"FoodSave demo on {base} (data: {data_dir})")
        with httpx.Client(base_url=base) as client:
            return Story(client, runtime, say).run()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.stop()


def main(args: argparse.Namespace) -> int:
    """Run the story (the body of `foodsave demo`)."""
    if not args.verbose:  # the story's own lines, not the handlers' JSON logs
        from foodsave.observability import logger

        logger.setLevel("WARNING")
    chosen = args.demo_data_dir or (
        str(Path(os.environ["FOODSAVE_DATA_DIR"]) / "demo") if os.environ.get("FOODSAVE_DATA_DIR") else None
    )
    if chosen:
        result = run_demo(Path(chosen))
    else:
        with tempfile.TemporaryDirectory(prefix="foodsave-demo-") as tmp:
            result = run_demo(Path(tmp) / "data")
    failed = [title for title, ok, _ in result.steps if not ok]
    print("demo finished: " + ("every step ok" if not failed else f"{len(failed)} step(s) failed: {failed}"))
    return 0 if not failed else 1
