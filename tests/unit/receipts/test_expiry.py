"""Expiry estimates follow the category and the product's form (UHT, frozen, canned, smoked)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from foodsave.receipts.expiry import ExpiryEstimator

BOUGHT = date(2025, 1, 31)


@pytest.fixture(scope="module")
def estimator() -> ExpiryEstimator:
    return ExpiryEstimator()


def test_expiry_date_counts_days_from_purchase(estimator: ExpiryEstimator) -> None:
    est = estimator.estimate("bakery", "Chleb", BOUGHT)
    assert est.expires_at == BOUGHT + timedelta(days=est.days)


def test_uht_milk_lasts_longer_than_fresh_milk(estimator: ExpiryEstimator) -> None:
    assert estimator.days("dairy", "Mleko UHT 3,2%")[0] > estimator.days("dairy", "Mleko świeże 2%")[0]


def test_frozen_hint_extends_any_food(estimator: ExpiryEstimator) -> None:
    assert estimator.days("vegetables", "Brokuły mrożone")[0] >= 90


def test_canned_hint_gives_long_shelf_life(estimator: ExpiryEstimator) -> None:
    assert estimator.days("fish", "Szprot w konserwie")[0] >= 365


def test_smoked_fish_keeps_longer_than_fresh_fish(estimator: ExpiryEstimator) -> None:
    assert estimator.days("fish", "Łosoś wędzony")[0] > estimator.days("fish", "Filet z dorsza")[0]


def test_minced_meat_is_short_lived(estimator: ExpiryEstimator) -> None:
    assert estimator.days("meat", "Mięso mielone wieprz.")[0] <= 2


def test_freshness_hint_never_shortens_frozen_goods(estimator: ExpiryEstimator) -> None:
    assert estimator.days("frozen", "Świeże truskawki mrożone")[0] >= 90


def test_unknown_category_falls_back_to_other(estimator: ExpiryEstimator) -> None:
    assert estimator.days("nonsense", "X")[0] == estimator.days("other", "X")[0]
