"""HTTP API routes and authorizer, Cognito, Aurora Serverless v2, RDS Proxy, migration and network."""

from __future__ import annotations

import pytest

from infra import constants

ROUTE_OWNERS = [(prefix, spec.name) for spec in constants.FUNCTIONS for prefix in spec.api_prefixes]


def _routes(synth):
    return {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synth.resources("AWS::ApiGatewayV2::Route").values()
    }


def _integration_function(synth, route_props):
    integration_id = route_props["Target"]["Fn::Join"][1][1]["Ref"]
    integration = synth.template["Resources"][integration_id]["Properties"]
    return integration["IntegrationUri"]["Fn::GetAtt"][0]


@pytest.mark.parametrize(("prefix", "owner"), ROUTE_OWNERS)
def test_each_route_prefix_goes_to_exactly_its_function_behind_the_jwt_authorizer(synth, prefix, owner):
    routes = _routes(synth)
    owner_id, _ = synth.function(owner)
    for key in (f"ANY {prefix}", f"ANY {prefix}/{{proxy+}}"):
        assert _integration_function(synth, routes[key]) == owner_id
        assert routes[key]["AuthorizationType"] == "JWT"


def test_health_is_the_only_public_route(synth):
    public = [k for k, r in _routes(synth).items() if r.get("AuthorizationType", "NONE") == "NONE"]
    assert public == ["GET /health"]


def test_jwt_authorizer_trusts_the_user_pool_and_its_app_client(synth):
    (authorizer,) = synth.resources("AWS::ApiGatewayV2::Authorizer").values()
    props = authorizer["Properties"]
    assert props["AuthorizerType"] == "JWT"
    (client_id,) = synth.resources("AWS::Cognito::UserPoolClient")
    assert props["JwtConfiguration"]["Audience"] == [{"Ref": client_id}]
    assert "cognito-idp" in str(props["JwtConfiguration"]["Issuer"])


