"""CloudWatch alarms and one dashboard for the operational signals: errors, throttles, p95 latency, DLQ, OCR failures."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants

FIVE_MINUTES = Duration.minutes(5)


class Monitoring(Construct):
    """Every alarm notifies the ops topic; the dashboard shows the same metrics side by side."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        functions: dict[str, lambda_.Function],
        http_api: apigw.HttpApi,
        dlq: sqs.IQueue,
        index_queue: sqs.IQueue,
        alarm_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, id)
        self._action = cw_actions.SnsAction(alarm_topic)
        self.alarms: dict[str, cw.Alarm] = {}
        specs = {spec.name: spec for spec in constants.FUNCTIONS}
        for name, fn in functions.items():
            spec = specs[name]
            self._alarm(
                f"{name}-errors",
                fn.metric_errors(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"{name}: invocation errors",
            )
            self._alarm(
                f"{name}-throttles",
                fn.metric_throttles(period=FIVE_MINUTES, statistic="Sum"),
                threshold=1,
                description=f"{name}: throttled invocations",
            )
            self._alarm(
                f"{name}-duration-p95",
                fn.metric_duration(period=FIVE_MINUTES, statistic="p95"),
                threshold=spec.timeout_seconds * 1000 * constants.DURATION_ALARM_FRACTION,
                description=f"{name}: p95 duration above {int(constants.DURATION_ALARM_FRACTION * 100)} % of the timeout",
                evaluation_periods=3,
            )
        self._alarm(
            "index-dlq-depth",
            dlq.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
            threshold=1,
            description="Index jobs landed in the dead-letter queue",
        )
        receipts_failed = cw.Metric(
            namespace=constants.METRICS_NAMESPACE,
            metric_name=constants.RECEIPTS_FAILED_METRIC,
            dimensions_map={"service": constants.OCR.service_name},
            period=Duration.minutes(15),
            statistic="Sum",
        )
        self._alarm(
            "receipts-failed",
            receipts_failed,
            threshold=constants.RECEIPTS_FAILED_THRESHOLD,
            description="OCR could not parse several receipts (FoodSave/ReceiptsFailed)",
        )
        api_5xx = http_api.metric_server_error(period=FIVE_MINUTES, statistic="Sum")
        api_p95 = http_api.metric_latency(period=FIVE_MINUTES, statistic="p95")
        self._alarm("api-5xx", api_5xx, threshold=5, description="HTTP API 5xx responses")
        self._alarm(
            "api-latency-p95",
            api_p95,
            threshold=constants.API_LATENCY_P95_MS,
            description="HTTP API p95 latency",
            evaluation_periods=3,
        )
        self.dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=f"{constants.STACK_NAME}-operations")
        fns = list(functions.items())
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Errors",
                left=[fn.metric_errors(period=FIVE_MINUTES, label=n) for n, fn in fns],
                width=8,
            ),
            cw.GraphWidget(
                title="Throttles",
                left=[fn.metric_throttles(period=FIVE_MINUTES, label=n) for n, fn in fns],
                width=8,
            ),
            cw.GraphWidget(
                title="Duration p95 (ms)",
                left=[fn.metric_duration(period=FIVE_MINUTES, statistic="p95", label=n) for n, fn in fns],
                width=8,
            ),
        )
        self.dashboard.add_widgets(
            cw.GraphWidget(title="API 5xx / p95 latency", left=[api_5xx], right=[api_p95], width=8),
            cw.GraphWidget(
                title="Index queue",
                left=[
                    index_queue.metric_approximate_number_of_messages_visible(
                        period=FIVE_MINUTES, label="queued"
                    ),
                    dlq.metric_approximate_number_of_messages_visible(
                        period=FIVE_MINUTES, label="dead letters"
                    ),
                ],
                width=8,
            ),
            cw.GraphWidget(title="Receipts failed", left=[receipts_failed], width=8),
        )
        self.dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24)
        )

    def _alarm(
        self,
        name: str,
        metric: cw.IMetric,
        *,
        threshold: float,
        description: str,
        evaluation_periods: int = 1,
    ) -> cw.Alarm:
        alarm = cw.Alarm(
            self,
            name,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        self.alarms[name] = alarm
        return alarm
