"""Alarms, the budget and the dashboard: errors, throttles, p95 latency, queues, DLQs, database, cost."""

from __future__ import annotations

import pytest

from infra import constants

SERVICES = [spec.name for spec in constants.FUNCTIONS]


def _alarms(synth):
    return [a["Properties"] for a in synth.resources("AWS::CloudWatch::Alarm").values()]


def _function_alarm(synth, service, metric_name):
    fn_id, _ = synth.function(service)
    return [
        a
        for a in _alarms(synth)
        if a.get("MetricName") == metric_name
        and a.get("Dimensions") == [{"Name": "FunctionName", "Value": {"Ref": fn_id}}]
    ]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("metric", ["Errors", "Throttles", "Duration"])
def test_each_function_has_an_alarm_per_signal(synth, service, metric):
    assert len(_function_alarm(synth, service, metric)) == 1


@pytest.mark.parametrize("service", SERVICES)
def test_duration_alarm_uses_p95_below_the_timeout(synth, service):
    (alarm,) = _function_alarm(synth, service, "Duration")
    timeout = synth.function(service)[1]["Properties"]["Timeout"]
    assert alarm["ExtendedStatistic"] == "p95"
    assert alarm["Threshold"] < timeout * 1000


def _dead_letter_queues(synth):
    return {
        res["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        for res in synth.resources("AWS::SQS::Queue").values()
        if "RedrivePolicy" in res["Properties"]
    }


def _queue_alarms(synth, metric):
    return {
        a["Dimensions"][0]["Value"]["Fn::GetAtt"][0]: a
        for a in _alarms(synth)
        if a.get("MetricName") == metric
    }


def test_every_dead_letter_queue_alarms_on_its_first_message(profile_synth):
    alarms = _queue_alarms(profile_synth, "ApproximateNumberOfMessagesVisible")
    dlqs = _dead_letter_queues(profile_synth)
    assert len(dlqs) == 2
    assert set(alarms) == dlqs
    assert all(a["Threshold"] == 1 for a in alarms.values())


def test_every_work_queue_alarms_when_its_oldest_message_waits_too_long(profile_synth):
    alarms = _queue_alarms(profile_synth, "ApproximateAgeOfOldestMessage")
    work = {
        k for k, r in profile_synth.resources("AWS::SQS::Queue").items() if "RedrivePolicy" in r["Properties"]
    }
    assert set(alarms) == work
    assert all(a["Threshold"] == constants.QUEUE_AGE_ALARM_SECONDS for a in alarms.values())


@pytest.mark.parametrize(
    ("fixture", "profile"), [("synth", constants.PRODUCTION), ("household", constants.HOUSEHOLD)]
)
def test_database_capacity_near_its_maximum_is_alarmed(request, fixture, profile):
    alarms = _alarms(request.getfixturevalue(fixture))
    (alarm,) = [a for a in alarms if a.get("MetricName") == "ServerlessDatabaseCapacity"]
    assert alarm["Threshold"] == profile.db_max_acu * constants.DB_CAPACITY_ALARM_FRACTION


def test_database_connections_are_alarmed_on_the_proxy_or_the_cluster(synth, household):
    assert [a for a in _alarms(synth) if a.get("MetricName") == "ClientConnections"]
    assert [a for a in _alarms(household) if a.get("MetricName") == "DatabaseConnections"]


@pytest.mark.parametrize(
    ("fixture", "profile"), [("synth", constants.PRODUCTION), ("household", constants.HOUSEHOLD)]
)
def test_a_monthly_budget_on_the_stack_tag_notifies_the_alarm_topic(request, fixture, profile):
    synthesis = request.getfixturevalue(fixture)
    (budget,) = synthesis.resources("AWS::Budgets::Budget").values()
    props = budget["Properties"]
    assert props["Budget"]["BudgetLimit"] == {"Amount": profile.monthly_budget_usd, "Unit": "USD"}
    assert props["Budget"]["CostFilters"] == {"TagKeyValue": ["user:service$foodsave"]}
    topic = _alarm_topic(synthesis)
    for notification in props["NotificationsWithSubscribers"]:
        assert notification["Subscribers"] == [{"SubscriptionType": "SNS", "Address": {"Ref": topic}}]


def test_production_alarms_reach_an_email_address(synth):
    (subscription,) = synth.resources("AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["TopicArn"] == {"Ref": _alarm_topic(synth)}


def test_household_may_go_without_an_alarm_email(household):
    assert not household.resources("AWS::SNS::Subscription")
    assert household.error is None


def _alarm_topic(synth):
    topics = synth.resources("AWS::SNS::Topic")
    return next(k for k, v in topics.items() if v["Properties"]["DisplayName"] == "FoodSave alarms")


def test_failed_receipts_metric_from_the_ocr_function_is_alarmed(synth):
    (alarm,) = [a for a in _alarms(synth) if a.get("MetricName") == "ReceiptsFailed"]
    assert alarm["Namespace"] == "FoodSave"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "ocr"}]


def test_api_5xx_and_p95_latency_are_alarmed(synth):
    names = {a.get("MetricName") for a in _alarms(synth)}
    assert {"5xx", "Latency"} <= names


def test_every_alarm_notifies_the_encrypted_alarm_topic(profile_synth):
    alarm_topic = _alarm_topic(profile_synth)
    for alarm in _alarms(profile_synth):
        assert alarm["AlarmActions"] == [{"Ref": alarm_topic}]


def test_operations_dashboard_exists(synth):
    (dashboard,) = synth.resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "FoodSave-operations"
