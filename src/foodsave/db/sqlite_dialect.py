"""SQLite through pysqlite, whose savepoints begin no transaction of their own.

pysqlite runs reads outside any transaction and begins one at the first write, which waits for the write
lock (the busy timeout). A SAVEPOINT issued outside a transaction would instead begin a deferred transaction
at once: its reads pin a snapshot, so its first write fails at once ("database is locked", SQLITE_BUSY_SNAPSHOT,
which no busy timeout waits out) when another connection committed meanwhile, and releasing it commits,
ending the unit of work's transaction before the unit of work does.

Such a savepoint is only marked here. The connection holds no uncommitted write when it is opened, so rolling
back to it is rolling back the connection's transaction, and releasing it leaves the writes made under it to
commit with the unit of work. A savepoint opened inside a transaction is an ordinary one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite

DRIVER = "sqlite+foodsave"
_MARKED = "foodsave.marked_savepoints"


class SQLiteMarkedSavepoints(SQLiteDialect_pysqlite):
    """pysqlite with savepoints outside a transaction marked instead of sent (see the module docstring)."""

    supports_statement_cache = True  # statements compile as with pysqlite itself

    def do_savepoint(self, connection: Any, name: str) -> None:
        marked: set[str] = connection.info.setdefault(_MARKED, set())
        if connection.connection.dbapi_connection.in_transaction:
            marked.discard(name)
            super().do_savepoint(connection, name)
        else:
            marked.add(name)

    def do_rollback_to_savepoint(self, connection: Any, name: str) -> None:
        if name in connection.info.get(_MARKED, ()):
            connection.connection.dbapi_connection.rollback()
        else:
            super().do_rollback_to_savepoint(connection, name)

    def do_release_savepoint(self, connection: Any, name: str) -> None:
        if name not in connection.info.get(_MARKED, ()):
            super().do_release_savepoint(connection, name)


registry.register("sqlite.foodsave", __name__, SQLiteMarkedSavepoints.__name__)
