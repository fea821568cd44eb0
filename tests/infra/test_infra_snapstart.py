"""SnapStart on the functions it fits (agent-chat, alert-evaluator): snapshots of published versions, a `live`
alias that API Gateway and the schedule invoke, and none of what SnapStart refuses (EFS, more than 512 MB of
/tmp). The other functions keep plain cold starts and are invoked unqualified."""

from __future__ import annotations

from typing import Any

import pytest

from infra import constants

SNAPSTART = ("agent-chat", "alert-evaluator")
PLAIN = ("ocr", "vector-search", "index-builder")


def _alias_of(synth, service: str) -> tuple[str, dict[str, Any]]:
    logical_id, _ = synth.function(service)
    (alias,) = [
        (alias_id, alias)
        for alias_id, alias in synth.resources("AWS::Lambda::Alias").items()
        if alias["Properties"]["FunctionName"] == {"Ref": logical_id}
    ]
    return alias


@pytest.mark.parametrize("service", SNAPSTART)
def test_snapstart_applies_to_published_versions_of_the_people_facing_functions(synth, service):
    props = synth.function(service)[1]["Properties"]
    assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}


@pytest.mark.parametrize("service", PLAIN)
def test_functions_with_large_tmp_or_no_people_waiting_have_no_snapstart(synth, service):
    assert "SnapStart" not in synth.function(service)[1]["Properties"]


@pytest.mark.parametrize("service", SNAPSTART)
def test_snapstart_functions_keep_to_512_mb_of_tmp_and_mount_no_efs(synth_with_options, service):
    props = synth_with_options.function(service)[1]["Properties"]
    assert props["EphemeralStorage"]["Size"] <= 512
    assert "FileSystemConfigs" not in props


@pytest.mark.parametrize("service", SNAPSTART)
def test_live_alias_points_at_a_published_version_of_the_function(synth, service):
    logical_id, _ = synth.function(service)
    _, alias = _alias_of(synth, service)
    version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    version = synth.template["Resources"][version_id]
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": logical_id}
    assert alias["Properties"]["Name"] == "live"


def _integration_targets(synth) -> list[Any]:
    return [
        i["Properties"]["IntegrationUri"] for i in synth.resources("AWS::ApiGatewayV2::Integration").values()
    ]


@pytest.mark.parametrize("service", SNAPSTART)
def test_api_gateway_invokes_the_live_alias_of_snapstart_functions(synth, service):
    alias_id, _ = _alias_of(synth, service)
    assert {"Ref": alias_id} in _integration_targets(synth)
    function_arn = {"Fn::GetAtt": [synth.function(service)[0], "Arn"]}
    assert function_arn not in _integration_targets(synth)


def test_vector_search_is_invoked_unqualified_by_api_gateway(synth):
    function_arn = {"Fn::GetAtt": [synth.function(constants.VECTOR_SEARCH.name)[0], "Arn"]}
    assert function_arn in _integration_targets(synth)


def test_the_evaluator_schedule_invokes_the_live_alias(synth):
    alias_id, _ = _alias_of(synth, constants.ALERT_EVALUATOR.name)
    (rule,) = [
        r for r in synth.resources("AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    assert [t["Arn"] for t in rule["Properties"]["Targets"]] == [{"Ref": alias_id}]


@pytest.mark.parametrize("service", SNAPSTART)
def test_api_gateway_may_invoke_the_alias(synth, service):
    alias_id, _ = _alias_of(synth, service)
    permissions = [
        p["Properties"]
        for p in synth.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": alias_id}
    ]
    assert any(p["Principal"] == "apigateway.amazonaws.com" for p in permissions)
