"""Data layer: SQLAlchemy 2 models, sessions per invocation, Alembic migrations."""
