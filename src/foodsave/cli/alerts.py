"""`foodsave alerts evaluate` (one scheduled run against the local database, printing what changed) and
`foodsave alerts rules` (the alert rules)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any


def _logs_to_stderr() -> None:
    """Keep stdout for the command's output (the JSON logger writes to stdout, as Lambda wants)."""
    import logging
    import sys

    from foodsave.observability import logger

    for handler in logger.handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sys.__stderr__ or sys.stderr)


def _services():  # type: ignore[no-untyped-def]
    from foodsave.bootstrap import build_services
    from foodsave.config import get_settings, reset_settings
    from foodsave.db.migrate import upgrade

    _logs_to_stderr()
    reset_settings()
    settings = get_settings()
    upgrade(settings.resolved_database_url())
    return build_services(settings)


def _instant(text: str) -> datetime:
    """An ISO 8601 instant; one without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 instant: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    widths = {c: max([len(c), *(len(str(r.get(c, ""))) for r in rows)]) for c in columns}
    lines = ["  ".join(c.upper().ljust(widths[c]) for c in columns)]
    lines += ["  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def _evaluate(args: argparse.Namespace) -> int:
    from foodsave.alerts.schedule import run_scheduled

    services = _services()
    try:
        result = run_scheduled(services, now=args.at)
    finally:
        services.db.dispose()
    changes = result.pop("alert_changes", [])
    notifications = result.pop("notification_ids", [])
    if args.json:
        for change in changes:
            print(json.dumps({"type": "alert", **change}))
        for notification_id in notifications:
            print(json.dumps({"type": "notification", "id": notification_id}))
        print(json.dumps({"type": "summary", **result}))
        return 1 if result.get("failed") else 0
    if changes:
        print(_table(changes, ["at", "rule", "from_state", "to_state", "value", "note"]))
    else:
        print("no alert changed state")
    print(
        f"notifications created: {len(notifications)} (deferred for quiet hours: {result.get('notifications_deferred', 0)})"
    )
    summary = {
        k: v for k, v in result.items() if k not in ("notifications_created", "notifications_deferred")
    }
    print("summary: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 1 if result.get("failed") else 0


def _rules(args: argparse.Namespace) -> int:
    from foodsave.alerts.rules import AlertRuleOut, RuleService, seed_default_rules

    services = _services()
    try:
        with services.db.session() as session:
            seed_default_rules(session)
            rules = [
                AlertRuleOut.model_validate(r).model_dump(mode="json") for r in RuleService(session).list()
            ]
    finally:
        services.db.dispose()
    if args.json:
        for rule in rules:
            print(json.dumps(rule))
        return 0
    for rule in rules:
        rule["condition"] = f"{rule['statistic']}({rule['metric']}) {rule['operator']} {rule['threshold']:g}"
        rule["dims"] = ",".join(f"{k}={v}" for k, v in rule["dimensions"].items())
    print(
        _table(
            rules,
            [
                "name",
                "condition",
                "dims",
                "period_seconds",
                "duration_seconds",
                "cooldown_seconds",
                "severity",
                "enabled",
            ],
        )
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alerts = subparsers.add_parser("alerts", help="operational alerts and expiry notifications")
    sub = alerts.add_subparsers(dest="alerts_command", required=True)
    evaluate = sub.add_parser(
        "evaluate", help="run one evaluation (food + operational) and print what changed"
    )
    evaluate.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    evaluate.add_argument(
        "--at", type=_instant, default=None, help="evaluate as of this ISO 8601 instant (default: now)"
    )
    evaluate.set_defaults(func=_evaluate)
    rules = sub.add_parser("rules", help="list the alert rules (the defaults are seeded on first use)")
    rules.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    rules.set_defaults(func=_rules)
