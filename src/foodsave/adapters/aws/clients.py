"""boto3 clients, created lazily once per warm container and shared by every adapter."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_lock = threading.Lock()


@lru_cache(maxsize=32)
def client(service: str, region: str | None = None, endpoint_url: str | None = None) -> Any:
    """A boto3 client with retries in standard mode and short connect timeouts."""
    with _lock:
        import boto3
        from botocore.config import Config

        config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
        session: Any = boto3.session.Session()
        return session.client(service, region_name=region, endpoint_url=endpoint_url, config=config)


def reset_clients() -> None:
    client.cache_clear()
