"""Lambda SnapStart runtime hooks for the API functions.

Before the snapshot: finish the work a first request would otherwise do (SQLAlchemy mapper configuration, the
modules routes import on first use, the X-Ray SDK), without touching the network: no database connection, no Secrets Manager
read, no AWS client, since anything opened then would be shared, stale, by every restored copy.
After a restore: forget the services, cached secrets and AWS clients of the snapshotted process (database
connections, IAM tokens and credentials are re-created on the next request, the database secret re-read),
re-read settings, and re-seed the random generators so restored copies do not draw the same numbers.

The hooks come from `snapshot_restore_py`, which the managed python3.12 runtime provides; elsewhere nothing is
registered and the functions start as before.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable
from typing import Any

from foodsave.observability import deferred_modules, logger


def prime(modules: Iterable[str] = ()) -> None:
    """Before the snapshot: configure every mapper and import what requests load lazily."""
    from sqlalchemy.orm import configure_mappers

    from foodsave.db.models import load_all

    load_all()  # the mappers to configure
    for name in (*modules, *deferred_modules()):
        importlib.import_module(name)
    configure_mappers()


def after_restore() -> None:
    """After a restore: fresh services (connections, secret, clients), settings and randomness."""
    from foodsave.adapters.aws.clients import reset_clients
    from foodsave.adapters.aws.secrets import forget_secrets
    from foodsave.bootstrap import set_services
    from foodsave.config import reset_settings

    set_services(None)
    forget_secrets()
    reset_clients()
    reset_settings()
    random.seed()
    logger.info("restored from a SnapStart snapshot; services will be rebuilt on the next request")


def register(modules: Iterable[str] = (), *warm_ups: Callable[[], Any]) -> bool:
    """Register both hooks (and any `warm_ups` to run before the snapshot) when running under a
    SnapStart-capable runtime; True when registered."""
    hooks = _hook_api()
    if hooks is None:
        return False
    before, after = hooks
    before(prime, tuple(modules))
    for warm_up in warm_ups:
        before(warm_up)
    after(after_restore)
    return True


def _hook_api() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    try:
        from snapshot_restore_py import register_after_restore, register_before_snapshot
    except ImportError:
        return None
    return register_before_snapshot, register_after_restore
