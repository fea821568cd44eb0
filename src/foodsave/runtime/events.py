"""Builders of real-shaped AWS events: S3 ObjectCreated, SQS batches, EventBridge schedules, HTTP API v2 requests."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

REGION = "eu-central-1"
ACCOUNT = "123456789012"


def _iso(when: datetime | None = None) -> str:
    return (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def s3_object_created(
    bucket: str, key: str, etag: str, size: int, *, sequencer: str | None = None
) -> dict[str, Any]:
    """An S3 event notification as Lambda receives it (keys are URL-encoded, as S3 sends them)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventTime": _iso(),
                "eventName": "ObjectCreated:Post",
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {
                    "x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                    "x-amz-id-2": "local",
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "receipts-to-ocr",
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": "A3EXAMPLE"},
                        "arn": f"arn:aws:s3:::{bucket}",
                    },
                    "object": {
                        "key": quote_plus(key, safe="/"),
                        "size": size,
                        "eTag": etag,
                        "sequencer": sequencer or uuid.uuid4().hex[:18].upper(),
                    },
                },
            }
        ]
    }


def sqs_record(
    body: str,
    *,
    message_id: str | None = None,
    receipt_handle: str | None = None,
    receive_count: int = 1,
    sent_at: float | None = None,
    trace_header: str | None = None,
    queue_arn: str = f"arn:aws:sqs:{REGION}:{ACCOUNT}:foodsave-index-jobs",
) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(int((sent_at or datetime.now(UTC).timestamp()) * 1000)),
        "SenderId": "AIDAEXAMPLE",
        "ApproximateFirstReceiveTimestamp": str(int(datetime.now(UTC).timestamp() * 1000)),
    }
    if trace_header:
        attributes["AWSTraceHeader"] = trace_header
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": receipt_handle or base64.b64encode(uuid.uuid4().bytes).decode(),
        "body": body,
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def sqs_batch(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": list(records)}


def sqs_event(bodies: Iterable[dict[str, Any] | str]) -> dict[str, Any]:
    return sqs_batch(sqs_record(b if isinstance(b, str) else json.dumps(b)) for b in bodies)


def scheduled_event(when: datetime, rule: str = "foodsave-alert-evaluator-schedule") -> dict[str, Any]:
    """The EventBridge schedule's event, fired at `when` (the caller's clock)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}"],
        "detail": {},
    }


def http_api_request(
    method: str,
    path: str,
    *,
    sub: str | None = None,
    body: Any = None,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) request, with the JWT authorizer's claims when `sub` is given."""
    raw_body = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    hdrs = {"host": "api.foodsave.example", "content-type": "application/json", **(headers or {})}
    context: dict[str, Any] = {
        "accountId": ACCOUNT,
        "apiId": "abc123",
        "domainName": "api.foodsave.example",
        "domainPrefix": "api",
        "http": {
            "method": method,
            "path": path,
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "foodsave-app",
        },
        "requestId": str(uuid.uuid4()),
        "routeKey": "$default",
        "stage": "$default",
        "time": datetime.now(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(datetime.now(UTC).timestamp() * 1000),
    }
    if sub:
        context["authorizer"] = {"jwt": {"claims": {"sub": sub, "token_use": "access"}, "scopes": []}}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": hdrs,
        "requestContext": context,
        "body": raw_body,
        "isBase64Encoded": False,
    }
