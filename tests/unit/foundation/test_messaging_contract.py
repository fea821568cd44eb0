"""Queue and EventBus ports: local adapters and SQS/EventBridge (moto) keep the same promises."""

from __future__ import annotations

import json

import pytest
from moto import mock_aws

from foodsave.adapters.local import LocalEventBus, LocalQueue
from foodsave.events import Event

AT = "2030-01-15T09:00:00+00:00"


@pytest.fixture(params=["local", "sqs"])
def queue_and_reader(request, tmp_path):
    if request.param == "local":
        q = LocalQueue(tmp_path / "queues", "jobs")
        yield q, lambda: [json.loads(m.body) for m in q.receive(10)]
        return
    with mock_aws():
        import boto3

        from foodsave.adapters.aws.messaging import SqsQueue

        sqs = boto3.client("sqs", region_name="eu-central-1")
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]

        def read():
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            return [json.loads(m["Body"]) for m in msgs]

        yield SqsQueue(sqs, url), read


def test_sent_messages_are_received_with_their_body_and_counted(queue_and_reader):
    queue, read = queue_and_reader
    queue.send(
        {"type": "document_added", "document_id": "d1"},
        attributes={"AWSTraceHeader": "Root=1-00000000-000000000000000000000001"},
    )
    queue.send({"type": "document_deleted", "document_id": "d2"})
    assert queue.depth() == 2
    assert sorted(m["document_id"] for m in read()) == ["d1", "d2"]


def test_local_queue_retries_then_dead_letters_a_failing_message(tmp_path):
    q = LocalQueue(tmp_path / "queues", "jobs", max_receives=2)
    q.send({"n": 1})
    for _ in range(2):
        (msg,) = q.receive()
        q.release(msg.receipt_handle)
    assert q.receive() == []
    assert q.dlq_depth() == 1


def test_local_queue_survives_a_restart(tmp_path):
    LocalQueue(tmp_path / "queues", "jobs").send({"n": 1})
    assert [json.loads(m.body) for m in LocalQueue(tmp_path / "queues", "jobs").receive()] == [{"n": 1}]


def test_local_bus_stores_and_delivers_events(tmp_path):
    bus = LocalEventBus(tmp_path / "events.jsonl")
    seen = []
    bus.subscribe(seen.append, "ReceiptParsed")
    bus.publish(Event(type="ReceiptParsed", user_id="u1", data={"receipt_id": "r1"}, occurred_at=AT))
    bus.publish(Event(type="DocumentAdded", user_id="u1", data={}, occurred_at=AT))
    assert [e.type for e in seen] == ["ReceiptParsed"]
    assert [e.type for e in bus.published()] == ["ReceiptParsed", "DocumentAdded"]


def test_eventbridge_bus_delivers_the_envelope_as_detail():
    with mock_aws():
        import boto3

        from foodsave.adapters.aws.messaging import EventBridgeBus

        events = boto3.client("events", region_name="eu-central-1")
        sqs = boto3.client("sqs", region_name="eu-central-1")
        events.create_event_bus(Name="foodsave")
        url = sqs.create_queue(QueueName="sink")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(
            Name="all", EventBusName="foodsave", EventPattern=json.dumps({"source": ["foodsave"]})
        )
        events.put_targets(Rule="all", EventBusName="foodsave", Targets=[{"Id": "q", "Arn": arn}])
        EventBridgeBus(events, "foodsave").publish(
            Event(type="ReceiptParsed", user_id="u1", data={"receipt_id": "r1"}, occurred_at=AT)
        )
        body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
        assert body["detail-type"] == "ReceiptParsed"
        assert body["detail"]["data"] == {"receipt_id": "r1"}
