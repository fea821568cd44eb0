"""Shared fixtures: a throwaway PostgreSQL cluster, fresh migrated databases on both backends,
settings in a temp data folder, services, and an HTTP client on the merged local app."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge outcomes, never time: on a shared machine a per-example deadline fails at random.
settings.register_profile("foodsave", deadline=None)
settings.load_profile("foodsave")

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "FoodSaveTest")
os.environ.setdefault("POWERTOOLS_DEV", "false")
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
# The multilingual model is the default embedder; tests that do not specify retrieval quality use the fast
# hashed n-grams (tests/unit/vectors/test_default_retrieval.py runs the defaults).
os.environ.setdefault("FOODSAVE_EMBEDDER", "hashing")

from tests import clock_shift  # noqa: E402
from tests.pg import PgCluster, start_cluster  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    """With FOODSAVE_TEST_CLOCK set (`make date-shift`), the whole run happens at another date."""
    spec = os.environ.get(clock_shift.ENV)
    if spec:
        config.stash[_TRAVELLER] = clock_shift.start(spec)


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    spec = os.environ.get(clock_shift.ENV)
    return f"wall clock shifted: {clock_shift.ENV}={spec}" if spec else None


_TRAVELLER = pytest.StashKey[object]()

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
_pg_error: str | None = None


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster | None]:
    """The session's PostgreSQL; its absence is loud, and a failure in CI."""
    global _pg_error
    try:
        cluster = start_cluster()
    except Exception as exc:  # noqa: BLE001
        _pg_error = f"PostgreSQL could not be started: {exc}"
        print(f"\n!!! {_pg_error} — PostgreSQL tests will {'FAIL (CI)' if IN_CI else 'be SKIPPED'} !!!\n")
        yield None
        return
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster | None) -> str | None:
    """A migrated template database; each test copies it (CREATE DATABASE ... TEMPLATE is fast)."""
    if pg_cluster is None:
        return None
    from sqlalchemy import create_engine, text

    from foodsave.db.migrate import upgrade

    admin = create_engine(pg_cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE foodsave_template"))
    admin.dispose()
    upgrade(pg_cluster.url("foodsave_template"))
    return "foodsave_template"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from foodsave.db.migrate import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _require_pg(cluster: PgCluster | None) -> PgCluster:
    if cluster is None:
        if IN_CI:
            pytest.fail(_pg_error or "PostgreSQL is required in CI")
        pytest.skip(_pg_error or "PostgreSQL unavailable")
    return cluster


@pytest.fixture
def pg_url(pg_cluster: PgCluster | None, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    with fresh_pg_database(pg_cluster, pg_template) as url:
        yield url


@contextmanager
def fresh_pg_database(pg_cluster: PgCluster | None, pg_template: str | None) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (copied from the template), dropped afterwards."""
    cluster = _require_pg(pg_cluster)
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE {pg_template}'))
    try:
        yield cluster.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated SQLite database file for one test."""
    path = tmp_path / "foodsave.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on both backends (override with indirect parametrize to pick one)."""
    return str(request.getfixturevalue("pg_url" if request.param == "postgres" else "sqlite_url"))


@pytest.fixture
def settings(tmp_path: Path, db_url: str):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from foodsave.config import Settings

    return Settings(env="local", data_dir=tmp_path / "data", database_url=SecretStr(db_url), dev_auth=True)


@pytest.fixture
def services(settings):  # type: ignore[no-untyped-def]
    from foodsave.adapters.local import FrozenClock
    from foodsave.bootstrap import build_services, set_services

    built = build_services(settings)
    built.clock = FrozenClock()
    set_services(built)
    try:
        yield built
    finally:
        set_services(None)


@pytest.fixture
def client(services):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from foodsave.api.apps import local_app

    with TestClient(local_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def auth() -> Callable[[str], dict[str, str]]:
    """Headers that sign in as a local dev user."""
    return lambda name="anna": {"Authorization": f"Bearer dev-{name}"}
