"""Who is an operator: the Cognito group in AWS, `ops-*` dev users locally."""

from __future__ import annotations

import pytest

from foodsave.alerts.operators import groups_of, is_operator
from foodsave.config import Settings


@pytest.mark.parametrize(
    "raw, groups",
    [
        ("[operators]", {"operators"}),
        ("[admins operators]", {"admins", "operators"}),
        (["operators", "x"], {"operators", "x"}),
        ("operators", {"operators"}),
        (None, set()),
    ],
)
def test_cognito_groups_claim_is_read_in_every_shape_api_gateway_sends(raw, groups):
    assert groups_of({"cognito:groups": raw} if raw is not None else {}) == groups


def test_members_of_the_operators_group_are_operators_in_aws():
    aws = Settings(env="aws")
    assert is_operator("sub-1", {"cognito:groups": "[operators]"}, aws)
    assert not is_operator("sub-1", {"cognito:groups": "[families]"}, aws)


def test_locally_only_ops_dev_users_are_operators():
    local = Settings(env="local", dev_auth=True)
    assert is_operator("dev:ops-ala", {}, local)
    assert not is_operator("dev:anna", {}, local)


def test_every_dev_user_is_an_operator_when_the_flag_is_on(monkeypatch):
    monkeypatch.setenv("FOODSAVE_DEV_OPERATORS", "true")
    assert is_operator("dev:anna", {}, Settings(env="local", dev_auth=True))


def test_dev_names_mean_nothing_in_aws():
    assert not is_operator("dev:ops-ala", {}, Settings(env="aws", dev_auth=True))
