"""Bucket, receipt and index queues with their DLQs, the S3 -> EventBridge -> SQS -> ocr path, bus, schedule."""

from __future__ import annotations

import pytest

from infra import constants


def _uploads_bucket(synth):
    for logical_id, res in synth.resources("AWS::S3::Bucket").items():
        if "LoggingConfiguration" in res["Properties"]:
            return logical_id, res["Properties"]
    raise AssertionError("no uploads bucket")


def test_uploads_bucket_blocks_public_access_and_encrypts_at_rest(synth):
    _, props = _uploads_bucket(synth)
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    rule = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_uploads_bucket_denies_requests_without_tls(synth):
    bucket_id, _ = _uploads_bucket(synth)
    policies = [
        p
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )


def test_raw_receipt_uploads_expire_and_old_versions_are_cleaned_up(synth):
    _, props = _uploads_bucket(synth)
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-raw-receipts"]["Prefix"] == constants.RECEIPTS_PREFIX
    assert rules["expire-raw-receipts"]["ExpirationInDays"] == constants.RAW_RECEIPT_EXPIRY_DAYS
    assert "NoncurrentVersionExpiration" in rules["expire-noncurrent-versions"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}


def test_the_bucket_announces_uploads_to_eventbridge_without_a_helper_function(profile_synth):
    _, props = _uploads_bucket(profile_synth)
    assert props["NotificationConfiguration"] == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    assert not profile_synth.resources("Custom::S3BucketNotifications")


def test_no_s3_invokes_a_function_directly(profile_synth):
    principals = {
        p["Properties"]["Principal"] for p in profile_synth.resources("AWS::Lambda::Permission").values()
    }
    assert "s3.amazonaws.com" not in principals


def _receipt_rule(synth):
    (rule,) = [
        r["Properties"]
        for r in synth.resources("AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.s3"]
    ]
    return rule


def test_receipt_uploads_are_routed_from_eventbridge_to_the_receipts_queue(profile_synth):
    rule = _receipt_rule(profile_synth)
    bucket_id, _ = _uploads_bucket(profile_synth)
    pattern = rule["EventPattern"]
    assert pattern["detail-type"] == ["Object Created"]
    assert pattern["detail"]["bucket"]["name"] == [{"Ref": bucket_id}]
    assert pattern["detail"]["object"]["key"] == [{"prefix": constants.RECEIPTS_PREFIX}]
    (target,) = rule["Targets"]
    queue_id, _ = _queue(profile_synth, constants.OCR)
    assert target["Arn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    dlq_id = profile_synth.template["Resources"][queue_id]["Properties"]["RedrivePolicy"][
        "deadLetterTargetArn"
    ]
    assert target["DeadLetterConfig"]["Arn"] == dlq_id


def _queue(synth, consumer):
    """The work queue whose visibility timeout is derived from `consumer`'s timeout, and its properties."""
    for logical_id, res in synth.resources("AWS::SQS::Queue").items():
        props = res["Properties"]
        if "RedrivePolicy" in props and props["VisibilityTimeout"] == 6 * consumer.timeout_seconds:
            return logical_id, props
    raise AssertionError(f"no queue for {consumer.name}")


def _mapping(synth, service):
    fn_id, _ = synth.function(service)
    (mapping,) = [
        m["Properties"]
        for m in synth.resources("AWS::Lambda::EventSourceMapping").values()
        if m["Properties"]["FunctionName"] == {"Ref": fn_id}
    ]
    return mapping


def test_ocr_is_fed_by_the_receipts_queue_throttled_by_maximum_concurrency(profile_synth):
    mapping = _mapping(profile_synth, "ocr")
    queue_id, props = _queue(profile_synth, constants.OCR)
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": constants.RECEIPT_QUEUE_MAX_CONCURRENCY}
    assert props["RedrivePolicy"]["maxReceiveCount"] == constants.RECEIPT_QUEUE_MAX_RECEIVE_COUNT


def test_eventbridge_may_send_to_the_receipts_queue_and_its_dead_letter_queue(profile_synth):
    queue_id, props = _queue(profile_synth, constants.OCR)
    dlq_id = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    allowed = set()
    for policy in profile_synth.resources("AWS::SQS::QueuePolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement.get("Principal") == {"Service": "events.amazonaws.com"}:
                allowed.update(q["Ref"] for q in policy["Properties"]["Queues"])
    assert {queue_id, dlq_id} <= allowed


def _index_queue(synth):
    return _queue(synth, constants.INDEX_BUILDER)


def test_index_queue_visibility_timeout_is_at_least_six_times_the_builder_timeout(synth):
    _, props = _index_queue(synth)
    builder_timeout = synth.function("index-builder")[1]["Properties"]["Timeout"]
    assert props["VisibilityTimeout"] >= 6 * builder_timeout


def test_index_queue_sends_poison_messages_to_the_dead_letter_queue(synth):
    _, props = _index_queue(synth)
    assert props["RedrivePolicy"]["maxReceiveCount"] == constants.INDEX_QUEUE_MAX_RECEIVE_COUNT
    dlq_id = props["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert synth.template["Resources"][dlq_id]["Type"] == "AWS::SQS::Queue"


def test_index_builder_consumes_the_queue_reporting_batch_item_failures(synth):
    props = _mapping(synth, "index-builder")
    queue_id, _ = _index_queue(synth)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["ScalingConfig"] == {"MaximumConcurrency": constants.INDEX_QUEUE_MAX_CONCURRENCY}


def test_queues_are_encrypted(synth):
    for queue in synth.resources("AWS::SQS::Queue").values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_a_custom_event_bus_carries_domain_events(synth):
    (bus,) = synth.resources("AWS::Events::EventBus").values()
    assert bus["Properties"]["Name"] == constants.EVENT_BUS_NAME


def test_household_evaluator_runs_four_times_a_day_so_the_database_can_pause(household):
    (rule,) = [
        r
        for r in household.resources("AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "rate(6 hours)"


def test_alert_evaluator_runs_every_fifteen_minutes(synth):
    evaluator_id, _ = synth.function("alert-evaluator")
    scheduled = [
        r for r in synth.resources("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    (rule,) = scheduled
    assert rule["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
    assert rule["Properties"]["Targets"][0]["Arn"] == {"Fn::GetAtt": [evaluator_id, "Arn"]}


def test_notifications_topic_is_encrypted(synth):
    for topic in synth.resources("AWS::SNS::Topic").values():
        assert "KmsMasterKeyId" in topic["Properties"]


def test_household_buckets_are_deleted_with_the_stack_and_production_buckets_are_kept(synth, household):
    for bucket in household.resources("AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Delete"
    for bucket in synth.resources("AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize(
    ("fixture", "origins"), [("synth", ["https://app.foodsave.ai"]), ("household", ["http://localhost:8081"])]
)
def test_browser_uploads_are_allowed_from_the_profile_origins_only(request, fixture, origins):
    _, props = _uploads_bucket(request.getfixturevalue(fixture))
    (rule,) = props["CorsConfiguration"]["CorsRules"]
    assert rule["AllowedOrigins"] == origins
