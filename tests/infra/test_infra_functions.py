"""The five functions: packaging, sizing, tracing, logging, networking and environment."""

from __future__ import annotations

import json

import pytest

from infra import constants

SERVICES = [spec.name for spec in constants.FUNCTIONS]
REQUIRED_ENV = [
    "FOODSAVE_ENV",
    "FOODSAVE_BUCKET",
    "FOODSAVE_INDEX_QUEUE_URL",
    "FOODSAVE_EVENT_BUS_NAME",
    "FOODSAVE_DB_HOST",
    "FOODSAVE_DB_IAM_USER",
    "FOODSAVE_DB_NAME",
    "FOODSAVE_NOTIFICATIONS_TOPIC_ARN",
    "FOODSAVE_LLM_PROVIDER",
    "FOODSAVE_BEDROCK_MODEL_ID",
    "FOODSAVE_EMBEDDER",
    "FOODSAVE_DATA_DIR",
    "OMP_THREAD_LIMIT",
    "TESSDATA_PREFIX",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "LOG_LEVEL",
]


def app_layers(synthesis):  # type: ignore[no-untyped-def]
    """The app's own layers (the model-weights deployment brings aws-cdk-lib's AWS CLI layer too)."""
    return {
        k: v for k, v in synthesis.resources("AWS::Lambda::LayerVersion").items() if k.startswith("Layers")
    }


def test_the_stack_has_the_five_service_functions_plus_the_migration_function(synth):
    services = {
        res["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for res in synth.resources("AWS::Lambda::Function").values()
        if "POWERTOOLS_SERVICE_NAME" in res["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert set(SERVICES) <= services
    assert "migration" in services


@pytest.mark.parametrize("service", [*SERVICES, "migration"])
def test_function_runs_python_312_on_arm64_with_the_handler_module(profile_synth, service):
    _, fn = profile_synth.function(service)
    props = fn["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "handler.handler"


def test_x86_64_stays_selectable_by_context(synth_with_options):
    for service in [*SERVICES, "migration"]:
        assert synth_with_options.function(service)[1]["Properties"]["Architectures"] == ["x86_64"]
    for layer in app_layers(synth_with_options).values():
        assert layer["Properties"]["CompatibleArchitectures"] == ["x86_64"]


@pytest.mark.parametrize(("fixture", "days"), [("synth", 30), ("household", 14)])
@pytest.mark.parametrize("service", SERVICES)
def test_function_has_active_tracing_and_json_logs_kept_for_the_profile_retention(
    request, fixture, days, service
):
    synthesis = request.getfixturevalue(fixture)
    _, fn = synthesis.function(service)
    props = fn["Properties"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"]["LogFormat"] == "JSON"
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    assert synthesis.template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == days


def test_every_log_group_has_a_retention_including_helpers(profile_synth):
    groups = profile_synth.resources("AWS::Logs::LogGroup")
    assert groups and all("RetentionInDays" in g["Properties"] for g in groups.values())


def test_no_helper_function_writes_to_a_log_group_without_retention(profile_synth):
    """Every Lambda (own or hosted rotation) logs to a group created with a retention in the template."""
    named = {
        g["Properties"].get("LogGroupName") for g in profile_synth.resources("AWS::Logs::LogGroup").values()
    }
    for res in profile_synth.resources("AWS::Lambda::Function").values():
        assert "LogGroup" in res["Properties"].get("LoggingConfig", {})
    rotation = next(iter(profile_synth.resources("AWS::SecretsManager::RotationSchedule").values()))
    function_name = rotation["Properties"]["HostedRotationLambda"]["RotationLambdaName"]
    assert f"/aws/lambda/{function_name}" in named
    assert "/aws/rds/cluster/foodsave-db/postgresql" in named
    assert not profile_synth.resources("Custom::S3BucketNotifications")
    assert not profile_synth.resources("Custom::LogRetention")


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("variable", REQUIRED_ENV)
def test_function_environment_carries_the_foodsave_and_powertools_settings(synth, service, variable):
    _, fn = synth.function(service)
    assert variable in fn["Properties"]["Environment"]["Variables"]


@pytest.mark.parametrize("service", SERVICES)
def test_function_environment_selects_aws_adapters_bedrock_and_the_layer_tessdata(synth, service):
    env = synth.function(service)[1]["Properties"]["Environment"]["Variables"]
    assert env["FOODSAVE_ENV"] == "aws"
    assert env["FOODSAVE_LLM_PROVIDER"] == "bedrock"
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "FoodSave"
    assert env["POWERTOOLS_SERVICE_NAME"] == service
    assert env["TESSDATA_PREFIX"] == "/opt/share/tessdata"
    assert env["OMP_THREAD_LIMIT"] == "1"
    assert env["FOODSAVE_DATA_DIR"].startswith("/tmp/")


def test_ocr_function_gets_at_least_1024_mb(synth):
    assert synth.function("ocr")[1]["Properties"]["MemorySize"] >= 1024


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda s: s.name)
def test_function_memory_and_timeout_follow_its_spec(synth, spec):
    props = synth.function(spec.name)[1]["Properties"]
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_seconds


@pytest.mark.parametrize("service", ["agent-chat", "vector-search", "alert-evaluator"])
def test_api_functions_finish_before_the_http_api_integration_timeout(synth, service):
    assert synth.function(service)[1]["Properties"]["Timeout"] <= 30 or service == "alert-evaluator"


def test_no_function_reserves_concurrency(profile_synth):
    """Accounts with a concurrency quota of 10 refuse any reservation; the queues throttle instead."""
    assert "ReservedConcurrentExecutions" not in json.dumps(profile_synth.template)


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda s: s.name)
def test_function_gets_exactly_the_layers_of_its_spec(synth, spec):
    assert len(synth.function(spec.name)[1]["Properties"]["Layers"]) == len(spec.layers)


def test_layers_are_python312_arm64_layer_versions(profile_synth):
    layers = app_layers(profile_synth)
    assert len(layers) == 3
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


@pytest.mark.parametrize("service", [*SERVICES, "migration"])
def test_production_function_runs_in_private_subnets_with_the_functions_security_group(synth, service):
    vpc_config = synth.function(service)[1]["Properties"]["VpcConfig"]
    assert len(vpc_config["SubnetIds"]) == 2
    assert len(vpc_config["SecurityGroupIds"]) == 1


@pytest.mark.parametrize("service", [*SERVICES, "migration"])
def test_household_function_runs_outside_the_vpc(household, service):
    assert "VpcConfig" not in household.function(service)[1]["Properties"]


def test_household_layers_are_deleted_with_the_stack_and_production_layers_are_kept(synth, household):
    for layer in app_layers(household).values():
        assert layer["DeletionPolicy"] == "Delete"
    for layer in app_layers(synth).values():
        assert layer["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("service", SERVICES)
def test_function_role_has_no_aws_managed_policies(synth, service):
    role_id = synth.function(service)[1]["Properties"]["Role"]["Fn::GetAtt"][0]
    assert "ManagedPolicyArns" not in synth.template["Resources"][role_id]["Properties"]


@pytest.mark.parametrize("service", SERVICES)
def test_functions_wait_for_the_schema_migration(synth, service):
    logical_id, fn = synth.function(service)
    migration = next(iter(synth.resources("Custom::FoodSaveMigration")))
    assert migration in fn.get("DependsOn", [])
