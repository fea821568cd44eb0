"""Deployment settings from CDK context: a profile first, then per-key overrides, and refusals."""

from __future__ import annotations

import pytest
from aws_cdk import App

from infra import constants
from infra.settings import DeploymentSettings, SettingsError


def _settings(**context):  # type: ignore[no-untyped-def]
    return DeploymentSettings.from_context(App(context=context).node)


def test_a_first_deploy_without_context_is_a_household_on_arm64():
    settings = _settings()
    assert settings.profile == constants.HOUSEHOLD
    assert settings.architecture == "arm64"


def test_cors_origins_can_be_given_per_environment():
    settings = _settings(
        profile="production", alarm_email="a@example.com", cors_origins="https://a.example, https://b.example"
    )
    assert settings.profile.cors_origins == ("https://a.example", "https://b.example")


def test_cognito_plus_is_used_only_when_asked_for():
    assert _settings(
        profile="production", alarm_email="a@example.com", cognito_plus="true"
    ).profile.cognito_plus
    assert not _settings(profile="production", alarm_email="a@example.com").profile.cognito_plus


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"profile": "staging"}, "unknown profile"),
        ({"architecture": "mips"}, "architecture"),
        ({"enable_efs": "true"}, "inside the VPC"),
        ({"interface_endpoints": "true"}, "inside the VPC"),
        ({"profile": "production"}, "alarm_email"),
    ],
)
def test_settings_that_cannot_be_deployed_are_refused(context, message):
    with pytest.raises(SettingsError, match=message):
        _settings(**context)
