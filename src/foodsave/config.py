"""Typed settings read once from the environment (prefix FOODSAVE_), with safe defaults for a laptop."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the system. Local defaults need nothing installed beyond the project."""

    model_config = SettingsConfigDict(env_prefix="FOODSAVE_", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment: no `.env` file or secrets folder is read (the dotenv source would
        walk every field of the environment a second time on each cold start)."""
        return init_settings, env_settings

    env: Literal["local", "aws"] = "local"
    data_dir: Path = Path(".foodsave")
    database_url: SecretStr | None = None
    # Production database through RDS Proxy: the secret holds username/password.
    db_secret_arn: str | None = None
    db_proxy_endpoint: str | None = None
    # IAM authentication (the deployed stack): host is RDS Proxy or the cluster, the user has rds_iam.
    db_host: str | None = None
    db_iam_user: str | None = None
    db_name: str = "foodsave"
    db_port: int = 5432
    db_connect_timeout: float = 5.0
    db_tls: bool = True  # applies to PostgreSQL in AWS (RDS Proxy requires TLS)

    aws_region: str = Field(default="eu-central-1", validation_alias="AWS_REGION")
    bucket: str = "foodsave-local"
    index_queue_url: str | None = None
    receipt_queue_url: str | None = None
    receipt_dlq_url: str | None = None  # its depth is on /v1/status for operators
    event_bus_name: str = "foodsave"
    notifications_topic_arn: str | None = None

    # Authentication: `Bearer dev-<name>` is honoured only when the local runtime turns this on.
    dev_auth: bool = False
    # Locally, dev users named ops-* are operators; this makes every dev user one (never in AWS).
    dev_operators: bool = False

    llm_provider: Literal["offline", "bedrock"] = "offline"
    bedrock_model_id: str = "anthropic.claude-3-haiku-20240307-v1:0"
    llm_timeout_seconds: float = 10.0
    # Multilingual-e5-small by default; `hashing` (hashed n-grams, also the automatic fallback) or `titan`.
    embedder: str = "e5"
    # Where Lambda fetches the e5 weights on cold start (the layer ships the engine without them).
    embedder_model_key: str = "models/multilingual-e5-small-q4/e5-small-q4.bin"
    ocr_engine: Literal["auto", "tesserocr", "pytesseract"] = "auto"
    tessdata_prefix: str | None = None

    max_upload_bytes: int = 10 * 1024 * 1024
    presign_expires_seconds: int = 900
    conversation_retention_days: int = 90
    index_refresh_seconds: float = 60.0
    # Locally, the bundled recipe and knowledge corpora are indexed on the first search when their sources changed
    # (nobody runs the deploy-time build on a laptop); off where the indexes are published ahead, as in AWS.
    index_bundled_corpora: bool = True
    index_cache_dir: Path | None = None
    efs_index_dir: Path | None = None

    weather_url: str = "https://api.open-meteo.com/v1/forecast"
    web_search_url: str = "https://api.duckduckgo.com/"
    http_timeout_seconds: float = 3.0

    schedule_seconds: float = 900.0
    trace_exporter: Literal["none", "console", "memory", "otlp"] = "none"
    log_level: str = "INFO"
    # Local runtime only, for crash tests: `point=count,...` holds work mid-flight (adapters.local.holds).
    hold_points: str = ""

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "foodsave.db"

    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: explicit setting, else the embedded SQLite file under data_dir."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.sqlite_path}"

    @property
    def objects_dir(self) -> Path:
        return self.data_dir / "objects"

    @property
    def queues_dir(self) -> Path:
        return self.data_dir / "queues"

    @property
    def resolved_index_cache_dir(self) -> Path:
        return self.index_cache_dir or (self.data_dir / "index-cache")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings of this process; read once per warm container."""
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the CLI switch data folders)."""
    get_settings.cache_clear()
