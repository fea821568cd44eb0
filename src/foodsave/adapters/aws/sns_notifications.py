"""SNS adapter of the EventBus port for user notifications (push fan-out), and a bus that routes
NotificationCreated to it while every other event keeps going to EventBridge."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from foodsave.errors import Unavailable
from foodsave.events import Event
from foodsave.ports import EventBus

NOTIFICATION_EVENTS = frozenset({"NotificationCreated"})


class SnsNotificationBus:
    """Publishes an event as one SNS message; subscribers filter on the `event_type` and `user_id` attributes."""

    def __init__(self, sns: Any, topic_arn: str) -> None:
        self.sns = sns
        self.topic_arn = topic_arn

    def publish(self, event: Event) -> None:
        attributes = {"event_type": {"DataType": "String", "StringValue": event.type}}
        if event.user_id:
            attributes["user_id"] = {"DataType": "String", "StringValue": event.user_id}
        try:
            self.sns.publish(
                TopicArn=self.topic_arn,
                Message=json.dumps(event.to_dict(), default=str),
                Subject=event.type,
                MessageAttributes=attributes,
            )
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"notification topic unavailable: {exc}") from exc


class RoutingEventBus:
    """Sends the listed event types to `routes[type]`, everything else to `default`."""

    def __init__(self, default: EventBus, routes: dict[str, EventBus]) -> None:
        self.default = default
        self.routes = routes

    def publish(self, event: Event) -> None:
        self.routes.get(event.type, self.default).publish(event)


def with_notification_topic(bus: EventBus, sns: Any, topic_arn: str | None) -> EventBus:
    """`bus`, with NotificationCreated published to the SNS topic when one is configured."""
    if not topic_arn:
        return bus
    topic = SnsNotificationBus(sns, topic_arn)
    return RoutingEventBus(bus, {name: topic for name in NOTIFICATION_EVENTS})
