"""PantryService on SQLite and PostgreSQL: eating, throwing away, expiring items, finding by name, money stats."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from foodsave.errors import Conflict, InvalidInput, NotFound
from foodsave.pantry.schemas import PantryItemIn, PantryItemPatch
from foodsave.pantry.service import PantryService
from foodsave.users import get_or_create_user

TODAY = date(2030, 1, 10)
AT = datetime(2030, 1, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def pantry(services):
    """A PantryService for anna inside one open session, and one for bob on the same session."""
    with services.db.session() as session:
        anna = get_or_create_user(session, "dev:anna")
        bob = get_or_create_user(session, "dev:bob")
        yield PantryService(session, anna.id), PantryService(session, bob.id)


def _add(svc, name="Mleko 3,2% 1L", quantity="2", price="6.00", expires=None, unit="szt", bought=TODAY):
    return svc.add(
        PantryItemIn(
            name=name,
            quantity=Decimal(quantity),
            unit=unit,
            price=None if price is None else Decimal(price),
            expires_at=expires,
            purchased_at=bought,
        )
    )


def test_consuming_everything_marks_the_item_consumed(pantry):
    anna, _ = pantry
    item = anna.consume(_add(anna).id, at=AT)
    assert item.status == "consumed"
    assert anna.stats(TODAY).eaten == Decimal("6.00")


def test_partial_consumption_shrinks_the_item_and_counts_its_share_of_the_price(pantry):
    anna, _ = pantry
    item = anna.consume(_add(anna, quantity="3", price="9.00").id, Decimal("1"), at=AT)
    assert item.status == "active"
    assert item.quantity == Decimal("2")
    stats = anna.stats(TODAY)
    assert (stats.eaten, stats.in_pantry) == (Decimal("3.00"), Decimal("6.00"))


def test_eaten_wasted_and_left_always_add_up_to_the_price(pantry):
    anna, _ = pantry
    item = _add(anna, quantity="3", price="10.00")
    anna.consume(item.id, Decimal("1"), at=AT)  # 3.33
    anna.discard(item.id, Decimal("1"), at=AT)  # 3.34 of the 6.67 left
    anna.consume(item.id, at=AT)  # the rest
    stats = anna.stats(TODAY)
    assert stats.eaten + stats.wasted == Decimal("10.00")
    assert stats.wasted == Decimal("3.34")
    assert stats.counts["consumed"] == 1


def test_asking_for_more_than_is_left_is_a_conflict_that_changes_nothing(pantry):
    anna, _ = pantry
    item = _add(anna, quantity="1")
    with pytest.raises(Conflict):
        anna.discard(item.id, Decimal("5"), at=AT)
    assert (anna.get(item.id).status, anna.get(item.id).quantity) == ("active", Decimal("1"))


def test_asking_for_exactly_what_is_left_uses_up_the_item(pantry):
    anna, _ = pantry
    assert anna.discard(_add(anna, quantity="2").id, Decimal("2"), at=AT).status == "discarded"


def test_finished_item_cannot_be_eaten_again(pantry):
    anna, _ = pantry
    item = anna.consume(_add(anna).id, at=AT)
    with pytest.raises(Conflict):
        anna.consume(item.id, at=AT)
    with pytest.raises(Conflict):
        anna.discard(item.id, at=AT)


def test_zero_or_negative_quantity_is_invalid(pantry):
    anna, _ = pantry
    item = _add(anna)
    for bad in (Decimal("0"), Decimal("-1"), Decimal("NaN"), Decimal("0.0001")):
        with pytest.raises(InvalidInput):
            anna.consume(item.id, bad, at=AT)


def test_another_users_item_is_not_found_for_every_new_action(pantry):
    anna, bob = pantry
    item = _add(anna)
    with pytest.raises(NotFound):
        bob.consume(item.id, at=AT)
    with pytest.raises(NotFound):
        bob.discard(item.id, at=AT)
    assert bob.find_active_by_name("mleko") == []
    assert bob.expiring(TODAY, 30) == []
    assert bob.stats(TODAY).counts["active"] == 0
    assert anna.get(item.id).status == "active"


def test_marking_an_item_discarded_through_an_update_counts_as_waste(pantry):
    anna, _ = pantry
    item = _add(anna, price="4.50")
    anna.update(item.id, PantryItemPatch(status="discarded"), at=AT)
    stats = anna.stats(TODAY)
    assert stats.wasted == Decimal("4.50")
    assert stats.wasted_share == Decimal("1.0000")


def test_expiring_lists_active_items_within_the_window_soonest_first_including_expired(pantry):
    anna, _ = pantry
    _add(anna, name="later", expires=date(2030, 1, 14))
    _add(anna, name="soon", expires=date(2030, 1, 11))
    _add(anna, name="expired", expires=date(2030, 1, 8))
    _add(anna, name="far", expires=date(2030, 2, 1))
    _add(anna, name="no date")
    anna.consume(_add(anna, name="eaten", expires=date(2030, 1, 10)).id, at=AT)
    assert [i.name for i in anna.expiring(TODAY, 4)] == ["expired", "soon", "later"]


def test_find_by_name_tolerates_inflection_and_ignores_other_products(pantry):
    anna, _ = pantry
    milk = _add(anna, name="Mleko 3,2% 1L", expires=date(2030, 1, 20))
    older_milk = _add(anna, name="Mleko UHT 2%", expires=date(2030, 1, 12))
    _add(anna, name="Mleko kokosowe")
    _add(anna, name="Jogurt naturalny")
    found = anna.find_active_by_name("mleka")
    assert [i.id for i in found] == [older_milk.id, milk.id]
    assert [i.name for i in anna.find_active_by_name("jogurt")] == ["Jogurt naturalny"]


def test_stats_count_by_status_and_period(pantry):
    anna, _ = pantry
    _add(anna, name="old", price="100.00", bought=date(2029, 12, 1))
    _add(anna, name="expired", price="2.00", expires=date(2030, 1, 9))
    anna.discard(_add(anna, name="thrown", price="3.00").id, at=AT)
    anna.consume(_add(anna, name="eaten", price="5.00").id, at=AT)
    _add(anna, name="no price", price=None)
    stats = anna.stats(TODAY, since=date(2030, 1, 1))
    assert stats.counts == {"active": 2, "consumed": 1, "discarded": 1, "expired": 1}
    assert (stats.spent, stats.eaten, stats.wasted, stats.in_pantry) == (
        Decimal("10.00"),
        Decimal("5.00"),
        Decimal("3.00"),
        Decimal("2.00"),
    )
    assert stats.eaten_share == Decimal("0.5000")
    assert anna.stats(TODAY).spent == Decimal("110.00")


def test_stats_of_an_empty_pantry_have_no_shares(pantry):
    anna, _ = pantry
    stats = anna.stats(TODAY)
    assert stats.spent == Decimal(0)
    assert stats.eaten_share is None


def test_bringing_a_finished_item_back_takes_back_only_the_finishing_event(pantry):
    anna, _ = pantry
    item = _add(anna, quantity="2", price="8.00")
    anna.consume(item.id, Decimal("1"), at=AT)
    anna.discard(item.id, at=AT)
    anna.update(item.id, PantryItemPatch(status="active"), at=AT)
    stats = anna.stats(TODAY)
    assert (stats.eaten, stats.wasted, stats.in_pantry) == (Decimal("4.00"), Decimal("0"), Decimal("4.00"))
    assert anna.get(item.id).status == "active"
