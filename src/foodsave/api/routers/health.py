"""Liveness (`/health`, cheap) and readiness (`/v1/status`: the overall state for anyone, and each dependency
with its state, latency and details for operators only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from foodsave import __version__
from foodsave.api.deps import ServicesDep, claims_of, subject_of
from foodsave.api.route_table import RouteTable
from foodsave.errors import Unauthorized
from foodsave.services import Services

router = RouteTable(tags=["health"])


class Health(BaseModel):
    status: str
    version: str


class ComponentStatus(BaseModel):
    status: str
    required: bool
    latency_ms: float | None = None
    detail: str | None = None
    info: dict[str, Any] | None = None


class SystemStatus(BaseModel):
    status: str
    version: str
    components: dict[str, ComponentStatus] | None = Field(
        default=None, description="each part's state and details; for operators only"
    )


StatusCheck = Callable[[Services], dict[str, Any] | None]
# name -> (required, check); a check returns extra info or raises when its part is down.
STATUS_CHECKS: dict[str, tuple[bool, StatusCheck]] = {}


def register_status_check(name: str, check: StatusCheck, *, required: bool) -> None:
    """Other areas add their parts (index, queue, OCR engine, LLM) to `/v1/status`."""
    STATUS_CHECKS[name] = (required, check)


register_status_check(
    "database", lambda s: {"dialect": s.db.dialect, "round_trip_ms": round(s.db.ping(), 2)}, required=True
)


def _object_store(services: Services) -> dict[str, Any]:
    services.store.ping()
    return {"bucket": services.store.bucket}


register_status_check("object_store", _object_store, required=True)


@router.get("/health", response_model=Health, summary="Liveness: the process answers")
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get(
    "/v1/status",
    response_model=SystemStatus,
    summary="Readiness of every part, with latency",
    responses={503: {"model": SystemStatus, "description": "A required part is down"}},
)
def status(request: Request, services: ServicesDep) -> Any:
    components: dict[str, ComponentStatus] = {}
    for name, (required, check) in STATUS_CHECKS.items():
        start = time.perf_counter()
        try:
            info = check(services)
            components[name] = ComponentStatus(
                status="ok",
                required=required,
                latency_ms=round((time.perf_counter() - start) * 1000, 2),
                info=info,
            )
        except Exception as exc:  # noqa: BLE001 - a status page reports every failure as data
            detail = getattr(exc, "detail", None) or type(exc).__name__
            components[name] = ComponentStatus(
                status="down" if required else "degraded",
                required=required,
                latency_ms=round((time.perf_counter() - start) * 1000, 2),
                detail=str(detail),
            )
    down = any(c.status == "down" for c in components.values())
    degraded = any(c.status == "degraded" for c in components.values())
    body = SystemStatus(
        status="down" if down else ("degraded" if degraded else "ok"),
        version=__version__,
        components=components if _operator(request, services) else None,
    )
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status_code=503 if down else 200)


def _operator(request: Request, services: Services) -> bool:
    """Bucket names, queue depths and versions help an attacker; only operators see them."""
    from foodsave.alerts.operators import is_operator

    try:
        subject = subject_of(request, services)
    except Unauthorized:
        return False
    return is_operator(subject, claims_of(request), services.settings)
