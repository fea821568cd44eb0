"""Which uploaded objects an event announces: S3 notifications (direct or as an SQS message body) and
S3 "Object Created" events from EventBridge (the deployed receipts queue carries those)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent
from aws_lambda_powertools.utilities.data_classes.s3_event import S3EventRecord

from foodsave.errors import InvalidInput


class MalformedUploadEvent(InvalidInput):
    """A message that announces no object in a shape this consumer knows."""


@dataclass(frozen=True)
class UploadedObject:
    bucket: str
    key: str
    etag: str | None = None
    size: int | None = None


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedUploadEvent(f"{what} is missing")
    return value


def object_from_s3_record(record: Mapping[str, Any]) -> UploadedObject:
    """One record of an S3 event notification (Powertools `S3EventRecord`); S3 URL-encodes keys there."""
    try:
        s3 = S3EventRecord(dict(record)).s3
        name, obj = s3.bucket.name, s3.get_object
        raw_key = obj.key
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedUploadEvent("not an S3 event record") from exc
    etag = obj.get("eTag")
    return UploadedObject(
        bucket=_text(name, "bucket name"),
        key=unquote_plus(_text(raw_key, "object key")),
        etag=etag if isinstance(etag, str) else None,
        size=_size(obj.get("size")),
    )


def object_from_eventbridge(event: Mapping[str, Any]) -> UploadedObject:
    """An EventBridge `Object Created` event from S3 (Powertools `S3EventBridgeNotificationEvent`); keys
    there are not URL-encoded, so the raw key is kept."""
    try:
        detail = S3EventBridgeNotificationEvent(dict(event)).detail
        name, obj = detail.bucket.name, detail.object
        raw_key = obj["key"]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedUploadEvent("the event names no bucket or object") from exc
    etag = obj.get("etag")
    return UploadedObject(
        bucket=_text(name, "bucket name"),
        key=_text(raw_key, "object key"),
        etag=etag if isinstance(etag, str) else None,
        size=_size(obj.get("size")),
    )


def redelivery_message(obj: UploadedObject) -> dict[str, Any]:
    """An S3 notification announcing `obj` again (keys URL-encoded, as S3 sends them), for an upload whose
    reading must be retried; `objects_in_message` reads it back as `obj`."""
    announced: dict[str, Any] = {"key": quote_plus(obj.key, safe="/")}
    if obj.etag is not None:
        announced["eTag"] = obj.etag
    if obj.size is not None:
        announced["size"] = obj.size
    record = {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Redelivered",
        "s3": {"bucket": {"name": obj.bucket}, "object": announced},
    }
    return {"Records": [record]}


def objects_in_message(body: str) -> list[UploadedObject]:
    """The objects an SQS message body announces (an S3 test event announces none)."""
    try:
        payload = json.loads(body)
    except (TypeError, ValueError) as exc:
        raise MalformedUploadEvent("the message body is not JSON") from exc
    if not isinstance(payload, Mapping):
        raise MalformedUploadEvent("the message body is not a JSON object")
    if payload.get("source") == "aws.s3" and payload.get("detail-type") == "Object Created":
        return [object_from_eventbridge(payload)]
    if payload.get("Event") == "s3:TestEvent":
        return []
    records = payload.get("Records")
    if isinstance(records, list) and records:
        return [object_from_s3_record(r) for r in records]
    raise MalformedUploadEvent("the message is neither an S3 notification nor an S3 EventBridge event")


def is_sqs_batch(event: Mapping[str, Any]) -> bool:
    """An SQS event source batch (as opposed to S3 invoking the function with its own records)."""
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and isinstance(records[0], Mapping)
        and records[0].get("eventSource") == "aws:sqs"
    )
