"""Helpers for receipt integration tests: users, S3 events from the fixture, receipt files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parents[2] / "fixtures"


def s3_event(bucket: str, key: str, etag: str, size: int) -> dict[str, Any]:
    """The real-shaped S3 event fixture, pointed at one object (key URL-encoded as S3 sends it)."""
    from urllib.parse import quote_plus

    event = copy.deepcopy(json.loads((FIXTURES / "events" / "s3_receipt.json").read_text()))
    record = event["Records"][0]["s3"]
    record["bucket"]["name"] = bucket
    record["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    record["object"].update({"key": quote_plus(key, safe="/"), "eTag": etag, "size": size})
    return event


@pytest.fixture
def receipt_pdf() -> bytes:
    """A receipt PDF with a text layer (the pipeline reads it without OCR)."""
    from devkit.receiptgen import text_pdf

    return text_pdf((FIXTURES / "receipts" / "biedronka_01.txt").read_text())


@pytest.fixture
def make_user(services):  # type: ignore[no-untyped-def]
    from foodsave.users import get_or_create_user

    def make(name: str = "anna") -> str:
        with services.db.session() as session:
            return get_or_create_user(session, f"dev:{name}").id

    return make
