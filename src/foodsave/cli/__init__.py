"""The `foodsave` command: local runtime, database, demo, and the subcommands each area adds."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

AREAS = ("receipts", "vectors", "chat", "alerts", "demo")


def _settings():  # type: ignore[no-untyped-def]
    from foodsave.config import get_settings, reset_settings

    reset_settings()
    return get_settings()


def _serve(args: argparse.Namespace) -> int:
    from foodsave.runtime.local import serve

    settings = _settings()
    if args.schedule_seconds is not None:
        settings = settings.model_copy(update={"schedule_seconds": args.schedule_seconds})
    serve(settings, host=args.host, port=args.port)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from foodsave.db.migrate import current, upgrade

    url = _settings().resolved_database_url()
    upgrade(url, args.revision)
    print(f"database at revision {current(url)}")
    return 0


def _db_current(_: argparse.Namespace) -> int:
    from foodsave.db.migrate import current

    print(current(_settings().resolved_database_url()) or "empty")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foodsave", description="FoodSave AI: local runtime and tools")
    parser.add_argument("--data-dir", help="data folder (default: $FOODSAVE_DATA_DIR or ./.foodsave)")
    parser.add_argument("--verbose", action="store_true", help="print the full traceback of an error")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the whole API with the event wiring (local runtime)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--schedule-seconds",
        type=float,
        help="how often expiry warnings and alerts are evaluated (default $FOODSAVE_SCHEDULE_SECONDS or 900)",
    )
    serve.set_defaults(func=_serve)

    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    up = db.add_parser("upgrade", help="apply Alembic migrations")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_db_upgrade)
    db.add_parser("current", help="print the current revision").set_defaults(func=_db_current)

    for area in AREAS:
        importlib.import_module(f"foodsave.cli.{area}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an error is one line on stderr and exit code 2 (the traceback with --verbose)."""
    args = build_parser().parse_args(argv)
    if args.data_dir:
        os.environ["FOODSAVE_DATA_DIR"] = str(Path(args.data_dir))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the edge of the command line: one sentence, not a traceback
        if args.verbose:
            traceback.print_exc()
        print(f"foodsave: error: {error_line(exc)}", file=sys.stderr)
        return 2


def error_line(exc: BaseException) -> str:
    """One line that says what went wrong, without driver internals or a stack."""
    from sqlalchemy.exc import DBAPIError

    from foodsave.errors import FoodSaveError

    if isinstance(exc, FoodSaveError):
        text = exc.detail
        cause = exc.__cause__
        if isinstance(cause, DBAPIError):
            text = f"{text}: {_first_line(cause.orig)}"
    elif isinstance(exc, DBAPIError):
        text = f"the database is unavailable or refused the request: {_first_line(exc.orig)}"
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.strerror or exc}: {exc.filename}"
    elif isinstance(exc, ValueError | OSError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return _first_line(text) + " (run with --verbose for details)"


def _first_line(value: object) -> str:
    lines = str(value).strip().splitlines()
    return lines[0] if lines else type(value).__name__


if __name__ == "__main__":
    sys.exit(main())
