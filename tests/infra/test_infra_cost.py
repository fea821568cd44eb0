"""`make cost`: the cost table is computed from the synthesized templates of both profiles."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from infra import cost


def _lines(synthesis):
    return {line.item: line for line in cost.estimate(synthesis.template)}


def test_household_costs_at_most_ten_dollars_a_month_at_rest(household):
    rest, _ = cost.total(cost.estimate(household.template))
    assert 0 < rest <= 10


def test_household_pays_for_no_nat_gateway_and_no_proxy(household):
    lines = _lines(household)
    assert lines["NAT gateway"].at_rest == 0
    assert lines["RDS Proxy"].at_rest == 0


def test_production_pays_for_its_nat_gateway_proxy_and_warm_database_at_rest(synth):
    lines = _lines(synth)
    assert lines["NAT gateway"].at_rest == pytest.approx(730 * cost.PRICES["nat_gateway_hour"])
    assert lines["RDS Proxy"].at_rest == pytest.approx(8 * 730 * cost.PRICES["rds_proxy_acu_hour"])
    assert lines["Aurora Serverless v2 capacity"].at_rest == pytest.approx(
        0.5 * 730 * cost.PRICES["aurora_acu_hour"]
    )


def test_each_nat_gateway_in_the_template_is_counted(synth):
    template = copy.deepcopy(synth.template)
    (nat_id, nat) = next(
        (k, v) for k, v in template["Resources"].items() if v["Type"] == "AWS::EC2::NatGateway"
    )
    template["Resources"][f"{nat_id}Second"] = nat
    before = _lines(synth)["NAT gateway"].at_rest
    after = {line.item: line for line in cost.estimate(template)}["NAT gateway"].at_rest
    assert after == pytest.approx(2 * before)


def test_a_paused_database_costs_only_its_wake_ups(household):
    runs = cost.Template(household.template).evaluator_runs_per_month
    assert runs == pytest.approx(730 * 60 / 360)
    expected = runs * cost.USAGE["db_active_minutes_per_wake"] / 60 * 0.5 * cost.PRICES["aurora_acu_hour"]
    assert _lines(household)["Aurora Serverless v2 capacity"].at_rest == pytest.approx(expected)


def test_the_table_has_a_row_per_item_and_totals_for_both_profiles(synth, household):
    rendered = cost.table(
        {"household": cost.estimate(household.template), "production": cost.estimate(synth.template)}
    )
    rows = rendered.splitlines()
    assert rows[0].startswith(
        "| item | price | household at rest | household 10,000 users | production at rest"
    )
    assert len(rows) == 2 + len(cost.estimate(synth.template)) + 1
    assert rows[-1].startswith("| **total (USD/month)**")


def test_the_committed_cost_page_matches_the_templates(synth, household):
    """docs/cost.md is what `make cost` writes; regenerate it after changing the stack or the prices."""
    expected = cost.document(
        {"household": cost.estimate(household.template), "production": cost.estimate(synth.template)}
    )
    assert (Path(__file__).resolve().parents[2] / "docs" / "cost.md").read_text() == expected
