"""The date-shift guard: FOODSAVE_TEST_CLOCK moves this test process's wall clock (time.time, datetime.now,
date.today, time.localtime) to an ISO 8601 instant (`2028-02-29T12:00:00Z`) or by whole days (`+365d`), and
lets it tick from there. A test that depends on today's date fails under it. Monotonic clocks (timeouts,
thread waits) keep running as they are, and so do other processes (the PostgreSQL server)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

ENV = "FOODSAVE_TEST_CLOCK"
_DAYS = re.compile(r"^([+-]\d+)d$")


def destination(spec: str) -> datetime | timedelta:
    """`+365d` (relative to now) or an instant; an instant without a zone is UTC."""
    spec = spec.strip()
    if match := _DAYS.match(spec):
        return timedelta(days=int(match.group(1)))
    when = datetime.fromisoformat(spec.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def start(spec: str) -> Any:
    """Travel there for the rest of the process; returns the traveller (stop it to come back)."""
    import time_machine

    traveller = time_machine.travel(destination(spec), tick=True)
    traveller.start()
    return traveller
