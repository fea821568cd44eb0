"""SQS adapter of the Queue port and EventBridge adapter of the EventBus port."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from foodsave.errors import Unavailable
from foodsave.events import EVENT_SOURCE, Event


class SqsQueue:
    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def send(self, body: dict[str, Any], *, attributes: dict[str, str] | None = None) -> str:
        kwargs: dict[str, Any] = {"QueueUrl": self.queue_url, "MessageBody": json.dumps(body, default=str)}
        system: dict[str, Any] = {}
        attrs = dict(attributes or {})
        trace = attrs.pop("AWSTraceHeader", None)
        if trace:
            system["AWSTraceHeader"] = {"DataType": "String", "StringValue": trace}
            kwargs["MessageSystemAttributes"] = system
        if attrs:
            kwargs["MessageAttributes"] = {
                k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()
            }
        try:
            return str(self.sqs.send_message(**kwargs)["MessageId"])
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"queue unavailable: {exc}") from exc

    def depth(self) -> int:
        return _depth(self.sqs, self.queue_url)


class SqsQueueWithDeadLetters(SqsQueue):
    """An SQS queue whose dead-letter queue's depth is read too (the receipt queue, for `/v1/status`)."""

    def __init__(self, sqs: Any, queue_url: str, dlq_url: str) -> None:
        super().__init__(sqs, queue_url)
        self.dlq_url = dlq_url

    def dlq_depth(self) -> int:
        return _depth(self.sqs, self.dlq_url)


def _depth(sqs: Any, queue_url: str) -> int:
    """Messages waiting plus those in flight."""
    try:
        attrs = sqs.get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
    except (BotoCoreError, ClientError) as exc:
        raise Unavailable(f"queue unavailable: {exc}") from exc
    return int(attrs.get("ApproximateNumberOfMessages", 0)) + int(
        attrs.get("ApproximateNumberOfMessagesNotVisible", 0)
    )


class EventBridgeBus:
    def __init__(self, events: Any, bus_name: str) -> None:
        self.events = events
        self.bus_name = bus_name

    def publish(self, event: Event) -> None:
        entry: dict[str, Any] = {
            "Source": EVENT_SOURCE,
            "DetailType": event.type,
            "Detail": json.dumps(event.to_dict(), default=str),
            "EventBusName": self.bus_name,
        }
        if event.trace.get("X-Amzn-Trace-Id"):
            entry["TraceHeader"] = event.trace["X-Amzn-Trace-Id"]
        try:
            resp = self.events.put_events(Entries=[entry])
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"event bus unavailable: {exc}") from exc
        if resp.get("FailedEntryCount"):
            raise Unavailable(f"event bus rejected {event.type}: {resp['Entries'][0].get('ErrorMessage')}")
