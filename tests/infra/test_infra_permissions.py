"""Least privilege: each function's role allows only the actions and resources that function uses."""

from __future__ import annotations

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
def test_every_function_reads_the_db_secret_and_publishes_to_the_bus(synth, service):
    actions = _actions(synth.role_policy_statements(service))
    assert {"secretsmanager:GetSecretValue", "events:PutEvents"} <= actions


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


def test_only_vector_search_enqueues_index_jobs(synth):
    for service in SERVICES:
        assert ("sqs:SendMessage" in _actions(synth.role_policy_statements(service))) == (
            service == "vector-search"
        )


def test_only_the_index_builder_consumes_and_publishes_indexes(synth):
    for service in SERVICES:
        actions = _actions(synth.role_policy_statements(service))
        assert ("sqs:DeleteMessage" in actions) == (service == "index-builder")
    publish = _statement(synth.role_policy_statements("index-builder"), "PublishIndexes")
    assert publish["Resource"]["Fn::Join"][1][-1] == "/indexes/*"


def test_only_the_alert_evaluator_publishes_notifications(synth):
    for service in SERVICES:
        assert ("sns:Publish" in _actions(synth.role_policy_statements(service))) == (
            service == "alert-evaluator"
        )


@pytest.mark.parametrize("service", ["ocr", "agent-chat", "index-builder"])
def test_idempotent_consumers_can_use_the_idempotency_table(synth, service):
    assert "dynamodb:PutItem" in _actions(synth.role_policy_statements(service))


@pytest.mark.parametrize("service", ["vector-search", "alert-evaluator"])
def test_functions_without_idempotent_handlers_have_no_table_access(synth, service):
    assert "dynamodb:PutItem" not in _actions(synth.role_policy_statements(service))


@pytest.mark.parametrize("service", SERVICES)
def test_resource_star_is_limited_to_actions_without_resource_level_permissions(synth, service):
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
    star = [s for s in synth.role_policy_statements(service) if s["Resource"] == "*"]
    assert _actions(star) <= allowed
