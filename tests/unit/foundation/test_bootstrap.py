"""The composition root: one place picks every adapter from settings; heavy parts wait for their first use."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from moto import mock_aws

from foodsave.adapters.local import FrozenClock, LocalObjectStore, SystemClock
from foodsave.agents.llm import OfflineLLM
from foodsave.alerts.metrics_source import LocalMetricsSource, ProbedMetricsSource
from foodsave.bootstrap import build_services
from foodsave.config import Settings
from foodsave.services import Lazy
from foodsave.vectors.embed import HashingEmbedder

REGION = "eu-central-1"


def _local(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"env": "local", "data_dir": tmp_path / "data", **overrides}
    return Settings(**values)  # type: ignore[arg-type]


def test_local_settings_get_the_embedded_adapters_and_the_system_clock(tmp_path: Path) -> None:
    services = build_services(_local(tmp_path))
    assert isinstance(services.store, LocalObjectStore)
    assert isinstance(services.clock, SystemClock)
    assert services.db.url.startswith("sqlite:///")


def test_building_services_builds_none_of_the_heavy_parts(tmp_path: Path) -> None:
    services = build_services(_local(tmp_path))
    lazy = services.lazy
    assert not any(p.built for p in (lazy.llm, lazy.embedder, lazy.search, lazy.metrics_source))


def test_the_search_service_is_built_once_and_shared(tmp_path: Path) -> None:
    services = build_services(_local(tmp_path, env="aws", index_queue_url="q"), ports=_ports(tmp_path))
    first = services.search
    assert services.search is first
    assert first.embedder is services.embedder


def _published_corpora(services: object) -> list[str]:
    store = services.store  # type: ignore[attr-defined]
    return sorted(key for key in store.list("indexes/") if key.endswith("latest.json"))


def test_locally_the_first_search_indexes_the_bundled_corpora(tmp_path: Path) -> None:
    services = build_services(_local(tmp_path, embedder="hashing"))
    services.search  # noqa: B018 - building the search service is the first use
    assert _published_corpora(services) == ["indexes/knowledge/latest.json", "indexes/recipes/latest.json"]


def test_with_indexes_published_ahead_the_first_search_indexes_nothing(tmp_path: Path) -> None:
    services = build_services(_local(tmp_path, embedder="hashing", index_bundled_corpora=False))
    services.search  # noqa: B018 - building the search service is the first use
    assert _published_corpora(services) == []


def test_the_offline_llm_is_the_default(tmp_path: Path) -> None:
    assert isinstance(build_services(_local(tmp_path)).llm, OfflineLLM)


def test_the_bedrock_setting_picks_the_bedrock_adapter(tmp_path: Path) -> None:
    from foodsave.adapters.aws.bedrock_llm import BedrockConverseLLM

    services = build_services(_local(tmp_path, llm_provider="bedrock"))
    assert isinstance(services.llm, BedrockConverseLLM)


def test_the_embedder_setting_names_the_embedder(tmp_path: Path) -> None:
    assert isinstance(build_services(_local(tmp_path, embedder="hashing")).embedder, HashingEmbedder)


def test_locally_alerts_read_metric_points_with_probed_gauges(tmp_path: Path) -> None:
    source = build_services(_local(tmp_path)).metrics_source
    assert isinstance(source, ProbedMetricsSource)
    assert isinstance(source.inner, LocalMetricsSource)


def test_in_aws_alerts_read_cloudwatch(tmp_path: Path) -> None:
    from foodsave.adapters.aws.cloudwatch_metrics import CloudWatchMetricsSource

    services = build_services(_local(tmp_path, env="aws", index_queue_url="q"), ports=_ports(tmp_path))
    source = services.metrics_source
    assert isinstance(source, ProbedMetricsSource)
    assert isinstance(source.inner, CloudWatchMetricsSource)


def test_the_gauges_follow_a_clock_swapped_after_building(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from foodsave.alerts.metrics_source import MetricQuery

    services = build_services(_local(tmp_path), clock=FrozenClock(datetime(2030, 1, 1, tzinfo=UTC)))
    published = datetime(2030, 1, 1, tzinfo=UTC)
    services.store.put(
        "indexes/recipes/latest.json",
        json.dumps({"version": 1, "published_at": published.isoformat()}).encode(),
    )
    source = services.metrics_source
    services.clock = FrozenClock(datetime(2030, 1, 2, tzinfo=UTC))
    assert source.value(MetricQuery("IndexAgeSeconds", "Maximum", 300), services.clock.now()) == 86400


def test_a_lazy_part_is_built_once_under_concurrent_first_use() -> None:
    calls: list[int] = []
    barrier = threading.Barrier(8)

    def build(_services: object) -> object:
        calls.append(1)
        return object()

    lazy: Lazy[object] = Lazy(build)
    seen: list[object] = []

    def use() -> None:
        barrier.wait()
        seen.append(lazy.get(None))  # type: ignore[arg-type]

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(s) for s in seen}) == 1


def test_in_aws_the_database_url_comes_from_the_secret(tmp_path: Path) -> None:
    from foodsave.adapters.aws.clients import reset_clients
    from foodsave.adapters.aws.secrets import forget_secrets

    reset_clients()
    forget_secrets()
    with mock_aws():
        import boto3

        arn = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="foodsave-db", SecretString=json.dumps({"username": "app", "password": "p@ss"})
        )["ARN"]
        settings = _local(
            tmp_path,
            env="aws",
            index_queue_url="https://sqs.eu-central-1.amazonaws.com/1/q",
            db_secret_arn=arn,
            db_proxy_endpoint="proxy.example",
        )
        services = build_services(settings)
    reset_clients()
    forget_secrets()
    url = services.db.engine.url
    assert (url.drivername, url.username, url.password, url.host) == (
        "postgresql+pg8000",
        "app",
        "p@ss",
        "proxy.example",
    )


def test_in_aws_without_a_secret_the_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="FOODSAVE_DB_SECRET_ARN"):
        build_services(_local(tmp_path, env="aws", index_queue_url="q"))


def _ports(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Embedded ports under AWS settings: what changes is only what the bootstrap picks lazily."""
    from foodsave.bootstrap import build_services as build

    local = build(_local(tmp_path))
    return local.db, local.store, local.queue, local.bus


def test_in_aws_the_receipts_queue_setting_gives_the_lease_check_its_queue(tmp_path: Path) -> None:
    from foodsave.adapters.aws.messaging import SqsQueue

    settings = _local(tmp_path, env="aws", index_queue_url="q", receipt_queue_url="https://sqs.example/1/r")
    services = build_services(settings, ports=_ports(tmp_path))
    assert isinstance(services.receipt_queue, SqsQueue)
    assert services.receipt_queue.queue_url == "https://sqs.example/1/r"
