"""The household documents migration: existing documents stay personal; going down turns shared documents
back into their uploader's and drops those whose uploader is gone; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from foodsave.db.migrate import downgrade, upgrade

BEFORE = "0007_households"
AT = "2025-01-10 08:00:00"


def _run(url: str, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params or {})
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()


def _seed(url: str) -> None:
    _run(url, "INSERT INTO households (id, created_at) VALUES ('h1', :at)", {"at": AT})
    _run(
        url,
        "INSERT INTO users (id, external_sub, locale, timezone, expiry_warning_days, created_at) "
        "VALUES ('u1', 'u1', 'pl', 'Europe/Warsaw', 2, :at)",
        {"at": AT},
    )


def _document(url: str, doc_id: str, user_id: str | None, household_id: str | None = None) -> None:
    columns = "id, user_id, title, status, chunks, created_at" + (", household_id" if household_id else "")
    values = ":id, :u, 'Notatka', 'ready', 1, :at" + (", :h" if household_id else "")
    params = {"id": doc_id, "u": user_id, "at": AT, "h": household_id}
    _run(url, f"INSERT INTO documents ({columns}) VALUES ({values})", params)  # noqa: S608


def test_existing_documents_stay_personal(db_url):
    downgrade(db_url, BEFORE)
    _seed(db_url)
    _document(db_url, "d1", "u1")
    upgrade(db_url)
    assert _run(db_url, "SELECT id, user_id, household_id FROM documents") == [("d1", "u1", None)]


def test_going_down_keeps_shared_documents_of_present_uploaders_only(db_url):
    downgrade(db_url, BEFORE)
    _seed(db_url)
    upgrade(db_url)
    _document(db_url, "d1", "u1", "h1")
    _document(db_url, "d2", None, "h1")
    downgrade(db_url, BEFORE)
    assert _run(db_url, "SELECT id, user_id FROM documents ORDER BY id") == [("d1", "u1")]
    upgrade(db_url)
