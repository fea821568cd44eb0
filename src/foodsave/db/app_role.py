"""The application's login role for IAM database authentication: created by the migration, after the schema.

On Aurora a role that is a member of `rds_iam` logs in with RDS IAM tokens instead of a password. The
role gets data access (no DDL) on the schema's tables and sequences, now and for tables added by later
migrations, which run as the admin user.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def ensure_app_role(connection: Connection, role: str, *, schema: str = "public") -> None:
    """Create `role` if missing, make it IAM-authenticated and grant it read/write on `schema`."""
    for name in (role, schema):
        if not ROLE_NAME.match(name):
            raise ValueError(f"not a plain PostgreSQL identifier: {name!r}")
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if exists is None:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    connection.execute(text(f"GRANT rds_iam TO {role}"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {role}"))
    connection.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    )
    connection.execute(text(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"))
    connection.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
        )
    )
    connection.execute(
        text(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}"
        )
    )
