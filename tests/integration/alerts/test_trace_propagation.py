"""Traces: an API request continues the X-Ray trace it arrives with, its DB work is spanned, and the trace
context rides SQS messages (AWSTraceHeader) into the consumer, on the local queue and on SQS (moto)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from foodsave.adapters.aws.messaging import SqsQueue
from foodsave.adapters.local import LocalQueue
from foodsave.observability import TRACE_HEADER, configure_tracing, extracted_trace, inject_trace, span
from foodsave.runtime import events
from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler

ROOT = "1-67890abc-0123456789abcdef01234567"
PARENT = "53995c3f42cd8ad8"
INCOMING = f"Root={ROOT};Parent={PARENT};Sampled=1"


@pytest.fixture(scope="module")
def exporter():
    """An in-memory exporter on the process's tracer provider (configured once, whatever its exporter)."""
    configure_tracing("memory")
    memory = InMemorySpanExporter()
    trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(memory))
    return memory


@pytest.fixture
def spans(exporter):
    exporter.clear()
    return exporter


def _xray_trace_id(header: str) -> str:
    root = dict(part.split("=", 1) for part in header.split(";"))["Root"]
    return root.split("-", 1)[1].replace("-", "")


def _consume(record: dict) -> None:
    """What a consumer (the index-builder) does with one SQS record: continue the producer's trace."""
    header = record["attributes"].get("AWSTraceHeader")
    with extracted_trace({TRACE_HEADER: header} if header else None), span("index-builder.message"):
        pass


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_api_request_continues_the_api_gateway_trace_down_to_its_db_work(services, spans, monkeypatch):
    # API Gateway sends the trace as a header, and Lambda sets the same trace in the environment.
    monkeypatch.setenv("_X_AMZN_TRACE_ID", INCOMING)
    event = events.http_api_request(
        "GET", "/v1/notifications", sub="sub-anna", headers={"x-amzn-trace-id": INCOMING}
    )
    resp = load_handler("alert-evaluator")(
        event, LocalLambdaContext(function_name="foodsave-alert-evaluator")
    )
    assert resp["statusCode"] == 200
    finished = spans.get_finished_spans()
    request = next(s for s in finished if s.name == "alert-evaluator.request")
    assert format(request.context.trace_id, "032x") == _xray_trace_id(INCOMING)
    assert format(request.parent.span_id, "016x") == PARENT
    db = [s for s in finished if s.name.startswith("db.")]
    assert db, "no database span was recorded"
    assert {format(s.context.trace_id, "032x") for s in db} == {_xray_trace_id(INCOMING)}


def test_trace_context_rides_the_local_queue_into_the_consumer(spans, tmp_path):
    queue = LocalQueue(tmp_path / "queues", "index-jobs")
    with span("documents.request") as producer:
        carrier = inject_trace()
        queue.send({"document_id": "d1"}, attributes={"AWSTraceHeader": carrier[TRACE_HEADER]})
    (message,) = queue.receive(10)
    record = events.sqs_record(message.body, trace_header=message.attributes.get("AWSTraceHeader"))
    _consume(record)
    consumer = next(s for s in spans.get_finished_spans() if s.name == "index-builder.message")
    assert consumer.context.trace_id == producer.get_span_context().trace_id
    assert consumer.parent.span_id == producer.get_span_context().span_id


def test_trace_context_rides_sqs_as_the_awstraceheader_system_attribute(spans):
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-central-1")
        url = sqs.create_queue(QueueName="index-jobs")["QueueUrl"]
        with span("documents.request") as producer:
            SqsQueue(sqs, url).send(
                {"document_id": "d1"}, attributes={"AWSTraceHeader": inject_trace()[TRACE_HEADER]}
            )
        (message,) = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["AWSTraceHeader"])[
            "Messages"
        ]
    record = events.sqs_record(message["Body"], trace_header=message["Attributes"]["AWSTraceHeader"])
    assert json.loads(record["body"]) == {"document_id": "d1"}
    _consume(record)
    consumer = next(s for s in spans.get_finished_spans() if s.name == "index-builder.message")
    assert consumer.context.trace_id == producer.get_span_context().trace_id


def test_a_message_without_trace_starts_a_new_trace(spans, monkeypatch):
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
    _consume(events.sqs_record("{}"))
    (consumer,) = [s for s in spans.get_finished_spans() if s.name == "index-builder.message"]
    assert consumer.parent is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_scheduled_evaluation_span_names_the_rule_that_fired_it(services, spans):
    event = events.scheduled_event(services.clock.now(), rule="foodsave-nightly")
    load_handler("alert-evaluator")(event, LocalLambdaContext(function_name="foodsave-alert-evaluator"))
    [scheduled] = [s for s in spans.get_finished_spans() if s.name == "alert-evaluator.scheduled"]
    assert scheduled.attributes["rule"] == event["resources"][0]
