"""The metric catalogue: business metric names every area records, and the metrics alert rules may watch
(plain series, ratios of two series, and gauges probed at evaluation time) with their CloudWatch mapping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Business metrics (record them with foodsave.observability.record_metric(NAME, value, unit, **dimensions)).
RECEIPTS_PARSED = "ReceiptsParsed"
RECEIPTS_FAILED = "ReceiptsFailed"
OCR_SECONDS = "OcrSeconds"
PANTRY_ITEMS_ADDED = "PantryItemsAdded"
SEARCH_LATENCY_MS = "SearchLatencyMs"
CHAT_INTENT = "ChatIntent"
NOTIFICATIONS_SENT = "NotificationsSent"

# Per-function request metrics (dimension `function`; in CloudWatch the EMF `service` dimension).
REQUESTS = "Requests"
ERRORS = "Errors"
LATENCY_MS = "LatencyMs"

# Derived metrics the evaluator computes.
ERROR_RATE = "ErrorRate"
OCR_FAILURE_RATE = "OcrFailureRate"
DLQ_DEPTH = "DlqDepth"
INDEX_AGE_SECONDS = "IndexAgeSeconds"
LAMBDA_THROTTLES = "LambdaThrottles"

NAMESPACE = "FoodSave"
FUNCTIONS = ("ocr", "agent-chat", "vector-search", "index-builder", "alert-evaluator")
API_FUNCTIONS = ("agent-chat", "vector-search", "alert-evaluator")
# Shared indexes are rebuilt from the bundled corpora; user indexes change with their documents instead.
SHARED_INDEXES = ("recipes", "knowledge")
INDEX_PREFIX = "indexes"
INDEX_REBUILD_INTERVAL_SECONDS = 24 * 3600

STATISTICS = ("Sum", "Average", "Minimum", "Maximum", "SampleCount", "p50", "p90", "p95", "p99")
Kind = Literal["series", "ratio", "gauge"]


@dataclass(frozen=True)
class MetricDef:
    """One metric a rule can watch.

    series: one recorded metric aggregated by the rule's statistic over its period.
    ratio:  100 * sum(numerator series) / sum(denominator series) over the same window (a percentage).
    gauge:  a point-in-time value probed when the rule is evaluated (queue depth, index age).
    """

    name: str
    kind: Kind
    unit: str
    description: str
    statistics: tuple[str, ...] = STATISTICS
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()  # dimension keys a rule may set
    # CloudWatch: namespace and metric name when they differ from ours, and dimensions always applied there.
    cw_namespace: str = NAMESPACE
    cw_name: str | None = None
    cw_dimensions: dict[str, str] = field(default_factory=dict)

    @property
    def cloudwatch_name(self) -> str:
        return self.cw_name or self.name


def _series(name: str, unit: str, description: str, **kw: object) -> MetricDef:
    return MetricDef(name=name, kind="series", unit=unit, description=description, **kw)  # type: ignore[arg-type]


CATALOGUE: dict[str, MetricDef] = {
    m.name: m
    for m in (
        _series(REQUESTS, "Count", "API requests served", dimensions=("function",)),
        _series(ERRORS, "Count", "API requests answered with 5xx", dimensions=("function",)),
        _series(LATENCY_MS, "Milliseconds", "API request latency", dimensions=("function",)),
        MetricDef(
            ERROR_RATE,
            "ratio",
            "Percent",
            "Errors / Requests of one function, in percent",
            statistics=("Sum",),
            numerator=(ERRORS,),
            denominator=(REQUESTS,),
            dimensions=("function",),
        ),
        _series(RECEIPTS_PARSED, "Count", "Receipts parsed", cw_dimensions={"service": "ocr"}),
        _series(RECEIPTS_FAILED, "Count", "Receipts that failed", cw_dimensions={"service": "ocr"}),
        MetricDef(
            OCR_FAILURE_RATE,
            "ratio",
            "Percent",
            "Failed / all processed receipts, in percent",
            statistics=("Sum",),
            numerator=(RECEIPTS_FAILED,),
            denominator=(RECEIPTS_PARSED, RECEIPTS_FAILED),
            cw_dimensions={"service": "ocr"},
        ),
        _series(OCR_SECONDS, "Seconds", "OCR time per receipt", cw_dimensions={"service": "ocr"}),
        _series(PANTRY_ITEMS_ADDED, "Count", "Pantry items added"),
        _series(SEARCH_LATENCY_MS, "Milliseconds", "Vector search latency"),
        _series(CHAT_INTENT, "Count", "Chat messages by intent", dimensions=("intent",)),
        _series(NOTIFICATIONS_SENT, "Count", "Expiry notifications created"),
        MetricDef(
            DLQ_DEPTH,
            "gauge",
            "Count",
            "Messages in the index-jobs dead-letter queue",
            statistics=("Maximum",),
            cw_namespace="AWS/SQS",
            cw_name="ApproximateNumberOfMessagesVisible",
        ),
        MetricDef(
            INDEX_AGE_SECONDS,
            "gauge",
            "Seconds",
            "Age of the oldest shared index (recipes, knowledge)",
            statistics=("Maximum",),
        ),
        _series(
            LAMBDA_THROTTLES,
            "Count",
            "Throttled Lambda invocations (account-wide in AWS)",
            statistics=("Sum", "Maximum"),
            dimensions=("FunctionName",),
            cw_namespace="AWS/Lambda",
            cw_name="Throttles",
        ),
    )
}
