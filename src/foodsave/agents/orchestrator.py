"""The chat's orchestrator: validate the message, reload the conversation, detect the language, route to one
agent, let the language model rephrase the grounded draft, store the exchange and record the `ChatIntent` metric."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.router import Route, route
from foodsave.agents.text import detect_language
from foodsave.errors import FoodSaveError, InvalidInput
from foodsave.observability import logger, record_metric, span

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from foodsave.db.models import User
    from foodsave.services import Services

MAX_MESSAGE_CHARS = 4000
AGENT_MODULES = {
    "pantry": "foodsave.agents.pantry",
    "recipe": "foodsave.agents.chef",
    "meal_plan": "foodsave.agents.planner",
    "shopping": "foodsave.agents.shopping",
    "receipt": "foodsave.agents.receipts",
    "weather": "foodsave.agents.weather",
    "search": "foodsave.agents.web",
    "documents": "foodsave.agents.documents",
    "general": "foodsave.agents.general",
}


@dataclass
class ChatResult:
    conversation_id: str
    reply: str
    intent: str
    agent: str
    lang: str
    sources: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "reply": self.reply,
            "intent": self.intent,
            "agent": self.agent,
            "lang": self.lang,
            "sources": self.sources,
            "actions": self.actions,
            "degraded": self.degraded,
        }


def clean_message(message: str) -> str:
    """The message without NULs and surrounding space; empty or longer than 4000 characters is InvalidInput."""
    text = (message or "").replace("\x00", "").strip()
    if not text:
        raise InvalidInput("message must not be empty", code="EmptyMessage")
    if len(text) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"message is longer than {MAX_MESSAGE_CHARS} characters", code="MessageTooLong")
    return text


def run_agent(intent: str, ctx: AgentContext) -> AgentReply:
    module = importlib.import_module(AGENT_MODULES[intent])
    reply: AgentReply = module.handle(ctx)
    return reply


def _failure_reply(ctx: AgentContext, agent: str) -> AgentReply:
    return AgentReply(
        ctx.say(
            "Przepraszam, nie udało mi się teraz tego zrobić. Spróbuj ponownie za chwilę.",
            "Sorry, I couldn't do that right now. Please try again in a moment.",
        ),
        degraded=[agent],
    )


def handle_message(
    services: Services, session: Session, user: User, message: str, conversation_id: str | None = None
) -> ChatResult:
    """One chat turn for `user`; everything it reads and writes is scoped to that user."""
    from foodsave.agents.llm import compose
    from foodsave.agents.memory import open_conversation, recent_turns, record_exchange
    from foodsave.pantry.service import local_today

    text = clean_message(message)
    now = services.clock.now()
    conversation = open_conversation(session, user.id, conversation_id, text, now)
    history = recent_turns(session, conversation)
    previous_user = next((t.content for t in reversed(history) if t.role == "user"), None)
    fallback = user.locale if user.locale in ("pl", "en") else "pl"
    if previous_user:
        fallback = detect_language(previous_user, default=fallback)  # type: ignore[arg-type]
    lang = detect_language(text, default=fallback)  # type: ignore[arg-type]
    previous_intents = [t.intent for t in history if t.role == "assistant" and t.intent]
    with span("chat.route"):
        decided: Route = route(text, previous_intents)
    ctx = AgentContext(
        session=session,
        user=user,
        message=text,
        lang=lang,
        today=local_today(now, user.timezone or "Europe/Warsaw"),
        now=now,
        settings=services.settings,
        route=decided,
        history=history,
        summary=conversation.summary or "",
        services=services,
    )
    with span("chat.agent", intent=decided.intent, agent=decided.agent, source=decided.source):
        try:
            with session.begin_nested():
                draft = run_agent(decided.intent, ctx)
        except FoodSaveError as exc:
            logger.warning("agent refused", extra={"agent": decided.agent, "error": exc.detail})
            draft = _failure_reply(ctx, decided.agent)
        except Exception:  # noqa: BLE001 - a failing agent is a polite reply and a degraded flag, never a 500
            logger.exception("agent failed", extra={"agent": decided.agent})
            draft = _failure_reply(ctx, decided.agent)
    with span("chat.llm", provider=services.settings.llm_provider):
        composed = compose(services.llm, lang=lang, message=text, draft=draft, history=history)
    degraded = sorted(set(draft.degraded) | set(composed.degraded))
    services.holds.hold("chat.reply")  # the reply is composed, nothing of the turn is stored yet
    record_exchange(
        session,
        conversation,
        user_text=text,
        reply=composed.text,
        intent=decided.intent,
        agent=decided.agent,
        sources=draft.sources,
        now=now,
    )
    record_metric(
        "ChatIntent", 1, intent=decided.intent, agent=decided.agent, source=decided.source, lang=lang
    )
    if degraded:
        record_metric("ChatDegraded", 1, services=",".join(degraded))
    return ChatResult(
        conversation_id=conversation.id,
        reply=composed.text,
        intent=decided.intent,
        agent=decided.agent,
        lang=lang,
        sources=draft.sources,
        actions=draft.actions,
        degraded=degraded,
    )
