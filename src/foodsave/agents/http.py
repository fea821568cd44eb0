"""The one HTTP client for external services (weather, web search): timeouts, retries with exponential backoff
(tenacity), and a circuit breaker per service so a dead service costs one fast failure instead of a timeout per
message."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from foodsave.errors import Unavailable

if TYPE_CHECKING:
    import httpx

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class ServiceUnavailable(Unavailable):
    """An external service did not answer usefully (down, timing out, circuit open)."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(f"{service} is unavailable: {reason}", code="ServiceUnavailable")
        self.service = service
        self.reason = reason


class _Transient(Exception):
    """A failure worth another attempt: a timeout, a connection error or a retryable status."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CircuitBreaker:
    """closed -> (failure_threshold failures in a row) -> open -> (reset_seconds) -> half_open -> one trial call:
    success closes, failure opens again."""

    def __init__(
        self,
        failure_threshold: int = 3,
        reset_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.clock = clock
        self.failures = 0
        self.opened_at: float | None = None
        self._trial_running = False
        self._lock = threading.Lock()

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_seconds:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open only one trial call at a time."""
        with self._lock:
            state = self.state
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_running:
                self._trial_running = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self.failures = 0
            self.opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self.failures += 1
            if self._trial_running or self.failures >= self.failure_threshold:
                self.opened_at = self.clock()
            self._trial_running = False


class ResilientHttpClient:
    """GET JSON from a named service with per-attempt timeouts, retries and a breaker per service."""

    def __init__(
        self,
        *,
        timeout: float = 3.0,
        retries: int = 2,
        backoff: float = 0.2,
        failure_threshold: int = 3,
        reset_seconds: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.transport = transport
        self.sleep = sleep
        self.clock = clock
        self.breakers: dict[str, CircuitBreaker] = {}
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def breaker(self, service: str) -> CircuitBreaker:
        with self._lock:
            if service not in self.breakers:
                self.breakers[service] = CircuitBreaker(
                    self.failure_threshold, self.reset_seconds, self.clock
                )
            return self.breakers[service]

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                import httpx

                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 2.0)),
                    transport=self.transport,
                    headers={"User-Agent": "FoodSave/0.1 (+https://foodsave.example)"},
                    follow_redirects=True,
                )
            return self._client

    def _attempt(self, url: str, params: dict[str, Any] | None) -> httpx.Response:
        import httpx

        try:
            response = self._http().get(url, params=params)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timeout ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code in RETRY_STATUS:
            raise _Transient(f"HTTP {response.status_code}")
        return response

    def get_json(self, service: str, url: str, params: dict[str, Any] | None = None) -> Any:
        """The decoded JSON body; ServiceUnavailable after the retries, or at once while the circuit is open."""
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

        breaker = self.breaker(service)
        if not breaker.allow():
            raise ServiceUnavailable(service, "circuit open after repeated failures")
        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=wait_exponential(multiplier=self.backoff),
            retry=retry_if_exception_type(_Transient),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            response = retrying(self._attempt, url, params)
        except _Transient as exc:
            breaker.record_failure()
            raise ServiceUnavailable(service, exc.reason) from None
        if response.status_code >= 400:
            breaker.record_failure()
            raise ServiceUnavailable(service, f"HTTP {response.status_code}")
        try:
            payload = response.json()
        except ValueError:
            breaker.record_failure()
            raise ServiceUnavailable(service, "the answer was not JSON") from None
        breaker.record_success()
        return payload

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


_shared_lock = threading.Lock()
_shared: ResilientHttpClient | None = None


def shared_client(timeout: float = 3.0) -> ResilientHttpClient:
    """One client per warm container: its breakers remember dead services across requests."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ResilientHttpClient(timeout=timeout, retries=1, backoff=0.1)
        return _shared


def set_shared_client(client: ResilientHttpClient | None) -> None:
    global _shared
    with _shared_lock:
        _shared = client
