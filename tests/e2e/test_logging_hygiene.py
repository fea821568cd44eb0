"""At INFO, the logs carry no personal data or secrets: no receipt text, no chat message, no bearer token,
no upload signature. Every record of every logger (Powertools and stdlib), with its extra fields, is read."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from foodsave.observability import logger as powertools_logger
from tests.e2e.conftest import bearer, receipt_jpeg
from tests.e2e.uploads import upload

SECRET_MESSAGE = "mam alergię na orzechy i kredyt 48000 zł w banku Zzyzx"
TOKEN_NAME = "loghygiene-7f3a9c"


class Everything(logging.Handler):
    """Keeps each record as its full attribute dict (message, args and every `extra` field)."""

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        data = dict(record.__dict__)
        data["rendered"] = record.getMessage()
        if record.exc_info:
            data["exc"] = logging.Formatter().formatException(record.exc_info)
        self.lines.append(json.dumps(data, default=str, ensure_ascii=False))


@pytest.fixture
def captured() -> Iterator[Everything]:
    handler = Everything()
    loggers = [logging.getLogger(), powertools_logger._logger]  # Powertools does not propagate to root
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def _assert_absent(lines: list[str], *needles: str) -> None:
    text = "\n".join(lines)
    for needle in needles:
        assert needle.lower() not in text.lower(), f"{needle!r} appears in the logs"


def test_chat_message_and_token_never_reach_the_logs(e2e, captured):
    resp = e2e.client.post("/v1/chat", json={"message": SECRET_MESSAGE}, headers=bearer(TOKEN_NAME))
    assert resp.status_code == 200, resp.text
    assert captured.lines, "the request logged nothing at all; the capture is not wired"
    _assert_absent(
        captured.lines, SECRET_MESSAGE, "orzechy", "Zzyzx", f"dev-{TOKEN_NAME}", resp.json()["reply"][:40]
    )


def test_receipt_text_and_upload_signature_never_reach_the_logs(e2e, captured):
    import random

    from devkit import receiptgen as synth

    receipt = synth.generate_receipt(random.Random(1))
    result = upload(e2e.client, "/v1/receipts", bearer(TOKEN_NAME), "r.jpg", receipt_jpeg(1), "image/jpeg")
    assert not result.refused, result.body
    assert e2e.runtime.wait_idle(120)
    parsed = e2e.client.get(f"/v1/receipts/{result.resource_id}", headers=bearer(TOKEN_NAME)).json()
    assert captured.lines
    item_names = [
        line["name_raw"] for line in parsed.get("lines", parsed.get("items", [])) if len(line["name_raw"]) > 5
    ]
    raw_lines = [
        ln.strip() for ln in (parsed.get("raw_text") or receipt.text()).splitlines() if len(ln.strip()) > 12
    ]
    signature = json.dumps(result.body)
    secrets = [
        v for k, v in _walk(result.body) if k in ("signature", "policy", "x-amz-signature", "X-Amz-Signature")
    ]
    _assert_absent(captured.lines, *item_names, *raw_lines[:10], *secrets, f"dev-{TOKEN_NAME}")
    assert signature  # the slot itself was answered to the client, only the client


def _walk(value, key: str = ""):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    elif isinstance(value, str) and len(value) > 8:
        yield key, value
