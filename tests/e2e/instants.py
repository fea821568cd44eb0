"""The fixed instant the e2e runtime's clock starts at (daytime in Warsaw, so expiry notifications are not
held back for the night); example request bodies are dated from it, never from the wall clock."""

from datetime import UTC, datetime, timedelta

E2E_START = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
TOMORROW = (E2E_START + timedelta(days=1)).date()
