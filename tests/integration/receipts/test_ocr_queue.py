"""The ocr handler on SQS batches from the receipts queue: S3 EventBridge events in, partial batch failures out."""

from __future__ import annotations

import dataclasses
import json
import uuid

from foodsave.bootstrap import set_services
from foodsave.db.models import Receipt
from foodsave.db.session import Database
from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler


def invoke_ocr(event):  # type: ignore[no-untyped-def]
    return load_handler("ocr")(event, LocalLambdaContext(function_name="foodsave-ocr"))


def object_created(bucket: str, key: str, etag: str, size: int) -> str:
    """The body EventBridge puts on the receipts queue for an S3 upload (key not URL-encoded)."""
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Object Created",
            "source": "aws.s3",
            "account": "123456789012",
            "region": "eu-central-1",
            "resources": [f"arn:aws:s3:::{bucket}"],
            "detail": {
                "version": "0",
                "bucket": {"name": bucket},
                "object": {"key": key, "size": size, "etag": etag},
                "reason": "PostObject",
            },
        }
    )


def sqs_batch(*bodies: str) -> dict:  # type: ignore[type-arg]
    return {
        "Records": [
            {
                "messageId": f"m{i}",
                "receiptHandle": f"h{i}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1767225600000"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-central-1:123456789012:receipts",
                "awsRegion": "eu-central-1",
            }
            for i, body in enumerate(bodies)
        ]
    }


def _uploaded(services, make_user, receipt_pdf) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    user = make_user()
    receipt_id = str(uuid.uuid4())
    key = f"uploads/receipts/{user}/{receipt_id}.pdf"
    services.store.put(key, receipt_pdf, "application/pdf")
    info = services.store.head(key)
    return receipt_id, object_created(services.store.bucket, key, info.etag, info.size)


def test_a_queued_upload_is_parsed_and_the_batch_reports_no_failure(services, make_user, receipt_pdf):
    receipt_id, body = _uploaded(services, make_user, receipt_pdf)
    response = invoke_ocr(sqs_batch(body))
    assert response == {"batchItemFailures": []}
    with services.db.session() as session:
        assert session.get(Receipt, receipt_id).status == "parsed"


def test_an_unreadable_message_fails_alone_and_the_rest_of_the_batch_is_processed(
    services, make_user, receipt_pdf
):
    receipt_id, body = _uploaded(services, make_user, receipt_pdf)
    response = invoke_ocr(sqs_batch("not an event", body))
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    with services.db.session() as session:
        assert session.get(Receipt, receipt_id).status == "parsed"


def test_a_database_outage_returns_the_message_to_the_queue(services, make_user, receipt_pdf):
    _, body = _uploaded(services, make_user, receipt_pdf)
    unreachable = Database(
        "postgresql+pg8000://nobody@127.0.0.1:9/none", clock=services.clock, connect_timeout=1, tls=False
    )
    set_services(dataclasses.replace(services, db=unreachable))
    try:
        response = invoke_ocr(sqs_batch(body))
    finally:
        set_services(services)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}


def test_a_foreign_key_in_the_queue_is_ignored_not_failed(services, receipt_pdf):
    services.store.put("uploads/other/x.pdf", receipt_pdf, "application/pdf")
    info = services.store.head("uploads/other/x.pdf")
    body = object_created(services.store.bucket, "uploads/other/x.pdf", info.etag, info.size)
    assert invoke_ocr(sqs_batch(body)) == {"batchItemFailures": []}
