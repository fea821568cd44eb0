"""Logs, metrics and traces for every function: Powertools Logger (JSON) and Metrics (EMF),
OpenTelemetry SDK traces with X-Ray ids and propagation. Locally the exporters print or keep spans in memory.
In Lambda, on traced invocations, Powertools Tracer (X-Ray SDK, loaded on the first of them) also records
subsegments for every boto3 call (S3, SQS, EventBridge, Bedrock), every SQL statement (pg8000) and every
`span()` (docs/infra.md, "Observability")."""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.propagators.aws import AwsXRayPropagator
from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator
from opentelemetry.sdk.trace import TracerProvider

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "foodsave")
NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "FoodSave")
TRACE_HEADER = "X-Amzn-Trace-Id"
# EMF goes to CloudWatch only from inside Lambda; elsewhere metrics go to the registered sinks.
IN_LAMBDA = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))

warnings.filterwarnings("ignore", message="No application metrics to publish")


class InvocationFormatter(LambdaPowertoolsFormatter):
    """Keys appended while handling one invocation or request (the Lambda context, a correlation id) belong
    to that thread or task only: the local runtime runs handlers on background threads beside HTTP requests,
    and one's `function_name` or `request_id` must never appear on the other's records."""

    def append_keys(self, **additional_keys: Any) -> None:
        self.thread_safe_append_keys(**additional_keys)

    def remove_keys(self, keys: Iterable[str]) -> None:
        self.thread_safe_remove_keys(keys)

    def clear_state(self) -> None:
        self.thread_safe_clear_keys()


logger = Logger(service=SERVICE, logger_formatter=InvocationFormatter(service=SERVICE))
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
MetricSink = Callable[[str, float, str, dict[str, str]], None]
_sinks: list[MetricSink] = []
# Modules the X-Ray SDK patches in Lambda: botocore covers every AWS call including Bedrock.
XRAY_PATCHED_MODULES = ("botocore", "pg8000")
_provider_lock = threading.Lock()
_memory_exporter: Any | None = None  # an InMemorySpanExporter with the `memory` exporter
_configured = False


def configure_tracing(exporter: str | None = None) -> None:
    """Install the tracer provider once: X-Ray id generator and propagator, exporter by setting (imported only
    when one is chosen: the deployed functions export through X-Ray and need none)."""
    global _configured, _memory_exporter
    with _provider_lock:
        if _configured:
            return
        exporter = exporter or os.environ.get("FOODSAVE_TRACE_EXPORTER", "none")
        provider = TracerProvider(id_generator=AwsXRayIdGenerator())
        if exporter == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        elif exporter == "memory":
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

            _memory_exporter = InMemorySpanExporter()
            provider.add_span_processor(SimpleSpanProcessor(_memory_exporter))
        elif exporter == "otlp":  # the ADOT collector extension listens on localhost in Lambda
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        propagate.set_global_textmap(AwsXRayPropagator())
        _configured = True


_xray: Any | None = None


def _tracing_disabled() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() == "true"


def deferred_modules() -> tuple[str, ...]:
    """What the first traced invocation loads: a SnapStart snapshot imports it beforehand."""
    return ("aws_xray_sdk.core",) if IN_LAMBDA and not _tracing_disabled() else ()


def xray_tracing_active() -> bool:
    """X-Ray records this invocation: in Lambda, tracing not disabled, and the runtime handed it a trace id
    (`_X_AMZN_TRACE_ID`, set per invocation only when the function's tracing is active)."""
    return IN_LAMBDA and not _tracing_disabled() and bool(os.environ.get("_X_AMZN_TRACE_ID"))


def xray_tracer() -> Any | None:
    """Powertools Tracer, made on the first traced invocation and kept for the container; it patches botocore
    and pg8000 then (class and module attributes, so clients and connections made earlier are traced too).
    Made lazily because the X-Ray SDK imports `botocore.session`, about half of an untraced cold start."""
    global _xray
    if _xray is None and xray_tracing_active():
        with _provider_lock:
            if _xray is None:
                from aws_lambda_powertools import Tracer

                _xray = Tracer(service=SERVICE, patch_modules=XRAY_PATCHED_MODULES)
    return _xray


def _xray_subsegment(name: str, attributes: dict[str, Any]) -> AbstractContextManager[Any]:
    recorder = xray_tracer()
    if recorder is None:
        return nullcontext()
    return _recorded_subsegment(recorder, name, attributes)


@contextmanager
def _recorded_subsegment(recorder: Any, name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    with recorder.provider.in_subsegment(f"## {name}") as subsegment:
        if subsegment is not None:
            for key, value in attributes.items():
                if value is not None:
                    subsegment.put_metadata(
                        key, value if isinstance(value, (str, int, float, bool)) else str(value)
                    )
        yield subsegment


def memory_spans() -> list[Any]:
    """Spans kept by the in-memory exporter (tests)."""
    return list(_memory_exporter.get_finished_spans()) if _memory_exporter else []


def tracer() -> trace.Tracer:
    configure_tracing()
    return trace.get_tracer("foodsave")


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[trace.Span]:
    """A child span around one piece of work (OCR, parse, DB, search, LLM)."""
    with tracer().start_as_current_span(name) as current, _xray_subsegment(name, attributes):
        for key, value in attributes.items():
            if value is not None:
                current.set_attribute(
                    key, value if isinstance(value, (str, int, float, bool)) else str(value)
                )
        yield current


def inject_trace() -> dict[str, str]:
    """The current trace context as an X-Ray header, for SQS attributes and event envelopes."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def extracted_trace(carrier: dict[str, str] | None) -> Iterator[None]:
    """Continue the trace carried by a message (SQS AWSTraceHeader, event envelope, Lambda env)."""
    configure_tracing()
    xray_tracer()  # patch botocore and pg8000 before this invocation's first call
    carrier = {
        TRACE_HEADER if k.lower() == TRACE_HEADER.lower() else k: v for k, v in (carrier or {}).items()
    }
    if TRACE_HEADER not in carrier and os.environ.get("_X_AMZN_TRACE_ID"):
        carrier[TRACE_HEADER] = os.environ["_X_AMZN_TRACE_ID"]
    token = otel_context.attach(propagate.extract(carrier))
    try:
        yield
    finally:
        otel_context.detach(token)


def add_metric_sink(sink: MetricSink) -> None:
    """Also send every business metric to `sink` (the local metrics store)."""
    _sinks.append(sink)


def remove_metric_sink(sink: MetricSink) -> None:
    if sink in _sinks:
        _sinks.remove(sink)


def clear_metric_sinks() -> None:
    _sinks.clear()


def record_metric(name: str, value: float, unit: str = "Count", **dimensions: str) -> None:
    """A business metric: EMF through Powertools in Lambda, and every registered local sink."""
    if IN_LAMBDA:
        metric_unit = getattr(MetricUnit, unit, MetricUnit.Count)
        extra = {k: v for k, v in dimensions.items() if k != "function"}  # function = the service dimension
        if extra:
            from aws_lambda_powertools.metrics import single_metric

            with single_metric(name=name, unit=metric_unit, value=value, namespace=NAMESPACE) as single:
                single.add_dimension("service", SERVICE)
                for key, dim in extra.items():
                    single.add_dimension(key, str(dim))
        else:
            metrics.add_metric(name=name, unit=metric_unit, value=value)
    for sink in list(_sinks):
        try:
            sink(name, value, unit, dimensions)
        except Exception:  # noqa: BLE001 - a broken sink must never fail the request
            logger.exception("metric sink failed", extra={"metric": name})
