"""The one HTTP client for external services: retries with backoff, timeouts and a circuit breaker."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from foodsave.agents.http import ResilientHttpClient, ServiceUnavailable

# The breaker reads the wall clock; the tests move it instead of waiting for the reset time.
START = datetime(2030, 3, 1, 12, 0, tzinfo=UTC)


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


def client_with(script: Script, **kwargs) -> tuple[ResilientHttpClient, list]:
    sleeps: list[float] = []
    client = ResilientHttpClient(
        transport=httpx.MockTransport(script),
        sleep=sleeps.append,
        **{"retries": 2, "backoff": 0.1, "failure_threshold": 2, "reset_seconds": 30, **kwargs},
    )
    return client, sleeps


def fail_twice(client: ResilientHttpClient, service: str) -> None:
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            client.get_json(service, "https://example.test/s")


def test_breaker_opens_after_the_threshold_of_failed_calls_in_a_row():
    client, _ = client_with(Script(*[httpx.ConnectError("down")] * 6))
    with pytest.raises(ServiceUnavailable):
        client.get_json("search", "https://example.test/s")
    assert client.breaker("search").current_state == "closed"
    # the failure that trips it keeps its own reason
    with pytest.raises(ServiceUnavailable, match="ConnectError"):
        client.get_json("search", "https://example.test/s")
    assert client.breaker("search").current_state == "open"


def test_a_success_between_failures_starts_the_count_again():
    client, _ = client_with(Script(*[httpx.ConnectError("down")] * 3, 200, *[httpx.ConnectError("down")] * 3))
    with pytest.raises(ServiceUnavailable):
        client.get_json("search", "https://example.test/s")
    assert client.get_json("search", "https://example.test/s") == {"ok": True}
    with pytest.raises(ServiceUnavailable):
        client.get_json("search", "https://example.test/s")
    assert client.breaker("search").current_state == "closed"


def test_an_open_circuit_fails_fast_without_calling_the_service():
    script = Script(*[httpx.ConnectError("down")] * 6)
    client, _ = client_with(script)
    fail_twice(client, "search")
    calls = script.calls
    with pytest.raises(ServiceUnavailable, match="circuit open"):
        client.get_json("search", "https://example.test/s")
    assert script.calls == calls


@pytest.fixture
def tripped():
    """A client whose `search` circuit opened at START (the wall clock held there); the service stays down."""
    script = Script(*[httpx.ConnectError("down")] * 9)
    client, _ = client_with(script)
    with time_machine.travel(START, tick=False) as traveller:
        fail_twice(client, "search")
        yield client, script, traveller


def test_after_the_reset_time_a_successful_trial_call_closes_the_circuit(tripped):
    client, script, traveller = tripped
    traveller.move_to(START + timedelta(seconds=29))
    with pytest.raises(ServiceUnavailable, match="circuit open"):
        client.get_json("search", "https://example.test/s")
    script.answers = [200]
    traveller.move_to(START + timedelta(seconds=30))
    assert client.get_json("search", "https://example.test/s") == {"ok": True}
    assert client.breaker("search").current_state == "closed"


def test_a_failed_trial_call_opens_the_circuit_again_at_once(tripped):
    client, script, traveller = tripped
    traveller.move_to(START + timedelta(seconds=30))
    with pytest.raises(ServiceUnavailable, match="ConnectError"):
        client.get_json("search", "https://example.test/s")
    calls = script.calls
    with pytest.raises(ServiceUnavailable, match="circuit open"):
        client.get_json("search", "https://example.test/s")
    assert (script.calls, client.breaker("search").current_state) == (calls, "open")


class HeldTrial:
    """A transport that fails `failures` requests, then holds the next one until the test releases it."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.failures:
            raise httpx.ConnectError("down")
        self.entered.set()
        assert self.release.wait(10), "the test never released the held request"
        return httpx.Response(200, json={"ok": True})


def test_while_half_open_only_one_trial_call_reaches_the_service():
    transport = HeldTrial(failures=6)  # two calls of three attempts each open the circuit
    client, _ = client_with(Script())
    client.transport = httpx.MockTransport(transport)
    answers: list[object] = []
    with time_machine.travel(START, tick=False) as traveller:
        fail_twice(client, "search")
        traveller.move_to(START + timedelta(seconds=30))
        trial = threading.Thread(
            target=lambda: answers.append(client.get_json("search", "https://example.test/s"))
        )
        trial.start()
        try:
            assert transport.entered.wait(10)
            with pytest.raises(ServiceUnavailable, match="circuit open"):
                client.get_json("search", "https://example.test/s")
            assert transport.calls == 7
        finally:
            transport.release.set()
            trial.join(10)
    assert answers == [{"ok": True}]
    assert client.breaker("search").current_state == "closed"


def test_transient_errors_are_retried_with_exponential_backoff():
    script = Script(503, httpx.ConnectError("refused"), 200)
    client, sleeps = client_with(script)
    assert client.get_json("weather", "https://example.test/f") == {"ok": True}
    assert script.calls == 3
    assert sleeps == [0.1, 0.2]
    assert client.breaker("weather").current_state == "closed"


def test_timeouts_exhaust_the_retries_and_raise_unavailable():
    script = Script(*[httpx.ReadTimeout("slow")] * 3)
    client, _ = client_with(script)
    with pytest.raises(ServiceUnavailable) as info:
        client.get_json("weather", "https://example.test/f")
    assert info.value.service == "weather"
    assert "timeout" in info.value.reason
    assert script.calls == 3


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
    fail_twice(client, "weather")
    assert client.breaker("weather").current_state == "open"
    assert client.breaker("search").current_state == "closed"
