"""Alarms and the dashboard cover errors, throttles, p95 latency, the DLQ and failed receipts."""

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


def test_dead_letter_queue_depth_alarms_on_the_first_message(synth):
    (alarm,) = [a for a in _alarms(synth) if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"]
    assert alarm["Threshold"] == 1


def test_failed_receipts_metric_from_the_ocr_function_is_alarmed(synth):
    (alarm,) = [a for a in _alarms(synth) if a.get("MetricName") == "ReceiptsFailed"]
    assert alarm["Namespace"] == "FoodSave"
    assert alarm["Dimensions"] == [{"Name": "service", "Value": "ocr"}]


def test_api_5xx_and_p95_latency_are_alarmed(synth):
    names = {a.get("MetricName") for a in _alarms(synth)}
    assert {"5xx", "Latency"} <= names


def test_every_alarm_notifies_the_encrypted_alarm_topic(synth):
    topics = synth.resources("AWS::SNS::Topic")
    alarm_topic = next(k for k, v in topics.items() if v["Properties"]["DisplayName"] == "FoodSave alarms")
    for alarm in _alarms(synth):
        assert alarm["AlarmActions"] == [{"Ref": alarm_topic}]


def test_operations_dashboard_exists(synth):
    (dashboard,) = synth.resources("AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "FoodSave-operations"
