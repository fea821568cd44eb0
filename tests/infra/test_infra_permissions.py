"""Least privilege: each function's role allows only the actions and resources that function uses."""

from __future__ import annotations

import json

import pytest

from infra import constants

SERVICES = [spec.name for spec in constants.FUNCTIONS]


def _actions(statements):
    found = set()
    for s in statements:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        found.update(actions)
    return found


def _statement(statements, sid):
    (match,) = [s for s in statements if s.get("Sid") == sid]
    return match


@pytest.mark.parametrize("service", SERVICES)
def test_no_function_gets_a_service_wide_action_wildcard(synth, service):
    actions = _actions(synth.role_policy_statements(service))
    assert not [a for a in actions if a.endswith(":*") or a == "*"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_function_connects_with_iam_and_publishes_to_the_bus(profile_synth, service):
    actions = _actions(profile_synth.role_policy_statements(service))
    assert {"rds-db:connect", "events:PutEvents"} <= actions


@pytest.mark.parametrize("service", SERVICES)
def test_no_function_can_read_the_database_password(profile_synth, service):
    assert "secretsmanager:GetSecretValue" not in _actions(profile_synth.role_policy_statements(service))


def _connect_resource(synthesis, service):
    (statement,) = [
        s for s in synthesis.role_policy_statements(service) if "rds-db:connect" in str(s["Action"])
    ]
    return json.dumps(statement["Resource"])


def test_production_functions_connect_to_the_proxy_as_the_admin_user(synth):
    resource = _connect_resource(synth, "ocr")
    assert "dbuser:" in resource and f"/{constants.DB_ADMIN_USER}" in resource
    (proxy_id,) = synth.resources("AWS::RDS::DBProxy")
    assert proxy_id in resource


def test_household_functions_connect_to_the_cluster_as_the_app_role(household):
    resource = _connect_resource(household, "ocr")
    assert f"/{constants.DB_APP_USER}" in resource
    (cluster_id,) = household.resources("AWS::RDS::DBCluster")
    assert cluster_id in resource


def test_ocr_only_reads_receipt_uploads(synth):
    statements = synth.role_policy_statements("ocr")
    read = _statement(statements, "ReadReceiptUploads")
    assert read["Action"] == "s3:GetObject"
    assert read["Resource"]["Fn::Join"][1][-1] == "/uploads/receipts/*"
    assert not {"s3:PutObject", "s3:DeleteObject", "sqs:SendMessage", "bedrock:InvokeModel"} & _actions(
        statements
    )


def test_only_agent_chat_invokes_the_bedrock_model_and_only_that_model(synth):
    for service in SERVICES:
        statements = synth.role_policy_statements(service)
        has_bedrock = "bedrock:InvokeModel" in _actions(statements)
        assert has_bedrock == (service == "agent-chat")
    invoke = _statement(synth.role_policy_statements("agent-chat"), "InvokeChatModel")
    assert (
        invoke["Resource"] == f"arn:aws:bedrock:eu-central-1::foundation-model/{constants.BEDROCK_MODEL_ID}"
    )


def _queues_sent_to(synthesis, service):
    return [
        json.dumps(s["Resource"])
        for s in synthesis.role_policy_statements(service)
        if "sqs:SendMessage" in _actions([s])
    ]


def test_document_routes_and_erasure_enqueue_index_jobs_and_only_the_alert_evaluator_requeues_receipts(synth):
    """vector-search (documents) and agent-chat (erasure, household moves) send index jobs; the builder and
    ocr only consume."""
    for service in SERVICES:
        if service not in ("vector-search", "agent-chat", "alert-evaluator"):
            assert _queues_sent_to(synth, service) == []
    for service in ("vector-search", "agent-chat"):
        (index_queue,) = _queues_sent_to(synth, service)
        assert "IndexJobs" in index_queue
    (receipt_queue,) = _queues_sent_to(synth, "alert-evaluator")
    assert "ReceiptUploads" in receipt_queue


def test_the_alert_evaluator_may_ask_whether_a_receipt_photo_arrived_and_knows_the_receipt_queue(synth):
    head = _statement(synth.role_policy_statements("alert-evaluator"), "HeadReceiptUploads")
    assert head["Action"] == "s3:GetObject"
    assert head["Resource"]["Fn::Join"][1][-1] == "/uploads/receipts/*"
    _, evaluator = synth.function("alert-evaluator")
    assert "ReceiptUploads" in json.dumps(
        evaluator["Properties"]["Environment"]["Variables"]["FOODSAVE_RECEIPT_QUEUE_URL"]
    )


def test_only_the_queue_consumers_delete_messages_and_only_the_builder_publishes_indexes(synth):
    for service in SERVICES:
        actions = _actions(synth.role_policy_statements(service))
        assert ("sqs:DeleteMessage" in actions) == (service in ("index-builder", "ocr"))
    publish = _statement(synth.role_policy_statements("index-builder"), "PublishIndexes")
    assert publish["Resource"]["Fn::Join"][1][-1] == "/indexes/*"


def test_only_the_alert_evaluator_publishes_notifications(synth):
    for service in SERVICES:
        assert ("sns:Publish" in _actions(synth.role_policy_statements(service))) == (
            service == "alert-evaluator"
        )


@pytest.mark.parametrize("service", SERVICES)
def test_no_function_has_dynamodb_access(profile_synth, service):
    """Consumers are idempotent in PostgreSQL; the stack has no DynamoDB table (docs/infra.md)."""
    assert not [
        a for a in _actions(profile_synth.role_policy_statements(service)) if a.startswith("dynamodb:")
    ]
    assert not profile_synth.resources("AWS::DynamoDB::GlobalTable")
    assert not profile_synth.resources("AWS::DynamoDB::Table")


@pytest.mark.parametrize("service", SERVICES)
def test_resource_star_is_limited_to_actions_without_resource_level_permissions(profile_synth, service):
    allowed = {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
        "cloudwatch:GetMetricData",
    }
    star = [s for s in profile_synth.role_policy_statements(service) if s["Resource"] == "*"]
    assert _actions(star) <= allowed
