"""The one HTTP client for external services: retries with backoff, timeouts and a circuit breaker."""

from __future__ import annotations

import httpx
import pytest

from foodsave.agents.http import CircuitBreaker, ResilientHttpClient, ServiceUnavailable


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Script:
    """A fake transport that answers from a list: an int is a status, an exception is raised."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        answer = self.answers.pop(0) if self.answers else 200
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, json={"ok": answer == 200})


def client_with(script: Script, clock: FakeClock | None = None, **kwargs) -> tuple[ResilientHttpClient, list]:
    sleeps: list[float] = []
    client = ResilientHttpClient(
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        clock=clock or FakeClock(),
        **{"retries": 2, "backoff": 0.1, "failure_threshold": 2, "reset_seconds": 30, **kwargs},
    )
    return client, sleeps


def test_breaker_opens_after_consecutive_failures_then_half_opens_after_the_reset_time():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=10, clock=clock)
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open"
    assert not breaker.allow()
    clock.now = 10
    assert breaker.state == "half_open"
    assert breaker.allow()
    assert not breaker.allow()  # one trial at a time


def test_a_failed_trial_reopens_and_a_successful_one_closes():
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=5, clock=clock)
    breaker.record_failure()
    clock.now = 5
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state == "open"
    clock.now = 10
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.failures == 0


def test_transient_errors_are_retried_with_exponential_backoff():
    script = Script(503, httpx.ConnectError("refused"), 200)
    client, sleeps = client_with(script)
    assert client.get_json("weather", "https://example.test/f") == {"ok": True}
    assert script.calls == 3
    assert sleeps == [0.1, 0.2]
    assert client.breaker("weather").state == "closed"


def test_timeouts_exhaust_the_retries_and_raise_unavailable():
    script = Script(*[httpx.ReadTimeout("slow")] * 3)
    client, _ = client_with(script)
    with pytest.raises(ServiceUnavailable) as info:
        client.get_json("weather", "https://example.test/f")
    assert info.value.service == "weather"
    assert "timeout" in info.value.reason
    assert script.calls == 3


def test_an_open_circuit_fails_fast_without_calling_the_service():
    clock = FakeClock()
    script = Script(*[httpx.ConnectError("down")] * 6)
    client, _ = client_with(script, clock)
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            client.get_json("search", "https://example.test/s")
    calls = script.calls
    with pytest.raises(ServiceUnavailable, match="circuit open"):
        client.get_json("search", "https://example.test/s")
    assert script.calls == calls
    clock.now = 31
    assert client.get_json("search", "https://example.test/s") == {"ok": True}
    assert client.breaker("search").state == "closed"


def test_client_errors_are_not_retried():
    script = Script(404)
    client, sleeps = client_with(script)
    with pytest.raises(ServiceUnavailable, match="HTTP 404"):
        client.get_json("search", "https://example.test/s")
    assert script.calls == 1
    assert sleeps == []


def test_breakers_are_per_service():
    script = Script(*[httpx.ConnectError("down")] * 6)
    client, _ = client_with(script)
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            client.get_json("weather", "https://example.test/f")
    assert client.breaker("weather").state == "open"
    assert client.breaker("search").state == "closed"
