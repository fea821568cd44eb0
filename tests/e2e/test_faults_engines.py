"""Engines that go away: the OCR engine missing, the language model timing out, the database down during a chat.
Each answers with a clear failure or a degraded reply, writes nothing half-done, and recovers without a restart."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devkit.demo import QUESTION
from tests.e2e.conftest import bearer, receipt_jpeg
from tests.e2e.uploads import upload

OPERATOR = {"Authorization": "Bearer dev-ops-status"}  # /v1/status details are for operators

# --- OCR engine missing -------------------------------------------------------------------------------------


def _forget_ocr_engine() -> None:
    """A cold container: no engine built yet, and the status page's five-minute OCR probe cache empty."""
    from foodsave.alerts import status
    from foodsave.receipts import ocr

    ocr._engines.clear()
    ocr.TesserocrEngine._api = None
    status._ocr_cache = None


@pytest.fixture
def ocr_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No Polish tessdata anywhere and no `tesseract` binary on PATH, as in an image built without the layer."""
    from foodsave.receipts import ocr

    empty = tmp_path / "tessdata"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))
    monkeypatch.setenv("FOODSAVE_TESSDATA_PREFIX", str(empty))
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(ocr, "_TESSDATA_CANDIDATES", ())
    _forget_ocr_engine()
    try:
        yield monkeypatch
    finally:
        monkeypatch.undo()
        _forget_ocr_engine()


def _user_receipt(e2e, user: str, seed: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    sent = upload(e2e.client, "/v1/receipts", bearer(user), "r.jpg", receipt_jpeg(seed), "image/jpeg")
    assert not sent.refused, sent.body
    assert e2e.runtime.wait_idle(120)
    return dict(e2e.client.get(f"/v1/receipts/{sent.resource_id}", headers=bearer(user)).json())


def _published_for(e2e, receipt_id: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    path = Path(e2e.data_dir) / "events.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [e for e in map(json.loads, lines) if e.get("data", {}).get("receipt_id") == receipt_id]


def test_receipt_fails_with_a_clear_reason_while_the_ocr_engine_is_missing(e2e, ocr_missing):
    receipt = _user_receipt(e2e, "no-ocr", seed=3)
    assert receipt["status"] == "failed"
    assert "tesseract" in receipt["failure_reason"].lower(), receipt["failure_reason"]
    assert receipt["lines"] == [] and receipt["total"] is None
    pantry = e2e.client.get("/v1/pantry/items", headers=bearer("no-ocr")).json()["items"]
    assert pantry == []
    e2e.services.dispatch_outbox()
    assert [e["type"] for e in _published_for(e2e, receipt["id"])] == []


def test_status_reports_ocr_degraded_while_the_engine_is_missing(e2e, ocr_missing):
    resp = e2e.client.get("/v1/status", headers=OPERATOR)
    assert resp.status_code == 200  # OCR is not required for the API to answer
    body = resp.json()
    assert body["status"] == "degraded"
    assert body["components"]["ocr"]["status"] == "degraded"
    assert "not available" in body["components"]["ocr"]["detail"]


def test_receipts_parse_again_once_the_ocr_engine_is_back_without_a_restart(e2e, ocr_missing):
    failed = _user_receipt(e2e, "ocr-back", seed=4)
    assert failed["status"] == "failed"
    ocr_missing.undo()
    _forget_ocr_engine()
    parsed = _user_receipt(e2e, "ocr-back", seed=4)
    assert parsed["status"] in ("parsed", "needs_review"), parsed
    assert parsed["lines"] and parsed["total"] is not None
    assert e2e.client.get("/v1/status", headers=OPERATOR).json()["components"]["ocr"]["status"] == "ok"


# --- the language model timing out ---------------------------------------------------------------------------


class FakeBedrock:
    """A Bedrock Converse endpoint on 127.0.0.1: it either hangs past the client's read timeout or answers
    with the draft reply it was sent, lightly rephrased (so every number in it is grounded)."""

    PREFIX = "Oto co proponuję. "

    def __init__(self) -> None:
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake.calls += 1
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                if fake.hanging.is_set():
                    fake.release.wait(10)
                    return
                prompt = body["messages"][-1]["content"][0]["text"]
                draft = prompt.split("DRAFT:\n", 1)[1]
                answer = {
                    "output": {"message": {"role": "assistant", "content": [{"text": fake.PREFIX + draft}]}},
                    "stopReason": "end_turn",
                    "usage": {"inputTokens": 10, "outputTokens": 10, "totalTokens": 20},
                    "metrics": {"latencyMs": 5},
                }
                raw = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def bedrock(e2e, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """A fake Bedrock endpoint; `_switch_to_bedrock` points the chat at it, the teardown goes back offline."""
    from foodsave.agents.llm import OfflineLLM

    fake = FakeBedrock()
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url)
    try:
        yield fake
    finally:
        e2e.services.lazy.llm.set(OfflineLLM())
        monkeypatch.undo()
        fake.close()


def _switch_to_bedrock(e2e) -> None:  # type: ignore[no-untyped-def]
    """The chat on Bedrock: a real boto3 client with a half-second read timeout, built as the bootstrap does."""
    from foodsave.bootstrap import build_llm

    settings = e2e.services.settings.model_copy(
        update={"llm_provider": "bedrock", "llm_timeout_seconds": 0.5}
    )
    e2e.services.lazy.llm.set(build_llm(settings))


def _chat(e2e, user: str, message: str = QUESTION) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = e2e.client.post("/v1/chat", json={"message": message}, headers=bearer(user))
    return resp.status_code, resp.json()


def _stock_pantry(e2e, user: str) -> None:  # type: ignore[no-untyped-def]
    for name in ("Jogurt naturalny", "Mleko 2%"):
        resp = e2e.client.post("/v1/pantry/items", json={"name": name}, headers=bearer(user))
        assert resp.status_code == 201, resp.text


def test_chat_answers_with_the_template_reply_while_the_llm_times_out(e2e, bedrock, monkeypatch):
    _stock_pantry(e2e, "llm-slow")
    status, template = _chat(e2e, "llm-slow")  # offline: the template reply from the tools
    assert status == 200 and template["degraded"] == []
    _switch_to_bedrock(e2e)
    bedrock.hanging.set()
    status, slow = _chat(e2e, "llm-slow")
    assert status == 200, slow
    assert "llm" in slow["degraded"]
    assert bedrock.calls >= 1
    assert slow["reply"] == template["reply"]
    assert (slow["agent"], slow["sources"], slow["actions"]) == (
        template["agent"],
        template["sources"],
        template["actions"],
    )


def test_chat_uses_the_llm_again_once_it_answers(e2e, bedrock, monkeypatch):
    _stock_pantry(e2e, "llm-back")
    _switch_to_bedrock(e2e)
    bedrock.hanging.set()
    status, slow = _chat(e2e, "llm-back")
    assert status == 200 and "llm" in slow["degraded"]
    bedrock.hanging.clear()
    bedrock.release.set()
    status, back = _chat(e2e, "llm-back")
    assert status == 200, back
    assert back["degraded"] == []
    assert back["reply"] == FakeBedrock.PREFIX + slow["reply"]
    assert back["sources"] == slow["sources"]


# --- the database down during a chat --------------------------------------------------------------------------


@pytest.fixture
def pg_client(pg_url: str, pg_cluster, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The merged local app on a fresh PostgreSQL database of the shared test cluster."""
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from foodsave.adapters.local import FrozenClock
    from foodsave.api.apps import local_app
    from foodsave.bootstrap import build_services, set_services
    from foodsave.config import Settings
    from foodsave.observability import clear_metric_sinks

    settings = Settings(
        env="local", data_dir=tmp_path / "data", database_url=SecretStr(pg_url), dev_auth=True
    )
    services = build_services(settings)
    services.clock = FrozenClock()
    clear_metric_sinks()
    set_services(services)
    try:
        with TestClient(local_app(), raise_server_exceptions=False) as client:
            yield client
    finally:
        set_services(None)
        clear_metric_sinks()


