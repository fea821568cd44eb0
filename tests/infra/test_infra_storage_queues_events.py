"""Bucket, idempotency table, index queue with its DLQ, event bus and the evaluator schedule."""

from __future__ import annotations

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


def test_receipt_uploads_notify_the_ocr_function_and_documents_notify_nothing(synth):
    (notification,) = synth.resources("Custom::S3BucketNotifications").values()
    configs = notification["Properties"]["NotificationConfiguration"]["LambdaFunctionConfigurations"]
    assert len(configs) == 1
    (config,) = configs
    ocr_id, _ = synth.function("ocr")
    assert config["LambdaFunctionArn"] == {"Fn::GetAtt": [ocr_id, "Arn"]}
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert config["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": "uploads/receipts/"}]


def test_s3_may_invoke_the_ocr_function(synth):
    ocr_id, _ = synth.function("ocr")
    assert any(
        p["Properties"]["Principal"] == "s3.amazonaws.com"
        and p["Properties"]["FunctionName"] == {"Fn::GetAtt": [ocr_id, "Arn"]}
        for p in synth.resources("AWS::Lambda::Permission").values()
    )


def test_idempotency_table_expires_records_by_ttl(synth):
    (table,) = synth.resources("AWS::DynamoDB::GlobalTable").values()
    assert table["Properties"]["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert table["Properties"]["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]


def _index_queue(synth):
    for logical_id, res in synth.resources("AWS::SQS::Queue").items():
        if "RedrivePolicy" in res["Properties"]:
            return logical_id, res["Properties"]
    raise AssertionError("no queue with a DLQ")


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
    (mapping,) = synth.resources("AWS::Lambda::EventSourceMapping").values()
    queue_id, _ = _index_queue(synth)
    builder_id, _ = synth.function("index-builder")
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert props["FunctionName"] == {"Ref": builder_id}
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert props["ScalingConfig"] == {"MaximumConcurrency": constants.INDEX_QUEUE_MAX_CONCURRENCY}


def test_queues_are_encrypted(synth):
    for queue in synth.resources("AWS::SQS::Queue").values():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True


def test_a_custom_event_bus_carries_domain_events(synth):
    (bus,) = synth.resources("AWS::Events::EventBus").values()
    assert bus["Properties"]["Name"] == constants.EVENT_BUS_NAME


def test_alert_evaluator_runs_every_fifteen_minutes(synth):
    evaluator_id, _ = synth.function("alert-evaluator")
    scheduled = [
        r for r in synth.resources("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    (rule,) = scheduled
    assert rule["Properties"]["ScheduleExpression"] == "rate(15 minutes)"
    target = rule["Properties"]["Targets"][0]["Arn"]  # the `live` alias (SnapStart) of the evaluator
    assert synth.template["Resources"][target["Ref"]]["Properties"]["FunctionName"] == {"Ref": evaluator_id}


def test_notifications_topic_is_encrypted(synth):
    for topic in synth.resources("AWS::SNS::Topic").values():
        assert "KmsMasterKeyId" in topic["Properties"]
