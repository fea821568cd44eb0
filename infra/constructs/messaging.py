"""EventBridge bus for domain events, the evaluator's schedule, and the SNS topics (user notifications, ops alarms)."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from infra import constants


class Messaging(Construct):
    """Buses and topics; the schedule target is attached once the evaluator function exists."""

    def __init__(self, scope: Construct, id: str, *, alarm_email: str | None) -> None:
        super().__init__(scope, id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=constants.EVENT_BUS_NAME)
        self.bus.archive(
            "Archive",
            event_pattern=events.EventPattern(account=[self.bus.stack.account]),
            retention=Duration.days(14),
            description="Replay of domain events after a consumer bug",
        )
        aws_sns_key = kms.Alias.from_alias_name(self, "AwsSnsKey", "alias/aws/sns")
        self.notifications_topic = sns.Topic(
            self,
            "Notifications",
            display_name="FoodSave notifications",
            master_key=aws_sns_key,
            enforce_ssl=True,
        )
        # CloudWatch cannot use the AWS managed SNS key, so the alarm topic gets its own key.
        self.alarm_key = kms.Key(
            self,
            "AlarmTopicKey",
            enable_key_rotation=True,
            description="Encrypts the FoodSave alarm topic; CloudWatch may use it",
        )
        self.alarm_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsAndBudgets",
                principals=[
                    iam.ServicePrincipal("cloudwatch.amazonaws.com"),
                    iam.ServicePrincipal("budgets.amazonaws.com"),
                ],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": self.bus.stack.account}},
            )
        )
        self.alarm_topic = sns.Topic(
            self, "Alarms", display_name="FoodSave alarms", master_key=self.alarm_key, enforce_ssl=True
        )
        self.alarm_topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowBudgetNotifications",
                principals=[iam.ServicePrincipal("budgets.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.alarm_topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": self.bus.stack.account}},
            )
        )
        if alarm_email:
            # The address receives a confirmation mail from AWS first; alarms arrive once it is confirmed.
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(alarm_email))

    def schedule(
        self, function: lambda_.IFunction, minutes: int = constants.EVALUATOR_SCHEDULE_MINUTES
    ) -> events.Rule:
        """Run the alert evaluator every few minutes (scheduled rules live on the default bus)."""
        rule = events.Rule(
            self,
            "EvaluatorSchedule",
            description="Evaluate alert rules and expiry notifications",
            schedule=events.Schedule.rate(Duration.minutes(minutes)),
        )
        rule.add_target(
            targets.LambdaFunction(function, retry_attempts=2, max_event_age=Duration.minutes(10))
        )
        return rule
