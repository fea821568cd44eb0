"""AWS adapters on moto: CloudWatch GetMetricData behind the MetricsSource port (series, ratios, the DLQ
found through the RedrivePolicy) and SNS delivery of NotificationCreated."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto import mock_aws

from foodsave.adapters.aws.cloudwatch_metrics import CloudWatchMetricsSource
from foodsave.adapters.aws.sns_notifications import RoutingEventBus, with_notification_topic
from foodsave.adapters.local import LocalEventBus
from foodsave.alerts.metrics_source import MetricQuery
from foodsave.events import Event

REGION = "eu-central-1"
NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)

AT = "2030-01-15T09:00:00+00:00"


@pytest.fixture
def aws():
    with mock_aws():
        yield {name: boto3.client(name, region_name=REGION) for name in ("cloudwatch", "sqs", "sns")}


def _put(cw, name, values, namespace="FoodSave", ago=timedelta(minutes=2), **dims):
    cw.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                "Timestamp": NOW - ago,
                "Value": float(v),
                "Unit": "Count",
            }
            for v in values
        ],
    )


def test_series_metric_is_read_with_the_rules_statistic_and_service_dimension(aws):
    _put(aws["cloudwatch"], "LatencyMs", [120, 480, 3000], service="agent-chat")
    _put(aws["cloudwatch"], "LatencyMs", [9000], service="vector-search")
    source = CloudWatchMetricsSource(aws["cloudwatch"])
    query = MetricQuery("LatencyMs", "Maximum", 300, {"function": "agent-chat"})
    assert source.value(query, NOW) == 3000
    assert source.value(MetricQuery("LatencyMs", "Sum", 300, {"function": "agent-chat"}), NOW) == 3600


def test_error_rate_divides_errors_by_requests_from_one_call(aws):
    _put(aws["cloudwatch"], "Requests", [1] * 40, service="ocr")
    _put(aws["cloudwatch"], "Errors", [1] * 3 + [0] * 37, service="ocr")
    source = CloudWatchMetricsSource(aws["cloudwatch"])
    assert source.value(MetricQuery("ErrorRate", "Sum", 300, {"function": "ocr"}), NOW) == pytest.approx(7.5)


def test_ocr_failure_rate_counts_failed_over_all_processed_receipts(aws):
    _put(aws["cloudwatch"], "ReceiptsParsed", [1] * 6, service="ocr")
    _put(aws["cloudwatch"], "ReceiptsFailed", [1] * 2, service="ocr")
    source = CloudWatchMetricsSource(aws["cloudwatch"])
    assert source.value(MetricQuery("OcrFailureRate", "Sum", 900), NOW) == pytest.approx(25.0)


def test_no_datapoints_is_no_value(aws):
    source = CloudWatchMetricsSource(aws["cloudwatch"])
    assert source.value(MetricQuery("ErrorRate", "Sum", 300, {"function": "ocr"}), NOW) is None
    assert source.value(MetricQuery("LambdaThrottles", "Sum", 300), NOW) is None


def test_datapoints_before_the_period_are_not_counted(aws):
    _put(aws["cloudwatch"], "Throttles", [4], namespace="AWS/Lambda", ago=timedelta(minutes=20))
    _put(aws["cloudwatch"], "Throttles", [1], namespace="AWS/Lambda")
    source = CloudWatchMetricsSource(aws["cloudwatch"])
    assert source.value(MetricQuery("LambdaThrottles", "Sum", 300), NOW) == 1


def test_dlq_depth_uses_the_queue_named_in_the_redrive_policy(aws):
    sqs = aws["sqs"]
    dlq_url = sqs.create_queue(QueueName="stack-IndexJobsDlq-ABC")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName="stack-IndexJobs-XYZ",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})},
    )["QueueUrl"]
    _put(
        aws["cloudwatch"],
        "ApproximateNumberOfMessagesVisible",
        [2],
        namespace="AWS/SQS",
        QueueName="stack-IndexJobsDlq-ABC",
    )
    _put(
        aws["cloudwatch"],
        "ApproximateNumberOfMessagesVisible",
        [50],
        namespace="AWS/SQS",
        QueueName="stack-IndexJobs-XYZ",
    )
    source = CloudWatchMetricsSource(aws["cloudwatch"], sqs=sqs, index_queue_url=queue_url)
    assert source.dlq_name() == "stack-IndexJobsDlq-ABC"
    assert source.value(MetricQuery("DlqDepth", "Maximum", 300), NOW) == 2


def test_notification_events_go_to_the_sns_topic_and_others_to_the_bus(aws, tmp_path):
    sns, sqs = aws["sns"], aws["sqs"]
    topic = sns.create_topic(Name="foodsave-notifications")["TopicArn"]
    inbox = sqs.create_queue(QueueName="push-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn, Attributes={"RawMessageDelivery": "true"}
    )
    local = LocalEventBus(tmp_path / "events.jsonl")
    bus = with_notification_topic(local, sns, topic)
    assert isinstance(bus, RoutingEventBus)
    bus.publish(
        Event(type="NotificationCreated", user_id="u1", data={"notification_id": "n1"}, occurred_at=AT)
    )
    bus.publish(Event(type="ReceiptParsed", user_id="u1", data={}, occurred_at=AT))
    (message,) = sqs.receive_message(QueueUrl=inbox, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(message["Body"])
    assert (body["type"], body["user_id"], body["data"]) == (
        "NotificationCreated",
        "u1",
        {"notification_id": "n1"},
    )
    assert [e.type for e in local.published()] == ["ReceiptParsed"]


def test_without_a_topic_the_bus_is_unchanged(tmp_path):
    local = LocalEventBus(tmp_path / "events.jsonl")
    assert with_notification_topic(local, None, None) is local
