"""The HTTP contract's behaviour does not depend on the database backend: these tests run on SQLite
(the integrity of each backend is covered by the kitchen and foundation suites)."""

from __future__ import annotations

import pytest


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url
