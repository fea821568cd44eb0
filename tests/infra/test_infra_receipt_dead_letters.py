"""A receipt whose readings keep failing is never silently stuck in AWS: its message ends in the receipts
dead-letter queue (kept long enough to be redriven, alarmed on its first message), and the scheduled lease
sweep, which may look at the photo and queue it again, fails the receipt with the true reason."""

from __future__ import annotations

from datetime import timedelta

from foodsave.receipts.service import STALE_CLAIM
from infra import constants

SQS_DEFAULT_RETENTION_SECONDS = 4 * 24 * 3600


def _receipt_queue(synth):
    """The queue the ocr function consumes, and its dead-letter queue (logical ids and properties)."""
    fn_id, _ = synth.function("ocr")
    (mapping,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": fn_id}
    ]
    queue_id = mapping["EventSourceArn"]["Fn::GetAtt"][0]
    queue = synth.template["Resources"][queue_id]["Properties"]
    dlq_id = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    return queue_id, queue, dlq_id, synth.template["Resources"][dlq_id]["Properties"]


def test_the_receipts_dead_letter_queue_keeps_messages_longer_than_the_queue_for_a_redrive(profile_synth):
    _, queue, _, dlq = _receipt_queue(profile_synth)
    assert queue["RedrivePolicy"]["maxReceiveCount"] == constants.RECEIPT_QUEUE_MAX_RECEIVE_COUNT
    assert "RedrivePolicy" not in dlq
    queue_retention = queue.get("MessageRetentionPeriod", SQS_DEFAULT_RETENTION_SECONDS)
    assert dlq["MessageRetentionPeriod"] == constants.DLQ_RETENTION_DAYS * 24 * 3600 > queue_retention


def test_the_first_dead_lettered_receipt_message_raises_an_alarm_to_the_operators(profile_synth):
    _, _, dlq_id, _ = _receipt_queue(profile_synth)
    (alarm,) = [
        a["Properties"]
        for a in profile_synth.resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
        and a["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [dlq_id, "QueueName"]}
    ]
    assert alarm["Threshold"] == 1
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["AlarmActions"]


def test_the_lease_sweep_runs_where_it_can_requeue_receipts_and_read_their_photos(profile_synth):
    queue_id, _, _, _ = _receipt_queue(profile_synth)
    _, evaluator = profile_synth.function("alert-evaluator")
    assert evaluator["Properties"]["Environment"]["Variables"]["FOODSAVE_RECEIPT_QUEUE_URL"] == {
        "Ref": queue_id
    }
    sends = [
        s for s in profile_synth.role_policy_statements("alert-evaluator") if "sqs:SendMessage" in s["Action"]
    ]
    assert [s["Resource"] for s in sends] == [{"Fn::GetAtt": [queue_id, "Arn"]}]


def test_a_reading_still_running_is_never_taken_for_dead_by_the_lease_sweep(synth):
    _, ocr = synth.function("ocr")
    assert timedelta(seconds=ocr["Properties"]["Timeout"]) < STALE_CLAIM


def test_in_production_the_lease_sweep_runs_at_least_once_per_lease(synth):
    (rule,) = [
        r["Properties"]
        for r in synth.resources("AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    assert rule["ScheduleExpression"] == f"rate({constants.EVALUATOR_SCHEDULE_MINUTES} minutes)"
    assert timedelta(minutes=constants.EVALUATOR_SCHEDULE_MINUTES) <= STALE_CLAIM


def test_the_status_route_knows_the_receipts_dead_letter_queue_and_may_read_both_depths(profile_synth):
    queue_id, _, dlq_id, _ = _receipt_queue(profile_synth)
    _, evaluator = profile_synth.function("alert-evaluator")
    assert evaluator["Properties"]["Environment"]["Variables"]["FOODSAVE_RECEIPT_DLQ_URL"] == {"Ref": dlq_id}
    (depths,) = [
        s
        for s in profile_synth.role_policy_statements("alert-evaluator")
        if s.get("Sid") == "QueueDepthForStatus"
    ]
    assert depths["Action"] == "sqs:GetQueueAttributes"
    assert {"Fn::GetAtt": [queue_id, "Arn"]} in depths["Resource"]
    assert {"Fn::GetAtt": [dlq_id, "Arn"]} in depths["Resource"]
