"""index-builder on real-shaped SQS batches from a moto queue with a dead-letter redrive policy."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from foodsave.runtime import events
from foodsave.runtime.handlers import load_handler
from foodsave.vectors.publish import IndexPublisher
from tests.integration.vectors.conftest import LambdaContext

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqs():  # type: ignore[no-untyped-def]
    with mock_aws():
        client = boto3.client("sqs", region_name="eu-central-1")
        dlq = client.create_queue(QueueName="index-jobs-dlq")["QueueUrl"]
        dlq_arn = client.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        queue = client.create_queue(
            QueueName="index-jobs",
            Attributes={
                "VisibilityTimeout": "0",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}),
            },
        )["QueueUrl"]
        yield client, queue, dlq


def deliver(client: Any, queue: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One receive + invoke + delete-the-successes cycle, as the Lambda event source mapping does."""
    messages = client.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    )
    if not messages:
        return {"batchItemFailures": []}, []
    batch = events.sqs_batch(
        events.sqs_record(
            m["Body"],
            message_id=m["MessageId"],
            receipt_handle=m["ReceiptHandle"],
            receive_count=int(m["Attributes"]["ApproximateReceiveCount"]),
        )
        for m in messages
    )
    response = load_handler("index-builder")(batch, LambdaContext())
    failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    for m in messages:
        if m["MessageId"] not in failed:
            client.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
    return response, messages


def test_a_poison_message_fails_alone_and_ends_in_the_dead_letter_queue(sqs, services) -> None:  # type: ignore[no-untyped-def]
    client, queue, dlq = sqs
    good = client.send_message(
        QueueUrl=queue, MessageBody=json.dumps({"type": "corpus_rebuild", "name": "knowledge"})
    )["MessageId"]
    poison = client.send_message(QueueUrl=queue, MessageBody="{this is not json")["MessageId"]
    unknown = client.send_message(QueueUrl=queue, MessageBody=json.dumps({"type": "launch_rockets"}))[
        "MessageId"
    ]

    response, messages = deliver(client, queue)
    assert {m["MessageId"] for m in messages} == {good, poison, unknown}
    assert {f["itemIdentifier"] for f in response["batchItemFailures"]} == {poison, unknown}
    assert IndexPublisher(services.store, clock=services.clock).pointer("knowledge") is not None

    deliver(client, queue)  # second receive: maxReceiveCount reached
    client.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)  # third receive moves them to the DLQ
    dead = client.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert {m["MessageId"] for m in dead} == {poison, unknown}


def test_a_duplicate_corpus_rebuild_publishes_once(sqs, services) -> None:  # type: ignore[no-untyped-def]
    client, queue, _ = sqs
    for _ in range(2):
        client.send_message(
            QueueUrl=queue, MessageBody=json.dumps({"type": "corpus_rebuild", "name": "knowledge"})
        )
    while True:
        response, messages = deliver(client, queue)
        assert response["batchItemFailures"] == []
        if not messages:
            break
    assert IndexPublisher(services.store, clock=services.clock).pointer("knowledge")["version"] == 1


def test_a_document_event_for_a_missing_document_is_acknowledged(sqs, services) -> None:  # type: ignore[no-untyped-def]
    client, queue, _ = sqs
    body = {"type": "DocumentAdded", "user_id": "u1", "data": {"document_id": "d-gone", "user_id": "u1"}}
    client.send_message(QueueUrl=queue, MessageBody=json.dumps(body))
    response, messages = deliver(client, queue)
    assert len(messages) == 1 and response["batchItemFailures"] == []
