"""CloudWatch adapter of the MetricsSource port: one GetMetricData call per rule evaluation.

Our `function` dimension is the EMF `service` dimension Powertools writes (POWERTOOLS_SERVICE_NAME is the
function name); ratios fetch both series in the same call and divide here; the dead-letter queue's
name is read once from the index queue's RedrivePolicy.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from foodsave.alerts import catalog
from foodsave.alerts.metrics_source import MetricQuery, ratio
from foodsave.errors import Unavailable

DIMENSION_NAMES = {"function": "service"}


def _floor_minute(when: datetime) -> datetime:
    return when.astimezone(UTC).replace(second=0, microsecond=0)


def _combine(values: list[float], statistic: str) -> float | None:
    """Datapoints of one window (the window can straddle two CloudWatch buckets)."""
    if not values:
        return None
    if statistic in ("Sum", "SampleCount"):
        return math.fsum(values)
    if statistic == "Maximum":
        return max(values)
    if statistic == "Minimum":
        return min(values)
    return math.fsum(values) / len(values)


class CloudWatchMetricsSource:
    def __init__(
        self,
        cloudwatch: Any,
        *,
        namespace: str = catalog.NAMESPACE,
        sqs: Any | None = None,
        index_queue_url: str | None = None,
    ) -> None:
        self.cloudwatch = cloudwatch
        self.namespace = namespace
        self.sqs = sqs
        self.index_queue_url = index_queue_url
        self._dlq_name: str | None = None
        self._lock = threading.Lock()

    def dlq_name(self) -> str | None:
        """Name of the index queue's dead-letter queue (from its RedrivePolicy), cached."""
        with self._lock:
            if self._dlq_name is None and self.sqs is not None and self.index_queue_url:
                try:
                    attrs = self.sqs.get_queue_attributes(
                        QueueUrl=self.index_queue_url, AttributeNames=["RedrivePolicy"]
                    )["Attributes"]
                except (BotoCoreError, ClientError) as exc:
                    raise Unavailable(f"queue attributes unavailable: {exc}") from exc
                policy = attrs.get("RedrivePolicy")
                if policy:
                    self._dlq_name = str(json.loads(policy)["deadLetterTargetArn"]).rsplit(":", 1)[-1]
            return self._dlq_name

    def _metric(self, name: str, query: MetricQuery) -> dict[str, Any]:
        definition = query.definition
        namespace = (
            self.namespace if definition.cw_namespace == catalog.NAMESPACE else definition.cw_namespace
        )
        dims = dict(definition.cw_dimensions)
        for key, value in query.dimensions.items():
            dims[DIMENSION_NAMES.get(key, key)] = value
        if query.metric == catalog.DLQ_DEPTH and "QueueName" not in dims:
            dlq = self.dlq_name()
            if dlq:
                dims["QueueName"] = dlq
        return {
            "Namespace": namespace,
            "MetricName": name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in sorted(dims.items())],
        }

    def _stat(self, query_id: str, metric: dict[str, Any], period: int, stat: str) -> dict[str, Any]:
        return {
            "Id": query_id,
            "MetricStat": {"Metric": metric, "Period": period, "Stat": stat},
            "ReturnData": True,
        }

    def queries(self, query: MetricQuery) -> list[dict[str, Any]]:
        """The MetricDataQueries for one rule: one stat, or the numerator and denominator sums of a ratio."""
        definition = query.definition
        period = query.period_seconds
        if definition.kind == "ratio":
            out = []
            for i, name in enumerate(definition.numerator):
                out.append(self._stat(f"n{i}", self._metric(name, query), period, "Sum"))
            for i, name in enumerate(definition.denominator):
                out.append(self._stat(f"d{i}", self._metric(name, query), period, "Sum"))
            return out
        return [self._stat("m0", self._metric(definition.cloudwatch_name, query), period, query.statistic)]

    def value(self, query: MetricQuery, end: datetime) -> float | None:
        end = _floor_minute(end)
        start = end - timedelta(seconds=query.period_seconds)
        queries = self.queries(query)
        try:
            resp = self.cloudwatch.get_metric_data(
                MetricDataQueries=queries, StartTime=start, EndTime=end, ScanBy="TimestampDescending"
            )
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"CloudWatch GetMetricData failed: {exc}") from exc
        values: dict[str, list[float]] = {
            r["Id"]: [float(v) for v in r.get("Values", [])] for r in resp.get("MetricDataResults", [])
        }
        if query.definition.kind == "ratio":
            num = [_combine(v, "Sum") for k, v in values.items() if k.startswith("n")]
            den = [_combine(v, "Sum") for k, v in values.items() if k.startswith("d")]
            return ratio(
                math.fsum(x for x in num if x is not None), math.fsum(x for x in den if x is not None)
            )
        return _combine(values.get("m0", []), query.statistic)