@pytest.mark.parametrize(
    ("fixture", "profile"), [("synth", constants.PRODUCTION), ("household", constants.HOUSEHOLD)]
)
def test_api_allows_the_profile_origins_with_authorization_headers(request, fixture, profile):
    (api,) = request.getfixturevalue(fixture).resources("AWS::ApiGatewayV2::Api").values()
    cors = api["Properties"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == list(profile.cors_origins)
    assert "Authorization" in cors["AllowHeaders"]


def test_production_api_does_not_allow_a_localhost_origin(synth):
    (api,) = synth.resources("AWS::ApiGatewayV2::Api").values()
    assert not [o for o in api["Properties"]["CorsConfiguration"]["AllowOrigins"] if "localhost" in o]


def test_chat_routes_have_their_own_lower_throttle(profile_synth):
    (stage,) = profile_synth.resources("AWS::ApiGatewayV2::Stage").values()
    settings = stage["Properties"]["RouteSettings"]
    for key in ("ANY /v1/chat", "ANY /v1/chat/{proxy+}"):
        assert settings[key] == {
            "ThrottlingRateLimit": constants.CHAT_THROTTLE_RATE,
            "ThrottlingBurstLimit": constants.CHAT_THROTTLE_BURST,
        }
    assert constants.CHAT_THROTTLE_RATE < constants.API_THROTTLE_RATE
    routes = {
        r["Properties"]["RouteKey"]: k for k, r in profile_synth.resources("AWS::ApiGatewayV2::Route").items()
    }
    # Route settings name routes by key: the stage may only be created once those routes exist.
    assert {routes[key] for key in settings} <= set(stage["DependsOn"])


def test_default_stage_is_throttled_and_access_logged(synth):
    (stage,) = synth.resources("AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"
    assert props["DefaultRouteSettings"]["ThrottlingRateLimit"] == constants.API_THROTTLE_RATE
    assert props["DefaultRouteSettings"]["ThrottlingBurstLimit"] == constants.API_THROTTLE_BURST
    assert "DestinationArn" in props["AccessLogSettings"]


def test_user_pool_signs_in_by_email_with_a_strong_password_policy(synth):
    (pool,) = synth.resources("AWS::Cognito::UserPool").values()
    props = pool["Properties"]
    assert props["UsernameAttributes"] == ["email"]
    assert props["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12
    (client,) = synth.resources("AWS::Cognito::UserPoolClient").values()
    assert client["Properties"]["GenerateSecret"] is False


def _cluster(synth):
    (cluster,) = synth.resources("AWS::RDS::DBCluster").values()
    return cluster


def test_database_is_encrypted_aurora_postgresql_serverless_v2_with_iam_auth_and_forced_tls(profile_synth):
    cluster = _cluster(profile_synth)
    props = cluster["Properties"]
    assert props["Engine"] == "aurora-postgresql"
    assert props["StorageEncrypted"] is True
    assert props["EnableIAMDatabaseAuthentication"] is True
    (params,) = profile_synth.resources("AWS::RDS::DBClusterParameterGroup").values()
    assert params["Properties"]["Parameters"]["rds.force_ssl"] == "1"
    (instance,) = profile_synth.resources("AWS::RDS::DBInstance").values()
    assert instance["Properties"]["DBInstanceClass"] == "db.serverless"


def test_household_database_scales_to_zero_and_pauses_when_idle(household):
    scaling = _cluster(household)["Properties"]["ServerlessV2ScalingConfiguration"]
    assert scaling["MinCapacity"] == 0
    assert scaling["SecondsUntilAutoPause"] == constants.HOUSEHOLD.db_auto_pause_minutes * 60
    assert scaling["MaxCapacity"] == constants.HOUSEHOLD.db_max_acu


def test_production_database_keeps_a_warm_minimum_and_deletion_protection(synth):
    props = _cluster(synth)["Properties"]
    assert props["ServerlessV2ScalingConfiguration"] == {
        "MinCapacity": constants.PRODUCTION.db_min_acu,
        "MaxCapacity": constants.PRODUCTION.db_max_acu,
    }
    assert props["DeletionProtection"] is True
    assert _cluster(synth)["DeletionPolicy"] == "Snapshot"


def test_household_has_no_nat_gateway_no_proxy_and_no_deletion_protection(household):
    assert not household.resources("AWS::EC2::NatGateway")
    assert not household.resources("AWS::RDS::DBProxy")
    assert not household.resources("AWS::EC2::VPCEndpoint")
    assert _cluster(household)["Properties"]["DeletionProtection"] is False
    assert _cluster(household)["DeletionPolicy"] == "Delete"
    (pool,) = household.resources("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["DeletionProtection"] == "INACTIVE"
    assert pool["DeletionPolicy"] == "Delete"


def test_household_functions_reach_the_writer_directly_by_its_endpoint(household):
    env = household.function("ocr")[1]["Properties"]["Environment"]["Variables"]
    (cluster_id,) = household.resources("AWS::RDS::DBCluster")
    assert env["FOODSAVE_DB_HOST"] == {"Fn::GetAtt": [cluster_id, "Endpoint.Address"]}
    assert env["FOODSAVE_DB_IAM_USER"] == constants.DB_APP_USER
    assert int(env["FOODSAVE_DB_CONNECT_TIMEOUT"]) >= 15  # a paused writer takes about 15 s to resume


def test_production_functions_reach_the_database_through_a_tls_only_iam_proxy(synth):
    (proxy,) = synth.resources("AWS::RDS::DBProxy").values()
    props = proxy["Properties"]
    assert props["RequireTLS"] is True
    assert props["EngineFamily"] == "POSTGRESQL"
    assert props["Auth"][0]["IAMAuth"] == "REQUIRED"
    env = synth.function("ocr")[1]["Properties"]["Environment"]["Variables"]
    assert env["FOODSAVE_DB_HOST"]["Fn::GetAtt"][1] == "Endpoint"
    assert env["FOODSAVE_DB_IAM_USER"] == constants.DB_ADMIN_USER
    assert "FOODSAVE_DB_SECRET_ARN" not in env


def test_database_secret_rotates_only_after_the_migration(profile_synth):
    (rotation,) = profile_synth.resources("AWS::SecretsManager::RotationSchedule").values()
    assert (
        rotation["Properties"]["RotationRules"]["ScheduleExpression"]
        == f"rate({constants.DB_ROTATION_DAYS} days)"
    )
    (migration_id,) = profile_synth.resources("Custom::FoodSaveMigration")
    assert migration_id in rotation["DependsOn"]


def test_user_pool_uses_the_essentials_plan_unless_plus_is_asked_for(profile_synth):
    (pool,) = profile_synth.resources("AWS::Cognito::UserPool").values()
    assert pool["Properties"]["UserPoolTier"] == "ESSENTIALS"


def test_proxy_accepts_only_the_functions_security_group(synth):
    ingress = [
        r["Properties"]
        for r in synth.resources("AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"].get("FromPort") == constants.DB_PORT
    ]
    assert ingress and all("SourceSecurityGroupId" in rule for rule in ingress)
    assert not any(rule.get("CidrIp") == "0.0.0.0/0" for rule in ingress)


def test_migration_runs_as_a_custom_resource_backed_by_the_migration_function(synth):
    (resource,) = synth.resources("Custom::FoodSaveMigration").values()
    migration_id, _ = synth.function("migration")
    assert resource["Properties"]["ServiceToken"] == {"Fn::GetAtt": [migration_id, "Arn"]}
    assert len(resource["Properties"]["MigrationsFingerprint"]) == 16


def test_household_migration_logs_in_with_the_secret_and_creates_the_app_role(household):
    env = household.function("migration")[1]["Properties"]["Environment"]["Variables"]
    assert env["FOODSAVE_DB_APP_ROLE"] == constants.DB_APP_USER
    assert "FOODSAVE_DB_SECRET_ARN" in env and "FOODSAVE_DB_IAM_USER" not in env


def test_production_migration_logs_in_to_the_proxy_with_iam(synth):
    env = synth.function("migration")[1]["Properties"]["Environment"]["Variables"]
    assert env["FOODSAVE_DB_IAM_USER"] == constants.DB_ADMIN_USER
    assert "FOODSAVE_DB_SECRET_ARN" not in env and "FOODSAVE_DB_APP_ROLE" not in env


def test_production_vpc_has_an_s3_gateway_endpoint_and_one_nat(synth):
    endpoints = synth.resources("AWS::EC2::VPCEndpoint").values()
    assert [e["Properties"]["VpcEndpointType"] for e in endpoints] == ["Gateway"]
    assert len(synth.resources("AWS::EC2::NatGateway")) == 1
    assert len(synth.resources("AWS::EC2::FlowLog")) == 1


def test_efs_flag_mounts_an_index_file_system_on_search_and_builder(synth_with_options):
    assert len(synth_with_options.resources("AWS::EFS::FileSystem")) == 1
    for service in ("vector-search", "index-builder"):
        props = synth_with_options.function(service)[1]["Properties"]
        assert props["FileSystemConfigs"][0]["LocalMountPath"] == constants.EFS_MOUNT_PATH
        assert props["Environment"]["Variables"]["FOODSAVE_EFS_INDEX_DIR"] == constants.EFS_MOUNT_PATH
    assert "FileSystemConfigs" not in synth_with_options.function("ocr")[1]["Properties"]


def test_interface_endpoint_flag_adds_private_endpoints_for_the_called_services(synth_with_options):
    interface = [
        e
        for e in synth_with_options.resources("AWS::EC2::VPCEndpoint").values()
        if e["Properties"]["VpcEndpointType"] == "Interface"
    ]
    assert len(interface) == 6


def test_options_synthesis_also_passes_cdk_nag(synth_with_options):
    assert synth_with_options.error is None


def test_subnets_use_real_availability_zones_of_the_region(synth):
    zones = {s["Properties"]["AvailabilityZone"] for s in synth.resources("AWS::EC2::Subnet").values()}
    assert zones == {"eu-central-1a", "eu-central-1b"}
