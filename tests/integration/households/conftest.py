"""What the household document tests share: a note, a question it answers, and indexes read afresh."""

from __future__ import annotations

import pytest

NOTE = "Babcia kisiła ogórki w kamiennym garnku z koprem i czosnkiem. Kiszone ogórki dojrzewają tydzień."
QUERY = {"q": "kiszenie ogórków", "scope": "documents"}


@pytest.fixture
def indexes_reread_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Search checks each index's `latest` pointer on every query, so a rebuilt index is seen at once."""
    monkeypatch.setenv("FOODSAVE_INDEX_REFRESH_SECONDS", "0")
