"""The five functions: packaging, sizing, tracing, logging, networking and environment."""

from __future__ import annotations

import pytest

from infra import constants

SERVICES = [spec.name for spec in constants.FUNCTIONS]
REQUIRED_ENV = [
    "FOODSAVE_ENV",
    "FOODSAVE_BUCKET",
    "FOODSAVE_INDEX_QUEUE_URL",
    "FOODSAVE_EVENT_BUS_NAME",
    "FOODSAVE_DB_SECRET_ARN",
    "FOODSAVE_DB_PROXY_ENDPOINT",
    "FOODSAVE_DB_NAME",
    "FOODSAVE_IDEMPOTENCY_TABLE",
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


def test_the_stack_has_the_five_service_functions_plus_the_migration_function(synth):
    services = {
        res["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]
        for res in synth.resources("AWS::Lambda::Function").values()
        if "Environment" in res["Properties"]
    }
    assert set(SERVICES) <= services
    assert "migration" in services


@pytest.mark.parametrize("service", SERVICES)
def test_function_runs_python_312_on_x86_64_with_the_handler_module(synth, service):
    _, fn = synth.function(service)
    props = fn["Properties"]
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["x86_64"]
    assert props["Handler"] == "handler.handler"


@pytest.mark.parametrize("service", SERVICES)
def test_function_has_active_tracing_and_json_logs_in_a_retained_log_group(synth, service):
    _, fn = synth.function(service)
    props = fn["Properties"]
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["LoggingConfig"]["LogFormat"] == "JSON"
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    assert synth.template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 30


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


def test_only_the_ocr_function_has_reserved_concurrency(synth):
    reserved = {s: synth.function(s)[1]["Properties"].get("ReservedConcurrentExecutions") for s in SERVICES}
    assert reserved.pop("ocr") == constants.OCR.reserved_concurrency
    assert set(reserved.values()) == {None}


@pytest.mark.parametrize("spec", constants.FUNCTIONS, ids=lambda s: s.name)
def test_function_gets_exactly_the_layers_of_its_spec(synth, spec):
    assert len(synth.function(spec.name)[1]["Properties"]["Layers"]) == len(spec.layers)


def test_layers_are_python312_arm64_layer_versions(synth):
    layers = synth.resources("AWS::Lambda::LayerVersion")
    assert len(layers) == 3
    for layer in layers.values():
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


@pytest.mark.parametrize("service", SERVICES)
def test_function_runs_in_private_subnets_with_the_functions_security_group(synth, service):
    vpc_config = synth.function(service)[1]["Properties"]["VpcConfig"]
    assert len(vpc_config["SubnetIds"]) == 2
    assert len(vpc_config["SecurityGroupIds"]) == 1


@pytest.mark.parametrize("service", SERVICES)
def test_function_role_has_no_aws_managed_policies(synth, service):
    role_id = synth.function(service)[1]["Properties"]["Role"]["Fn::GetAtt"][0]
    assert "ManagedPolicyArns" not in synth.template["Resources"][role_id]["Properties"]


@pytest.mark.parametrize("service", SERVICES)
def test_functions_wait_for_the_schema_migration(synth, service):
    logical_id, fn = synth.function(service)
    migration = next(iter(synth.resources("Custom::FoodSaveMigration")))
    assert migration in fn.get("DependsOn", [])
