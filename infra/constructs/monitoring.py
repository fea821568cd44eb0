"""CloudWatch alarms, a cost budget and one dashboard: errors, throttles, p95 latency, queues and their DLQs,
database capacity and connections, OCR failures and the month's spend, all notifying the alarm topic."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_budgets as budgets
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_rds as rds
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
        queues: dict[str, sqs.IQueue],
        dead_letter_queues: dict[str, sqs.IQueue],
        cluster: rds.DatabaseCluster,
        proxy: rds.DatabaseProxy | None,
        alarm_topic: sns.ITopic,
        profile: constants.Profile,
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
        self._queue_alarms(queues, dead_letter_queues)
        self._database_alarms(cluster, proxy, profile)
        self.budget = self._budget(alarm_topic, profile)
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
                title="Queues",
                left=[
                    q.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, label=f"{n} queued")
                    for n, q in queues.items()
                ]
                + [
                    q.metric_approximate_number_of_messages_visible(
                        period=FIVE_MINUTES, label=f"{n} dead letters"
                    )
                    for n, q in dead_letter_queues.items()
                ],
                width=8,
            ),
            cw.GraphWidget(title="Receipts failed", left=[receipts_failed], width=8),
        )
        self.dashboard.add_widgets(
            cw.AlarmStatusWidget(title="Alarms", alarms=list(self.alarms.values()), width=24)
        )

    def _queue_alarms(self, queues: dict[str, sqs.IQueue], dead_letters: dict[str, sqs.IQueue]) -> None:
        for name, dlq in dead_letters.items():
            self._alarm(
                f"{name}-dlq-depth",
                dlq.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                threshold=1,
                description=f"{name}: messages in the dead-letter queue (redrive: docs/infra.md)",
            )
        for name, queue in queues.items():
            self._alarm(
                f"{name}-age",
                queue.metric_approximate_age_of_oldest_message(period=FIVE_MINUTES, statistic="Maximum"),
                threshold=constants.QUEUE_AGE_ALARM_SECONDS,
                description=f"{name}: oldest message waits longer than 15 minutes",
            )

    def _database_alarms(
        self, cluster: rds.DatabaseCluster, proxy: rds.DatabaseProxy | None, profile: constants.Profile
    ) -> None:
        self._alarm(
            "db-capacity",
            cluster.metric_serverless_database_capacity(period=FIVE_MINUTES, statistic="Average"),
            threshold=profile.db_max_acu * constants.DB_CAPACITY_ALARM_FRACTION,
            description="Aurora runs near its maximum capacity (ACU)",
            evaluation_periods=3,
        )
        connections = (
            cw.Metric(
                namespace="AWS/RDS",
                metric_name="ClientConnections",
                dimensions_map={"ProxyName": proxy.db_proxy_name},
                period=FIVE_MINUTES,
                statistic="Maximum",
            )
            if proxy is not None
            else cluster.metric_database_connections(period=FIVE_MINUTES, statistic="Maximum")
        )
        self._alarm(
            "db-connections",
            connections,
            # Aurora Serverless v2 allows about 90 connections per ACU at the low end; alarm well before.
            threshold=max(20, int(profile.db_max_acu * 40)),
            description="Many open database connections (a burst of functions, or a leak)",
        )

    def _budget(self, topic: sns.ITopic, profile: constants.Profile) -> budgets.CfnBudget:
        """Monthly cost of resources tagged service=foodsave; 80 % actual and 100 % forecast notify."""
        subscriber = budgets.CfnBudget.SubscriberProperty(subscription_type="SNS", address=topic.topic_arn)
        return budgets.CfnBudget(
            self,
            "MonthlyBudget",
            budget=budgets.CfnBudget.BudgetDataProperty(
                budget_type="COST",
                time_unit="MONTHLY",
                budget_limit=budgets.CfnBudget.SpendProperty(amount=profile.monthly_budget_usd, unit="USD"),
                cost_filters={"TagKeyValue": [constants.BUDGET_COST_TAG]},
            ),
            notifications_with_subscribers=[
                budgets.CfnBudget.NotificationWithSubscribersProperty(
                    notification=budgets.CfnBudget.NotificationProperty(
                        notification_type=kind,
                        comparison_operator="GREATER_THAN",
                        threshold=threshold,
                        threshold_type="PERCENTAGE",
                    ),
                    subscribers=[subscriber],
                )
                for kind, threshold in (("ACTUAL", 80), ("FORECASTED", 100))
            ],
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