def _conversations(client, user: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = client.get("/v1/conversations", headers=bearer(user))
    assert resp.status_code == 200, resp.text
    return list(resp.json()["items"])


def _messages(client, user: str, conversation_id: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = client.get(f"/v1/conversations/{conversation_id}", headers=bearer(user))
    assert resp.status_code == 200, resp.text
    return list(resp.json()["messages"])


def test_chat_with_the_database_down_is_503_and_writes_nothing(pg_client, pg_cluster):
    first = pg_client.post("/v1/chat", json={"message": "co mam w lodówce?"}, headers=bearer("pg-chat"))
    assert first.status_code == 200, first.text
    conversation = first.json()["conversation_id"]
    before = _messages(pg_client, "pg-chat", conversation)
    pg_cluster.pause()
    try:
        follow_up = {"message": QUESTION, "conversation_id": conversation}
        down = pg_client.post("/v1/chat", json=follow_up, headers=bearer("pg-chat"))
        fresh = pg_client.post("/v1/chat", json={"message": QUESTION}, headers=bearer("pg-chat"))
    finally:
        pg_cluster.resume()
    for resp in (down, fresh):
        assert resp.status_code == 503, resp.text
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert resp.json()["status"] == 503 and "Traceback" not in resp.text
    assert [c["id"] for c in _conversations(pg_client, "pg-chat")] == [conversation]
    assert _messages(pg_client, "pg-chat", conversation) == before


def test_chat_works_again_once_the_database_is_back(pg_client, pg_cluster):
    pg_cluster.pause()
    try:
        down = pg_client.post("/v1/chat", json={"message": QUESTION}, headers=bearer("pg-back"))
    finally:
        pg_cluster.resume()
    assert down.status_code == 503
    back = pg_client.post("/v1/chat", json={"message": QUESTION}, headers=bearer("pg-back"))
    assert back.status_code == 200, back.text
    assert back.json()["reply"]
    (only,) = _conversations(pg_client, "pg-back")
    assert only["id"] == back.json()["conversation_id"]
    assert [m["role"] for m in _messages(pg_client, "pg-back", only["id"])] == ["user", "assistant"]
