"""`foodsave chat`: talk to the assistant from the terminal, one message as an argument or one per stdin line,
against the database under FOODSAVE_DATA_DIR; `--json` prints one JSON object per message."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("chat", help="send messages to the chat assistant (offline agents)")
    parser.add_argument("message", nargs="?", help="the message; without it, one message per stdin line")
    parser.add_argument("--json", action="store_true", help="one JSON object per message")
    parser.add_argument(
        "--user", default="anna", help="local user name: the one `Bearer dev-NAME` signs in as (default anna)"
    )
    parser.add_argument("--conversation", help="continue this conversation (every message goes to it)")
    parser.set_defaults(func=run)


def _messages(args: argparse.Namespace) -> list[str] | None:
    if args.message is not None:
        return [args.message]
    return None


def run(args: argparse.Namespace) -> int:
    from foodsave.agents.orchestrator import handle_message
    from foodsave.bootstrap import build_services
    from foodsave.config import get_settings, reset_settings
    from foodsave.db.migrate import upgrade
    from foodsave.errors import FoodSaveError
    from foodsave.users import get_or_create_user

    reset_settings()
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url())
    services = build_services(settings)
    subject = f"dev:{args.user}"
    status = 0

    def one(message: str) -> None:
        nonlocal status
        try:
            with services.db.session() as session:
                user = get_or_create_user(session, subject)
                result = handle_message(services, session, user, message, args.conversation)
                out: dict[str, Any] = {
                    "conversation_id": result.conversation_id,
                    "intent": result.intent,
                    "agent": result.agent,
                    "reply": result.reply,
                    "sources": result.sources,
                    "actions": result.actions,
                    "degraded": result.degraded,
                }
        except FoodSaveError as exc:
            status = 2
            out = {"error": exc.code, "detail": exc.detail, "status": exc.status}
        if args.json:
            print(json.dumps(out, ensure_ascii=False, default=str), flush=True)
        elif "error" in out:
            print(f"error: {out['detail']}", file=sys.stderr, flush=True)
        else:
            degraded = f"  (unavailable: {', '.join(out['degraded'])})" if out["degraded"] else ""
            print(f"[{out['intent']}/{out['agent']}] {out['reply']}{degraded}", flush=True)

    try:
        messages = _messages(args)
        if messages is not None:
            for message in messages:
                one(message)
        else:
            for line in sys.stdin:  # a blank line answers with an error object, so output stays line-aligned
                one(line.rstrip("\n"))
    finally:
        services.db.dispose()
    return status
