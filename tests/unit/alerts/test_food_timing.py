"""Expiry timing in the user's zone: days left across midnight and DST, quiet hours, which notification is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from foodsave.alerts.food import EXPIRED, EXPIRING, days_left, due, in_quiet_hours, message, user_zone

WARSAW = ZoneInfo("Europe/Warsaw")


def test_days_left_follow_the_users_midnight_not_utcs():
    # 23:30 UTC on 14 Jan is already 15 Jan in Warsaw: milk expiring on the 15th expires "today" there.
    now = datetime(2025, 1, 14, 23, 30, tzinfo=UTC)
    assert days_left(date(2025, 1, 15), now, WARSAW) == 0
    assert days_left(date(2025, 1, 15), now, ZoneInfo("UTC")) == 1
    assert days_left(date(2025, 1, 15), now, ZoneInfo("America/New_York")) == 1


def test_days_left_across_the_spring_dst_change():
    # Warsaw moves from CET to CEST at 01:00 UTC on 30 March 2025 (the local day has 23 hours).
    before = datetime(2025, 3, 29, 22, 59, tzinfo=UTC)  # 23:59 CET, 29 March
    after = datetime(2025, 3, 29, 23, 1, tzinfo=UTC)  # 00:01 CET, 30 March
    late = datetime(2025, 3, 30, 21, 59, tzinfo=UTC)  # 23:59 CEST, 30 March
    assert days_left(date(2025, 3, 31), before, WARSAW) == 2
    assert days_left(date(2025, 3, 31), after, WARSAW) == 1
    assert days_left(date(2025, 3, 31), late, WARSAW) == 1
    assert days_left(date(2025, 3, 31), late + timedelta(minutes=2), WARSAW) == 0


def test_days_left_across_the_autumn_dst_change():
    # 26 October 2025 has 25 hours in Warsaw; 22:30 UTC that day is 23:30 CET, still the 26th.
    assert days_left(date(2025, 10, 27), datetime(2025, 10, 26, 22, 30, tzinfo=UTC), WARSAW) == 1
    assert days_left(date(2025, 10, 27), datetime(2025, 10, 26, 23, 0, tzinfo=UTC), WARSAW) == 0


def test_quiet_hours_wrap_midnight():
    for hour, quiet in ((20, False), (21, True), (23, True), (0, True), (7, True), (8, False), (12, False)):
        assert in_quiet_hours(datetime(2025, 1, 15, hour, 30, tzinfo=WARSAW)) is quiet, hour


def test_quiet_hours_are_local_to_the_user():
    now = datetime(2025, 7, 1, 19, 30, tzinfo=UTC)  # 21:30 in Warsaw (CEST), 15:30 in New York
    assert in_quiet_hours(now.astimezone(WARSAW))
    assert not in_quiet_hours(now.astimezone(ZoneInfo("America/New_York")))


@given(st.times(), st.times(), st.times())
def test_quiet_window_contains_its_start_and_excludes_its_end(start, end, at):
    local = datetime.combine(date(2025, 1, 15), at)
    if start != end:
        assert in_quiet_hours(datetime.combine(date(2025, 1, 15), start), start, end)
        assert not in_quiet_hours(datetime.combine(date(2025, 1, 15), end), start, end)
    else:
        assert not in_quiet_hours(local, start, end)


def test_an_empty_quiet_window_never_defers():
    assert not in_quiet_hours(datetime(2025, 1, 15, 3, 0), time(0, 0), time(0, 0))


def test_items_inside_the_window_are_due_once_as_expiring_with_the_window_as_threshold():
    assert due(3, 2) is None
    assert due(2, 2) == (EXPIRING, 2)
    assert due(0, 2) == (EXPIRING, 2)
    assert due(0, 0) == (EXPIRING, 0)


def test_expired_items_are_due_as_expired_for_a_week():
    assert due(-1, 2) == (EXPIRED, 0)
    assert due(-7, 2) == (EXPIRED, 0)
    assert due(-8, 2) is None


@given(st.integers(-1000, 1000), st.integers(0, 30))
def test_a_due_item_is_either_expired_or_within_the_window(days, window):
    decision = due(days, window)
    if decision is not None:
        kind, threshold = decision
        assert (kind == EXPIRED and days < 0 and threshold == 0) or (
            kind == EXPIRING and 0 <= days <= window == threshold
        )


def test_unknown_time_zone_falls_back_to_warsaw():
    assert user_zone("Mars/Olympus") == WARSAW
    assert user_zone(None) == WARSAW


def test_messages_speak_the_users_language():
    assert message("Mleko", EXPIRING, 1, "pl") == "Mleko: termin ważności mija jutro"
    assert (
        message("Mleko", EXPIRED, -3, "pl")
        == "Mleko: termin minął 3 dni temu. Sprawdź, zanim zjesz, albo wyrzuć."
    )
    assert message("Milk", EXPIRING, 2, "en") == "Milk expires in 2 days"


def test_an_expired_message_advises_checking_or_throwing_away_never_eating():
    assert (
        message("Milk", EXPIRED, -1, "en")
        == "Milk expired yesterday. Check it before eating, or throw it away."
    )
