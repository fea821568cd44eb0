"""The one HTTP client for external services (weather, web search): timeouts, retries with exponential backoff
(tenacity), and a circuit breaker per service (pybreaker) so a dead service costs one fast failure instead of a
timeout per message."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pybreaker

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


class _OneTrialCall(pybreaker.CircuitBreakerListener):
    """While its breaker is half-open, lets exactly one call through as the trial; the others fail fast as if
    the circuit were still open. The trial ends in a state change (closed on success, open on failure), which
    makes room for the next trial. pybreaker asks its listeners `before_call` under the breaker's lock."""

    def __init__(self) -> None:
        self.trial_running = False

    def before_call(self, cb: pybreaker.CircuitBreaker, func: Any, *args: Any, **kwargs: Any) -> None:
        if cb.current_state != pybreaker.STATE_HALF_OPEN:
            return
        if self.trial_running:
            raise pybreaker.CircuitBreakerError("a trial call is running; the circuit is still open")
        self.trial_running = True

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state: Any, new_state: Any) -> None:
        self.trial_running = False


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
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self.transport = transport
        self.sleep = sleep
        self.breakers: dict[str, pybreaker.CircuitBreaker] = {}
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def breaker(self, service: str) -> pybreaker.CircuitBreaker:
        """The service's breaker: `failure_threshold` failed calls in a row open it; after `reset_seconds` the
        next call is the one trial (concurrent calls meanwhile fail fast) that closes it on success and opens it
        again on failure. Only `ServiceUnavailable` counts; the error that trips it is raised as it is."""
        with self._lock:
            if service not in self.breakers:
                self.breakers[service] = pybreaker.CircuitBreaker(
                    fail_max=self.failure_threshold,
                    reset_timeout=self.reset_seconds,
                    exclude=[lambda exc: not isinstance(exc, ServiceUnavailable)],
                    name=service,
                    throw_new_error_on_trip=False,
                    listeners=[_OneTrialCall()],
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
        try:
            # `calling()` holds the breaker's lock only to decide, not while the request runs.
            with self.breaker(service).calling():
                return self._fetch(service, url, params)
        except pybreaker.CircuitBreakerError:
            raise ServiceUnavailable(service, "circuit open after repeated failures") from None

    def _fetch(self, service: str, url: str, params: dict[str, Any] | None) -> Any:
        from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

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
            raise ServiceUnavailable(service, exc.reason) from None
        if response.status_code >= 400:
            raise ServiceUnavailable(service, f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise ServiceUnavailable(service, "the answer was not JSON") from None

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
