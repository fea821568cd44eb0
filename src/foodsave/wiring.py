"""Composition root: the adapters for this process, chosen by settings, built once per warm container."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from foodsave.config import Settings, get_settings
from foodsave.db.session import Database
from foodsave.ports import Clock, EventBus, ObjectStore, Queue


@dataclass
class Services:
    settings: Settings
    db: Database
    store: ObjectStore
    queue: Queue
    bus: EventBus
    clock: Clock
    extras: dict[str, Any] = field(default_factory=dict)

    def dispatch_outbox(self) -> int:
        """Publish events committed by the last unit of work (best effort; the schedule retries)."""
        from foodsave.outbox import dispatch_pending

        try:
            with self.db.session() as session:
                return dispatch_pending(session, self.bus)
        except Exception:  # noqa: BLE001 - events stay in the outbox for the next run
            return 0


def _aws_database_url(settings: Settings) -> str:
    """pg8000 URL through RDS Proxy, credentials read from Secrets Manager once per container."""
    from sqlalchemy.engine import URL

    from foodsave.adapters.aws.clients import client

    if not (settings.db_secret_arn and settings.db_proxy_endpoint):
        raise RuntimeError("FOODSAVE_DB_SECRET_ARN and FOODSAVE_DB_PROXY_ENDPOINT are required in AWS")
    secret = json.loads(
        client("secretsmanager", settings.aws_region).get_secret_value(SecretId=settings.db_secret_arn)[
            "SecretString"
        ]
    )
    url = URL.create(
        "postgresql+pg8000",
        username=secret["username"],
        password=secret["password"],
        host=settings.db_proxy_endpoint,
        port=settings.db_port,
        database=settings.db_name,
    )
    return url.render_as_string(hide_password=False)


def _iam_database(settings: Settings) -> Database:
    """Database reached with RDS IAM tokens (see adapters.aws.db_auth); no password is ever stored."""
    from foodsave.adapters.aws.clients import client
    from foodsave.adapters.aws.db_auth import IamAuthToken, iam_database_url, password_on_connect

    host = settings.db_host or settings.db_proxy_endpoint
    if not (host and settings.db_iam_user):
        raise RuntimeError("FOODSAVE_DB_HOST and FOODSAVE_DB_IAM_USER are required for IAM authentication")
    url = iam_database_url(host, settings.db_port, settings.db_name, settings.db_iam_user)
    db = Database(url, connect_timeout=settings.db_connect_timeout, tls=True)
    token = IamAuthToken(client("rds", settings.aws_region), host, settings.db_port, settings.db_iam_user)
    password_on_connect(db.engine, token)
    return db


def build_services(settings: Settings) -> Services:
    from foodsave.adapters.local import LocalEventBus, LocalObjectStore, LocalQueue, SystemClock

    if settings.env == "aws":
        from foodsave.adapters.aws.clients import client
        from foodsave.adapters.aws.messaging import EventBridgeBus, SqsQueue
        from foodsave.adapters.aws.objects import S3ObjectStore
        from foodsave.adapters.aws.sns_notifications import with_notification_topic

        if settings.db_iam_user and not settings.database_url:
            db = _iam_database(settings)
        else:
            url = (
                settings.database_url.get_secret_value()
                if settings.database_url
                else _aws_database_url(settings)
            )
            db = Database(url, connect_timeout=settings.db_connect_timeout, tls=settings.db_tls)
        if not settings.index_queue_url:
            raise RuntimeError("FOODSAVE_INDEX_QUEUE_URL is required in AWS")
        return Services(
            settings=settings,
            db=db,
            store=S3ObjectStore(client("s3", settings.aws_region), settings.bucket),
            queue=SqsQueue(client("sqs", settings.aws_region), settings.index_queue_url),
            bus=with_notification_topic(
                EventBridgeBus(client("events", settings.aws_region), settings.event_bus_name),
                client("sns", settings.aws_region),
                settings.notifications_topic_arn,
            ),
            clock=SystemClock(),
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Services(
        settings=settings,
        db=Database(
            settings.resolved_database_url(), connect_timeout=settings.db_connect_timeout, pool_size=25
        ),
        store=LocalObjectStore(settings.objects_dir, settings.bucket),
        queue=LocalQueue(settings.queues_dir, "index-jobs"),
        bus=LocalEventBus(settings.data_dir / "events.jsonl"),
        clock=SystemClock(),
    )


_lock = threading.Lock()
_services: Services | None = None


def get_services() -> Services:
    """The services of this container, built on first use."""
    global _services
    with _lock:
        if _services is None:
            _services = build_services(get_settings())
        return _services


def set_services(services: Services | None) -> None:
    """Install services built elsewhere (local runtime, tests); None forgets them."""
    global _services
    with _lock:
        if _services is not None and services is not _services:
            _services.db.dispose()
        _services = services
